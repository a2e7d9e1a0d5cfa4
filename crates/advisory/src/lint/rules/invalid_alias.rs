//! `ADV019 invalid-alias`: an alias is neither a CVE nor a GHSA identifier.

use crate::lint::{FileContext, Finding, Rule};
use crate::model::Alias;

pub(crate) const DOC: &str = "\
## What it checks
An entry of `aliases` is neither `CVE-YYYY-NNNN` (four or more digits) nor
`GHSA-xxxx-xxxx-xxxx` (three groups of four lowercase letters or digits).

## Why
osv.dev merges records through their aliases; a malformed alias links nothing.

## Example
```
aliases: [ CVE-2026-123 ]
```

## Fix
Copy the identifier exactly as the CVE or GitHub advisory shows it.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    for alias in &cx.advisory().aliases {
        if let Alias::Other(text) = &alias.value {
            out.push(
                Finding::new(
                    Rule::InvalidAlias,
                    alias.span,
                    format!("`{text}` is neither a CVE nor a GHSA identifier"),
                )
                .with_help("write CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx"),
            );
        }
    }
}
