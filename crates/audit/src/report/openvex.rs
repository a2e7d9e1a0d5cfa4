//! `--format openvex`: an OpenVEX v0.2.0 document, one statement per finding.
//!
//! | reachability of the finding | `status` | also |
//! |---|---|---|
//! | called | `affected` | `action_statement` (the fix), `status_notes` (where it is called, the chain of packages) |
//! | not referenced | `not_affected` | `justification: vulnerable_code_not_in_execute_path`, `impact_statement` (how many files were scanned) |
//! | unknown | `under_investigation` | `status_notes` (why) |
//! | not analysed | `affected` | `action_statement`; the installed version is affected and nothing says otherwise |
//!
//! Products are the affected packages by purl (`pkg:opam/cohttp@6.2.2`; without a
//! version for a plain `*.opam` file's dependency). The document is deterministic:
//! its `timestamp` is given by the caller (the database's last modification, so that
//! the same inputs give the same bytes) and its `@id` is derived from its statements.
//!
//! OpenVEX's schema wants at least one statement: with no finding, `statements` is
//! empty and the document says nothing, which the schema rejects; a caller that needs
//! a valid document only writes one when there are findings.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Report;
use super::cyclonedx::purl_of;
use crate::reach::Reachability;
use crate::scan::Finding;
use ocaml_reach::{Outcome, Verdict, Why};

/// The OpenVEX JSON-LD context of version 0.2.0.
pub const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

/// References shown in a statement's notes; the rest are counted.
const NOTES_REFERENCES: usize = 5;

/// The document as JSON. `timestamp` is RFC 3339 (the database's last modification).
pub fn document(report: &Report, reachability: &Reachability, timestamp: &str) -> Value {
    let mut statements: Vec<Value> = report
        .findings()
        .map(|finding| {
            let outcome = reachability.get(&(finding.id.clone(), finding.package.clone()));
            statement(finding, outcome)
        })
        .collect();
    statements.sort_by_key(|s| s.to_string());
    statements.dedup();
    let digest = Sha256::digest(Value::Array(statements.clone()).to_string().as_bytes());
    let id: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    json!({
        "@context": CONTEXT,
        "@id": format!("urn:osec:openvex:{id}"),
        "author": "osec",
        "timestamp": timestamp,
        "version": 1,
        "tooling": format!("osec {}", report.tool_version),
        "statements": statements,
    })
}

/// The document as text, ending with a newline.
pub fn render(report: &Report, reachability: &Reachability, timestamp: &str) -> String {
    let mut text = serde_json::to_string_pretty(&document(report, reachability, timestamp))
        .unwrap_or_default();
    text.push('\n');
    text
}

fn statement(finding: &Finding, outcome: Option<&Outcome>) -> Value {
    let mut vulnerability = json!({"name": finding.id});
    if let Some(map) = vulnerability.as_object_mut() {
        if !finding.summary.is_empty() {
            map.insert("description".to_owned(), json!(finding.summary));
        }
        if !finding.aliases.is_empty() {
            map.insert("aliases".to_owned(), json!(finding.aliases));
        }
        if let Some(url) = &finding.url {
            map.insert("@id".to_owned(), json!(url));
        }
    }
    let purl = purl_of(finding);
    let mut statement = json!({
        "vulnerability": vulnerability,
        "products": [{"@id": purl, "identifiers": {"purl": purl}}],
    });
    let Some(map) = statement.as_object_mut() else {
        return statement;
    };
    match outcome.map(|o| &o.verdict) {
        Some(Verdict::NotReferenced { files_scanned }) => {
            map.insert("status".to_owned(), json!("not_affected"));
            map.insert(
                "justification".to_owned(),
                json!("vulnerable_code_not_in_execute_path"),
            );
            map.insert(
                "impact_statement".to_owned(),
                json!(format!(
                    "No reference to the affected bindings in {files_scanned} OCaml {} scanned by osec (the project and the installed packages depending on {})",
                    if *files_scanned == 1 { "file" } else { "files" },
                    finding.package
                )),
            );
        }
        Some(Verdict::Unknown { why }) => {
            map.insert("status".to_owned(), json!("under_investigation"));
            map.insert("status_notes".to_owned(), json!(unknown_notes(why)));
        }
        Some(Verdict::Called { references, more }) => {
            map.insert("status".to_owned(), json!("affected"));
            map.insert("action_statement".to_owned(), json!(action(finding)));
            map.insert(
                "status_notes".to_owned(),
                json!(called_notes(finding, references, *more)),
            );
        }
        None => {
            map.insert("status".to_owned(), json!("affected"));
            map.insert("action_statement".to_owned(), json!(action(finding)));
        }
    }
    statement
}

fn action(finding: &Finding) -> String {
    if finding.fixed_versions.is_empty() {
        format!(
            "No fixed version of {} is known: avoid the affected functions or remove the dependency",
            finding.package
        )
    } else {
        format!(
            "Upgrade {} to {}",
            finding.package,
            finding.fixed_versions.join(" or ")
        )
    }
}

fn called_notes(finding: &Finding, references: &[ocaml_reach::Reference], more: usize) -> String {
    let mut parts: Vec<String> = references
        .iter()
        .take(NOTES_REFERENCES)
        .map(|r| {
            format!(
                "{} at {}:{}:{} ({})",
                r.binding,
                r.at.file.display(),
                r.at.line,
                r.at.column,
                r.packages(&finding.package).join(" → ")
            )
        })
        .collect();
    let hidden = references.len().saturating_sub(NOTES_REFERENCES) + more;
    if hidden > 0 {
        parts.push(format!("and {hidden} more"));
    }
    format!("Called: {}", parts.join("; "))
}

fn unknown_notes(why: &[Why]) -> String {
    let reasons: Vec<String> = why.iter().map(why_text).collect();
    format!("Reachability unknown: {}", reasons.join("; "))
}

/// One reason, for people.
pub(crate) fn why_text(why: &Why) -> String {
    match why {
        Why::NoBindings => "the advisory names no affected functions".to_owned(),
        Why::BadBinding { binding } => format!("`{binding}` is not an OCaml path"),
        Why::NoSources => "no OCaml sources were found".to_owned(),
        Why::CSymbol { symbol } => {
            format!("`{symbol}` is a C symbol, and C code is not read")
        }
        Why::Unreadable { path, error } => format!("{} could not be read: {error}", path.display()),
        Why::TooLarge { path, size, limit } => format!(
            "{} ({size} bytes) is over the {limit}-byte limit and mentions an affected name",
            path.display()
        ),
        Why::Unterminated { at, what } => format!(
            "{}:{}:{}: unterminated {what} may hide a call",
            at.file.display(),
            at.line,
            at.column
        ),
        Why::Untraced {
            at, module, how, ..
        } => {
            let how = match how {
                ocaml_reach::Untraceable::FunctorArgument => "passed to a functor",
                ocaml_reach::Untraceable::FirstClassModule => "packed as a first-class module",
                _ => "used where it cannot be followed",
            };
            format!(
                "{}:{}:{}: {module} is {how}",
                at.file.display(),
                at.line,
                at.column
            )
        }
        Why::NoPackageSources { package } => {
            format!("{package} is installed without its sources")
        }
        Why::ChainsTooLong { rounds } => {
            format!("calls through libraries go deeper than {rounds} levels")
        }
        _ => "the analysis could not decide".to_owned(),
    }
}
