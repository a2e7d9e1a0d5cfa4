//! `ADV013 invalid-date`: a date is not RFC 3339.

use crate::date::parse_date;
use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
`modified`, `published` or `withdrawn` is not an RFC 3339 date-time with an offset,
such as `\"2026-01-31T12:00:00Z\"`.

## Why
OSV requires RFC 3339 timestamps; mirrors sort and sync by them.

## Example
```
modified: \"2026-01-31\"
```

## Fix
Write the full date, time and offset: `\"2026-01-31T00:00:00Z\"`.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let adv = cx.advisory();
    for (name, field) in [
        ("modified", &adv.modified),
        ("published", &adv.published),
        ("withdrawn", &adv.withdrawn),
    ] {
        let Some(date) = field else { continue };
        if let Err(err) = parse_date(&date.value) {
            out.push(
                Finding::new(Rule::InvalidDate, date.span, format!("`{name}`: {err}"))
                    .with_help("write the date as \"YYYY-MM-DDTHH:MM:SSZ\""),
            );
        }
    }
}
