//! File names and other outside text made safe to print for people.
//!
//! A file name or a tar entry name may hold any byte but `/` and NUL: an escape
//! sequence that recolours or clears a terminal, a carriage return that overwrites
//! the line, a newline that starts a forged line in a CI log (`::error::…`).
//! Before such text is printed in human output, its control characters are written
//! as Rust escapes: `\n`, `\r`, `\t`, and `\u{1b}` for the others. JSON output does
//! not need this (serde escapes control characters).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// `text` with every control character (C0, DEL, C1) and every bidirectional
/// formatting character escaped; borrowed when there is none.
///
/// ```
/// assert_eq!(safe_fs::escape_control("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\\n");
/// assert_eq!(safe_fs::escape_control("OSEC-2026-01.md"), "OSEC-2026-01.md");
/// ```
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` escaped as [`escape_control`] does, except its line breaks: for a message
/// whose own template spans lines (a `help:` line under an error). A carriage return
/// is still escaped, so a line cannot be overwritten.
pub fn escape_control_keeping_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(escape_control).collect();
    Cow::Owned(lines.join("\n"))
}

/// `text` with each C1 control character (U+0080 to U+009F, which some terminals obey
/// as escape sequences) replaced by `¿`, a printable character of the same UTF-8
/// length, so that byte offsets and character columns into the text stay valid. For
/// source lines quoted under carets: the diagnostic renderer already shows C0
/// controls, DEL and bidirectional controls as visible symbols, but not C1.
pub fn mask_c1_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_c1) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_c1(c) { '\u{bf}' } else { c })
            .collect(),
    )
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

/// A path as text for people: lossy for bytes that are not UTF-8, control
/// characters escaped.
pub fn display_path(path: &Path) -> String {
    escape_control(&path.to_string_lossy()).into_owned()
}

/// Control characters (C0, DEL, C1), and the bidirectional embeddings, overrides and
/// isolates that reorder what a terminal shows ("Trojan Source").
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_c0_del_c1_and_bidi_controls() {
        assert_eq!(
            escape_control("\u{0}\u{7}\u{7f}\u{9b}31m\u{202e}x\u{2066}"),
            "\\u{0}\\u{7}\\u{7f}\\u{9b}31m\\u{202e}x\\u{2066}"
        );
        assert_eq!(escape_control("a\r\n\tb"), "a\\r\\n\\tb");
    }

    #[test]
    fn leaves_printable_text_alone_and_borrowed() {
        let text = "Zoë Ünal — advisories/2026/OSEC-2026-01.md \\ \"x\"";
        assert!(matches!(escape_control(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn keeping_lines_escapes_all_but_newlines() {
        assert_eq!(
            escape_control_keeping_lines("error: a\u{1b}[31m\n  help: b\r"),
            "error: a\\u{1b}[31m\n  help: b\\r"
        );
        assert!(matches!(
            escape_control_keeping_lines("a\nb"),
            Cow::Borrowed("a\nb")
        ));
    }

    #[test]
    fn masking_c1_keeps_byte_offsets_and_columns() {
        let text = "a\u{9b}31mb\u{1b}\u{85}";
        let masked = mask_c1_controls(text);
        assert_eq!(masked, "a\u{bf}31mb\u{1b}\u{bf}");
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.chars().count(), text.chars().count());
        assert!(matches!(mask_c1_controls("a\u{1b}é"), Cow::Borrowed(_)));
    }

    #[test]
    fn paths_that_are_not_utf8_are_shown_lossily() {
        use std::os::unix::ffi::OsStrExt as _;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"a\xff\x1b.md"));
        assert_eq!(display_path(path), "a\u{fffd}\\u{1b}.md");
    }
}
