//! `--format markdown`: a pull-request comment.

use std::fmt::Write as _;

use super::{Report, admits_text, constraint_text, fixed_text, path_text, severity_text};

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let total = report.findings().count();
    let _ = writeln!(
        out,
        "## osec audit: {total} vulnerabilit{}\n",
        if total == 1 { "y" } else { "ies" }
    );
    for input in &report.inputs {
        let opam_file = input.kind == "opam-file";
        let _ = writeln!(
            out,
            "### `{}` ({}, {} {})\n",
            escape(&input.path),
            input.kind,
            input.packages_scanned,
            if opam_file {
                "dependencies"
            } else {
                "packages"
            }
        );
        if input.findings.is_empty() {
            out.push_str("No vulnerabilities found.\n\n");
        } else {
            if opam_file {
                out.push_str(
                    "| ID | Package | Constraint | Severity | Fixed in | Admits (affected) | Summary |\n",
                );
            } else {
                out.push_str(
                    "| ID | Package | Installed | Severity | Fixed in | Path | Summary |\n",
                );
            }
            out.push_str("|---|---|---|---|---|---|---|\n");
            for f in &input.findings {
                let id = match &f.url {
                    Some(url) => format!("[{}]({url})", f.id),
                    None => f.id.clone(),
                };
                let (third, sixth) = match &f.constraint {
                    Some(c) => (constraint_text(c), admits_text(f, c)),
                    None => (f.installed_version.clone(), path_text(f)),
                };
                let _ = writeln!(
                    out,
                    "| {id} | {} | {} | {} | {} | {} | {} |",
                    escape(&f.package),
                    escape(&third),
                    severity_text(f),
                    escape(&fixed_text(f)),
                    escape(&sixth),
                    escape(&f.summary)
                );
            }
            out.push('\n');
        }
        if !input.plans.is_empty() {
            out.push_str("**Upgrade plans**\n\n");
            for plan in &input.plans {
                let _ = writeln!(
                    out,
                    "- `{}` {}: {}",
                    plan.package,
                    escape(&plan.installed_version),
                    escape(&plan.summary())
                );
                for note in &plan.notes {
                    let _ = writeln!(out, "  - note: {}", escape(note));
                }
            }
            out.push('\n');
        }
        if !input.ignored.is_empty() {
            out.push_str("<details><summary>Ignored</summary>\n\n");
            for ignored in &input.ignored {
                let _ = writeln!(
                    out,
                    "- {} in {}: {}",
                    ignored.finding.id,
                    escape(&ignored.finding.subject()),
                    escape(&ignored.reason)
                );
            }
            out.push_str("\n</details>\n\n");
        }
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", escape(&warning.to_string()));
    }
    let _ = writeln!(
        out,
        "<sub>Database: {} ({} records).</sub>",
        escape(&report.database.source),
        report.database.records
    );
    out
}

/// Keeps table cells intact: `|` and line breaks would end a cell or row.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
