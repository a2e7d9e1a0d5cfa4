//! `ADV008 invalid-field-value`: a field's value has the wrong shape.

use opam_file::{Span, Value, ValueKind};

use crate::lint::{Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
A field's value is not of the expected kind: a string where an identifier list is
expected, a constraint with an operator in the wrong place, a reference without URL…

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

pub(crate) fn finding(name: &str, expected: &str, value: &Value, span: Span) -> Finding {
    Finding::new(
        Rule::InvalidFieldValue,
        span,
        format!(
            "invalid `{name}`: expected {expected}, found {}",
            describe(value)
        ),
    )
    .with_help(format!("`{name}` takes {expected}"))
}

fn describe(value: &Value) -> &'static str {
    match value.kind {
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Int(_) => "an integer",
        ValueKind::String(_) => "a string",
        ValueKind::Ident(_) => "an identifier",
        ValueKind::Relop(..) | ValueKind::PrefixRelop(..) => "a comparison",
        ValueKind::Logop(..) => "a logical formula",
        ValueKind::Pfxop(..) => "a prefixed value",
        ValueKind::List(_) => "a list",
        ValueKind::Group(_) => "a parenthesised group",
        ValueKind::Option(..) | ValueKind::StackedOptions(..) => "a value with options `{…}`",
        ValueKind::EnvBinding(..) => "an environment binding",
    }
}
