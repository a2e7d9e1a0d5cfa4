//! `ADV007 missing-field`: a required header field is absent.

use opam_file::Span;

use crate::lint::{Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
One of the required fields `id`, `modified` or `affected` is missing from the header.

## Why
An OSV record needs an ID and a modification date, and an advisory that affects no
package cannot be matched against anything.

## Example
```
id: OSEC-2026-01
modified: \"2026-01-01T00:00:00Z\"
```

## Fix
Add the field, for example `affected: \"pkg\" {< \"1.2.3\"}`.
";

pub(crate) fn finding(name: &str, open_fence: Span) -> Finding {
    let example = match name {
        "id" => "id: OSEC-YYYY-NN",
        "modified" => "modified: \"2026-01-31T12:00:00Z\"",
        _ => "affected: \"pkg\" {< \"1.2.3\"}",
    };
    Finding::new(
        Rule::MissingField,
        open_fence,
        format!("the header has no `{name}` field"),
    )
    .with_help(format!("add a line `{example}`"))
}
