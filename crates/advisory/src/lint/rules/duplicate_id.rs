//! `ADV012 duplicate-id`: two advisories have the same ID.

use std::collections::BTreeMap;

use crate::lint::{FileReport, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
Two advisory files in the checked tree have the same `id`.

## Why
An ID names one advisory; a duplicate overwrites the other in every generated output.

## Example
`2026/OSEC-2026-05.md` and `2026/OSEC-2026-05-bis.md` both with `id: OSEC-2026-05`.

## Fix
Give the newer advisory the next free ID (`osec next-id`).
";

/// Marks every file whose ID was already used by an earlier file (in path order).
pub(crate) fn check(reports: &mut [FileReport]) {
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|&a, &b| {
        reports
            .get(a)
            .map(|r| &r.path)
            .cmp(&reports.get(b).map(|r| &r.path))
    });
    let mut first_seen: BTreeMap<String, String> = BTreeMap::new();
    for index in order {
        let Some(report) = reports.get_mut(index) else {
            continue;
        };
        let Some(id) = report.advisory.id.clone() else {
            continue;
        };
        let path = report.path.display().to_string();
        match first_seen.get(&id.value) {
            Some(first) => report.findings.push(
                Finding::new(
                    Rule::DuplicateId,
                    id.span,
                    format!("the ID `{}` is already used by {first}", id.value),
                )
                .with_help("give this advisory the next free ID (`osec next-id`)"),
            ),
            None => {
                first_seen.insert(id.value, path);
            }
        }
    }
}
