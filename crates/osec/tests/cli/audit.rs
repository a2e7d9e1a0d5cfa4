//! `osec audit` on the scenarios made with the real opam
//! (crates/audit/tests/data/audit/, see its README), with the embedded database.

use serde_json::Value;

use crate::support::{
    TestDir, no_opam_records, pypi_zip, record, scenario, zip_naming_an_entry_twice, zip_of,
};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}):\n{text}"))
}

/// (id, package, version, path) of every finding of the first input.
fn findings(report: &Value) -> Vec<(String, String, String, String, bool)> {
    report["inputs"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let path: Vec<&str> = f["path"]
                .as_array()
                .expect("path")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            (
                f["id"].as_str().unwrap_or_default().to_owned(),
                f["package"].as_str().unwrap_or_default().to_owned(),
                f["installed_version"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                path.join(" → "),
                f["development_only"].as_bool().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn vulnerable_switch_reports_exactly_the_advisories_listing_the_installed_versions_with_paths() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "audit",
        "--switch",
        &format!("{}/_opam", scenario("vulnerable")),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = findings(&json(&out.stdout));
    let expected = [
        (
            "OSEC-2026-16",
            "cohttp",
            "6.2.2",
            "myapp → cohttp-lwt-unix → cohttp",
        ),
        (
            "OSEC-2026-12",
            "mirage-crypto",
            "2.1.0",
            "myapp → tls → mirage-crypto",
        ),
        (
            "OSEC-2026-13",
            "mirage-crypto-ec",
            "2.1.0",
            "myapp → tls → mirage-crypto-ec",
        ),
        (
            "OSEC-2026-15",
            "mirage-crypto-ec",
            "2.1.0",
            "myapp → tls → mirage-crypto-ec",
        ),
        (
            "OSEC-2026-17",
            "mirage-crypto-ec",
            "2.1.0",
            "myapp → tls → mirage-crypto-ec",
        ),
        ("OSEC-2026-01", "ocaml", "4.14.2", "myapp → ocaml"),
        ("OSEC-2026-04", "ocaml", "4.14.2", "myapp → ocaml"),
        ("OSEC-2026-05", "ocaml", "4.14.2", "myapp → ocaml"),
        ("OSEC-2026-06", "tls", "2.0.3", "myapp → tls"),
        ("OSEC-2026-07", "tls", "2.0.3", "myapp → tls"),
    ]
    .map(|(a, b, c, d)| {
        (
            a.to_owned(),
            b.to_owned(),
            c.to_owned(),
            d.to_owned(),
            false,
        )
    });
    assert_eq!(got, expected);
}

#[test]
fn every_input_format_of_the_vulnerable_project_finds_cohttp() {
    let dir = TestDir::new();
    let base = scenario("vulnerable");
    for args in [
        vec!["--export".to_owned(), format!("{base}/switch-full.export")],
        vec!["--lock".to_owned(), format!("{base}/myapp.opam.locked")],
        vec!["--lock".to_owned(), format!("{base}/dune.lock")],
        vec!["--lock".to_owned(), format!("{base}/esy.lock")],
    ] {
        let mut all = vec!["audit", "--format", "json"];
        all.extend(args.iter().map(String::as_str));
        let out = dir.osec(&all);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        let got = findings(&json(&out.stdout));
        assert!(
            got.iter()
                .any(|f| f.0 == "OSEC-2026-16" && f.1 == "cohttp" && f.2 == "6.2.2"),
            "{args:?}: {got:?}"
        );
    }
}

#[test]
fn clean_project_exits_zero_and_says_so() {
    let dir = TestDir::new();
    let out = dir.osec(&["audit", &scenario("clean")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("no vulnerabilities found"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("0 vulnerabilities found"),
        "{}",
        out.stdout
    );
}

#[test]
fn pinned_package_is_matched_only_with_include_pinned() {
    let dir = TestDir::new();
    let switch = format!("{}/_opam", scenario("pinned"));
    let out = dir.osec(&["audit", "--switch", &switch, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        json(&out.stdout)["inputs"][0]["pinned_skipped"],
        serde_json::json!(["tls"])
    );
    let out = dir.osec(&[
        "audit",
        "--switch",
        &switch,
        "--format",
        "json",
        "--include-pinned",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let ids: Vec<String> = findings(&json(&out.stdout))
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(ids, ["OSEC-2026-06", "OSEC-2026-07"]);
}

#[test]
fn development_only_finding_is_marked_and_skipped_with_no_dev() {
    let dir = TestDir::new();
    let switch = format!("{}/_opam", scenario("dev-only"));
    let out = dir.osec(&["audit", "--switch", &switch, "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = findings(&json(&out.stdout));
    assert_eq!(
        got,
        [(
            "OSEC-2026-08".to_owned(),
            "tar".to_owned(),
            "3.3.0".to_owned(),
            "devapp → tar-unix → tar".to_owned(),
            true
        )]
    );
    let out = dir.osec(&["audit", "--switch", &switch, "--no-dev"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("(development only)"), "{}", out.stdout);
}

#[test]
fn ignores_apply_until_they_expire_and_unused_ones_warn() {
    let dir = TestDir::new();
    let switch = format!("{}/_opam", scenario("dev-only"));
    dir.write(
        "osec.toml",
        "[[ignore]]\nid = \"OSEC-2026-08\"\nreason = \"tests only\"\nuntil = \"2999-01-01\"\n\n\
         [[ignore]]\nid = \"OSEC-2020-01\"\nreason = \"gone\"\n",
    );
    let config = dir.path().join("osec.toml").display().to_string();
    let out = dir.osec(&["audit", "--switch", &switch, "--config", &config]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("ignored OSEC-2026-08 in tar 3.3.0 (ignore: tests only)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("warning: the ignore of OSEC-2020-01 matches no finding"),
        "{}",
        out.stdout
    );

    dir.write(
        "osec.toml",
        "[[ignore]]\nid = \"OSEC-2026-08\"\nreason = \"tests only\"\nuntil = \"2000-01-01\"\n",
    );
    let out = dir.osec(&["audit", "--switch", &switch, "--config", &config]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("warning: the ignore of OSEC-2026-08 expired on 2000-01-01"),
        "{}",
        out.stdout
    );

    let out = dir.osec(&["audit", "--switch", &switch, "--ignore", "OSEC-2026-08"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn config_without_reason_is_an_error_naming_the_file_and_line() {
    let dir = TestDir::new();
    dir.write("osec.toml", "[[ignore]]\nid = \"OSEC-2026-08\"\n");
    let config = dir.path().join("osec.toml").display().to_string();
    let out = dir.osec(&["audit", &scenario("clean"), "--config", &config]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("osec.toml:1:1: missing field `reason`"),
        "{}",
        out.stderr
    );
}

#[test]
fn severity_threshold_sets_findings_below_it_aside() {
    let dir = TestDir::new();
    let switch = format!("{}/_opam", scenario("vulnerable"));
    let out = dir.osec(&[
        "audit",
        "--switch",
        &switch,
        "--format",
        "json",
        "--severity-threshold",
        "high",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let ids: Vec<String> = findings(&json(&out.stdout))
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(ids, ["OSEC-2026-16", "OSEC-2026-06", "OSEC-2026-07"]);
    let out = dir.osec(&[
        "audit",
        "--switch",
        &switch,
        "--severity-threshold",
        "critical",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn sarif_output_has_the_structure_github_code_scanning_requires() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "audit",
        "--switch",
        &format!("{}/_opam", scenario("vulnerable")),
        "--format",
        "sarif",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = json(&out.stdout);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "osec");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule_ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(rule_ids.len(), 10);
    for rule in rules {
        assert!(rule["shortDescription"]["text"].is_string());
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .expect("score")
            .parse()
            .expect("number");
        assert!((0.0..=10.0).contains(&score));
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 10);
    for result in results {
        assert!(rule_ids.contains(&result["ruleId"].as_str().expect("ruleId")));
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        assert!(result["message"]["text"].is_string());
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.ends_with("_opam/.opam-switch/switch-state"), "{uri}");
    }
}

#[test]
fn cyclonedx_output_lists_components_with_purls_and_their_vulnerabilities() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "audit",
        "--switch",
        &format!("{}/_opam", scenario("vulnerable")),
        "--format",
        "cyclonedx",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let bom = json(&out.stdout);
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(purls.contains(&"pkg:opam/cohttp@6.2.2"), "{purls:?}");
    for vulnerability in bom["vulnerabilities"].as_array().expect("vulnerabilities") {
        for affected in vulnerability["affects"].as_array().expect("affects") {
            assert!(
                purls.contains(&affected["ref"].as_str().expect("ref")),
                "dangling ref"
            );
        }
        let method = vulnerability["ratings"][0]["method"]
            .as_str()
            .expect("method");
        assert!(["CVSSv3", "CVSSv31", "CVSSv4"].contains(&method));
    }
}

#[test]
fn markdown_output_is_a_table_with_one_row_per_finding() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "audit",
        "--switch",
        &format!("{}/_opam", scenario("vulnerable")),
        "--format",
        "markdown",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("## osec audit: 10 vulnerabilities\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with("| OSEC-"))
            .count(),
        10,
        "{}",
        out.stdout
    );
}

#[test]
fn broken_inputs_exit_two_naming_file_and_position() {
    let dir = TestDir::new();
    let out = dir.osec(&["audit", &scenario("broken/truncated-switch-state")]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("_opam/.opam-switch/switch-state:11:6: unterminated string"),
        "{}",
        out.stderr
    );
    let bad_db = dir.write("bad.json", "{not json");
    let out = dir.osec(&[
        "audit",
        &scenario("clean"),
        "--db",
        &bad_db.display().to_string(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
}

/// Issue 20: tezos-mirror's `opam/virtual/` holds package definitions named
/// `*.opam.locked` beside a real lock, and another lock there may be half-written.
/// Every format still reports the real lock's findings; the unreadable file is an
/// error naming its line, and the exit code is 2.
#[test]
fn one_unreadable_file_exits_two_and_every_format_reports_the_rest() {
    let dir = TestDir::new();
    let virtual_dir = format!(
        "{}/../audit/tests/data/projects/tezos/virtual",
        env!("CARGO_MANIFEST_DIR")
    );
    for entry in std::fs::read_dir(&virtual_dir).expect("the tezos fixture") {
        let entry = entry.expect("entry");
        let text = std::fs::read_to_string(entry.path()).expect("text");
        dir.write(
            &format!("virtual/{}", entry.file_name().to_string_lossy()),
            &text,
        );
    }
    dir.write(
        "virtual/half.opam.locked",
        "opam-version: \"2.0\"\ndepends: [\n  \"tls\" {= \"2.0.3\"}\n  \"cohttp\" {= \"6.",
    );
    for format in ["table", "json", "sarif", "markdown", "cyclonedx"] {
        let out = embedded(&dir, &["audit", "virtual", "--format", format]);
        assert_eq!(out.code, 2, "{format}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr
                .contains("osec audit: error: virtual/half.opam.locked:4:"),
            "{format}: {}",
            out.stderr
        );
        // octez-deps.opam.locked's tls 2.0.3 and mirage-crypto 1.2.0 findings.
        for id in ["OSEC-2026-06", "OSEC-2026-12"] {
            assert!(
                out.stdout.contains(id) || out.stdout.contains(&id.replace('-', "\\-")),
                "{format}: {id} missing:\n{}",
                out.stdout
            );
        }
    }
    let json = json(&embedded(&dir, &["audit", "virtual", "--format", "json"]).stdout);
    assert_eq!(json["errors"][0]["line"], 4);
    assert_eq!(json["errors"][0]["path"], "virtual/half.opam.locked");
    let kinds: Vec<&str> = json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "opam-file",
            "opam-file",
            "opam-file",
            "opam-file",
            "opam-file",
            "opam-lock",
            "opam-lock"
        ],
        "definitions read as opam files, the two real locks as locks"
    );
}

/// Issue 14: a package listed twice never hides its vulnerable version (exit 1, where
/// main said "no vulnerabilities found" and exited 0); a field written twice, which
/// could hide either, makes the file unreadable (exit 2, file and line named).
#[test]
fn a_package_listed_twice_is_audited_at_both_versions() {
    let dir = TestDir::new();
    dir.write(
        "dup/app.opam.locked",
        "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"tls\" {= \"2.0.3\"}\n  \
         \"tls\" {= \"2.1.0\"}\n]\n",
    );
    dir.write(
        "dup/opam.export",
        "opam-version: \"2.0\"\ninstalled: [\"tls.2.1.0\" \"tls.2.0.3\"]\n",
    );
    let out = embedded(&dir, &["audit", "dup", "--format", "json"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let report = json(&out.stdout);
    let vulnerable: Vec<&str> = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| v["installed_version"].as_str().unwrap_or_default())
        .collect();
    // OSEC-2026-06 and -07 at tls 2.0.3, each counted once for the two files
    assert_eq!(vulnerable, ["2.0.3", "2.0.3"]);
    assert_eq!(
        report["vulnerabilities"][0]["inputs"],
        serde_json::json!(["dup/app.opam.locked", "dup/opam.export"])
    );

    dir.write(
        "repeated/opam.export",
        "opam-version: \"2.0\"\ninstalled: [\"tls.2.1.0\"]\ninstalled: [\"tls.2.0.3\"]\n",
    );
    let out = embedded(&dir, &["audit", "repeated"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("osec audit: error: repeated/opam.export:3:1: `installed:` is written twice"),
        "{}",
        out.stderr
    );
}

#[test]
fn nothing_to_scan_exits_three() {
    let dir = TestDir::new();
    let out = dir.osec(&["audit", &dir.path().display().to_string()]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("nothing to audit"), "{}", out.stderr);
}

#[test]
fn db_status_names_the_embedded_database_and_warns_when_old() {
    let dir = TestDir::new();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_osec"))
        .args(["db", "status"])
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout.starts_with(
            "database: <embedded>\nrecords: 26\nnewest record: 2026-08-22T11:05:00Z ("
        ),
        "{stdout}"
    );
    // The snapshot's newest record is from 2026-08-22: past 90 days from 2026-11-20 on.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let days: i64 = stdout
        .split('(')
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("age in days");
    assert_eq!(
        stderr.contains("warning: the database is"),
        days > 90,
        "{stderr}"
    );
}

/// Runs `osec ARGS` in `dir` with an empty cache directory, so that the embedded
/// database is used whatever a `db fetch` left on this machine.
fn embedded(dir: &TestDir, args: &[&str]) -> crate::support::Output {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_osec"))
        .args(args)
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .output()
        .expect("runs");
    crate::support::Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Copies the plain opam files of the `opam-files` scenario into `dir/project`, so that
/// paths in the output are the same on every machine.
fn opam_files_project(dir: &TestDir) {
    for file in ["archiver.opam", "safe.opam", "webapp.opam"] {
        let text =
            std::fs::read_to_string(format!("{}/{file}", scenario("opam-files"))).expect("fixture");
        dir.write(&format!("project/{file}"), &text);
    }
}

#[test]
fn plain_opam_files_report_constraints_admitting_affected_versions() {
    let dir = TestDir::new();
    opam_files_project(&dir);
    let out = embedded(&dir, &["audit", "project"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
    let out = embedded(&dir, &["audit", "project", "--format", "markdown"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn a_named_opam_file_is_checked_and_sarif_points_at_the_constraint() {
    let dir = TestDir::new();
    opam_files_project(&dir);
    let out = embedded(&dir, &["audit", "project/webapp.opam", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = json(&out.stdout);
    let locations: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            let region = &location["region"];
            format!(
                "{} {}:{}:{}-{}:{}",
                r["ruleId"].as_str().unwrap_or_default(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default(),
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"]
            )
        })
        .collect();
    assert_eq!(
        locations,
        [
            "OSEC-2026-16 project/webapp.opam:9:3-9:22",
            "OSEC-2026-01 project/webapp.opam:6:3-6:22",
            "OSEC-2026-04 project/webapp.opam:6:3-6:22",
            "OSEC-2026-05 project/webapp.opam:6:3-6:22",
            "OSEC-2026-06 project/webapp.opam:14:3-14:37",
            "OSEC-2026-07 project/webapp.opam:14:3-14:37",
        ]
    );
    let out = embedded(&dir, &["audit", "project/webapp.opam", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn opam_file_exit_codes_follow_no_dev_and_the_threshold() {
    let dir = TestDir::new();
    opam_files_project(&dir);
    // only a with-test dependency admits affected tar versions
    let out = embedded(&dir, &["audit", "project/archiver.opam"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("(dev only)"), "{}", out.stdout);
    let out = embedded(&dir, &["audit", "project/archiver.opam", "--no-dev"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("ignored OSEC-2026-08 in tar {with-test & < \"3.5.0\"} (development only)"),
        "{}",
        out.stdout
    );
    // every constraint excludes the affected versions
    let out = embedded(&dir, &["audit", "project/safe.opam"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("no vulnerabilities found"),
        "{}",
        out.stdout
    );
    // the highest finding of webapp.opam is high (cohttp 8.7)
    let out = embedded(
        &dir,
        &[
            "audit",
            "project/webapp.opam",
            "--severity-threshold",
            "high",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    let out = embedded(
        &dir,
        &[
            "audit",
            "project/webapp.opam",
            "--severity-threshold",
            "critical",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn opam_files_beside_a_switch_or_lock_are_not_checked() {
    let dir = TestDir::new();
    let out = embedded(
        &dir,
        &["audit", &scenario("vulnerable"), "--format", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let kinds: Vec<String> = json(&out.stdout)["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "opam-switch",
            "opam-lock",
            "opam-export",
            "opam-export",
            "dune-lock",
            "esy-lock"
        ]
    );
}

#[test]
fn a_broken_opam_file_exits_two_naming_file_line_and_column() {
    let dir = TestDir::new();
    dir.write(
        "bad.opam",
        "opam-version: \"2.0\"\ndepends: [\n  \"cohttp\" {>= \"5.0\" &}\n]\n",
    );
    let out = embedded(&dir, &["audit", "bad.opam"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("bad.opam:3:"), "{}", out.stderr);
    let out = embedded(&dir, &["audit", "empty.opam"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    dir.write("empty.opam", "opam-version: \"2.0\"\n");
    let out = embedded(&dir, &["audit", "empty.opam"]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
}

/// Issue 14: ignores with impossible days were compared as text, accepted, and
/// suppressed the finding (exit 0). They are errors naming the file, line and column.
#[test]
fn ignores_with_impossible_dates_are_errors_naming_the_file_line_and_column() {
    let dir = TestDir::new();
    let switch = format!("{}/_opam", scenario("dev-only"));
    for until in ["2026-13-45", "9999-99-99", "2027-02-29"] {
        dir.write(
            "osec.toml",
            &format!(
                "[[ignore]]\nid = \"OSEC-2026-08\"\nreason = \"tests only\"\nuntil = \"{until}\"\n"
            ),
        );
        let config = dir.path().join("osec.toml").display().to_string();
        let out = dir.osec(&["audit", "--switch", &switch, "--config", &config]);
        assert_eq!(out.code, 2, "{until}: {}", out.stdout);
        assert_eq!(out.stdout, "", "{until}");
        assert_eq!(
            out.stderr,
            format!(
                "error: {config}:4:10: `until = \"{until}\"` is not a day of the calendar \
                 (month 01-12, and a day that month has): write the last day the ignore \
                 applies as YYYY-MM-DD\n"
            )
        );
    }
}

/// A hand-made database in `dir`, given to `--db`.
fn database(dir: &TestDir, name: &str, zip: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, zip).unwrap();
    path.display().to_string()
}

/// Issue 14: a PyPI `all.zip` given to `--db` found nothing and exited 0.
#[test]
fn a_database_without_opam_records_is_an_error_unless_allowed() {
    let dir = TestDir::new();
    let db = database(&dir, "pypi.zip", &pypi_zip());
    let vulnerable = scenario("vulnerable");
    let out = dir.osec(&["audit", &vulnerable, "--db", &db]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, no_opam_records(&db));
    let out = dir.osec(&["audit", &vulnerable, "--db", &db, "--allow-empty-db"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("0 vulnerabilities found"),
        "{}",
        out.stdout
    );
}

/// Issue 14: the same entry name twice, the second copy withdrawing the record: the
/// last copy won and the vulnerable cohttp was reported clean.
#[test]
fn a_database_naming_an_entry_twice_is_an_error_naming_both_entries() {
    let dir = TestDir::new();
    let db = database(&dir, "twice.zip", &zip_naming_an_entry_twice());
    let out = dir.osec(&["audit", &scenario("vulnerable"), "--db", &db]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        format!(
            "error: loading the database {db}: {db}: entries 1 and 2 are both named \
             OSEC-2026-99.json: the archive is ambiguous; re-create it with each file once\n"
        )
    );
}

#[test]
fn a_database_with_one_id_in_two_entries_is_an_error_naming_both() {
    let dir = TestDir::new();
    let record = record("OSEC-2026-99", "opam", "cohttp");
    let db = database(
        &dir,
        "copies.zip",
        &zip_of(&[("OSEC-2026-99.json", &record), ("copy.json", &record)]),
    );
    let out = dir.osec(&["audit", &scenario("vulnerable"), "--db", &db]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        format!(
            "error: loading the database {db}: {db}!copy.json: record OSEC-2026-99 is also \
             defined in {db}!OSEC-2026-99.json; an ID names one record\n"
        )
    );
}

/// Issue 14: a small archive that inflates past the limit (70 records of 16 MiB of
/// JSON whitespace: 1.1 GiB from about a megabyte) is refused before anything is
/// inflated; on main it was inflated and parsed in full.
#[test]
fn a_zip_bomb_is_refused_by_the_default_limit() {
    use std::io::Write as _;
    let dir = TestDir::new();
    let mut one = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let text = record("OSEC-2026-99", "opam", "cohttp");
    let padding = (16 << 20) - 1024;
    one.start_file("OSEC-2026-99.json", options).unwrap();
    one.write_all(text.as_bytes()).unwrap();
    one.write_all(&vec![b' '; padding]).unwrap();
    let one = one.finish().unwrap().into_inner();
    // The compressed entry, copied under 70 names without compressing it again.
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for n in 0..70 {
        let entry = source.by_index_raw(0).unwrap();
        bomb.raw_copy_file_rename(entry, format!("OSEC-2026-{n:02}.json"))
            .unwrap();
    }
    let bomb = bomb.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let db = database(&dir, "bomb.zip", &bomb);
    let out = dir.osec(&["audit", &scenario("vulnerable"), "--db", &db]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.starts_with(&format!(
            "error: loading the database {db}: {db}: its records inflate to {} bytes, more \
             than the limit of 1073741824: the archive is corrupt or not an OSV database (if \
             it is a real database this large, raise the limit: osec's --max-db-bytes)",
            70 * (text.len() + padding)
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn the_database_limits_can_be_lowered_and_raised() {
    let dir = TestDir::new();
    let embedded = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vulndb/data/opam-all.zip")
        .display()
        .to_string();
    let vulnerable = scenario("vulnerable");
    let out = dir.osec(&[
        "audit",
        &vulnerable,
        "--db",
        &embedded,
        "--max-db-entries",
        "10",
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains(&format!(
            "{embedded}: 26 entries, more than the limit of 10: the archive is corrupt"
        )),
        "{}",
        out.stderr
    );
    let out = dir.osec(&[
        "audit",
        &vulnerable,
        "--db",
        &embedded,
        "--max-db-bytes",
        "1000",
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("more than the limit of 1000:"),
        "{}",
        out.stderr
    );
    let out = dir.osec(&[
        "audit",
        &vulnerable,
        "--db",
        &embedded,
        "--max-db-bytes",
        "2000000000",
        "--max-db-entries",
        "26",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
}
