//! `ADV023 invalid-git-commit`: a git event is not a full commit ID.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::RangeKind;

pub(crate) const DOC: &str = "\
## What it checks
An event of a `git` range is not a full commit ID: 40 hexadecimal digits.

## Why
Scanners resolve git ranges by exact commit; abbreviated IDs, tags and branch names
are ambiguous or move.

## Example
```
events: [ [ git \"https://github.com/o/r\" [ [fixed \"v1.2.3\"] ] ] ]
```

## Fix
Write the full commit ID, as `git rev-parse <tag>` prints it.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    for range in cx
        .advisory()
        .events
        .iter()
        .filter(|r| r.kind.value == RangeKind::Git)
    {
        for event in &range.events {
            let commit = &event.value.value;
            if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push(
                    Finding::new(
                        Rule::InvalidGitCommit,
                        event.value.span,
                        format!("`{commit}` is not a 40-digit git commit ID"),
                    )
                    .with_help("write the full commit ID, as `git rev-parse` prints it"),
                );
            }
        }
    }
}
