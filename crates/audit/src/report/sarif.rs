//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. One rule per
//! vulnerability (with `security-severity`), one result per affected package and
//! input, located where the input writes the package: the lock file's entry, the
//! `installed:` entry of a switch state or export, the dune `.pkg` file, the esy node
//! (line and column); for a plain `*.opam` file, the dependency entry itself (lines and
//! columns of the entry, columns counted in bytes). Inputs that could not be read, and
//! the readers' notes, are the run's tool execution notifications (error and note).

use serde_json::{Value, json};

use super::{Report, fixed_text, path_text};
use crate::scan::{Finding, Severity, by_id};

pub(super) fn document(report: &Report) -> Value {
    let all: Vec<Finding> = report.findings().cloned().collect();
    let groups = by_id(&all);
    let rules: Vec<Value> = groups
        .iter()
        .filter_map(|(id, findings)| findings.first().map(|f| rule(id, f)))
        .collect();
    let results: Vec<Value> = report
        .inputs
        .iter()
        .flat_map(|input| {
            let location = artifact_uri(&input.path, input.kind);
            input.findings.iter().map(move |f| result(f, &location))
        })
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "osec",
            "informationUri": "https://github.com/ocaml/osec",
            "semanticVersion": report.tool_version,
            "rules": rules,
        }},
        "results": results,
    });
    let notifications = notifications(report);
    if let (false, Some(map)) = (notifications.is_empty(), run.as_object_mut()) {
        map.insert(
            "invocations".to_owned(),
            json!([{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }]),
        );
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// The inputs that could not be read (errors) and the readers' notes.
fn notifications(report: &Report) -> Vec<Value> {
    let errors = report.errors.iter().map(|error| {
        let mut region = json!({});
        if let (Some(line), Some(column), Some(map)) =
            (error.line, error.column, region.as_object_mut())
        {
            map.insert("startLine".to_owned(), json!(line));
            map.insert("startColumn".to_owned(), json!(column));
        }
        notification("error", &error.message, &error.file, region)
    });
    let notes = report.inputs.iter().flat_map(|input| {
        input.notes.iter().map(|note| {
            notification(
                "note",
                &note.message,
                &note.location.path,
                json!({"startLine": note.location.line, "startColumn": note.location.column}),
            )
        })
    });
    errors.chain(notes).collect()
}

fn notification(level: &str, message: &str, file: &str, region: Value) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": file.replace('\\', "/")}});
    if let (false, Some(map)) = (
        region.as_object().is_none_or(serde_json::Map::is_empty),
        physical.as_object_mut(),
    ) {
        map.insert("region".to_owned(), region);
    }
    json!({
        "level": level,
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
    })
}

fn rule(id: &str, finding: &Finding) -> Value {
    let short = if finding.summary.is_empty() {
        format!("{id} in {}", finding.package)
    } else {
        finding.summary.clone()
    };
    let mut properties = json!({"tags": ["security", "vulnerability", "opam"]});
    if let (Some(rating), Some(map)) = (&finding.severity, properties.as_object_mut()) {
        map.insert(
            "security-severity".to_owned(),
            json!(format!("{:.1}", rating.score)),
        );
    }
    let mut rule = json!({
        "id": id,
        "name": id.replace('-', ""),
        "shortDescription": {"text": short},
        "fullDescription": {"text": format!("{id}: {short}. Aliases: {}.", aliases_text(finding))},
        "defaultConfiguration": {"level": level(finding)},
        "properties": properties,
    });
    if let (Some(url), Some(map)) = (&finding.url, rule.as_object_mut()) {
        map.insert("helpUri".to_owned(), json!(url));
    }
    rule
}

fn result(finding: &Finding, input_uri: &str) -> Value {
    let summary = if finding.summary.is_empty() {
        "no summary"
    } else {
        finding.summary.as_str()
    };
    let (text, region, fingerprint) = match &finding.constraint {
        Some(c) => (
            format!(
                "{} {} admits {} affected by {} ({}). Fixed in: {}.{}",
                finding.package,
                c.display_text(),
                c.admitted_text(),
                finding.id,
                summary,
                fixed_text(finding),
                if finding.development_only {
                    " Development only."
                } else {
                    ""
                },
            ),
            json!({
                "startLine": c.region.start_line,
                "startColumn": c.region.start_column,
                "endLine": c.region.end_line,
                "endColumn": c.region.end_column,
            }),
            format!("{}:{}:{}", finding.id, finding.package, c.field),
        ),
        None => (
            format!(
                "{} {} is affected by {} ({}). Fixed in: {}. Path: {}.",
                finding.package,
                finding.installed_version,
                finding.id,
                summary,
                fixed_text(finding),
                path_text(finding),
            ),
            match &finding.location {
                Some(location) => json!({
                    "startLine": location.line,
                    "startColumn": location.column,
                }),
                None => json!({"startLine": 1}),
            },
            format!(
                "{}:{}:{}",
                finding.id, finding.package, finding.installed_version
            ),
        ),
    };
    let uri = match &finding.location {
        Some(location) => location.path.replace('\\', "/"),
        None => input_uri.to_owned(),
    };
    json!({
        "ruleId": finding.id,
        "level": level(finding),
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": region,
        }}],
        "partialFingerprints": {
            "osecFinding/v1": fingerprint,
        },
    })
}

fn level(finding: &Finding) -> &'static str {
    match finding.severity.as_ref().map(|r| r.level) {
        Some(Severity::Critical | Severity::High) | None => "error",
        Some(Severity::Medium) => "warning",
        Some(Severity::Low | Severity::None) => "note",
    }
}

fn aliases_text(finding: &Finding) -> String {
    if finding.aliases.is_empty() {
        "none".to_owned()
    } else {
        finding.aliases.join(", ")
    }
}

/// A file to point at: the switch's `switch-state` for a switch, the lock file itself
/// otherwise; `/` separators as SARIF URIs want.
fn artifact_uri(path: &str, kind: &str) -> String {
    let file = match kind {
        "opam-switch" => format!("{path}/.opam-switch/switch-state"),
        "dune-lock" | "dune-dev-tool" => format!("{path}/lock.dune"),
        _ => path.to_owned(),
    };
    file.replace('\\', "/")
}
