use crate::support::{TestDir, advisory, copy_real_advisories, mkfifo};

#[test]
fn real_advisories_lint_clean() {
    let dir = TestDir::new();
    copy_real_advisories(&dir);
    let out = dir.osec(&["lint", "advisories"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "checked 26 advisory files: 0 errors, 0 warnings\n"
    );
}

#[test]
fn errors_render_rustc_style_and_exit_1() {
    let dir = TestDir::new();
    dir.write(
        "advisories/2026/OSEC-2026-01.md",
        &advisory("OSEC-2026-01").replace("published:", "publish:"),
    );
    let out = dir.osec(&["lint"]);
    assert_eq!(out.code, 1, "{out:?}");
    let expected = "\
error[ADV005]: unknown field `publish`
 --> ./advisories/2026/OSEC-2026-01.md:4:1
  |
4 | publish: \"2026-03-01T10:00:00Z\"
  | ^^^^^^^ unknown-field
  |
  = help: did you mean `published`?
checked 1 advisory file: 1 error, 0 warnings
";
    assert_eq!(out.stdout, expected);
}

#[test]
fn json_output_has_diagnostics_and_totals() {
    let dir = TestDir::new();
    dir.write(
        "a/2026/OSEC-2026-01.md",
        &advisory("OSEC-2026-01").replace("CVSS:3.1", "CVSS:9.9"),
    );
    dir.write("a/2026/OSEC-2026-02.md", &advisory("OSEC-2026-01"));
    let out = dir.osec(&["lint", "--format", "json", "a"]);
    assert_eq!(out.code, 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["errors"], 3);
    assert_eq!(json["warnings"], 0);
    let codes: Vec<(&str, i64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_i64().unwrap()))
        .collect();
    assert_eq!(codes, [("ADV016", 5), ("ADV010", 2), ("ADV012", 2)]);
    let first = &json["diagnostics"][0];
    assert_eq!(first["path"], "a/2026/OSEC-2026-01.md");
    assert_eq!(first["column"], 11);
    assert_eq!(first["severity"], "error");
}

#[test]
fn sarif_output_is_sarif_2_1_0_with_rules() {
    let dir = TestDir::new();
    dir.write(
        "OSEC-2026-01.md",
        &advisory("OSEC-2026-01")
            .replace("CWE", "")
            .replace("# A bug", "## A bug"),
    );
    let out = dir.osec(&["lint", "--format", "sarif", "OSEC-2026-01.md"]);
    assert_eq!(out.code, 1, "{out:?}");
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "osec");
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 30);
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "ADV003");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
}

#[test]
fn repository_checks_use_the_given_repositories() {
    let dir = TestDir::new();
    dir.write(
        "repo/packages/ocaml/ocaml.4.02.3/opam",
        "opam-version: \"2.0\"\n",
    );
    dir.write(
        "repo/packages/ocaml/ocaml.4.03.0/opam",
        "opam-version: \"2.0\"\n",
    );
    dir.write(
        "archive/packages/ocaml/ocaml.4.01.0/opam",
        "opam-version: \"2.0\"\n",
    );
    let text = advisory("OSEC-2026-01").replace(
        "affected: \"ocaml\" {< \"4.03.0\"}",
        "affected: [\n  \"ocaml\" {< \"4.02.9\"}\n  \"ocamll\" {< \"1\"}\n]",
    );
    dir.write("advisories/2026/OSEC-2026-01.md", &text);
    let out = dir.osec(&[
        "lint",
        "--format",
        "json",
        "advisories",
        "--repo",
        "repo",
        "--repo",
        "archive",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // 4.01.0 (archive only) is affected, so no ADV026; 4.02.9 is no release: ADV027.
    assert_eq!(codes, ["ADV027", "ADV025"]);
    assert_eq!(json["warnings"], 1);
}

#[test]
fn a_missing_path_exits_2() {
    let dir = TestDir::new();
    let out = dir.osec(&["lint", "nowhere"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("nowhere does not exist"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_repository_exits_2() {
    let dir = TestDir::new();
    dir.write("OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    let out = dir.osec(&["lint", "--repo", "no-repo", "OSEC-2026-01.md"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no-repo"), "{}", out.stderr);
}

/// Two files: one with an ordinary lint error, one whose credit is Latin-1 (byte
/// 0xE9 at line 5, column 26), between them in path order.
fn one_file_not_utf8(dir: &TestDir) {
    dir.write(
        "advisories/2026/OSEC-2026-01.md",
        &advisory("OSEC-2026-01").replace("published:", "publish:"),
    );
    let latin1 = advisory("OSEC-2026-02").replace(
        "severity:",
        "credits: [ [reporter \"Ren\u{e9}e\"] ]\nseverity:",
    );
    let latin1 = latin1.replace('\u{e9}', "\u{fffd}").into_bytes();
    let at = latin1
        .windows(3)
        .position(|w| w == "\u{fffd}".as_bytes())
        .unwrap();
    let mut bytes = latin1[..at].to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(&latin1[at + 3..]);
    std::fs::write(dir.path().join("advisories/2026/OSEC-2026-02.md"), bytes).unwrap();
    dir.write(
        "advisories/2026/OSEC-2026-03.md",
        &advisory("OSEC-2026-03").replace("published:", "publish:"),
    );
}

/// Issue 13/14: one file that is not UTF-8 stopped the whole run with exit 2 and a
/// bare message, no diagnostics and nothing about the other files.
#[test]
fn a_file_that_is_not_utf8_is_a_diagnostic_with_its_position_and_the_others_are_checked() {
    let dir = TestDir::new();
    one_file_not_utf8(&dir);
    let out = dir.osec(&["lint", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    let expected = "\
error[ADV028]: the file is not UTF-8 text: byte 0xE9 starts no UTF-8 character
 --> advisories/2026/OSEC-2026-02.md:5:26
  |
5 | credits: [ [reporter \"Ren\u{fffd}e\"] ]
  |                          ^ unreadable-file
  |
  = help: save the file as UTF-8; advisories are UTF-8 Markdown
";
    assert!(out.stdout.contains(expected), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("error[ADV005]").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("checked 3 advisory files: 3 errors, 0 warnings\n"),
        "{}",
        out.stdout
    );

    let out = dir.osec(&["lint", "--format", "json", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(&str, &str, i64, i64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["line"].as_i64().unwrap(),
                d["column"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("advisories/2026/OSEC-2026-01.md", "ADV005", 4, 1),
            ("advisories/2026/OSEC-2026-02.md", "ADV028", 5, 26),
            ("advisories/2026/OSEC-2026-03.md", "ADV005", 4, 1),
        ]
    );

    let out = dir.osec(&["lint", "--format", "sarif", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let unreadable = results.iter().find(|r| r["ruleId"] == "ADV028").unwrap();
    let location = &unreadable["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "advisories/2026/OSEC-2026-02.md"
    );
    assert_eq!(location["region"]["startLine"], 5);
    assert_eq!(location["region"]["startColumn"], 26);
}

/// Issue 14: a FIFO named like an advisory blocked `lint` forever.
#[test]
fn a_fifo_named_like_an_advisory_is_reported_without_blocking() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    mkfifo(&dir.path().join("advisories/2026/OSEC-2026-02.md"));
    let out = dir.osec_guarded(&["lint", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.starts_with(
            "error[ADV028]: cannot read the file: it is a FIFO (named pipe), not a regular file; \
             give the path of a regular file\n --> advisories/2026/OSEC-2026-02.md:1:1\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("checked 2 advisory files: 1 error, 0 warnings\n"),
        "{}",
        out.stdout
    );
}

/// Issue 14: `/dev/zero` or a 2 GB sparse file exhausted memory in `lint`.
#[test]
fn dev_zero_and_a_sparse_2_gb_file_are_refused_without_being_read() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    std::os::unix::fs::symlink(
        "/dev/zero",
        dir.path().join("advisories/2026/OSEC-2026-02.md"),
    )
    .unwrap();
    std::fs::File::create(dir.path().join("advisories/2026/OSEC-2026-03.md"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let out = dir.osec_guarded(&["lint", "--format", "json", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let messages: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().all(|(code, _)| *code == "ADV028"));
    assert!(messages[0].1.contains("character device"), "{messages:?}");
    assert!(
        messages[1].1.contains("larger than 16777216 bytes"),
        "{messages:?}"
    );
}

/// Issue 14: control characters of file names reached the terminal.
#[test]
fn human_output_escapes_control_characters_of_file_names() {
    let dir = TestDir::new();
    let name = "OSEC-2026-01\u{1b}[2J\r\nerror: forged.md";
    dir.write(
        &format!("advisories/2026/{name}"),
        &advisory("OSEC-2026-01"),
    );
    let out = dir.osec(&["lint", "advisories"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.contains('\r'),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(" --> advisories/2026/OSEC-2026-01\\u{1b}[2J\\r\\nerror: forged.md:2:5"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.lines().any(|l| l.starts_with("error: forged")),
        "{}",
        out.stdout
    );
    let json = dir.osec(&["lint", "--format", "json", "advisories"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        json["diagnostics"][0]["path"],
        format!("advisories/2026/{name}"),
        "JSON keeps the name, escaped by JSON itself"
    );
}

/// Issue 14: data quoted from an advisory reached the terminal with its control
/// characters. C0 controls show as symbols (␛); C1 controls, which some terminals
/// obey as escape sequences, as `¿`; the message quoting the data escapes it.
#[test]
fn human_output_quotes_no_raw_control_characters_of_the_data() {
    let dir = TestDir::new();
    dir.write(
        "a/2026/OSEC-2026-01.md",
        &advisory("OSEC-2026-01")
            .replace("severity:", "colour: \"a\u{9b}31m\u{1b}[2J\"\nseverity:"),
    );
    dir.write(
        "a/2026/OSEC-2026-02.md",
        &advisory("OSEC-2026-02").replace("severity:", "x\u{1b}y: 1\nseverity:"),
    );
    let out = dir.osec(&["lint", "a"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        !out.stdout.contains(['\u{9b}', '\u{1b}']),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout.contains("5 | colour: \"a\u{bf}31m\u{241b}[2J\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("'\\u{1b}' is not a valid token"),
        "{}",
        out.stdout
    );
}
