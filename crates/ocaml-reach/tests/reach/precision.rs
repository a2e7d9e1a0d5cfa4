//! Every verdict on the real projects under `tests/data/reach/<project>/` against the
//! ground truth written by reading them (`ground-truth.toml`; origins in `SOURCES.md`).

use std::collections::BTreeMap;
use std::path::Path;

use ocaml_reach::{Outcome, Request, Scan, Through, Verdict};
use serde::Deserialize;

use crate::support::data_dir;

#[derive(Debug, Deserialize)]
struct GroundTruth {
    binding: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    advisory: String,
    package: String,
    binding: String,
    truth: String,
    verdict: String,
    #[serde(default)]
    calls: Vec<String>,
    #[serde(default)]
    through: Vec<String>,
    #[serde(default)]
    why: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

const PROJECTS: &[&str] = &["awa", "cohttp", "dns", "tls", "webauthn", "x509"];

fn ground_truth(project: &Path) -> GroundTruth {
    let text = std::fs::read_to_string(project.join("ground-truth.toml")).expect("ground truth");
    toml::from_str(&text).expect("valid ground truth")
}

/// Scans a project with its installed libraries, one request per advisory.
fn scan(project: &Path, truth: &GroundTruth) -> BTreeMap<(String, String), (Outcome, usize)> {
    let mut advisories: Vec<(String, String, Vec<String>)> = Vec::new();
    for entry in &truth.binding {
        match advisories
            .iter_mut()
            .find(|(id, _, _)| *id == entry.advisory)
        {
            Some((_, _, bindings)) => bindings.push(entry.binding.clone()),
            None => advisories.push((
                entry.advisory.clone(),
                entry.package.clone(),
                vec![entry.binding.clone()],
            )),
        }
    }
    let mut scan = Scan::new().project_dir(project.join("project"));
    if let Ok(libs) = std::fs::read_dir(project.join("lib")) {
        let mut libs: Vec<_> = libs.flatten().map(|e| e.path()).collect();
        libs.sort();
        for lib in libs {
            let name = crate::support::file_name(&lib);
            scan = scan.package(name, lib);
        }
    }
    for (_, package, bindings) in &advisories {
        scan = scan.request(Request {
            package: package.clone(),
            bindings: bindings.clone(),
            through: Through::AnyPackage,
        });
    }
    let outcomes = scan.run();
    let mut by_binding = BTreeMap::new();
    for ((id, _, _), outcome) in advisories.iter().zip(outcomes) {
        for (index, b) in outcome.bindings.iter().enumerate() {
            by_binding.insert((id.clone(), b.binding.clone()), (outcome.clone(), index));
        }
    }
    by_binding
}

/// Compares one verdict with its entry; returns the mismatches.
fn check(project: &Path, entry: &Entry, verdict: &Verdict) -> Vec<String> {
    let mut errors = Vec::new();
    let label = format!("{} {}", entry.advisory, entry.binding);
    if entry.truth == "called" && matches!(verdict, Verdict::NotReferenced { .. }) {
        errors.push(format!("{label}: NOT REFERENCED, but the code calls it"));
    }
    if verdict.as_str() != entry.verdict {
        errors.push(format!(
            "{label}: {} instead of {}",
            verdict.as_str(),
            entry.verdict
        ));
        return errors;
    }
    match verdict {
        Verdict::Called { references, .. } => {
            let mut calls: Vec<String> = references
                .iter()
                .map(|r| {
                    let file = r.at.file.strip_prefix(project).unwrap_or(&r.at.file);
                    format!("{}:{}", file.display(), r.at.line)
                })
                .collect();
            calls.sort();
            calls.dedup();
            if calls != entry.calls {
                errors.push(format!(
                    "{label}: calls {calls:?} instead of {:?}",
                    entry.calls
                ));
            }
            let mut through: Vec<String> = references
                .iter()
                .flat_map(|r| r.chain.iter().map(|l| l.package.clone()))
                .filter(|p| p != "project")
                .collect();
            through.sort();
            through.dedup();
            if through != entry.through {
                errors.push(format!(
                    "{label}: through {through:?} instead of {:?}",
                    entry.through
                ));
            }
        }
        Verdict::Unknown { why } => {
            let mut kinds: Vec<String> = why
                .iter()
                .filter_map(|w| {
                    serde_json::to_value(w)
                        .ok()?
                        .get("kind")?
                        .as_str()
                        .map(str::to_owned)
                })
                .collect();
            kinds.sort();
            kinds.dedup();
            if kinds != entry.why {
                errors.push(format!("{label}: why {kinds:?} instead of {:?}", entry.why));
            }
        }
        Verdict::NotReferenced { .. } => {}
    }
    errors
}

#[test]
fn every_verdict_on_real_projects_matches_the_ground_truth() {
    let mut errors = Vec::new();
    let mut table: BTreeMap<(&str, String, String), usize> = BTreeMap::new();
    for project in PROJECTS {
        let dir = data_dir().join(project);
        let truth = ground_truth(&dir);
        let verdicts = scan(&dir, &truth);
        assert_eq!(
            verdicts.len(),
            truth.binding.len(),
            "{project}: one verdict per entry"
        );
        for entry in &truth.binding {
            let Some((outcome, index)) =
                verdicts.get(&(entry.advisory.clone(), entry.binding.clone()))
            else {
                errors.push(format!("{project}: no verdict for {}", entry.binding));
                continue;
            };
            let verdict = &outcome.bindings[*index].verdict;
            for error in check(&dir, entry, verdict) {
                errors.push(format!("{project}: {error}"));
            }
            *table
                .entry((*project, entry.truth.clone(), verdict.as_str().to_owned()))
                .or_default() += 1;
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The table in the crate's README-style summary: (project, truth, verdict) → count.
    let called_through_libraries = table
        .keys()
        .filter(|(_, truth, verdict)| truth == "called" && verdict == "called")
        .count();
    assert!(called_through_libraries >= PROJECTS.len(), "{table:?}");
}

#[test]
fn the_ground_truth_covers_open_alias_local_open_and_a_library_chain() {
    let mut through_libraries = 0;
    let mut unknown = 0;
    for project in PROJECTS {
        let truth = ground_truth(&data_dir().join(project));
        through_libraries += truth
            .binding
            .iter()
            .filter(|e| !e.through.is_empty())
            .count();
        unknown += truth
            .binding
            .iter()
            .filter(|e| e.verdict == "unknown")
            .count();
        assert!(
            truth.binding.iter().any(|e| e.truth == "called"),
            "{project}: a fixture where nothing is called shows nothing"
        );
    }
    assert!(through_libraries > 0);
    assert!(unknown > 0);
    // The forms of reference, as the fixtures' headers describe them: checked here by
    // the presence of the constructs in the files whose calls the ground truth lists.
    let tls = std::fs::read_to_string(data_dir().join("tls/project/lib/handshake_server.ml"))
        .expect("fixture");
    assert!(tls.contains("let open Mirage_crypto_ec in"), "local open");
    let awa =
        std::fs::read_to_string(data_dir().join("awa/project/lib/hostkey.ml")).expect("fixture");
    assert!(
        awa.contains("open Mirage_crypto_pk"),
        "structure-level open"
    );
    let x509 = std::fs::read_to_string(data_dir().join("x509/project/lib/private_key.ml"))
        .expect("fixture");
    assert!(
        x509.contains("let module PSS = Mirage_crypto_pk.Rsa.PSS(H) in"),
        "alias"
    );
}
