//! `--format table`: one row per finding, columns aligned, a summary line.

use std::fmt::Write as _;

use super::{
    Report, admits_text, constraint_text, count_text, fixed_text, path_text, pinned_text,
    severity_text,
};
use crate::scan::Severity;

const HEADERS: [&str; 6] = ["ID", "PACKAGE", "INSTALLED", "SEVERITY", "FIXED IN", "PATH"];

/// The columns for a plain `*.opam` file: its constraints instead of installed versions.
const CONSTRAINT_HEADERS: [&str; 6] = [
    "ID",
    "PACKAGE",
    "CONSTRAINT",
    "SEVERITY",
    "FIXED IN",
    "ADMITS (AFFECTED)",
];

pub(super) fn render(report: &Report, colour: bool) -> String {
    let mut out = String::new();
    for input in &report.inputs {
        let what = if input.kind == "opam-file" {
            "dependencies checked"
        } else {
            "packages scanned"
        };
        let _ = writeln!(
            out,
            "{} {}: {} {what}",
            input.kind, input.path, input.packages_scanned
        );
        if !input.pinned_skipped.is_empty() {
            let _ = writeln!(
                out,
                "  pinned, not matched (use --include-pinned): {}",
                pinned_text(&input.pinned_skipped)
            );
        }
        for note in &input.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        if input.findings.is_empty() {
            let _ = writeln!(out, "  no vulnerabilities found");
        } else {
            let rows: Vec<([String; 6], Option<Severity>)> = input
                .findings
                .iter()
                .map(|f| {
                    let cells = match &f.constraint {
                        Some(c) => [
                            f.id.clone(),
                            f.package.clone(),
                            constraint_text(c),
                            severity_text(f),
                            fixed_text(f),
                            admits_text(f, c),
                        ],
                        None => [
                            f.id.clone(),
                            f.package.clone(),
                            f.installed_version.clone(),
                            severity_text(f),
                            fixed_text(f),
                            path_text(f),
                        ],
                    };
                    (cells, f.severity.as_ref().map(|r| r.level))
                })
                .collect();
            let headers = if input.kind == "opam-file" {
                CONSTRAINT_HEADERS
            } else {
                HEADERS
            };
            let mut widths = headers.map(|h| h.chars().count());
            for (cells, _) in &rows {
                for (width, cell) in widths.iter_mut().zip(cells) {
                    *width = (*width).max(cell.chars().count());
                }
            }
            write_row(&mut out, &headers.map(str::to_owned), &widths, None);
            for (cells, level) in &rows {
                write_row(&mut out, cells, &widths, level.filter(|_| colour));
            }
            for finding in &input.findings {
                if !finding.summary.is_empty() {
                    let _ = writeln!(out, "  {}: {}", finding.id, finding.summary);
                }
            }
        }
        for ignored in &input.ignored {
            let _ = writeln!(
                out,
                "  ignored {} in {} ({})",
                ignored.finding.id,
                ignored.finding.subject(),
                ignored.reason
            );
        }
    }
    for error in &report.errors {
        let _ = writeln!(out, "error: {}", error.message);
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    let vulnerabilities = report.vulnerabilities();
    for shared in vulnerabilities.iter().filter(|v| v.inputs.len() > 1) {
        let _ = writeln!(
            out,
            "{} in {} {} is in {} inputs: {}",
            shared.id,
            shared.package,
            if shared.installed_version.is_empty() {
                "(constraints)"
            } else {
                &shared.installed_version
            },
            shared.inputs.len(),
            shared.inputs.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "{} found (database {}, {} records){}",
        count_text(vulnerabilities.len()),
        report.database.source,
        report.database.records,
        if report.errors.is_empty() {
            String::new()
        } else {
            format!(
                "; {} input{} could not be read",
                report.errors.len(),
                if report.errors.len() == 1 { "" } else { "s" }
            )
        }
    );
    out
}

fn write_row(out: &mut String, cells: &[String; 6], widths: &[usize; 6], level: Option<Severity>) {
    out.push_str("  ");
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let last = i + 1 == cells.len();
        let padding = if last {
            0
        } else {
            width - cell.chars().count() + 2
        };
        match (i, level) {
            (3, Some(level)) => {
                let _ = write!(out, "\u{1b}[{}m{cell}\u{1b}[0m", colour_code(level));
            }
            _ => out.push_str(cell),
        }
        out.extend(std::iter::repeat_n(' ', padding));
    }
    out.push('\n');
}

fn colour_code(level: Severity) -> &'static str {
    match level {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low | Severity::None => "36",
    }
}
