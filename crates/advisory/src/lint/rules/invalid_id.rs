//! `ADV009 invalid-id`: the `id` is not of the form OSEC-YYYY-NN.

use crate::id::AdvisoryId;
use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The `id` field is not `OSEC-` followed by a four-digit year, a dash and a number of at
least two digits (`OSEC-2026-01`, `OSEC-2026-123`).

## Why
IDs are how advisories are cited, sorted and matched; osv.dev expects the database's
prefix.

## Example
```
id: OSEC-26-1
```

## Fix
Use `OSEC-<year>-<number>`, with the number zero-padded to two digits.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let Some(id) = &cx.advisory().id else { return };
    if let Err(err) = id.value.parse::<AdvisoryId>() {
        out.push(
            Finding::new(Rule::InvalidId, id.span, err.to_string())
                .with_help("write the ID as OSEC-<year>-<number>, e.g. OSEC-2026-01"),
        );
    }
}
