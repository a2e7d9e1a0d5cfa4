//! `ADV006 duplicate-field`: a header field given twice.

use opam_file::Span;

use crate::lint::{Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
A header field appears more than once.

## Why
Only one value can be published; which one wins would be an accident of the tool.

## Example
```
cwe: [ CWE-79 ]
cwe: [ CWE-80 ]
```

## Fix
Merge the values into one field.
";

pub(crate) fn finding(name: &str, span: Span, first: Span) -> Finding {
    Finding::new(
        Rule::DuplicateField,
        span,
        format!("field `{name}` is given twice"),
    )
    .with_related(first, "first given here")
    .with_help("merge both values into one field")
}
