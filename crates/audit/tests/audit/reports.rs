//! What the reports count and where they point (issue 20): a vulnerability counted once
//! per package version with the inputs that carry it, and SARIF results at the line
//! where the input writes the package.

use serde_json::Value;

use audit::report::Format;

use crate::{run_on, scenario};

fn audited(path: &std::path::Path) -> audit::report::Report {
    match run_on(path) {
        audit::Outcome::Audited(audited) => audited.report,
        audit::Outcome::NothingScanned(why) => panic!("{why}"),
    }
}

/// One ocaml 5.1.0 in three lock files is two vulnerabilities (OSEC-2026-01 and -05),
/// not six; each is listed with the three files.
#[test]
fn a_vulnerability_in_several_files_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(
            dir.path().join(format!("{name}.opam.locked")),
            format!(
                "opam-version: \"2.0\"\nname: \"{name}\"\ndepends: [\n  \"ocaml\" {{= \"5.1.0\"}}\n]\n"
            ),
        )
        .unwrap();
    }
    let report = audited(dir.path());
    assert_eq!(report.findings().count(), 6);
    let vulnerabilities = report.vulnerabilities();
    let ids: Vec<(&str, usize)> = vulnerabilities
        .iter()
        .map(|v| (v.id.as_str(), v.inputs.len()))
        .collect();
    assert_eq!(ids, [("OSEC-2026-01", 3), ("OSEC-2026-05", 3)]);

    let table = report.render(Format::Table, false);
    let last = table.lines().last().unwrap();
    assert!(last.starts_with("2 vulnerabilities found"), "{table}");
    let a = dir.path().join("a.opam.locked").display().to_string();
    assert!(
        table.contains(&format!(
            "OSEC-2026-01 in ocaml 5.1.0 is in 3 inputs: {a}, "
        )),
        "{table}"
    );
    let markdown = report.render(Format::Markdown, false);
    assert!(
        markdown.starts_with("## osec audit: 2 vulnerabilities\n"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&report.render(Format::Json, false)).unwrap();
    assert_eq!(json["vulnerabilities"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        json["vulnerabilities"][0]["inputs"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

/// The 1-based line of the first line of `file` containing `needle` (and, when given,
/// ending with `end`).
fn line_of(file: &std::path::Path, needle: &str) -> u64 {
    line_ending(file, needle, "")
}

fn line_ending(file: &std::path::Path, needle: &str, end: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    let index = text
        .lines()
        .position(|l| l.contains(needle) && l.ends_with(end))
        .unwrap_or_else(|| panic!("{needle} not in {}", file.display()));
    index as u64 + 1
}

/// The SARIF result for cohttp's OSEC-2026-16 in a report of `input`: (uri, line).
fn cohttp_location(input: &std::path::Path) -> (String, u64) {
    let sarif: Value = serde_json::from_str(&audited(input).render(Format::Sarif, false)).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "OSEC-2026-16")
        .expect("a cohttp result");
    let location = &result["locations"][0]["physicalLocation"];
    (
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned(),
        location["region"]["startLine"].as_u64().unwrap(),
    )
}

/// SARIF results from lock files, switch states, exports, dune `.pkg` files and esy
/// locks point at the package's line (before, at line 1 of the input).
#[test]
fn sarif_results_point_at_the_package_line() {
    let base = scenario("vulnerable");
    let lock = base.join("myapp.opam.locked");
    assert_eq!(
        cohttp_location(&lock),
        (lock.display().to_string(), line_of(&lock, "\"cohttp\" {="))
    );
    let export = base.join("switch-full.export");
    assert_eq!(
        cohttp_location(&export),
        (
            export.display().to_string(),
            line_of(&export, "\"cohttp.6.2.2\"")
        )
    );
    let state = base.join("_opam/.opam-switch/switch-state");
    assert_eq!(
        cohttp_location(&base.join("_opam")),
        (
            state.display().to_string(),
            line_of(&state, "\"cohttp.6.2.2\"")
        )
    );
    let pkg = base.join("dune.lock/cohttp.6.2.2.pkg");
    assert_eq!(
        cohttp_location(&base.join("dune.lock")),
        (pkg.display().to_string(), line_of(&pkg, "(version"))
    );
    let esy = base.join("esy.lock/index.json");
    assert_eq!(
        cohttp_location(&base.join("esy.lock")),
        (
            esy.display().to_string(),
            line_ending(&esy, "\"@opam/cohttp@opam:6.2.2@", "\": {")
        )
    );
}
