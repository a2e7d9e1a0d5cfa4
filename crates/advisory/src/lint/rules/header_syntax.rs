//! `ADV001 header-syntax`: the header is not valid opam syntax.

use opam_file::Span;

use crate::lint::{Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The header between the ``` fences is not valid opam syntax.

## Why
The header is read with the opam file format parser; nothing else can be checked
until it parses.

## Example
```
id: OSEC-2026-01
modified: \"2026-01-01T00:00:00Z
```

## Fix
Correct the syntax at the position shown: close strings and brackets, write one
`name: value` field per line.
";

pub(crate) fn finding(err: &opam_file::ParseError, header_offset: u32) -> Finding {
    let span: Span = err.span().shifted(header_offset);
    Finding::new(
        Rule::HeaderSyntax,
        span,
        format!("the header is not valid opam syntax: {err}"),
    )
    .with_help("fix the opam syntax at this position; strings are written \"…\", lists […]")
}
