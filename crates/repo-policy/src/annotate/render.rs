//! The plan of `repo annotate` as text for people: a line per changed file, the
//! notices, what each advisory covers, and a summary.

use std::fmt::Write as _;

use safe_fs::{display_path, escape_control};

use super::{Annotation, FileEdit};

pub(super) fn human(plan: &Annotation, applied: bool) -> String {
    let mut out = String::new();
    let verb = if applied { "updated" } else { "would update" };
    for edit in &plan.edits {
        let _ = writeln!(
            out,
            "{verb} {}: {}",
            display_path(&edit.path),
            changes(edit)
        );
    }
    for notice in &plan.notices {
        let position = notice
            .position
            .map(|(line, column)| format!(":{line}:{column}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}: {}{position}: {}",
            notice.severity.as_str(),
            display_path(&notice.path),
            escape_control(&notice.message)
        );
    }
    for advisory in &plan.advisories {
        for package in &advisory.packages {
            let what = if plan.remove {
                "annotations taken out".to_owned()
            } else if advisory.withdrawn {
                "withdrawn: annotations taken out".to_owned()
            } else if package.affected.is_empty() {
                "no affected version in this repository".to_owned()
            } else {
                format!(
                    "{} affected {} ({} with a later version it does not affect)",
                    package.affected.len(),
                    if package.affected.len() == 1 {
                        "version"
                    } else {
                        "versions"
                    },
                    package.fixed_later.len()
                )
            };
            let _ = writeln!(out, "{} ({}): {what}", advisory.id, package.name);
        }
    }
    for rejected in &plan.rejected {
        let _ = writeln!(
            out,
            "error: {} has lint errors: not used, its annotations are left as they are",
            display_path(&rejected.path)
        );
    }
    let files = if plan.edits.len() == 1 {
        "file"
    } else {
        "files"
    };
    let changed = if applied { "changed" } else { "to change" };
    let _ = writeln!(
        out,
        "{} {files} {changed} of {} read; {} {}",
        plan.edits.len(),
        plan.files_read,
        plan.errors(),
        if plan.errors() == 1 {
            "error"
        } else {
            "errors"
        }
    );
    out
}

/// `added OSEC-2026-16; marked avoid-version`.
fn changes(edit: &FileEdit) -> String {
    let mut parts = Vec::new();
    if !edit.added.is_empty() {
        parts.push(format!("added {}", edit.added.join(", ")));
    }
    if !edit.removed.is_empty() {
        parts.push(format!("removed {}", edit.removed.join(", ")));
    }
    let marks = |marks: &[super::Mark]| {
        marks
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !edit.marked.is_empty() {
        parts.push(format!("marked {}", marks(&edit.marked)));
    }
    if !edit.unmarked.is_empty() {
        parts.push(format!("unmarked {}", marks(&edit.unmarked)));
    }
    escape_control(&parts.join("; ")).into_owned()
}
