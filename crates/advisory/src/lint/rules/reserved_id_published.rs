//! `ADV029 reserved-id-published`: a reservation holds an ID a published advisory has.

use std::collections::BTreeMap;
use std::path::PathBuf;

use opam_file::Span;

use crate::id::AdvisoryId;
use crate::ids::Reservation;
use crate::lint::{FileReport, Finding, Rule};
use crate::model::Advisory;

pub(crate) const DOC: &str = "\
## What it checks
A reservation placeholder (`advisories/reserved/YYYY/OSEC-YYYY-NN.reserved`, made by
`osec reserve`) holds an ID that a published advisory in the checked tree also has.

## Why
A reservation keeps an ID free for an advisory still under embargo. Once an advisory
with that ID is published, the placeholder is stale; if the published advisory is not
the one it was reserved for, two advisories now compete for one ID.

## Example
`advisories/reserved/2026/OSEC-2026-05.reserved` beside
`advisories/2026/OSEC-2026-05.md`.

## Fix
If the published advisory is the reserved one, delete the placeholder. Otherwise give
the embargoed advisory a new ID (`osec reserve`) and delete the old placeholder.
";

/// The reports of the reservations whose ID an advisory of `reports` has (by its `id`
/// field or its file name), one finding each, in the order of `reservations`.
pub(crate) fn check(reservations: &[Reservation], reports: &[FileReport]) -> Vec<FileReport> {
    let mut published: BTreeMap<AdvisoryId, &PathBuf> = BTreeMap::new();
    for report in reports {
        let by_name = report
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.parse().ok());
        for id in [report.advisory.advisory_id(), by_name]
            .into_iter()
            .flatten()
        {
            published.entry(id).or_insert(&report.path);
        }
    }
    reservations
        .iter()
        .filter_map(|reservation| {
            let advisory = published.get(&reservation.id)?;
            // The text is only quoted; an unreadable placeholder still collides by name.
            let source = crate::tree::read_advisory_text(&reservation.path).unwrap_or_default();
            let first_line = source.lines().next().unwrap_or("");
            let span = Span::new(0, u32::try_from(first_line.len()).unwrap_or(0));
            let finding = Finding::new(
                Rule::ReservedIdPublished,
                span,
                format!(
                    "{} is reserved here but already published as {}",
                    reservation.id,
                    advisory.display()
                ),
            )
            .with_help(
                "delete this placeholder if that advisory is the one it was reserved for; \
                 otherwise reserve a new ID (`osec reserve`) for the embargoed advisory",
            );
            Some(FileReport {
                path: reservation.path.clone(),
                source,
                advisory: Advisory::default(),
                findings: vec![finding],
            })
        })
        .collect()
}
