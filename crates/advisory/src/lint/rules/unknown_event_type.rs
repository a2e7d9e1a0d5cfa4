//! `ADV024 unknown-event-type`: a range or event type outside the OSV schema.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::{EventKind, RangeKind};

pub(crate) const DOC: &str = "\
## What it checks
An `events` range type is not git, ecosystem or semver, or an event is not
introduced, fixed or last_affected.

## Why
These are the OSV schema's range and event types; anything else cannot be published.

## Example
```
events: [ [ git \"https://github.com/o/r\" [ [patched \"0123…\"] ] ] ]
```

## Fix
Use `introduced`, `fixed` or `last_affected` events inside `git`, `ecosystem` or
`semver` ranges.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    for range in &cx.advisory().events {
        if let RangeKind::Other(kind) = &range.kind.value {
            out.push(
                Finding::new(
                    Rule::UnknownEventType,
                    range.kind.span,
                    format!("unknown range type `{kind}`"),
                )
                .with_help(format!("use one of: {}", RangeKind::KNOWN.join(", "))),
            );
        }
        for event in &range.events {
            if let EventKind::Other(kind) = &event.kind.value {
                out.push(
                    Finding::new(
                        Rule::UnknownEventType,
                        event.kind.span,
                        format!("unknown event type `{kind}`"),
                    )
                    .with_help(format!("use one of: {}", EventKind::KNOWN.join(", "))),
                );
            }
        }
    }
}
