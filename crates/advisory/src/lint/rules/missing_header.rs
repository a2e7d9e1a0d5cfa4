//! `ADV002 missing-header`: no header fenced by ``` lines.

use crate::lint::{Finding, Rule};
use crate::markdown::LayoutError;

pub(crate) const DOC: &str = "\
## What it checks
The file does not start with a header fenced by two lines of three backticks, or the
fence is never closed.

## Why
The header holds the advisory's metadata; tools find it by its fence.

## Example
```text
id: OSEC-2026-01
# Summary without a header fence
```

## Fix
Start the file with a line ```, the header fields, then a closing line ```.
";

pub(crate) fn finding(err: &LayoutError) -> Finding {
    let help = match err {
        LayoutError::MissingOpeningFence { .. } => {
            "start the file with a line of three backticks, the header, and ```"
        }
        LayoutError::UnclosedFence { .. } => "close the header with a line holding only ```",
    };
    Finding::new(Rule::MissingHeader, err.span(), err.to_string()).with_help(help)
}
