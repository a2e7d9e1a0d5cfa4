//! The SARIF output is valid SARIF 2.1.0 (the official schema, vendored in the
//! audit crate's tests/data/schemas) and, when Microsoft's SARIF multitool is
//! available (`OSEC_SARIF_MULTITOOL`, installed by .ci/run from npm), passes its
//! validation with GitHub's rules (what GitHub code scanning requires on upload).

use std::path::{Path, PathBuf};
use std::process::Command;

use repo_policy::{Format, Report};
use serde_json::{Value, json};

use crate::fixture::{GitRepo, data, edit};

/// A report with findings of every shape: in a region at HEAD, at BASE, about a
/// file under `files/`, about a removed version, warnings and errors.
fn report_with_every_shape() -> Report {
    let mut repo = GitRepo::new();
    let dir = "packages/ocaml-expat/ocaml-expat.0.9.1";
    repo.write(
        &format!("{dir}/opam"),
        data("ocaml-expat.0.9.1.before-76eb35c.opam"),
    );
    repo.write(
        &format!("{dir}/files/Makefile.patch"),
        data("ocaml-expat.0.9.1.Makefile.patch"),
    );
    repo.write(
        "packages/ocaml-expat/ocaml-expat.1.1.0/opam",
        data("ocaml-expat.1.1.0.opam"),
    );
    repo.write(
        "packages/config-file/config-file.1.1/opam",
        data("config-file.1.1.before-1e1189d.opam"),
    );
    repo.commit("base");
    repo.remove(&format!("{dir}/files"));
    repo.write(&format!("{dir}/opam"), data("ocaml-expat.0.9.1.opam"));
    repo.remove("packages/ocaml-expat/ocaml-expat.1.1.0");
    repo.write(
        "packages/config-file/config-file.1.1/opam",
        data("config-file.1.1.at-1e1189d.opam"),
    );
    repo.write(
        "packages/proverif/proverif.1.98/opam",
        data("proverif.1.98.opam"),
    );
    repo.write(
        "packages/ocaml-expat/ocaml-expat.1.3.0/opam",
        edit(&data("ocaml-expat.1.3.0.opam"), "build: [", "build: [[ "),
    );
    repo.commit("head");
    let report = repo.check_last_commit();
    assert!(
        report.errors() >= 5 && report.warnings() >= 1,
        "{report:#?}"
    );
    report
}

fn sarif_of(report: &Report) -> Value {
    serde_json::from_str(&report.render(Format::Sarif)).expect("JSON")
}

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../audit/tests/data/schemas")
}

/// Refuses every retrieval: the schema's references must resolve offline.
struct Offline;

impl jsonschema::Retrieve for Offline {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("{uri} is not vendored").into())
    }
}

fn validator() -> jsonschema::Validator {
    let path = schemas().join("sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    jsonschema::options()
        .with_retriever(Offline)
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema")
}

#[test]
fn sarif_is_valid_against_the_schema_and_has_what_github_needs() {
    let report = report_with_every_shape();
    let sarif = sarif_of(&report);
    let validator = validator();
    let problems: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");

    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], "https://github.com/ocaml/osec");
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), repo_policy::Rule::ALL.len());
    for rule in rules {
        assert!(
            rule["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## Fix"))
        );
        assert!(
            rule["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
        );
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.findings.len());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("packages/"), "relative: {uri}");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            location["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
        let index = result["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(
            result["partialFingerprints"]["osecPolicyFinding/v1"]
                .as_str()
                .is_some_and(|f| f.starts_with(result["ruleId"].as_str().unwrap_or("?")))
        );
    }
}

/// The schema check above can fail: a broken document is rejected.
#[test]
fn the_schema_rejects_a_broken_log() {
    let mut sarif = sarif_of(&report_with_every_shape());
    let validator = validator();
    assert!(validator.is_valid(&sarif));
    sarif["runs"][0]["results"][0]["level"] = json!("fatal");
    sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert_eq!(validator.iter_errors(&sarif).count(), 2);
}

/// Runs `Sarif.Multitool validate --rule-kind Gh;Sarif` on `sarif`; returns the
/// rule IDs it reports (its own SARIF output), or `None` when the tool is not
/// installed.
fn multitool_findings(sarif: &Value) -> Option<Vec<String>> {
    let Some(tool) = std::env::var_os("OSEC_SARIF_MULTITOOL") else {
        eprintln!(
            "skipped: OSEC_SARIF_MULTITOOL is not set (bash .ci/run installs @microsoft/sarif-multitool)"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("osec.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(&input, serde_json::to_string_pretty(sarif).expect("text")).expect("write");
    let status = Command::new(&tool)
        .arg("validate")
        .args(["--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite", "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", Path::new(&tool).display()));
    let text = std::fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!(
            "no validation log ({e}): {}",
            String::from_utf8_lossy(&status.stdout)
        )
    });
    let log: Value = serde_json::from_str(&text).expect("the multitool's SARIF");
    Some(
        log["runs"][0]["results"]
            .as_array()
            .map(|results| {
                results
                    .iter()
                    .map(|r| format!("{} {}", r["ruleId"], r["message"]))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

#[test]
fn the_multitool_with_githubs_rules_accepts_the_log() {
    let sarif = sarif_of(&report_with_every_shape());
    let Some(findings) = multitool_findings(&sarif) else {
        return;
    };
    assert!(findings.is_empty(), "{findings:#?}");
    // And it would say so: without `help` and a message text, GitHub's rules fail.
    let mut broken = sarif.clone();
    if let Some(rule) = broken["runs"][0]["tool"]["driver"]["rules"][0].as_object_mut() {
        rule.remove("help");
    }
    broken["runs"][0]["results"][0]["locations"] = json!([]);
    let findings = multitool_findings(&broken).expect("installed");
    assert!(
        findings.iter().any(|f| f.starts_with("\"GH")),
        "{findings:#?}"
    );
}
