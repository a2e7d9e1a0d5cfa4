use crate::support::{TestDir, advisory, copy_real_advisories};

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
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 27);
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
