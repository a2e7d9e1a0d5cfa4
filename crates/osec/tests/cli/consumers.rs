//! The reports that other tools read, checked by those tools' own validators:
//! Microsoft's SARIF multitool with the SARIF and GitHub rule sets (what GitHub
//! code scanning applies on upload) for `osec audit` and `osec lint`, on relative
//! and absolute paths; the CycloneDX project's Python library
//! (`scripts/cyclonedx-validate.py`) for `osec audit --format cyclonedx`. The validators come from `.ci/run` (npm, PyPI); without
//! them a test says so and skips, unless `CI` or `OSEC_REQUIRE_TOOLS` is set, where
//! a missing validator fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::{TestDir, advisory_data, scenario};

/// Whether the validators must be present (CI sets `CI=true`).
pub(crate) fn tools_required() -> bool {
    ["CI", "OSEC_REQUIRE_TOOLS"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0" && v != "false"))
}

/// The tool named by `var`, or `None` (skip) when it is not set and not required.
pub(crate) fn validator(var: &str, what: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) if Path::new(&path).exists() => Some(PathBuf::from(path)),
        _ if tools_required() => {
            panic!(
                "{var} does not name {what}, which CI requires: run `bash .ci/run`, which installs it"
            )
        }
        _ => {
            eprintln!("skipped: {var} does not name {what} (bash .ci/run installs it)");
            None
        }
    }
}

/// `Sarif.Multitool validate --rule-kind Gh;Sarif`: every result it reports at
/// level error or warning, as `RULE message`.
fn multitool_problems(tool: &Path, sarif: &str) -> Vec<String> {
    let dir = TestDir::new();
    let input = dir.write("osec.sarif", sarif);
    let output = dir.path().join("validation.sarif");
    let run = Command::new(tool)
        .arg("validate")
        .args(["--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite", "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", tool.display()));
    let text = std::fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!(
            "no validation log ({e}): {}",
            String::from_utf8_lossy(&run.stdout)
        )
    });
    let log: Value = serde_json::from_str(&text).expect("the multitool's SARIF");
    log["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["level"] != "note")
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect()
}

fn sarif_of(out: &crate::support::Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr))
}

/// Every result's URI: relative to `%SRCROOT%`, or an absolute `file://` URI.
fn assert_uris_resolve(sarif: &Value) {
    for result in sarif["runs"][0]["results"].as_array().expect("results") {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = location["uri"].as_str().expect("uri");
        if uri.starts_with("file:///") {
            assert!(location.get("uriBaseId").is_none(), "{location}");
        } else {
            assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
            assert_eq!(location["uriBaseId"], "%SRCROOT%");
        }
    }
}

/// The lint fixtures (one or more per rule) give results of every rule.
fn lint_fixtures(dir: &TestDir) -> Vec<String> {
    let fixtures = advisory_data().join("lint");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    for name in &names {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).expect("copy");
    }
    names
}

#[test]
fn audit_sarif_passes_the_multitool_with_githubs_rules_on_absolute_and_relative_paths() {
    let dir = TestDir::new();
    let absolute = dir.osec(&["audit", &scenario("vulnerable"), "--format", "sarif"]);
    assert_eq!(absolute.code, 1, "{}", absolute.stderr);
    let sarif = sarif_of(&absolute);
    assert_uris_resolve(&sarif);
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    for rule in driver["rules"].as_array().expect("rules") {
        assert!(
            rule["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("Fixed in")),
            "{rule}"
        );
    }
    std::fs::create_dir_all(dir.path().join("project")).expect("dir");
    std::fs::copy(
        Path::new(&scenario("vulnerable")).join("myapp.opam.locked"),
        dir.path().join("project/myapp.opam.locked"),
    )
    .expect("copy");
    let relative = dir.osec(&["audit", "project", "--format", "sarif"]);
    assert_eq!(relative.code, 1, "{}", relative.stderr);
    let relative_sarif = sarif_of(&relative);
    assert_uris_resolve(&relative_sarif);
    assert_eq!(
        relative_sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
        json!({"uri": "project/myapp.opam.locked", "uriBaseId": "%SRCROOT%"})
    );
    let Some(tool) = validator("OSEC_SARIF_MULTITOOL", "Microsoft's SARIF multitool") else {
        return;
    };
    for out in [&absolute, &relative] {
        let problems = multitool_problems(&tool, &out.stdout);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    // The check can fail: without `help` GitHub's rules reject the log (GH2012).
    let mut broken = sarif.clone();
    if let Some(rule) = broken["runs"][0]["tool"]["driver"]["rules"][0].as_object_mut() {
        rule.remove("help");
    }
    let problems = multitool_problems(&tool, &broken.to_string());
    assert!(
        problems.iter().any(|p| p.starts_with("\"GH2012")),
        "{problems:#?}"
    );
}

#[test]
fn lint_sarif_passes_the_multitool_with_githubs_rules_on_absolute_and_relative_paths() {
    let dir = TestDir::new();
    let names = lint_fixtures(&dir);
    let relative = dir.osec(
        &[
            &["lint", "--format", "sarif"][..],
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    // ADV028's fixture is not UTF-8: a file osec could not read makes it exit 2.
    assert_eq!(relative.code, 2, "{}", relative.stderr);
    let absolute_paths: Vec<String> = names
        .iter()
        .map(|n| dir.path().join(n).display().to_string())
        .collect();
    let absolute = dir.osec(
        &[
            &["lint", "--format", "sarif"][..],
            &absolute_paths
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ]
        .concat(),
    );
    assert_eq!(absolute.code, 2, "{}", absolute.stderr);
    let sarif = sarif_of(&relative);
    assert_uris_resolve(&sarif);
    assert_uris_resolve(&sarif_of(&absolute));
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], "https://github.com/ocaml/osec");
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 30);
    for rule in rules {
        let short = rule["shortDescription"]["text"].as_str().expect("short");
        let full = rule["fullDescription"]["text"].as_str().expect("full");
        assert!(
            full.len() > short.len() && full.starts_with(short),
            "{rule}"
        );
        assert!(
            rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{rule}"
        );
    }
    let Some(tool) = validator("OSEC_SARIF_MULTITOOL", "Microsoft's SARIF multitool") else {
        return;
    };
    for out in [&relative, &absolute] {
        let problems = multitool_problems(&tool, &out.stdout);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    // Without a version, the multitool warns (SARIF2005): the check can fail.
    let mut broken = sarif.clone();
    if let Some(driver) = broken["runs"][0]["tool"]["driver"].as_object_mut() {
        driver.remove("version");
        driver.remove("informationUri");
    }
    let problems = multitool_problems(&tool, &broken.to_string());
    assert!(
        problems.iter().any(|p| p.starts_with("\"SARIF2005")),
        "{problems:#?}"
    );
}

/// `scripts/cyclonedx-validate.py` on each BOM: its output, and whether it passed.
fn cyclonedx_library_check(python: &Path, boms: &[&str]) -> (bool, String) {
    let dir = TestDir::new();
    let files: Vec<PathBuf> = boms
        .iter()
        .enumerate()
        .map(|(i, bom)| dir.write(&format!("bom-{i}.json"), bom))
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/cyclonedx-validate.py");
    let run = Command::new(python)
        .arg(script)
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (run.status.success(), text)
}

#[test]
fn cyclonedx_passes_the_cyclonedx_library_on_a_switch_every_scenario_input_and_opam_files() {
    let dir = TestDir::new();
    let switch = dir.osec(&[
        "audit",
        "--switch",
        &format!("{}/_opam", scenario("vulnerable")),
        "--format",
        "cyclonedx",
    ]);
    assert_eq!(switch.code, 1, "{}", switch.stderr);
    let everything = dir.osec(&["audit", &scenario("vulnerable"), "--format", "cyclonedx"]);
    assert_eq!(everything.code, 1, "{}", everything.stderr);
    let opam_files = dir.osec(&["audit", &scenario("opam-files"), "--format", "cyclonedx"]);
    assert_eq!(opam_files.code, 1, "{}", opam_files.stderr);
    // The whole switch, not only what is affected; cohttp-lwt-unix depends on cohttp.
    let bom: Value = serde_json::from_str(&switch.stdout).expect("JSON");
    let components = bom["components"].as_array().expect("components");
    assert_eq!(components.len(), 20, "{bom}");
    let cohttp_lwt_unix = bom["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .find(|d| d["ref"] == "pkg:opam/cohttp-lwt-unix@6.2.2")
        .expect("an entry per component");
    assert!(
        cohttp_lwt_unix["dependsOn"]
            .as_array()
            .expect("dependsOn")
            .contains(&json!("pkg:opam/cohttp@6.2.2")),
        "{cohttp_lwt_unix}"
    );
    let Some(python) = validator(
        "OSEC_CYCLONEDX_PYTHON",
        "a Python with cyclonedx-python-lib[json-validation]",
    ) else {
        return;
    };
    let (passed, text) = cyclonedx_library_check(
        &python,
        &[&switch.stdout, &everything.stdout, &opam_files.stdout],
    );
    assert!(passed, "{text}");
    assert!(
        text.contains("20 components, 20 dependency entries"),
        "{text}"
    );
    // The check can fail: a dependency on a component the BOM does not list.
    let mut broken = bom.clone();
    broken["dependencies"][0]["dependsOn"] = json!(["pkg:opam/nowhere@1"]);
    let (passed, text) = cyclonedx_library_check(&python, &[&broken.to_string()]);
    assert!(
        !passed && text.contains("UnknownComponentDependency"),
        "{text}"
    );
}
