//! Reachability of the `vulnerable` scenario's findings (tests/data/reach: a project
//! calling cohttp through cohttp-lwt-unix, and the switch's installed sources), and the
//! OpenVEX report made of it, validated against the OpenVEX schema.

use std::path::{Path, PathBuf};

use audit::input::detect;
use audit::policy::Policy;
use audit::reach::{Reachability, Sources, analyse, bindings_of};
use audit::scan::{ScanOptions, Severity};
use ocaml_reach::{Note, Verdict, Why};
use serde_json::Value;

use crate::{embedded_database, report};

fn reach_data() -> PathBuf {
    // Relative, as the tests run in the crate directory: reports name the same paths
    // on every machine.
    PathBuf::from("tests/data/reach")
}

pub(crate) fn analysed() -> (audit::report::Report, Reachability) {
    let inputs = detect(Path::new("tests/data/audit/vulnerable")).expect("detect");
    let policy = Policy {
        threshold: Severity::None,
        ..Policy::default()
    };
    let report = report(&inputs[..1], &policy, ScanOptions::default());
    let inventory = inputs[0].read().expect("read");
    let sources = Sources {
        project: vec![reach_data().join("myapp/src")],
        lib_dir: Some(reach_data().join("lib")),
    };
    let findings: Vec<_> = report.findings().cloned().collect();
    let reach = analyse(
        &findings,
        &inventory,
        &embedded_database(),
        &sources,
        ocaml_reach::Options::default(),
    )
    .expect("records readable");
    (report, reach)
}

#[test]
fn bindings_come_from_the_records_of_the_embedded_database() {
    let db = embedded_database();
    let cohttp = db.lookup("OSEC-2026-16").expect("readable");
    assert_eq!(
        bindings_of(&cohttp, "cohttp"),
        [
            "Cohttp.Path.resolve_local_file",
            "Cohttp_async.Server.resolve_local_file",
            "Cohttp_lwt_unix.Server.resolve_file",
            "Cohttp_lwt.Make().resolve_local_file"
        ]
    );
    assert!(
        bindings_of(&cohttp, "cohttp-lwt").is_empty(),
        "another package's entry"
    );
    let ec = db.lookup("OSEC-2026-13").expect("readable");
    assert_eq!(bindings_of(&ec, "mirage-crypto-ec").len(), 3);
    let tls = db.lookup("OSEC-2026-06").expect("readable");
    assert!(bindings_of(&tls, "tls").is_empty());
}

#[test]
fn each_finding_of_the_scenario_gets_its_verdict() {
    let (report, reach) = analysed();
    let verdicts: Vec<String> = report
        .findings()
        .map(|f| {
            let outcome = &reach[&(f.id.clone(), f.package.clone())];
            format!("{} {} {}", f.id, f.package, outcome.verdict.as_str())
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            "OSEC-2026-16 cohttp called",
            "OSEC-2026-12 mirage-crypto not-referenced",
            "OSEC-2026-13 mirage-crypto-ec not-referenced",
            "OSEC-2026-15 mirage-crypto-ec not-referenced",
            "OSEC-2026-17 mirage-crypto-ec not-referenced",
            "OSEC-2026-01 ocaml unknown",
            "OSEC-2026-04 ocaml unknown",
            "OSEC-2026-05 ocaml unknown",
            "OSEC-2026-06 tls unknown",
            "OSEC-2026-07 tls unknown",
        ]
    );
    let cohttp = &reach[&("OSEC-2026-16".to_owned(), "cohttp".to_owned())];
    let Verdict::Called { references, .. } = &cohttp.verdict else {
        unreachable!()
    };
    // One place, two of the advisory's bindings: `Cohttp_lwt_unix.Server.resolve_file`
    // itself, and `Cohttp.Path.resolve_local_file` through it.
    let places: Vec<(&Path, u32, u32, &str, Vec<String>)> = references
        .iter()
        .map(|r| {
            (
                r.at.file.as_path(),
                r.at.line,
                r.at.column,
                r.binding.as_str(),
                r.packages("cohttp"),
            )
        })
        .collect();
    let main = Path::new("tests/data/reach/myapp/src/main.ml");
    assert_eq!(
        places,
        [
            (
                main,
                8,
                15,
                "Cohttp.Path.resolve_local_file",
                vec![
                    "project".to_owned(),
                    "cohttp-lwt-unix".to_owned(),
                    "cohttp".to_owned()
                ]
            ),
            (
                main,
                8,
                15,
                "Cohttp_lwt_unix.Server.resolve_file",
                vec!["project".to_owned(), "cohttp".to_owned()]
            ),
        ]
    );
    assert!(references.iter().all(|r| r.text == "Server.resolve_file"));
    // tls depends on mirage-crypto-ec but has no lib/tls here: noted, not followed.
    let ec = &reach[&("OSEC-2026-13".to_owned(), "mirage-crypto-ec".to_owned())];
    assert!(
        ec.notes.contains(&Note::NoLibraryDirectory {
            package: "tls".to_owned()
        }),
        "{:?}",
        ec.notes
    );
    let reshape = &reach[&("OSEC-2026-04".to_owned(), "ocaml".to_owned())];
    let Verdict::Unknown { why } = &reshape.verdict else {
        unreachable!()
    };
    assert!(why.contains(&Why::CSymbol {
        symbol: "caml_ba_reshape".to_owned()
    }));
}

fn openvex_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/schemas/openvex_json_schema_0.2.0.json");
    let text = std::fs::read_to_string(&path).expect("vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("OpenVEX schema: {e}"))
}

#[test]
fn openvex_report_is_valid_and_says_affected_not_affected_or_under_investigation() {
    let (report, reach) = analysed();
    let timestamp = report
        .database
        .last_modified
        .clone()
        .expect("dated records");
    let text = audit::report::openvex::render(&report, &reach, &timestamp);
    let document: Value = serde_json::from_str(&text).expect("JSON");
    let validator = openvex_validator();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let statuses: Vec<(String, String)> = document["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| {
            (
                s["vulnerability"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                s["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (id, status) in &statuses {
        let expected = match id.as_str() {
            "OSEC-2026-16" => "affected",
            "OSEC-2026-12" | "OSEC-2026-13" | "OSEC-2026-15" | "OSEC-2026-17" => "not_affected",
            _ => "under_investigation",
        };
        assert_eq!(status, expected, "{id}");
    }
    assert_eq!(statuses.len(), 10);
    insta::assert_snapshot!("openvex_vulnerable", text);
    // Deterministic: the same inputs give the same bytes, @id included.
    assert_eq!(
        text,
        audit::report::openvex::render(&report, &reach, &timestamp)
    );
}

#[test]
fn openvex_without_reachability_says_affected_with_the_fix() {
    let (report, _) = analysed();
    let text =
        audit::report::openvex::render(&report, &Reachability::new(), "2026-08-22T11:05:00Z");
    let document: Value = serde_json::from_str(&text).expect("JSON");
    let validator = openvex_validator();
    assert!(validator.is_valid(&document));
    let cohttp = document["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .find(|s| s["vulnerability"]["name"] == "OSEC-2026-16")
        .expect("cohttp statement");
    assert_eq!(cohttp["status"], "affected");
    assert_eq!(cohttp["action_statement"], "Upgrade cohttp to 6.3.0");
    assert_eq!(cohttp["products"][0]["@id"], "pkg:opam/cohttp@6.2.2");
}

/// Every format shows each finding's verdict: where it is called and through which
/// packages, in how many files it is not referenced, or why it is unknown.
#[test]
fn every_format_shows_the_verdicts() {
    use audit::report::Format;
    let (mut report, reach) = analysed();
    report.inputs[0].set_reachability(reach, false);
    let called = "called: Cohttp.Path.resolve_local_file at tests/data/reach/myapp/src/main.ml:8:15 (project → cohttp-lwt-unix → cohttp)";
    let table = report.render(Format::Table, false);
    assert!(
        table.contains(&format!("OSEC-2026-16 in cohttp: {called}")),
        "{table}"
    );
    insta::assert_snapshot!("reachability_table", table);
    let markdown = report.render(Format::Markdown, false);
    insta::assert_snapshot!("reachability_markdown", markdown);
    let json: Value = serde_json::from_str(&report.render(Format::Json, false)).expect("JSON");
    let verdicts: Vec<(&str, &str)> = json["inputs"][0]["reachability"]
        .as_array()
        .expect("reachability")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default(),
                r["verdict"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(verdicts.len(), 10);
    assert!(verdicts.contains(&("OSEC-2026-16", "called")));
    assert!(verdicts.contains(&("OSEC-2026-12", "not-referenced")));
    assert!(verdicts.contains(&("OSEC-2026-06", "unknown")));
    assert!(json["inputs"][0].get("hidden_not_referenced").is_none());
    let sarif: Value = serde_json::from_str(&report.render(Format::Sarif, false)).expect("JSON");
    let cohttp = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "OSEC-2026-16")
        .expect("cohttp result");
    assert_eq!(cohttp["properties"]["reachability"], "called");
    let message = cohttp["message"]["text"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("Reachability: {called}")),
        "{message}"
    );
}

/// `--reachable-only` hides the four not-referenced findings, keeps the called and
/// the unknown ones, and says how many it hid.
#[test]
fn reachable_only_hides_not_referenced_findings_and_counts_them() {
    use audit::report::Format;
    let (mut report, reach) = analysed();
    report.inputs[0].set_reachability(reach, true);
    let kept: Vec<&str> = report.findings().map(|f| f.id.as_str()).collect();
    assert_eq!(
        kept,
        [
            "OSEC-2026-16",
            "OSEC-2026-01",
            "OSEC-2026-04",
            "OSEC-2026-05",
            "OSEC-2026-06",
            "OSEC-2026-07"
        ]
    );
    assert_eq!(report.hidden_not_referenced(), Some(4));
    let hidden = "4 not-referenced findings hidden (--reachable-only)";
    assert!(report.render(Format::Table, false).contains(hidden));
    assert!(report.render(Format::Markdown, false).contains(hidden));
    let json: Value = serde_json::from_str(&report.render(Format::Json, false)).expect("JSON");
    assert_eq!(json["inputs"][0]["hidden_not_referenced"], 4);
    let sarif: Value = serde_json::from_str(&report.render(Format::Sarif, false)).expect("JSON");
    assert_eq!(sarif["runs"][0]["properties"]["hiddenNotReferenced"], 4);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(6)
    );
    let bom: Value = serde_json::from_str(&report.render(Format::CycloneDx, false)).expect("JSON");
    assert_eq!(bom["metadata"]["properties"][0]["value"], "4");
}
