//! `--format json`: the contract `osec-repo-check-immutable/1`, documented in the
//! crate docs. Fields are only ever added.

use serde_json::{Value, json};

use super::{Finding, Location, Report};

pub(super) fn document(report: &Report) -> Value {
    json!({
        "schema": "osec-repo-check-immutable/1",
        "tool_version": env!("CARGO_PKG_VERSION"),
        "repository": report.repository.display().to_string(),
        "base": {"revision": report.base.spec, "commit": report.base.commit},
        "head": {"revision": report.head.spec, "commit": report.head.commit},
        "versions": {
            "changed": report.counts.changed,
            "new": report.counts.added,
            "removed": report.counts.removed,
        },
        "errors": report.errors(),
        "warnings": report.warnings(),
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
    })
}

fn finding(finding: &Finding) -> Value {
    json!({
        "code": finding.rule.code(),
        "name": finding.rule.name(),
        "severity": finding.severity().as_str(),
        "package": finding.package,
        "subject": finding.subject,
        "message": finding.message,
        "location": location(&finding.location),
        "old": finding.old,
        "new": finding.new,
        "old_location": finding.old_location.as_ref().map(location),
        "help": finding.rule.help(),
    })
}

fn location(location: &Location) -> Value {
    json!({
        "revision": location.side.as_str(),
        "path": location.path,
        "region": location.region.map(|region| json!({
            "start_line": region.start_line,
            "start_column": region.start_column,
            "end_line": region.end_line,
            "end_column": region.end_column,
        })),
    })
}
