//! `ADV028 unreadable-file`: the file could not be read as UTF-8 text.

use std::path::Path;

use opam_file::Span;

use crate::lint::{FileReport, Finding, Rule};
use crate::model::Advisory;

pub(crate) const DOC: &str = "\
## What it checks
The advisory file cannot be read as UTF-8 text.

That is when it is not UTF-8, when it is not a regular file (a FIFO or a device
named like an advisory, or a link to one), when it is larger than 16 MiB, or when the
system refuses to read it. Nothing else is checked in such a file.

## Why
An advisory that cannot be read can be neither checked nor published. osec reports
the file, goes on with the others, and `osec lint` exits with status 2, as it does
whenever it could not read what it was asked to check.

## Example
```text
summary: \"Caf\\xE9 au lait\"   <- Latin-1 bytes, not UTF-8
```

## Fix
Save the file as UTF-8. Replace a FIFO, device or link to one by the advisory
itself. Check that the file can be read by the user running osec.
";

/// The report of a file whose bytes are not UTF-8: one finding at the first invalid
/// sequence. The report's source is the file up to the end of that line, the
/// invalid bytes shown as U+FFFD: positions before it are those of the file.
pub(crate) fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> FileReport {
    let offset = error.valid_up_to();
    let rest = bytes.get(offset..).unwrap_or_default();
    let line_end = rest
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |end| offset + end);
    let source = String::from_utf8_lossy(bytes.get(..line_end).unwrap_or(bytes)).into_owned();
    let start = u32::try_from(offset).unwrap_or(u32::MAX);
    let span = Span::new(start, start.saturating_add('\u{fffd}'.len_utf8() as u32));
    let byte = rest.first().copied().unwrap_or_default();
    let finding = Finding::new(
        Rule::UnreadableFile,
        span,
        format!("the file is not UTF-8 text: byte 0x{byte:02X} starts no UTF-8 character"),
    )
    .with_help("save the file as UTF-8; advisories are UTF-8 Markdown");
    report(path, source, finding)
}

/// The report of a file that could not be read: one finding at its start.
pub(crate) fn unreadable(path: &Path, error: &safe_fs::Error) -> FileReport {
    let finding = Finding::new(
        Rule::UnreadableFile,
        Span::new(0, 0),
        format!("cannot read the file: {}", error.kind()),
    );
    report(path, String::new(), finding)
}

fn report(path: &Path, source: String, finding: Finding) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        source,
        advisory: Advisory::default(),
        findings: vec![finding],
    }
}
