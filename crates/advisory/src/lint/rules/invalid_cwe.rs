//! `ADV018 invalid-cwe`: a `cwe` entry is not `CWE-<n>`.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::Cwe;

pub(crate) const DOC: &str = "\
## What it checks
An entry of `cwe` is not of the form `CWE-<number>`.

## Why
CWE identifiers are published in the OSV record and linked to cwe.mitre.org.

## Example
```
cwe: [ CWE79 ]
```

## Fix
Write `CWE-` followed by the number: `cwe: [ CWE-79 ]`.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    for cwe in &cx.advisory().cwe {
        if let Err(err) = cwe.value.parse::<Cwe>() {
            out.push(
                Finding::new(Rule::InvalidCwe, cwe.span, err.to_string())
                    .with_help("write the weakness as CWE-<number>, e.g. CWE-79"),
            );
        }
    }
}
