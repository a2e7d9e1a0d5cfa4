//! `osec audit --reachability` on the real fixtures: the `vulnerable` scenario's switch
//! (crates/audit/tests/data/audit) with the installed cohttp sources of
//! crates/audit/tests/data/reach/lib as its `lib/`, the project calling cohttp through
//! cohttp-lwt-unix (crates/audit/tests/data/reach/myapp), and robur-coop/webauthn's
//! real source calling mirage-crypto-ec (crates/ocaml-reach/tests/data/reach/webauthn).

use std::path::Path;

use serde_json::Value;

use crate::support::{TestDir, scenario};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}):\n{text}"))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn reach_data() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audit/tests/data/reach"
    ))
}

/// `project/`: the scenario's switch as `project/_opam` with the installed sources in
/// its `lib/`, and the project's source in `project/src/main.ml`.
fn project() -> TestDir {
    let dir = TestDir::new();
    let project = dir.path().join("project");
    copy_tree(
        &Path::new(&scenario("vulnerable")).join("_opam"),
        &project.join("_opam"),
    );
    copy_tree(&reach_data().join("lib"), &project.join("_opam/lib"));
    copy_tree(&reach_data().join("myapp/src"), &project.join("src"));
    dir
}

/// (id, verdict) of each finding of the first input, in report order.
fn verdicts(report: &Value) -> Vec<(String, String)> {
    let input = &report["inputs"][0];
    input["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let verdict = input["reachability"]
                .as_array()
                .expect("reachability")
                .iter()
                .find(|r| r["id"] == f["id"] && r["package"] == f["package"])
                .map_or("none", |r| r["verdict"].as_str().unwrap_or("none"));
            (
                f["id"].as_str().unwrap_or_default().to_owned(),
                verdict.to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

const ALL: [(&str, &str); 10] = [
    ("OSEC-2026-16", "called"),
    ("OSEC-2026-12", "not-referenced"),
    ("OSEC-2026-13", "not-referenced"),
    ("OSEC-2026-15", "not-referenced"),
    ("OSEC-2026-17", "not-referenced"),
    ("OSEC-2026-01", "unknown"),
    ("OSEC-2026-04", "unknown"),
    ("OSEC-2026-05", "unknown"),
    ("OSEC-2026-06", "unknown"),
    ("OSEC-2026-07", "unknown"),
];

#[test]
fn the_table_shows_called_not_referenced_and_unknown_with_the_audited_directory_as_sources() {
    let dir = project();
    let out = dir.osec(&["audit", "project", "--reachability"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains(
        "OSEC-2026-16 in cohttp: called: Cohttp.Path.resolve_local_file at project/src/main.ml:8:15 (project → cohttp-lwt-unix → cohttp)"
    ), "{}", out.stdout);
    // The note about upgrade plans names the test's own opam root.
    let stdout = out
        .stdout
        .replace(&dir.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!("audit_reachability_table", stdout);
    let out = dir.osec(&["audit", "project", "--reachability", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(verdicts(&json(&out.stdout)), pairs(&ALL));
    let out = dir.osec(&["audit", "project", "--reachability", "--format", "markdown"]);
    insta::assert_snapshot!("audit_reachability_markdown", out.stdout);
    // Without --reachability, no verdict anywhere.
    let out = dir.osec(&["audit", "project", "--format", "json"]);
    assert!(json(&out.stdout)["inputs"][0].get("reachability").is_none());
}

#[test]
fn sarif_and_cyclonedx_carry_the_verdicts() {
    let dir = project();
    let out = dir.osec(&["audit", "project", "--reachability", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = json(&out.stdout);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let states: Vec<(String, String)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_owned(),
                r["properties"]["reachability"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(states, pairs(&ALL));
    assert!(
        results[1]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.ends_with("Reachability: not referenced (in 1 file scanned).")),
        "{}",
        results[1]["message"]
    );
    let out = dir.osec(&[
        "audit",
        "project",
        "--reachability",
        "--format",
        "cyclonedx",
    ]);
    let bom = json(&out.stdout);
    let cohttp = bom["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .find(|v| v["id"] == "OSEC-2026-16")
        .expect("cohttp");
    assert_eq!(cohttp["analysis"]["state"], "exploitable");
}

/// --src replaces the audited directory: webauthn's real source calls
/// `Mirage_crypto_ec.P256.Dsa.pub_of_octets` (OSEC-2026-13), and not cohttp.
#[test]
fn src_names_the_project_sources() {
    let dir = project();
    let webauthn = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ocaml-reach/tests/data/reach/webauthn/project");
    let out = dir.osec(&[
        "audit",
        "project",
        "--reachability",
        "--src",
        &webauthn.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = json(&out.stdout);
    let got = verdicts(&report);
    assert_eq!(
        got[0],
        ("OSEC-2026-16".to_owned(), "not-referenced".to_owned())
    );
    assert_eq!(got[2], ("OSEC-2026-13".to_owned(), "called".to_owned()));
    let ec = report["inputs"][0]["reachability"]
        .as_array()
        .expect("reachability")
        .iter()
        .find(|r| r["id"] == "OSEC-2026-13")
        .expect("OSEC-2026-13");
    assert_eq!(ec["references"][0]["at"]["line"], 137);
}

/// An unreadable source file (a socket named `*.ml`: opening it fails, even for root)
/// makes the not-referenced findings unknown, naming it; the called one stays called.
#[test]
fn an_unreadable_source_never_gives_not_referenced() {
    let dir = project();
    let socket = dir.path().join("project/src/broken.ml");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let out = dir.osec(&["audit", "project", "--reachability", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = json(&out.stdout);
    let got = verdicts(&report);
    assert!(got.iter().all(|(_, v)| v != "not-referenced"), "{got:?}");
    assert_eq!(got[0].1, "called");
    let why = report["inputs"][0]["reachability"][1]["why"].to_string();
    assert!(why.contains("broken.ml"), "{why}");
    let out = dir.osec(&["audit", "project", "--reachability"]);
    assert!(
        out.stdout.contains(
            "OSEC-2026-12 in mirage-crypto: unknown: project/src/broken.ml could not be read"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn reachable_only_hides_not_referenced_findings_counts_them_and_they_do_not_fail_the_run() {
    let dir = project();
    let out = dir.osec(&[
        "audit",
        "project",
        "--reachability",
        "--reachable-only",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = json(&out.stdout);
    let shown: Vec<(&str, &str)> = ALL
        .iter()
        .copied()
        .filter(|(_, v)| *v != "not-referenced")
        .collect();
    assert_eq!(verdicts(&report), pairs(&shown));
    assert_eq!(report["inputs"][0]["hidden_not_referenced"], 4);
    assert_eq!(report["vulnerabilities"].as_array().map(Vec::len), Some(6));
    assert!(
        out.stderr
            .contains("4 not-referenced findings hidden (--reachable-only)"),
        "{}",
        out.stderr
    );
    let table = dir.osec(&["audit", "project", "--reachability", "--reachable-only"]);
    assert!(
        table
            .stdout
            .contains("  4 not-referenced findings hidden (--reachable-only)\n")
            && table.stdout.contains("\n6 vulnerabilities found"),
        "{}",
        table.stdout
    );
    // With the called and unknown ones ignored, only not-referenced findings are left:
    // hidden, they fail nothing (exit 0); shown, they do (exit 1).
    let mut ignoring = vec!["audit", "project", "--reachability"];
    for (id, _) in &shown {
        ignoring.extend(["--ignore", id]);
    }
    assert_eq!(dir.osec(&ignoring).code, 1);
    ignoring.push("--reachable-only");
    let out = dir.osec(&ignoring);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("4 not-referenced findings hidden"),
        "{}",
        out.stdout
    );
    // --reachable-only means nothing without --reachability.
    let out = dir.osec(&["audit", "project", "--reachable-only"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn openvex_output_is_valid_against_the_openvex_schema() {
    let dir = project();
    let out = dir.osec(&["audit", "project", "--reachability", "--format", "openvex"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let document = json(&out.stdout);
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../audit/tests/data/schemas/openvex_json_schema_0.2.0.json");
    let schema = json(&std::fs::read_to_string(schema_path).unwrap());
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let status = |id: &str| {
        document["statements"]
            .as_array()
            .expect("statements")
            .iter()
            .find(|s| s["vulnerability"]["name"] == id)
            .map(|s| s["status"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(status("OSEC-2026-16").as_deref(), Some("affected"));
    assert_eq!(status("OSEC-2026-12").as_deref(), Some("not_affected"));
    assert_eq!(
        status("OSEC-2026-06").as_deref(),
        Some("under_investigation")
    );
    // The same inputs give the same bytes.
    let again = dir.osec(&["audit", "project", "--reachability", "--format", "openvex"]);
    assert_eq!(out.stdout, again.stdout);
}
