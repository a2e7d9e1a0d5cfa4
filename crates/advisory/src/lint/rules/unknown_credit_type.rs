//! `ADV021 unknown-credit-type`: a credit type outside the OSV schema.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::CreditKind;

pub(crate) const DOC: &str = "\
## What it checks
A credit's type is not one of the OSV schema's: finder, reporter, analyst,
coordinator, remediation_developer, remediation_reviewer, remediation_verifier, tool,
sponsor, other.

## Why
The type is published in the OSV record, whose schema accepts only these.

## Example
```
credits: [ [author \"Jane Doe\"] ]
```

## Fix
Use the closest OSV type, e.g. `remediation_developer` for the author of the fix.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    for credit in &cx.advisory().credits {
        if let CreditKind::Other(kind) = &credit.kind.value {
            out.push(
                Finding::new(
                    Rule::UnknownCreditType,
                    credit.kind.span,
                    format!("unknown credit type `{kind}`"),
                )
                .with_help(format!("use one of: {}", CreditKind::KNOWN.join(", "))),
            );
        }
    }
}
