//! `ADV020 unknown-reference-type`: a reference type outside the OSV schema.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::ReferenceKind;

pub(crate) const DOC: &str = "\
## What it checks
A reference's type is not one of the OSV schema's: advisory, article, detection,
discussion, report, fix, introduced, package, evidence, web.

## Why
The type is published in the OSV record, whose schema accepts only these.

## Example
```
references: [ [patch \"https://github.com/o/r/pull/1\"] ]
```

## Fix
Use the closest OSV type, e.g. `fix` for a patch.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    for reference in &cx.advisory().references {
        if let ReferenceKind::Other(kind) = &reference.kind.value {
            out.push(
                Finding::new(
                    Rule::UnknownReferenceType,
                    reference.kind.span,
                    format!("unknown reference type `{kind}`"),
                )
                .with_help(format!("use one of: {}", ReferenceKind::KNOWN.join(", "))),
            );
        }
    }
}
