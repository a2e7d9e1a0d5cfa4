//! `ADV010 id-file-mismatch`: the `id` differs from the file name.

use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The `id` field differs from the file name without its `.md` extension.

## Why
Links, the generated OSV file names and `osec next-id` all rely on the file being
named after its ID.

## Example
A file `OSEC-2026-02.md` holding
```
id: OSEC-2026-03
```

## Fix
Rename the file or correct the ID, whichever is wrong.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let Some(id) = &cx.advisory().id else { return };
    let Some(stem) = cx
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".md"))
    else {
        return;
    };
    if !stem.starts_with("OSEC-") {
        return;
    }
    if stem != id.value {
        out.push(
            Finding::new(
                Rule::IdFileMismatch,
                id.span,
                format!(
                    "the ID `{}` differs from the file name `{stem}.md`",
                    id.value
                ),
            )
            .with_help(format!(
                "rename the file to `{}.md` or set `id: {stem}`",
                id.value
            )),
        );
    }
}
