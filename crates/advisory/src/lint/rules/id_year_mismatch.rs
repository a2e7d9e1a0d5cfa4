//! `ADV011 id-year-mismatch`: the ID's year differs from the directory's.

use crate::id::AdvisoryId;
use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The advisory sits in a directory named after a year (`advisories/2026/`) but its ID
has another year.

## Why
The database is laid out by year; a misplaced file is hard to find and breaks the
generated tree.

## Example
`advisories/2025/OSEC-2026-01.md`

## Fix
Move the file into the directory of its ID's year.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let Some(id) = &cx.advisory().id else { return };
    let Ok(parsed) = id.value.parse::<AdvisoryId>() else {
        return;
    };
    let directory = cx
        .path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    let Some(year) = directory
        .filter(|d| d.len() == 4)
        .and_then(|d| d.parse::<u16>().ok())
    else {
        return;
    };
    if year != parsed.year() {
        out.push(
            Finding::new(
                Rule::IdYearMismatch,
                id.span,
                format!(
                    "the ID's year {} differs from the directory `{year}`",
                    parsed.year()
                ),
            )
            .with_help(format!(
                "move the file into the directory `{}`",
                parsed.year()
            )),
        );
    }
}
