//! `--format cyclonedx`: a CycloneDX 1.6 JSON BOM of the affected packages (with their
//! opam purls) and the vulnerabilities affecting them.
//!
//! A plain `*.opam` file installs nothing: its affected dependencies are components
//! without a version (`pkg:opam/cohttp`), and each vulnerability's `affects` entry
//! lists the affected versions the constraints admit (`"status": "affected"`).

use std::collections::{BTreeMap, BTreeSet};

use opam_model::Version;

use serde_json::{Value, json};

use super::{Report, hidden_text, reach_text};
use crate::reach::Reachability;
use crate::scan::{Finding, by_id};

pub(super) fn document(report: &Report) -> Value {
    let all: Vec<Finding> = report.findings().cloned().collect();
    let reachability = report.reachability();
    let mut components: BTreeMap<String, Value> = BTreeMap::new();
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
            if !first.fixed_versions.is_empty() {
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
        "vulnerabilities": vulnerabilities,
    })
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
