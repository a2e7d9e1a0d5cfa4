//! opam's standard printer, byte for byte: `OpamPrinter.FullPos` of opam-file-format.
//!
//! This is the layout opam-file-format gives a file or value it prints from its tree
//! rather than from source text; osec uses it for values that edits insert and for
//! canonical advisory headers. Every construct opens the same boxes as opam's `Format`
//! calls, and [`super::format`] lays them out with OCaml's algorithm, on lines of 78
//! columns with at most 68 columns of indentation.
//!
//! | function | opam-file-format | output |
//! |---|---|---|
//! | [`value`] | `OpamPrinter.FullPos.value` | one value |
//! | [`value_list`] | `OpamPrinter.FullPos.value_list` | values separated by spaces, in an hv box |
//! | [`items`] | `OpamPrinter.FullPos.items` | fields and sections, one per line; checks the `opam-version` rules |
//! | [`opamfile`] | `OpamPrinter.FullPos.opamfile` | [`items`] of a whole file |
//!
//! None of them ends its output with a newline: opam adds one when it writes a file.
//!
//! # Layout
//!
//! * A field is `name: value`; a value too long for the line moves to the next one,
//!   indented by 2. A field whose list holds lists or braced options prints one element
//!   per line; other lists stay on one line when they fit, else print one element per line.
//! * A field whose value is `[]` or `[[]]` prints nothing, but still takes its line.
//! * Strings are written between `"`, escaping only `"` and `\`. A string containing
//!   a newline is written between `"""` (after `"""\` and a newline, unless it starts
//!   with a newline); only `\` and the quotes that would end the string are escaped.
//! * Sections are `kind "name" {`, their items indented by 2, and `}` on its own line.
//!
//! # Example
//!
//! ```
//! use opam_file::print::standard;
//! use opam_file::{Item, ItemKind, OpamFile, Span, Spanned, Value, ValueKind};
//!
//! let value = |kind| Value { kind, span: Span::default() };
//! let field = |name: &str, v| Item {
//!     kind: ItemKind::Variable(Spanned::new(name.into(), Span::default()), v),
//!     span: Span::default(),
//! };
//! let file = OpamFile {
//!     items: vec![
//!         field("opam-version", value(ValueKind::String(b"2.0".into()))),
//!         field("depends", value(ValueKind::List(Spanned::new(
//!             vec![value(ValueKind::String(b"dune".into()))],
//!             Span::default(),
//!         )))),
//!     ],
//! };
//! let text = standard::opamfile(&file)?;
//! assert_eq!(text, b"opam-version: \"2.0\"\ndepends: [\"dune\"]");
//! # Ok::<(), standard::PrintError>(())
//! ```
//!
//! # Limitations
//!
//! * The lossy cases of opam's printer are reproduced, not repaired: blanks at the start
//!   of a line following a newline in a string are lost when the result is parsed again
//!   (the lexer skips them after a `\`-newline), and so is `\r` before `\n`.
//! * `!` before a value that starts with `=` prints as `!=` (so `! = "1"` reads back
//!   as `!= "1"`), as in opam.
//! * Group nodes are printed as written; no parentheses are added where the tree
//!   would need them to be read back the same way. Trees the parser never builds can
//!   therefore print as text that reads back differently: `|` directly under `&`, a
//!   relational operator after a bare atom in a list (`[a >= "1"]` from `a` and
//!   `>= "1"`), or an environment update with `=` (read back as a comparison).
//! * Printing recurses on the value tree, once per level of nesting; trees come from
//!   the parser, which bounds their depth. Chains of `&` and `|` and stacked lists of
//!   options are printed in loops, whatever their length.

use std::borrow::Cow;

use crate::ast::{Item, ItemKind, OpamFile, Section, Value, ValueKind};
use crate::parser::nopatch;
use crate::print::format::{BoxKind, Formatter};
use crate::source::{Span, Spanned};

/// An item list that opam refuses to print, because it breaks the rules on
/// `opam-version` (the same rules the parser enforces).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// The first item declares `opam-version` 2.1 or later, and a later item declares
    /// `opam-version` again.
    #[error(
        "opam-version cannot be repeated: item {index} declares it again after the first item declared \"{first}\"; remove one of them"
    )]
    RepeatedOpamVersion {
        /// Position of the repeated field among the items (the first item is 0).
        index: usize,
        /// Where the repeated field is.
        span: Span,
        /// The version the first item declares.
        first: String,
    },
    /// An item other than the first declares `opam-version` 2.1 or later.
    #[error(
        "opam-version \"{version}\" must be the first item: it is item {index}; move it to the start"
    )]
    OpamVersionNotFirst {
        /// Position of the field among the items (the first item is 0).
        index: usize,
        /// Where the field is.
        span: Span,
        /// The version it declares.
        version: String,
    },
}

/// One value, as `OpamPrinter.FullPos.value` prints it.
pub fn value(value: &Value) -> Vec<u8> {
    let mut formatter = Formatter::new();
    format_value(&mut formatter, value);
    formatter.flush()
}

/// Values separated by break hints in one hv box, as `OpamPrinter.FullPos.value_list`
/// prints them: on one line if they fit, else one per line.
pub fn value_list(values: &[Value]) -> Vec<u8> {
    let mut formatter = Formatter::new();
    formatter.open_box(BoxKind::HV, 0);
    format_values(&mut formatter, values);
    formatter.close_box();
    formatter.flush()
}

/// Items one per line, as `OpamPrinter.FullPos.items` prints them, after checking the
/// `opam-version` rules.
pub fn items(items: &[Item]) -> Result<Vec<u8>, PrintError> {
    check_opam_version(items)?;
    let mut formatter = Formatter::new();
    format_items(&mut formatter, items);
    Ok(formatter.flush())
}

/// A whole file, as `OpamPrinter.FullPos.opamfile` prints it (no final newline).
pub fn opamfile(file: &OpamFile) -> Result<Vec<u8>, PrintError> {
    items(&file.items)
}

/// opam's `valid_opamfile_contents`: when the first item is `opam-version` ≥ 2.1, no
/// other item may be `opam-version`; otherwise no item but the first may be
/// `opam-version` ≥ 2.1 (a non-string value is never checked).
fn check_opam_version(items: &[Item]) -> Result<(), PrintError> {
    let Some((first, rest)) = items.split_first() else {
        return Ok(());
    };
    let later = rest.iter().enumerate().map(|(i, item)| (i + 1, item));
    if let Some(first_version) = opam_version(first).filter(|v| at_least_2_1(v)) {
        for (index, item) in later {
            if matches!(&item.kind, ItemKind::Variable(name, _) if name.value == "opam-version") {
                return Err(PrintError::RepeatedOpamVersion {
                    index,
                    span: item.span,
                    first: String::from_utf8_lossy(first_version).into_owned(),
                });
            }
        }
        return Ok(());
    }
    for (index, item) in later {
        if let Some(version) = opam_version(item).filter(|v| at_least_2_1(v)) {
            return Err(PrintError::OpamVersionNotFirst {
                index,
                span: item.span,
                version: String::from_utf8_lossy(version).into_owned(),
            });
        }
    }
    Ok(())
}

/// The version of an `opam-version: "…"` field.
fn opam_version(item: &Item) -> Option<&[u8]> {
    match &item.kind {
        ItemKind::Variable(name, value) if name.value == "opam-version" => match &value.kind {
            ValueKind::String(version) => Some(version),
            _ => None,
        },
        _ => None,
    }
}

fn at_least_2_1(version: &[u8]) -> bool {
    nopatch(version) >= (2, 1)
}

fn format_value(f: &mut Formatter, value: &Value) {
    match &value.kind {
        ValueKind::Relop(op, left, right) => {
            binary(f, BoxKind::H, left, op.value.as_str(), right);
        }
        ValueKind::Logop(chain) => {
            // opam's left-nested `Logop`s, each an hv box around `left op right`: the
            // boxes of the whole chain open first, and one closes after each operand.
            for _ in chain.operands.iter().skip(1) {
                f.open_box(BoxKind::HV, 0);
            }
            for (i, operand) in chain.operands.iter().enumerate() {
                if i > 0 {
                    f.text(b" ");
                    f.text(chain.op.as_str().as_bytes());
                    f.space();
                }
                format_value(f, operand);
                if i > 0 {
                    f.close_box();
                }
            }
        }
        ValueKind::EnvBinding(name, op, right) => {
            binary(f, BoxKind::H, name, op.value.as_str(), right);
        }
        ValueKind::Pfxop(op, operand) => {
            f.open_box(BoxKind::H, 0);
            f.text(op.value.as_str().as_bytes());
            format_value(f, operand);
            f.close_box();
        }
        ValueKind::PrefixRelop(op, operand) => {
            f.open_box(BoxKind::H, 0);
            f.text(op.value.as_str().as_bytes());
            f.space();
            format_value(f, operand);
            f.close_box();
        }
        ValueKind::Ident(name) => f.text(name.as_bytes()),
        ValueKind::Int(number) => f.text(number.to_string().as_bytes()),
        ValueKind::Bool(true) => f.text(b"true"),
        ValueKind::Bool(false) => f.text(b"false"),
        ValueKind::String(text) => format_string(f, text),
        ValueKind::List(elements) => {
            f.open_box(BoxKind::HV, 0);
            f.text(b"[");
            f.break_hint(0, 2);
            f.open_box(BoxKind::HV, 0);
            format_values(f, &elements.value);
            f.close_box();
            f.cut();
            f.text(b"]");
            f.close_box();
        }
        ValueKind::Group(elements) => {
            f.open_box(BoxKind::HV, 0);
            f.text(b"(");
            format_values(f, &elements.value);
            f.text(b")");
            f.close_box();
        }
        ValueKind::Option(subject, options) => {
            format_options(f, subject, std::slice::from_ref(options));
        }
        ValueKind::StackedOptions(subject, lists) => format_options(f, subject, lists),
    }
}

/// `subject {…} {…} …` as opam prints its nested `Option`s: an hov box around each
/// `value {…}`, the boxes of all the lists opened first.
fn format_options(f: &mut Formatter, subject: &Value, lists: &[Spanned<Vec<Value>>]) {
    for _ in lists {
        f.open_box(BoxKind::HoV, 2);
    }
    format_value(f, subject);
    for options in lists {
        f.space();
        f.text(b"{");
        f.open_box(BoxKind::HV, 0);
        format_values(f, &options.value);
        f.close_box();
        f.text(b"}");
        f.close_box();
    }
}

/// `left op right` in a box of `kind`, with a break hint after the operator.
fn binary(f: &mut Formatter, kind: BoxKind, left: &Value, op: &str, right: &Value) {
    f.open_box(kind, 0);
    format_value(f, left);
    f.text(b" ");
    f.text(op.as_bytes());
    f.space();
    format_value(f, right);
    f.close_box();
}

/// A string literal, as one text token per piece of opam's format string.
fn format_string(f: &mut Formatter, text: &[u8]) {
    if text.contains(&b'\n') {
        f.text(b"\"\"\"");
        f.text(if text.first() == Some(&b'\n') {
            b""
        } else {
            b"\\\n"
        });
        f.text(&escape_triple_quoted(text));
        f.text(b"\"\"\"");
    } else {
        f.text(b"\"");
        f.text(&escape(text));
        f.text(b"\"");
    }
}

/// The body of a `"…"` string: a backslash before each `"` and `\`.
fn escape(text: &[u8]) -> Cow<'_, [u8]> {
    if !text.iter().any(|&byte| byte == b'"' || byte == b'\\') {
        return Cow::Borrowed(text);
    }
    let mut escaped = Vec::with_capacity(text.len() + 2);
    for &byte in text {
        if byte == b'"' || byte == b'\\' {
            escaped.push(b'\\');
        }
        escaped.push(byte);
    }
    Cow::Owned(escaped)
}

/// The body of a `"""…"""` string: a backslash before each `\`, before a `"` that
/// starts a run of three, and before a final `"`.
fn escape_triple_quoted(text: &[u8]) -> Vec<u8> {
    let mut escaped = Vec::with_capacity(text.len() + 2);
    for (i, &byte) in text.iter().enumerate() {
        let escape_quote = byte == b'"'
            && (text.get(i + 1..i + 3) == Some(b"\"\"".as_slice()) || i + 1 == text.len());
        if escape_quote || byte == b'\\' {
            escaped.push(b'\\');
        }
        escaped.push(byte);
    }
    escaped
}

/// Values separated by spaces (break hints of width 1).
fn format_values(f: &mut Formatter, values: &[Value]) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            f.space();
        }
        format_value(f, value);
    }
}

/// Items in a v box, separated by cuts: one per line.
fn format_items(f: &mut Formatter, items: &[Item]) {
    f.open_box(BoxKind::V, 0);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.cut();
        }
        format_item(f, item);
    }
    f.close_box();
}

fn format_item(f: &mut Formatter, item: &Item) {
    match &item.kind {
        ItemKind::Variable(name, value) => format_field(f, name.value.as_bytes(), value),
        ItemKind::Section(section) => format_section(f, section),
    }
}

fn format_field(f: &mut Formatter, name: &[u8], value: &Value) {
    match &value.kind {
        ValueKind::List(elements) => {
            let elements = elements.value.as_slice();
            if is_empty_list(elements) {
                return;
            }
            let one_per_line = elements.iter().any(|element| match &element.kind {
                ValueKind::List(_) => true,
                ValueKind::Option(_, options) => !options.value.is_empty(),
                // The outermost of opam's nested options is the last list.
                ValueKind::StackedOptions(_, lists) => lists
                    .last()
                    .is_some_and(|options| !options.value.is_empty()),
                _ => false,
            });
            let kind = if one_per_line {
                BoxKind::V
            } else {
                BoxKind::HV
            };
            f.open_box(kind, 0);
            f.text(name);
            f.text(b": [");
            f.break_hint(0, 2);
            f.open_box(kind, 0);
            format_values(f, elements);
            f.close_box();
            f.cut();
            f.text(b"]");
            f.close_box();
        }
        ValueKind::String(text) if text.contains(&b'\n') => {
            f.open_box(BoxKind::HoV, 0);
            f.text(name);
            f.text(b": ");
            format_value(f, value);
            f.close_box();
        }
        _ => {
            f.open_box(BoxKind::HoV, 2);
            f.text(name);
            f.text(b":");
            f.space();
            format_value(f, value);
            f.close_box();
        }
    }
}

/// The elements of `[]` or `[[]]`: fields with such values print nothing.
fn is_empty_list(elements: &[Value]) -> bool {
    match elements {
        [] => true,
        [only] => matches!(&only.kind, ValueKind::List(inner) if inner.value.is_empty()),
        _ => false,
    }
}

fn format_section(f: &mut Formatter, section: &Section) {
    f.open_box(BoxKind::V, 0);
    f.text(section.kind.value.as_bytes());
    f.text(b" ");
    let mut name = Vec::new();
    if let Some(section_name) = &section.name {
        name.push(b'"');
        name.extend_from_slice(&escape(&section_name.value));
        name.extend_from_slice(b"\" ");
    }
    f.text(&name);
    f.text(b"{");
    f.break_hint(0, 2);
    f.open_box(BoxKind::V, 0);
    format_items(f, &section.items.value);
    f.close_box();
    f.cut();
    f.text(b"}");
    f.close_box();
}
