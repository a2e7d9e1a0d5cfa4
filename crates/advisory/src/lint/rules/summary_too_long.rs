//! `ADV004 summary-too-long`: the summary exceeds 120 characters.

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The summary heading is longer than 120 characters.

## Why
The summary is a title (osv.dev, feeds, e-mail subjects); the database's validator
has always rejected longer ones.

## Example
```text
# A very long summary that goes on and on … (more than 120 characters)
```

## Fix
Shorten the heading; move detail into the body.
";

/// The longest summary allowed, in characters.
pub(crate) const MAX_CHARS: usize = 120;

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    if let Some(summary) = &cx.advisory().summary {
        let chars = summary.value.chars().count();
        if chars > MAX_CHARS {
            out.push(
                Finding::new(
                    Rule::SummaryTooLong,
                    summary.span,
                    format!("the summary has {chars} characters, more than {MAX_CHARS}"),
                )
                .with_help("shorten the heading and move detail into the body"),
            );
        }
    }
}
