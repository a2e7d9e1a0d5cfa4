//! `ADV014 published-after-modified`: `published` is later than `modified`.

use crate::date::parse_date;
use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The `published` date is later than the `modified` date.

## Why
Every change after publication updates `modified`, so it can never be earlier than
`published`; mirrors that sync by `modified` would miss the record.

## Example
```
modified: \"2026-01-01T00:00:00Z\"
published: \"2026-02-01T00:00:00Z\"
```

## Fix
Set `modified` to the time of the last change.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let adv = cx.advisory();
    let (Some(modified), Some(published)) = (&adv.modified, &adv.published) else {
        return;
    };
    let (Ok(m), Ok(p)) = (parse_date(&modified.value), parse_date(&published.value)) else {
        return;
    };
    if p > m {
        out.push(
            Finding::new(
                Rule::PublishedAfterModified,
                published.span,
                format!(
                    "`published` ({}) is later than `modified` ({})",
                    published.value, modified.value
                ),
            )
            .with_related(modified.span, "modified here")
            .with_help("set `modified` to the time of the last change"),
        );
    }
}
