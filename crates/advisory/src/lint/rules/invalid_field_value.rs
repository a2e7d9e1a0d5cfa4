//! `ADV008 invalid-field-value`: a field's value has the wrong shape.

use opam_file::Span;

use crate::lint::{Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
A field's value is not of the expected kind: a string where an identifier list is
expected, a constraint with an operator in the wrong place, or a reference without a URL.

## Why
The value cannot be read, so it would be missing from the published record.

## Example
```
references: [ \"https://github.com/o/r/pull/1\" ]
```

## Fix
Write the value in the shape the message names, e.g.
`references: [ [fix \"https://github.com/o/r/pull/1\"] ]`.
";

pub(crate) fn finding(name: &str, expected: &str, found: &str, span: Span) -> Finding {
    Finding::new(
        Rule::InvalidFieldValue,
        span,
        format!("invalid `{name}`: expected {expected}, found {found}"),
    )
    .with_help(format!("`{name}` takes {expected}"))
}
