//! `ADV015 date-in-future`: a date lies in the future.

use crate::date::parse_date;
use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
`modified`, `published` or `withdrawn` is later than the time of the check.

## Why
A future date is a typo (a wrong year) and makes mirrors that sync by `modified`
skip later real changes.

## Example
```
modified: \"2062-01-01T00:00:00Z\"
```

## Fix
Correct the date.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let adv = cx.advisory();
    for (name, field) in [
        ("modified", &adv.modified),
        ("published", &adv.published),
        ("withdrawn", &adv.withdrawn),
    ] {
        let Some(date) = field else { continue };
        let Ok(time) = parse_date(&date.value) else {
            continue;
        };
        if time > cx.options.now {
            out.push(
                Finding::new(
                    Rule::DateInFuture,
                    date.span,
                    format!("`{name}` ({}) is in the future", date.value),
                )
                .with_help("correct the date; it must not be later than now"),
            );
        }
    }
}
