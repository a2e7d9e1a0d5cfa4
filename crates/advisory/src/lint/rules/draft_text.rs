//! `ADV030 draft-text`: a draft marker is left where text is to be written.

use opam_file::Span;

use crate::draft::DRAFT_MARKER;
use crate::lint::{FileContext, Finding, Rule};

pub(crate) const DOC: &str = "\
## What it checks
The file still holds the marker `TODO(draft)` that `osec new` and `osec import` leave
where the author has text to write or a value to check: the summary, the sections of
the details, and comments at the end of the header listing what an import could not
carry over.

## Why
A draft is not an advisory yet: a published placeholder would reach osv.dev and every
user's audit as it is.

## Example
```
# TODO(draft): one-line summary of the vulnerability
```

## Fix
Write the text the marker asks for (or act on the comment) and remove the marker.
";

pub(crate) fn check(cx: &FileContext<'_>, out: &mut Vec<Finding>) {
    let source = cx.source;
    let mut from = 0usize;
    while let Some(at) = source.get(from..).and_then(|rest| rest.find(DRAFT_MARKER)) {
        let start = from + at;
        let end = start + DRAFT_MARKER.len();
        let line_end = source
            .get(end..)
            .and_then(|rest| rest.find('\n'))
            .map_or(source.len(), |i| end + i);
        let what = source
            .get(end..line_end)
            .unwrap_or("")
            .trim_start_matches(':')
            .trim();
        let message = if what.is_empty() {
            "text left to write in this draft".to_owned()
        } else {
            format!("text left to write in this draft: {what}")
        };
        let span = Span::new(
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(end).unwrap_or(u32::MAX),
        );
        out.push(
            Finding::new(Rule::DraftText, span, message)
                .with_help("write the text, then remove the `TODO(draft)` marker"),
        );
        from = end;
    }
}
