//! The canonical layout of an advisory header, as `osec fmt` writes it.
//!
//! The layout is the one most real advisories already use:
//! - fields in the order of [`FIELDS`] (`id`, `modified`, `published`, …, `cwe`,
//!   `affected_bindings`), one per line, no blank lines; unknown fields keep their text
//!   and go after the known ones, in their original order;
//! - identifiers written bare (`id: OSEC-2026-01`, `aliases: [ CVE-2026-1234 ]`), a
//!   quoted word that is a plain identifier loses its quotes;
//! - lists of words inline with inner spaces: `[ CWE-79 CWE-80 ]`; `affected_bindings`
//!   inline when the line fits in [`MAX_INLINE_WIDTH`] columns, else one per line;
//! - one affected package inline (`"pkg" {< "1.2"}`), several one per line;
//! - `events` always as a list of ranges, each range and each event on its own line;
//!   `references` and `credits` one entry per line;
//! - strings with `"` quotes and only the escapes they need.
//!
//! Comments are kept: those on lines before a field move with it, one after a field on
//! the same line stays after it, those after the last field stay at the end. A field
//! with a comment inside its value keeps its original text. The Markdown outside the
//! header is not touched.

use std::fmt::Write as _;

use opam_file::{Item, ItemKind, OpamFile, Span, Value, ValueKind};

use crate::markdown::{LayoutError, Parts};
use crate::parse::FIELDS;

/// The widest line an inline `affected_bindings` list may take.
pub const MAX_INLINE_WIDTH: usize = 150;

/// Why a file cannot be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The Markdown has no header fence.
    #[error("{0}")]
    Layout(#[from] LayoutError),
    /// The header is not valid opam syntax.
    #[error("the header is not valid opam syntax: {message}")]
    Syntax {
        /// The parser's message.
        message: String,
        /// Where, as byte offsets into the file.
        span: Span,
    },
}

impl FormatError {
    /// Where the problem is, in the file.
    pub fn span(&self) -> Span {
        match self {
            FormatError::Layout(err) => err.span(),
            FormatError::Syntax { span, .. } => *span,
        }
    }
}

/// What `osec fmt` did with one file ([`format_file`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFormat {
    /// Already in canonical layout: left alone.
    Canonical,
    /// Not in canonical layout, and left alone (`--check`).
    WouldReformat,
    /// Rewritten in canonical layout (atomically, its mode kept).
    Reformatted,
    /// Not read, parsed or written: the message naming the file (and, for a
    /// header that does not parse, the line and column).
    Failed(String),
}

/// Puts the advisory file at `path` in canonical layout: rewrites it, or only
/// says whether it would change when `check`.
pub fn format_file(path: &std::path::Path, check: bool) -> FileFormat {
    let text = match crate::tree::read_advisory_text(path) {
        Ok(text) => text,
        Err(err) => return FileFormat::Failed(err.to_string()),
    };
    let formatted = match format_advisory(&text) {
        Ok(formatted) => formatted,
        Err(err) => {
            let index = opam_file::LineIndex::new(&text);
            let (line, column) = index.line_column(&text, err.span().start);
            return FileFormat::Failed(format!(
                "{}:{line}:{column}: {}; run `osec lint` for details",
                safe_fs::display_path(path),
                safe_fs::escape_control(&err.to_string())
            ));
        }
    };
    if formatted == text {
        FileFormat::Canonical
    } else if check {
        FileFormat::WouldReformat
    } else if let Err(err) = safe_fs::rewrite(path, formatted.as_bytes()) {
        FileFormat::Failed(err.to_string())
    } else {
        FileFormat::Reformatted
    }
}

/// The whole file with its header in canonical layout.
pub fn format_advisory(text: &str) -> Result<String, FormatError> {
    let parts = Parts::split(text)?;
    let header = text.get(parts.header.range()).unwrap_or("");
    let file = opam_file::parse(header.as_bytes()).map_err(|err| FormatError::Syntax {
        message: err.to_string(),
        span: err.span().shifted(parts.header_offset()),
    })?;
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(text.get(..parts.header.start as usize).unwrap_or(""));
    out.push_str(&format_header(header, &file));
    out.push_str(text.get(parts.header.end as usize..).unwrap_or(""));
    Ok(out)
}

/// One item with the comments that travel with it.
struct Entry<'a> {
    rank: usize,
    leading: &'a str,
    item: &'a Item,
    trailing: &'a str,
}

/// The header text in canonical layout (ends with a newline unless empty).
fn format_header(source: &str, file: &OpamFile) -> String {
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(file.items.len());
    let mut gap_start = 0usize;
    for item in &file.items {
        let gap = source
            .get(gap_start..item.span.start as usize)
            .unwrap_or("");
        let (trailing, leading) = if entries.is_empty() {
            ("", gap)
        } else {
            split_gap(gap)
        };
        if let Some(previous) = entries.last_mut() {
            previous.trailing = trailing.trim();
        }
        entries.push(Entry {
            rank: rank(item),
            leading: leading.trim(),
            item,
            trailing: "",
        });
        gap_start = item.span.end as usize;
    }
    let tail = source.get(gap_start..).unwrap_or("");
    let (trailing, end_comments) = if entries.is_empty() {
        ("", tail)
    } else {
        split_gap(tail)
    };
    if let Some(last) = entries.last_mut() {
        last.trailing = trailing.trim();
    }
    entries.sort_by_key(|e| e.rank);

    let mut out = String::new();
    for entry in &entries {
        if !entry.leading.is_empty() {
            out.push_str(entry.leading);
            out.push('\n');
        }
        let text = source.get(entry.item.span.range()).unwrap_or("");
        match &entry.item.kind {
            ItemKind::Variable(name, value) if entry.rank < FIELDS.len() && !has_comment(text) => {
                write_field(&mut out, &name.value, value);
            }
            _ => out.push_str(text),
        }
        if !entry.trailing.is_empty() {
            out.push(' ');
            out.push_str(entry.trailing);
        }
        out.push('\n');
    }
    let end_comments = end_comments.trim();
    if !end_comments.is_empty() {
        out.push_str(end_comments);
        out.push('\n');
    }
    out
}

/// Known fields by canonical position; everything else after them.
fn rank(item: &Item) -> usize {
    match &item.kind {
        ItemKind::Variable(name, _) => FIELDS
            .iter()
            .position(|f| *f == name.value)
            .unwrap_or(FIELDS.len()),
        ItemKind::Section(_) => FIELDS.len(),
    }
}

/// Splits the text between two items into what stays on the first item's line and
/// the rest.
fn split_gap(gap: &str) -> (&str, &str) {
    match gap.find('\n') {
        Some(i) => (gap.get(..i).unwrap_or(""), gap.get(i..).unwrap_or("")),
        None => (gap, ""),
    }
}

/// Whether opam text holds a comment outside its strings.
fn has_comment(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => return true,
            b'(' if bytes.get(i + 1) == Some(&b'*') => return true,
            b'"' => {
                let triple = bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'"');
                i += if triple { 3 } else { 1 };
                loop {
                    match bytes.get(i) {
                        None => return false,
                        Some(b'\\') => i += 2,
                        Some(b'"') if !triple => break,
                        Some(b'"')
                            if bytes.get(i + 1) == Some(&b'"')
                                && bytes.get(i + 2) == Some(&b'"') =>
                        {
                            i += 2;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn write_field(out: &mut String, name: &str, value: &Value) {
    out.push_str(name);
    out.push_str(": ");
    match name {
        "id" => write_word(out, value),
        "aliases" | "upstream" | "related" | "cwe" => write_word_list(out, value),
        "affected" => write_affected(out, value),
        "events" => write_events(out, value),
        "references" | "credits" => write_entry_list(out, value),
        "affected_bindings" => write_bindings(out, name, value),
        _ => write_inline(out, value),
    }
}

fn write_word(out: &mut String, value: &Value) {
    match value.as_str() {
        Some(word) if is_plain_ident(word) => out.push_str(word),
        _ => write_inline(out, value),
    }
}

/// `[ A B ]`; a single word is wrapped into a list.
fn write_word_list(out: &mut String, value: &Value) {
    let words: &[Value] = match &value.kind {
        ValueKind::List(items) => &items.value,
        ValueKind::Ident(_) | ValueKind::String(_) => std::slice::from_ref(value),
        _ => return write_inline(out, value),
    };
    if words.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for word in words {
        out.push(' ');
        write_word(out, word);
    }
    out.push_str(" ]");
}

fn write_affected(out: &mut String, value: &Value) {
    match &value.kind {
        ValueKind::List(items) if items.value.len() == 1 => {
            if let Some(single) = items.value.first() {
                write_inline(out, single);
            }
        }
        ValueKind::List(items) if !items.value.is_empty() => {
            write_block(out, &items.value, 1, write_inline)
        }
        _ => write_inline(out, value),
    }
}

/// Whether a list is one `[tag …]` entry rather than a list of entries.
fn is_tagged(items: &[Value]) -> bool {
    items
        .first()
        .is_some_and(|first| first.as_ident().is_some())
}

fn write_events(out: &mut String, value: &Value) {
    let ValueKind::List(items) = &value.kind else {
        return write_inline(out, value);
    };
    let ranges = if is_tagged(&items.value) {
        std::slice::from_ref(value)
    } else {
        &items.value[..]
    };
    if ranges.is_empty() {
        out.push_str("[]");
        return;
    }
    write_block(out, ranges, 1, write_range);
}

/// A range at `depth` 1: `[`, the `kind "repo" [` line with its events, `]`.
fn write_range(out: &mut String, range: &Value) {
    let ValueKind::List(parts) = &range.kind else {
        return write_inline(out, range);
    };
    match parts.value.as_slice() {
        [kind, repo, events] if kind.as_ident().is_some() => {
            let ValueKind::List(list) = &events.kind else {
                return write_inline(out, range);
            };
            let events = if is_tagged(&list.value) {
                std::slice::from_ref(events)
            } else {
                &list.value[..]
            };
            out.push_str("[\n    ");
            write_inline(out, kind);
            out.push(' ');
            write_inline(out, repo);
            out.push(' ');
            if events.is_empty() {
                out.push_str("[]");
            } else {
                write_block(out, events, 3, write_inline);
            }
            out.push_str("\n  ]");
        }
        _ => write_inline(out, range),
    }
}

/// `references` and `credits`: one entry per line; a single entry is wrapped.
fn write_entry_list(out: &mut String, value: &Value) {
    let ValueKind::List(items) = &value.kind else {
        return write_inline(out, value);
    };
    let entries = if is_tagged(&items.value) {
        std::slice::from_ref(value)
    } else {
        &items.value[..]
    };
    if entries.is_empty() {
        out.push_str("[]");
    } else {
        write_block(out, entries, 1, write_inline);
    }
}

fn write_bindings(out: &mut String, name: &str, value: &Value) {
    let ValueKind::List(items) = &value.kind else {
        return write_inline(out, value);
    };
    let mut inline = String::new();
    write_inline(&mut inline, value);
    if items.value.is_empty() || name.len() + 2 + inline.len() <= MAX_INLINE_WIDTH {
        out.push_str(&inline);
    } else {
        write_block(out, &items.value, 1, write_inline);
    }
}

/// `[`, each item on its own line indented `depth` levels of two spaces, then `]`
/// indented one level less.
fn write_block(
    out: &mut String,
    items: &[Value],
    depth: usize,
    write_item: fn(&mut String, &Value),
) {
    out.push('[');
    for item in items {
        out.push('\n');
        push_indent(out, depth);
        write_item(out, item);
    }
    out.push('\n');
    push_indent(out, depth - 1);
    out.push(']');
}

fn push_indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Any value on one line. Lists whose first item is an identifier (`[fixed "…"]`) are
/// written tight, other lists with inner spaces (`[ "a" "b" ]`).
fn write_inline(out: &mut String, value: &Value) {
    match &value.kind {
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::Int(n) => {
            let _ = write!(out, "{n}");
        }
        ValueKind::String(bytes) => write_string(out, bytes),
        ValueKind::Ident(s) => out.push_str(s),
        ValueKind::Relop(op, a, b) => {
            write_inline(out, a);
            let _ = write!(out, " {} ", op.value.as_str());
            write_inline(out, b);
        }
        ValueKind::PrefixRelop(op, v) => {
            let _ = write!(out, "{} ", op.value.as_str());
            write_inline(out, v);
        }
        ValueKind::Logop(chain) => {
            for (i, operand) in chain.operands.iter().enumerate() {
                if i > 0 {
                    let _ = write!(out, " {} ", chain.op.as_str());
                }
                write_inline(out, operand);
            }
        }
        ValueKind::Pfxop(op, v) => {
            out.push_str(op.value.as_str());
            write_inline(out, v);
        }
        ValueKind::List(items) if items.value.is_empty() => out.push_str("[]"),
        ValueKind::List(items) if is_tagged(&items.value) => {
            write_sequence(out, "[", &items.value, "]")
        }
        ValueKind::List(items) => write_sequence(out, "[ ", &items.value, " ]"),
        ValueKind::Group(items) => write_sequence(out, "(", &items.value, ")"),
        ValueKind::Option(v, options) => {
            write_inline(out, v);
            out.push(' ');
            write_sequence(out, "{", &options.value, "}");
        }
        ValueKind::StackedOptions(v, lists) => {
            write_inline(out, v);
            for options in lists {
                out.push(' ');
                write_sequence(out, "{", &options.value, "}");
            }
        }
        ValueKind::EnvBinding(name, op, v) => {
            write_inline(out, name);
            let _ = write!(out, " {} ", op.value.as_str());
            write_inline(out, v);
        }
    }
}

fn write_sequence(out: &mut String, open: &str, items: &[Value], close: &str) {
    out.push_str(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_inline(out, item);
    }
    out.push_str(close);
}

/// A string in `"` quotes, escaping only `"`, `\` and control or non-UTF-8 bytes.
fn write_string(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
}

/// Words that opam reads back as the same identifier: `CVE-2026-1234`, `OSEC-2026-01`.
fn is_plain_ident(word: &str) -> bool {
    let mut segments = word.split('-');
    let first_ok = segments.next().is_some_and(|s| {
        s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    });
    first_ok
        && segments
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        && word != "true"
        && word != "false"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(header: &str) -> String {
        let text = format!("```\n{header}```\n# T\n");
        let out = format_advisory(&text).unwrap();
        let body = out.strip_prefix("```\n").unwrap();
        body.strip_suffix("```\n# T\n").unwrap().to_owned()
    }

    #[test]
    fn orders_fields_canonically() {
        let out = fmt("severity_score: \"7.4\"\nid: OSEC-2026-06\nseverity: \"CVSS:3.1/AV:N\"\n");
        assert_eq!(
            out,
            "id: OSEC-2026-06\nseverity: \"CVSS:3.1/AV:N\"\nseverity_score: \"7.4\"\n"
        );
    }

    #[test]
    fn wraps_a_single_event_range() {
        let out = fmt("events: [\n  git \"https://r\" [\n    [fixed \"abc\"]\n  ]\n]\n");
        assert_eq!(
            out,
            "events: [\n  [\n    git \"https://r\" [\n      [fixed \"abc\"]\n    ]\n  ]\n]\n"
        );
    }

    #[test]
    fn unquotes_identifiers_and_pads_word_lists() {
        assert_eq!(
            fmt("id: \"OSEC-2026-01\"\naliases: [CVE-2026-1 \"GHSA-aaaa-bbbb-cccc\"]\n"),
            "id: OSEC-2026-01\naliases: [ CVE-2026-1 GHSA-aaaa-bbbb-cccc ]\n"
        );
        assert_eq!(fmt("cwe: CWE-79\n"), "cwe: [ CWE-79 ]\n");
        assert_eq!(
            fmt("aliases: [ \"not an ident\" ]\n"),
            "aliases: [ \"not an ident\" ]\n"
        );
    }

    #[test]
    fn keeps_comments_with_their_fields() {
        let out = fmt(
            "# about the score\nseverity_score: \"7.4\" # checked\nid: OSEC-2026-06\n(* end *)\n",
        );
        assert_eq!(
            out,
            "id: OSEC-2026-06\n# about the score\nseverity_score: \"7.4\" # checked\n(* end *)\n"
        );
    }

    #[test]
    fn keeps_a_field_with_an_inner_comment_verbatim() {
        let out = fmt("credits: [ [reporter \"A\"] # first\n [finder \"B\"] ]\n");
        assert_eq!(
            out,
            "credits: [ [reporter \"A\"] # first\n [finder \"B\"] ]\n"
        );
    }

    #[test]
    fn several_packages_go_one_per_line() {
        let out = fmt("affected: [ \"a\" {< \"1\"} \"b\" {>= \"2\" & < \"3\"} ]\n");
        assert_eq!(
            out,
            "affected: [\n  \"a\" {< \"1\"}\n  \"b\" {>= \"2\" & < \"3\"}\n]\n"
        );
        assert_eq!(
            fmt("affected: [ \"a\" {< \"1\"} ]\n"),
            "affected: \"a\" {< \"1\"}\n"
        );
    }

    #[test]
    fn long_binding_lists_break_into_lines() {
        let long: Vec<String> = (0..8)
            .map(|i| format!("\"Module.function_number_{i}\""))
            .collect();
        let out = fmt(&format!("affected_bindings: [ {} ]\n", long.join(" ")));
        assert!(out.starts_with("affected_bindings: [\n  \"Module.function_number_0\"\n"));
        assert_eq!(
            fmt("affected_bindings: [\n  \"A.f\"\n]\n"),
            "affected_bindings: [ \"A.f\" ]\n"
        );
    }

    #[test]
    fn escapes_only_what_needs_it() {
        assert_eq!(
            fmt("severity: \"a\\\"b\\\\c\"\n"),
            "severity: \"a\\\"b\\\\c\"\n"
        );
        assert_eq!(
            fmt("severity: \"\"\"tri\"ple\"\"\"\n"),
            "severity: \"tri\\\"ple\"\n"
        );
    }

    #[test]
    fn detects_comments_outside_strings_only() {
        assert!(has_comment("a: [ x # c\n]"));
        assert!(has_comment("a: (* c *) x"));
        assert!(!has_comment("a: \"# not (* a comment\""));
        assert!(!has_comment("a: \"\"\"# \"inner\" \"\"\""));
    }

    #[test]
    fn leaves_markdown_outside_the_header_untouched() {
        let text = "\n```\nid:   OSEC-2026-01\n```\n\n# T  \n\nbody ```\n";
        assert_eq!(
            format_advisory(text).unwrap(),
            "\n```\nid: OSEC-2026-01\n```\n\n# T  \n\nbody ```\n"
        );
    }
}
