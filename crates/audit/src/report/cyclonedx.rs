//! `--format cyclonedx`: a CycloneDX 1.6 JSON BOM of every installed (or locked)
//! package with its purl, the dependency graph between them, and the vulnerabilities,
//! each linked to the components it affects. Inputs that share a package share its
//! component (the purl is its `bom-ref`); their edges are merged.
//!
//! A plain `*.opam` file installs nothing: its affected dependencies are components
//! without a version (`pkg:opam/cohttp`), and each vulnerability's `affects` entry
//! lists the affected versions the constraints admit (`"status": "affected"`).

use std::collections::{BTreeMap, BTreeSet};

use opam_model::Version;

use serde_json::{Value, json};

use super::{Report, hidden_text, reach_text};
use crate::input::{InstalledPackage, Registry};
use crate::reach::Reachability;
use crate::scan::{Finding, by_id};

pub(super) fn document(report: &Report) -> Value {
    let all: Vec<Finding> = report.findings().cloned().collect();
    let reachability = report.reachability();
    let mut components: BTreeMap<String, Value> = BTreeMap::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for input in &report.inputs {
        let purls: BTreeMap<&str, String> = input
            .components
            .iter()
            .map(|c| (c.package.name.as_str(), installed_purl(&c.package)))
            .collect();
        for component in &input.components {
            let Some(purl) = purls.get(component.package.name.as_str()) else {
                continue;
            };
            components
                .entry(purl.clone())
                .or_insert_with(|| installed_component(&component.package, purl));
            graph.entry(purl.clone()).or_default().extend(
                component
                    .depends_on
                    .iter()
                    .filter_map(|name| purls.get(name.as_str()).cloned()),
            );
        }
    }
    // A plain `*.opam` file installs nothing: its affected dependencies are listed
    // without a version.
    for finding in &all {
        let purl = purl_of(finding);
        components.entry(purl.clone()).or_insert_with(|| {
            if finding.constraint.is_some() {
                json!({
                    "type": "library",
                    "bom-ref": purl,
                    "name": finding.package,
                    "purl": purl,
                })
            } else {
                json!({
                    "type": "library",
                    "bom-ref": purl,
                    "name": finding.package,
                    "version": finding.installed_version,
                    "purl": purl,
                })
            }
        });
    }
    let vulnerabilities: Vec<Value> = by_id(&all)
        .into_iter()
        .filter_map(|(id, findings)| {
            let first = findings.first()?;
            let mut affects: BTreeMap<String, BTreeSet<(Version, String)>> = BTreeMap::new();
            for finding in &findings {
                let versions = affects.entry(purl_of(finding)).or_default();
                if let Some(constraint) = &finding.constraint {
                    versions.extend(
                        constraint
                            .admitted
                            .iter()
                            .filter_map(|v| Version::parse(v).ok().map(|p| (p, v.clone()))),
                    );
                }
            }
            let affects: Vec<Value> = affects
                .into_iter()
                .map(|(reference, versions)| {
                    if versions.is_empty() {
                        json!({"ref": reference})
                    } else {
                        let versions: Vec<Value> = versions
                            .into_iter()
                            .map(|(_, v)| json!({"version": v, "status": "affected"}))
                            .collect();
                        json!({"ref": reference, "versions": versions})
                    }
                })
                .collect();
            let mut vulnerability = json!({
                "bom-ref": id,
                "id": id,
                "source": {"name": source_name(id)},
                "description": first.summary,
                "affects": affects,
            });
            let map = vulnerability.as_object_mut()?;
            if let Some(rating) = &first.severity {
                map.insert(
                    "ratings".to_owned(),
                    json!([{
                        "score": rating.score,
                        "severity": rating.level.as_str(),
                        "method": cvss_method(&rating.vector),
                        "vector": rating.vector,
                    }]),
                );
            }
            if !first.aliases.is_empty() {
                let references: Vec<Value> = first
                    .aliases
                    .iter()
                    .map(|alias| json!({"id": alias, "source": {"name": source_name(alias)}}))
                    .collect();
                map.insert("references".to_owned(), Value::Array(references));
            }
            if let Some(analysis) = analysis(&findings, &reachability) {
                map.insert("analysis".to_owned(), analysis);
            }
            let plan = report
                .inputs
                .iter()
                .find_map(|input| input.plan_for(&first.package));
            if let Some(plan) = plan {
                map.insert(
                    "recommendation".to_owned(),
                    json!(format!(
                        "Plan for {} {}: {}.",
                        plan.package,
                        plan.installed_version,
                        plan.summary()
                    )),
                );
            } else if !first.fixed_versions.is_empty() {
                map.insert(
                    "recommendation".to_owned(),
                    json!(format!(
                        "Upgrade {} to {}",
                        first.package,
                        first.fixed_versions.join(" or ")
                    )),
                );
            }
            Some(vulnerability)
        })
        .collect();
    let mut metadata = json!({"tools": {"components": [{
        "type": "application",
        "name": "osec",
        "version": report.tool_version,
    }]}});
    if let (Some(hidden), Some(map)) = (report.hidden_not_referenced(), metadata.as_object_mut()) {
        map.insert(
            "properties".to_owned(),
            json!([
                {"name": "osec:hidden-not-referenced", "value": hidden.to_string()},
                {"name": "osec:hidden-note", "value": hidden_text(hidden)},
            ]),
        );
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": metadata,
        "components": components.into_values().collect::<Vec<_>>(),
        "dependencies": graph
            .into_iter()
            .map(|(reference, depends_on)| json!({"ref": reference, "dependsOn": depends_on}))
            .collect::<Vec<_>>(),
        "vulnerabilities": vulnerabilities,
    })
}

/// An installed package as a component; a pinned one says so (`osec:pinned`), as
/// the purl names the public package, which a pinned one may not be.
fn installed_component(package: &InstalledPackage, purl: &str) -> Value {
    let mut component = json!({
        "type": "library",
        "bom-ref": purl,
        "name": package.name,
        "version": package.version,
        "purl": purl,
    });
    if package.pinned
        && let Some(map) = component.as_object_mut()
    {
        map.insert(
            "properties".to_owned(),
            json!([{"name": "osec:pinned", "value": "true"}]),
        );
    }
    component
}

/// The package URL of an installed package: `pkg:opam/NAME@VERSION`, or
/// `pkg:npm/[%40SCOPE/]NAME@VERSION` for an npm package of an esy project.
fn installed_purl(package: &InstalledPackage) -> String {
    let builder = match package.registry {
        Registry::Npm => match package.name.split_once('/') {
            Some((scope, name)) if scope.starts_with('@') => {
                purl::Purl::builder("npm", name).namespace(scope)
            }
            _ => purl::Purl::builder("npm", &package.name),
        },
        // The project's own package is an opam package too, built from the checkout.
        Registry::Opam | Registry::Project => purl::Purl::builder("opam", &package.name),
    };
    match builder.version(&package.version).build() {
        Ok(purl) => purl.to_string(),
        // Names and versions read from an input make a valid purl; keep something
        // readable (and unique) if not.
        Err(_) => format!("pkg:generic/{}@{}", package.name, package.version),
    }
}

/// `--reachability` as CycloneDX's analysis of one vulnerability (all its findings):
/// `exploitable` when one is called, `not_affected` with `code_not_reachable` when all
/// are not referenced, `in_triage` otherwise; `detail` says where or why.
fn analysis(findings: &[&Finding], reachability: &Reachability) -> Option<Value> {
    let verdicts: Vec<(&Finding, &ocaml_reach::Outcome)> = findings
        .iter()
        .filter_map(|f| {
            reachability
                .get(&(f.id.clone(), f.package.clone()))
                .map(|o| (*f, o))
        })
        .collect();
    if verdicts.is_empty() {
        return None;
    }
    let detail: Vec<String> = verdicts
        .iter()
        .map(|(f, o)| format!("{}: {}", f.package, reach_text(f, o)))
        .collect();
    let detail = detail.join(". ");
    let is = |name: &str| verdicts.iter().any(|(_, o)| o.verdict.as_str() == name);
    Some(if is("called") {
        json!({"state": "exploitable", "detail": detail})
    } else if !is("unknown") && verdicts.len() == findings.len() {
        json!({"state": "not_affected", "justification": "code_not_reachable", "detail": detail})
    } else {
        json!({"state": "in_triage", "detail": detail})
    })
}

/// The package URL of the finding's package: with the installed version, or without
/// a version for a plain `*.opam` file's dependency.
pub(super) fn purl_of(finding: &Finding) -> String {
    let builder = purl::Purl::builder("opam", &finding.package);
    let builder = if finding.constraint.is_some() {
        builder
    } else {
        builder.version(&finding.installed_version)
    };
    match builder.build() {
        Ok(purl) => purl.to_string(),
        // opam names and versions always make a valid purl; keep something readable if not.
        Err(_) if finding.constraint.is_some() => format!("pkg:opam/{}", finding.package),
        Err(_) => format!("pkg:opam/{}@{}", finding.package, finding.installed_version),
    }
}

fn source_name(id: &str) -> &'static str {
    match id.split('-').next() {
        Some("OSEC") => "OCaml security advisories",
        Some("CVE") => "NVD",
        Some("GHSA") => "GitHub Advisories",
        _ => "OSV",
    }
}

/// CycloneDX's names for the CVSS versions.
fn cvss_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.0") {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.0") {
        "CVSSv3"
    } else {
        "other"
    }
}
