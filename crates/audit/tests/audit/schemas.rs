//! The SARIF and CycloneDX reports of every audit scenario are valid against the
//! official schemas, vendored in tests/data/schemas (see SOURCES.md there). References
//! between schemas resolve to the vendored files; nothing is fetched.

use std::path::Path;

use audit::input::{Input, detect};
use audit::policy::{Ignore, Policy};
use audit::report::{Format, Report};
use audit::scan::{ScanOptions, Severity};
use serde_json::{Value, json};

use crate::report;

fn schema(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/schemas")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Refuses every retrieval: a `$ref` that is not one of the vendored files is an error
/// when the validator is built, never a network request.
struct Offline;

impl jsonschema::Retrieve for Offline {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("{uri} is not vendored in tests/data/schemas").into())
    }
}

fn sarif_validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(Offline)
        .should_validate_formats(true)
        .build(&schema("sarif-schema-2.1.0.json"))
        .unwrap_or_else(|e| panic!("SARIF schema: {e}"))
}

fn cyclonedx_validator() -> jsonschema::Validator {
    let resource = |file: &str| {
        jsonschema::Resource::from_contents(schema(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    jsonschema::options()
        .with_retriever(Offline)
        .should_validate_formats(true)
        .with_resource(
            "http://cyclonedx.org/schema/spdx.schema.json",
            resource("spdx.schema.json"),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            resource("jsf-0.82.schema.json"),
        )
        .build(&schema("bom-1.6.schema.json"))
        .unwrap_or_else(|e| panic!("CycloneDX schema: {e}"))
}

/// Every violation, one line each: where in the document, and what.
fn violations(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// The reports of every scenario, with the policies and options that reach every code
/// path of the renderers (ignored, development-only and below-threshold findings,
/// pinned packages, plain opam files).
fn scenario_reports() -> Vec<(String, Report)> {
    let base = Path::new("tests/data/audit");
    let detected = |name: &str| detect(&base.join(name)).unwrap_or_else(|e| panic!("{e}"));
    let no_dev = Policy {
        skip_development: true,
        ..Policy::default()
    };
    let ignoring = Policy {
        ignores: vec![Ignore {
            id: "OSEC-2026-16".to_owned(),
            reason: "client only".to_owned(),
            until: None,
        }],
        threshold: Severity::High,
        skip_development: false,
    };
    let pinned = ScanOptions {
        include_pinned: true,
    };
    let default = ScanOptions::default();
    let all = Policy::default();
    let cases: Vec<(&str, Vec<Input>, &Policy, ScanOptions)> = vec![
        ("vulnerable", detected("vulnerable"), &all, default),
        (
            "vulnerable, ignores",
            detected("vulnerable"),
            &ignoring,
            default,
        ),
        ("clean", detected("clean"), &all, default),
        ("pinned", detected("pinned"), &all, default),
        ("pinned, included", detected("pinned"), &all, pinned),
        ("dev-only", detected("dev-only"), &all, default),
        ("dev-only, --no-dev", detected("dev-only"), &no_dev, default),
        (
            "exports",
            vec![
                Input::export(&base.join("vulnerable/switch-full.export")),
                Input::export(&base.join("vulnerable/switch.export")),
            ],
            &all,
            default,
        ),
        ("opam-files", detected("opam-files"), &all, default),
        (
            "opam-files, --no-dev",
            detected("opam-files"),
            &no_dev,
            default,
        ),
    ];
    let mut reports: Vec<(String, Report)> = cases
        .into_iter()
        .map(|(name, inputs, policy, options)| (name.to_owned(), report(&inputs, policy, options)))
        .collect();
    reports.extend(reachability_reports());
    reports
}

/// The `vulnerable` scenario with `--reachability` (called, not referenced and unknown
/// findings), and with `--reachable-only`.
fn reachability_reports() -> Vec<(String, Report)> {
    [false, true]
        .into_iter()
        .map(|reachable_only| {
            let (mut report, reach) = crate::reach::analysed();
            report.inputs[0].set_reachability(reach, reachable_only);
            let name = if reachable_only {
                "vulnerable, --reachable-only"
            } else {
                "vulnerable, --reachability"
            };
            (name.to_owned(), report)
        })
        .collect()
}

/// CycloneDX carries each vulnerability's reachability as its analysis.
#[test]
fn cyclonedx_analysis_states_follow_the_reachability_verdicts() {
    let validator = cyclonedx_validator();
    let (_, report) = &reachability_reports()[0];
    let bom = rendered(report, Format::CycloneDx);
    assert!(validator.is_valid(&bom));
    let states: Vec<(String, String, String)> = bom["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| {
            let text = |value: &Value| value.as_str().unwrap_or("-").to_owned();
            (
                text(&v["id"]),
                text(&v["analysis"]["state"]),
                text(&v["analysis"]["justification"]),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("OSEC-2026-01", "in_triage", "-"),
        ("OSEC-2026-04", "in_triage", "-"),
        ("OSEC-2026-05", "in_triage", "-"),
        ("OSEC-2026-06", "in_triage", "-"),
        ("OSEC-2026-07", "in_triage", "-"),
        ("OSEC-2026-12", "not_affected", "code_not_reachable"),
        ("OSEC-2026-13", "not_affected", "code_not_reachable"),
        ("OSEC-2026-15", "not_affected", "code_not_reachable"),
        ("OSEC-2026-16", "exploitable", "-"),
        ("OSEC-2026-17", "not_affected", "code_not_reachable"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(states, expected);
    let cohttp = &bom["vulnerabilities"][8]["analysis"]["detail"];
    assert!(
        cohttp
            .as_str()
            .is_some_and(|d| d.contains("tests/data/reach/myapp/src/main.ml:8:15")),
        "{cohttp}"
    );
}

fn rendered(report: &Report, format: Format) -> Value {
    serde_json::from_str(&report.render(format, false)).expect("JSON")
}

#[test]
fn every_sarif_report_is_valid_sarif_2_1_0() {
    let validator = sarif_validator();
    let mut results = 0;
    for (name, report) in scenario_reports() {
        let sarif = rendered(&report, Format::Sarif);
        let problems = violations(&validator, &sarif);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        results += sarif["runs"][0]["results"].as_array().map_or(0, Vec::len);
    }
    assert!(results > 40, "the scenarios cover findings: {results}");
}

#[test]
fn every_cyclonedx_report_is_valid_cyclonedx_1_6() {
    let validator = cyclonedx_validator();
    let mut vulnerabilities = 0;
    for (name, report) in scenario_reports() {
        let bom = rendered(&report, Format::CycloneDx);
        let problems = violations(&validator, &bom);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        vulnerabilities += bom["vulnerabilities"].as_array().map_or(0, Vec::len);
    }
    assert!(
        vulnerabilities > 30,
        "the scenarios cover findings: {vulnerabilities}"
    );
}

/// The validators catch what a broken renderer would write: the check above can fail.
#[test]
fn the_schemas_reject_broken_reports() {
    let reports = scenario_reports();
    let (_, vulnerable) = &reports[0];

    let sarif_validator = sarif_validator();
    let mut sarif = rendered(vulnerable, Format::Sarif);
    assert!(sarif_validator.is_valid(&sarif));
    sarif["runs"][0]["results"][0]["level"] = json!("fatal");
    sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert_eq!(violations(&sarif_validator, &sarif).len(), 2);

    let bom_validator = cyclonedx_validator();
    let mut bom = rendered(vulnerable, Format::CycloneDx);
    assert!(bom_validator.is_valid(&bom));
    bom["components"][0]["type"] = json!("gadget");
    assert!(!bom_validator.is_valid(&bom));
    // through the vendored spdx.schema.json: not an SPDX licence ID
    let mut bom = rendered(vulnerable, Format::CycloneDx);
    bom["components"][0]["licenses"] = json!([{"license": {"id": "Not-A-Licence"}}]);
    assert!(!bom_validator.is_valid(&bom), "spdx.schema.json is applied");
    bom["components"][0]["licenses"] = json!([{"license": {"id": "ISC"}}]);
    assert!(bom_validator.is_valid(&bom));
}

/// `(type, [namespace/]name, version)` of a package URL, as the purl crate reads it.
fn purl_key(text: &str) -> (String, String, String) {
    let purl = purl::Purl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let name = match purl.namespace() {
        Some(namespace) => format!("{namespace}/{}", purl.name()),
        None => purl.name().to_owned(),
    };
    let version = purl.version().unwrap_or_default().to_owned();
    (purl.package_type().to_owned(), name, version)
}

/// The BOM of each scenario lists every package its inputs install, each once, with
/// the dependency graph read from the inputs, and every vulnerability affects listed
/// components only.
#[test]
fn every_cyclonedx_report_lists_every_installed_package_and_its_dependencies() {
    use audit::input::Registry;
    use std::collections::{BTreeMap, BTreeSet};
    let base = Path::new("tests/data/audit");
    let mut total = 0;
    for name in ["vulnerable", "clean", "pinned", "dev-only"] {
        let inputs: Vec<Input> = detect(&base.join(name))
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|input| input.kind() != "opam-file")
            .collect();
        let mut expected_components = BTreeSet::new();
        let mut expected_edges = BTreeSet::new();
        for input in &inputs {
            let inventory = input.read().unwrap_or_else(|e| panic!("{e}"));
            let key = |name: &str| {
                let package = inventory.package(name)?;
                let kind = if package.registry == Registry::Npm {
                    "npm"
                } else {
                    "opam"
                };
                Some((
                    kind.to_owned(),
                    package.name.clone(),
                    package.version.clone(),
                ))
            };
            for package in inventory.packages() {
                let from = key(&package.name).expect("listed");
                expected_components.insert(from.clone());
                for dependency in inventory.dependencies(&package.name) {
                    if let Some(to) = key(dependency.name) {
                        expected_edges.insert((from.clone(), to));
                    }
                }
            }
        }
        let report = report(&inputs, &Policy::default(), ScanOptions::default());
        let bom = rendered(&report, Format::CycloneDx);
        let components: BTreeMap<&str, (String, String, String)> = bom["components"]
            .as_array()
            .expect("components")
            .iter()
            .map(|c| {
                let reference = c["bom-ref"].as_str().expect("bom-ref");
                assert_eq!(c["purl"].as_str(), Some(reference));
                (reference, purl_key(reference))
            })
            .collect();
        let listed: BTreeSet<_> = components.values().cloned().collect();
        assert_eq!(listed, expected_components, "{name}");
        assert_eq!(
            bom["components"].as_array().map(Vec::len),
            Some(expected_components.len()),
            "{name}: each once"
        );
        let mut edges = BTreeSet::new();
        for dependency in bom["dependencies"].as_array().expect("dependencies") {
            let from = &components[dependency["ref"].as_str().expect("ref")];
            for to in dependency["dependsOn"].as_array().expect("dependsOn") {
                let to = &components[to.as_str().expect("ref")];
                edges.insert((from.clone(), to.clone()));
            }
        }
        assert_eq!(edges, expected_edges, "{name}");
        let mut affected = BTreeSet::new();
        for vulnerability in bom["vulnerabilities"].as_array().expect("vulnerabilities") {
            for entry in vulnerability["affects"].as_array().expect("affects") {
                let reference = entry["ref"].as_str().expect("ref");
                affected.insert(components[reference].clone());
            }
        }
        let found: BTreeSet<_> = report
            .findings()
            .map(|f| {
                (
                    "opam".to_owned(),
                    f.package.clone(),
                    f.installed_version.clone(),
                )
            })
            .collect();
        assert_eq!(affected, found, "{name}");
        total += listed.len();
    }
    assert!(total >= 70, "the scenarios install packages: {total}");
}
