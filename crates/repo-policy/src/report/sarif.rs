//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Every registered
//! rule is listed (with its documentation as `help` and a `helpUri`); each finding is
//! a result at its file, relative to `%SRCROOT%` (the repository root), with a
//! `partialFingerprints` entry that survives line moves. Microsoft's SARIF multitool
//! with GitHub's rules accepts it (see the crate's tests).

use serde_json::{Value, json};

use super::{Finding, Report};
use crate::codes::Rule;

pub(super) fn document(report: &Report) -> Value {
    let rules: Vec<Value> = Rule::ALL.iter().map(|rule| rule_object(*rule)).collect();
    let results: Vec<Value> = report.findings.iter().map(result).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "osec",
                "fullName": "osec repo check-immutable",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ocaml/osec",
                "rules": rules,
            }},
            "automationDetails": {"id": "osec/repo-check-immutable/"},
            "columnKind": "unicodeCodePoints",
            "properties": {
                "base": {"revision": report.base.spec, "commit": report.base.commit},
                "head": {"revision": report.head.spec, "commit": report.head.commit},
            },
            "results": results,
        }],
    })
}

fn rule_object(rule: Rule) -> Value {
    json!({
        "id": rule.code(),
        "name": rule.name(),
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.summary()},
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "helpUri": rule.help_uri(),
        "defaultConfiguration": {"level": rule.level().as_str()},
        "properties": {
            "tags": ["security", "supply-chain", "opam-repository"],
            "precision": "very-high",
            "problem.severity": rule.level().as_str(),
        },
    })
}

fn result(finding: &Finding) -> Value {
    let mut text = format!("{}: {}.", finding.package, finding.message);
    if let Some(old) = &finding.old {
        text.push_str(&format!(" At BASE: {old}."));
    }
    if let Some(new) = &finding.new {
        text.push_str(&format!(" At HEAD: {new}."));
    }
    // A finding about a whole file (under `files/`, a removed version) points at its
    // first line: GitHub shows a result by its region.
    let region = match finding.location.region {
        Some(region) => json!({
            "startLine": region.start_line,
            "startColumn": region.start_column,
            "endLine": region.end_line,
            "endColumn": region.end_column,
        }),
        None => json!({"startLine": 1}),
    };
    let physical = json!({
        "artifactLocation": {"uri": finding.location.path, "uriBaseId": "%SRCROOT%"},
        "region": region,
    });
    let index = Rule::ALL.iter().position(|rule| *rule == finding.rule);
    json!({
        "ruleId": finding.rule.code(),
        "ruleIndex": index,
        "level": finding.severity().as_str(),
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"osecPolicyFinding/v1": finding.fingerprint()},
    })
}
