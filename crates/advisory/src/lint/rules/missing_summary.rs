//! `ADV003 missing-summary`: no `# Summary` heading after the header.

use opam_file::Span;

use crate::lint::{Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The first non-blank line after the header is not a level-one heading `# <summary>`,
or the heading is empty.

## Why
The heading is the advisory's summary: the title on osv.dev, in feeds and e-mails.

## Example
```text
```
id: OSEC-2026-01
```
Details without a title.
```

## Fix
Add a line `# <one-line summary>` right after the header.
";

pub(crate) fn finding(span: Span) -> Finding {
    Finding::new(
        Rule::MissingSummary,
        span,
        "the header must be followed by a summary heading `# …`",
    )
    .with_help("add a line `# <one-line summary>` after the header")
}
