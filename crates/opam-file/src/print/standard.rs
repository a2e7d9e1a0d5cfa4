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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{EnvOp, LogOp, PfxOp, RelOp};
    use crate::source::Spanned;

    /// Reader of the oracle's serialised ASTs (see `corpus_matches_the_oracle`).
    struct Reader<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl<'a> Reader<'a> {
        fn byte(&mut self) -> u8 {
            let byte = self.bytes[self.at];
            self.at += 1;
            byte
        }

        fn number(&mut self, end: u8) -> i64 {
            let start = self.at;
            while self.bytes[self.at] != end {
                self.at += 1;
            }
            let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap();
            self.at += 1;
            text.parse().unwrap()
        }

        fn bytes(&mut self) -> &'a [u8] {
            let len = self.number(b':') as usize;
            let text = &self.bytes[self.at..self.at + len];
            self.at += len;
            text
        }

        fn string(&mut self) -> String {
            String::from_utf8(self.bytes().to_vec()).unwrap()
        }

        fn relop(&mut self) -> Spanned<RelOp> {
            let op = match self.byte() {
                b'e' => RelOp::Eq,
                b'n' => RelOp::Neq,
                b'G' => RelOp::Geq,
                b'g' => RelOp::Gt,
                b'L' => RelOp::Leq,
                b'l' => RelOp::Lt,
                other => panic!("bad relop {other}"),
            };
            Spanned::new(op, Span::default())
        }

        fn values(&mut self) -> Spanned<Vec<Value>> {
            let count = self.number(b';');
            Spanned::new((0..count).map(|_| self.value()).collect(), Span::default())
        }

        fn value(&mut self) -> Value {
            let boxed = |reader: &mut Self| Box::new(reader.value());
            let kind = match self.byte() {
                b'b' => ValueKind::Bool(self.byte() == b'1'),
                b'i' => ValueKind::Int(self.number(b';')),
                b's' => ValueKind::String(self.bytes().into()),
                b'd' => ValueKind::Ident(self.string().into()),
                b'r' => ValueKind::Relop(self.relop(), boxed(self), boxed(self)),
                b'p' => ValueKind::PrefixRelop(self.relop(), boxed(self)),
                op @ (b'&' | b'|') => {
                    let op = if op == b'&' { LogOp::And } else { LogOp::Or };
                    let left = self.value();
                    return Value::logop(op, left, self.value());
                }
                op @ (b'!' | b'?') => {
                    let op = if op == b'!' {
                        PfxOp::Not
                    } else {
                        PfxOp::Defined
                    };
                    ValueKind::Pfxop(Spanned::new(op, Span::default()), boxed(self))
                }
                b'[' => ValueKind::List(self.values()),
                b'(' => ValueKind::Group(self.values()),
                b'o' => {
                    let subject = self.value();
                    return Value::with_options(subject, self.values().value);
                }
                b'E' => {
                    let op = match self.byte() {
                        b'0' => EnvOp::Eq,
                        b'1' => EnvOp::PlusEq,
                        b'2' => EnvOp::EqPlus,
                        b'3' => EnvOp::EqPlusEq,
                        b'4' => EnvOp::ColonEq,
                        _ => EnvOp::EqColon,
                    };
                    let name = boxed(self);
                    ValueKind::EnvBinding(name, Spanned::new(op, Span::default()), boxed(self))
                }
                other => panic!("bad value tag {other}"),
            };
            Value {
                kind,
                span: Span::default(),
            }
        }

        fn items(&mut self) -> Vec<Item> {
            let count = self.number(b';');
            (0..count)
                .map(|_| {
                    let kind = match self.byte() {
                        b'V' => {
                            let name = Spanned::new(self.string().into(), Span::default());
                            ItemKind::Variable(name, self.value())
                        }
                        _ => {
                            let kind = Spanned::new(self.string().into(), Span::default());
                            let name = match self.byte() {
                                b'Y' => Some(Spanned::new(self.bytes().into(), Span::default())),
                                _ => None,
                            };
                            let items = Spanned::new(self.items(), Span::default());
                            ItemKind::Section(Section { kind, name, items })
                        }
                    };
                    Item {
                        kind,
                        span: Span::default(),
                    }
                })
                .collect()
        }
    }

    /// A hand-written case: opam text, the AST opam's parser reads from it (in the
    /// serialisation of [`Reader`]), and what `OpamPrinter.FullPos.opamfile` prints
    /// for it, taken from the oracle (`dump print`).
    struct Case {
        name: &'static str,
        source: &'static [u8],
        ast: &'static [u8],
        printed: &'static [u8],
    }

    const CASES: &[Case] = &[
        Case {
            name: "boxes_beyond_max_indent",
            source: r#"x: !(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(a b))))))))))))))))))))))))))))))))))))
y: "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp" {!(a) & !(b)}
z: [["qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" (a b c d e)]]
"#.as_bytes(),
            ast: r#"3;V1:x!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(1;!(2;d1:ad1:bV1:yos64:pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp1;&!(1;d1:a!(1;d1:bV1:z[1;[2;s66:qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq(5;d1:ad1:bd1:cd1:dd1:e"#.as_bytes(),
            printed: r#"x:
  !(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(
                                                                    !(!(a b))))))))))))))))))))))))))))))))))))
y:
  "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
    {!(a) & !(b)}
z: [
  [
    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
    (a b c d e)
  ]
]"#.as_bytes(),
        },
        Case {
            name: "deep_options",
            source: r#"x: "a" {"b" {"c" {"d" {"e" {"f" {"g" {"h" {"i" {"j" {"k" {"l" {"m" {"n" {"o" {"p" {"q" {"r" {"s" {"t" {"u" {"v" {"w"}}}}}}}}}}}}}}}}}}}}}}
"#.as_bytes(),
            ast: r#"1;V1:xos1:a1;os1:b1;os1:c1;os1:d1;os1:e1;os1:f1;os1:g1;os1:h1;os1:i1;os1:j1;os1:k1;os1:l1;os1:m1;os1:n1;os1:o1;os1:p1;os1:q1;os1:r1;os1:s1;os1:t1;os1:u1;os1:v1;s1:w"#.as_bytes(),
            printed: r#"x:
  "a"
    {"b"
       {"c"
          {"d"
             {"e"
                {"f"
                   {"g"
                      {"h"
                         {"i"
                            {"j"
                               {"k"
                                  {"l"
                                     {"m"
                                        {"n"
                                           {"o"
                                              {"p"
                                                 {"q"
                                                    {"r"
                                                       {"s"
                                                          {"t"
                                                             {"u" {"v" {"w"}}}}}}}}}}}}}}}}}}}}}}"#.as_bytes(),
        },
        Case {
            name: "empty_list_fields",
            source: r#"a: []
b: [[]]
c: "x"
d: [[] []]
"#.as_bytes(),
            ast: r#"4;V1:a[0;V1:b[1;[0;V1:cs1:xV1:d[2;[0;[0;"#.as_bytes(),
            printed: r#"

c: "x"
d: [
  []
  []
]"#.as_bytes(),
        },
        Case {
            name: "empty_section",
            source: r#"s {}
"#.as_bytes(),
            ast: r#"1;S1:sN0;"#.as_bytes(),
            printed: r#"s {
  
}"#.as_bytes(),
        },
        Case {
            name: "fields_and_atoms",
            source: r#"opam-version: "2.0"
name: "foo"
x: 42
y: -3
t: true
f: false
v: foo:installed
"#.as_bytes(),
            ast: r#"7;V12:opam-versions3:2.0V4:names3:fooV1:xi42;V1:yi-3;V1:tb1V1:fb0V1:vd13:foo:installed"#.as_bytes(),
            printed: r#"opam-version: "2.0"
name: "foo"
x: 42
y: -3
t: true
f: false
v: foo:installed"#.as_bytes(),
        },
        Case {
            name: "long_field_in_section",
            source: r#"url {
  src: "https://github.com/an-organisation/a-repository-name/releases/download/v1.0/archive.tbz"
}
"#.as_bytes(),
            ast: r#"1;S3:urlN1;V3:srcs87:https://github.com/an-organisation/a-repository-name/releases/download/v1.0/archive.tbz"#.as_bytes(),
            printed: r#"url {
  src:
    "https://github.com/an-organisation/a-repository-name/releases/download/v1.0/archive.tbz"
}"#.as_bytes(),
        },
        Case {
            name: "long_field_name",
            source: r#"a-really-long-field-name-that-takes-up-a-good-part-of-the-line-by-itself: "value"
"#.as_bytes(),
            ast: r#"1;V72:a-really-long-field-name-that-takes-up-a-good-part-of-the-line-by-itselfs5:value"#.as_bytes(),
            printed: r#"a-really-long-field-name-that-takes-up-a-good-part-of-the-line-by-itself:
  "value""#.as_bytes(),
        },
        Case {
            name: "long_filter",
            source: r#"available: arch != "arm32" & arch != "x86_32" & os != "win32" & os != "freebsd" & os != "openbsd"
"#.as_bytes(),
            ast: r#"1;V9:available&&&&rnd4:archs5:arm32rnd4:archs6:x86_32rnd2:oss5:win32rnd2:oss7:freebsdrnd2:oss7:openbsd"#.as_bytes(),
            printed: r#"available:
  arch != "arm32" & arch != "x86_32" & os != "win32" & os != "freebsd" &
  os != "openbsd""#.as_bytes(),
        },
        Case {
            name: "long_groups",
            source: r#"available: (os = "linux" | os = "macos" | os = "freebsd") & (arch = "x86_64" | arch = "arm64")
"#.as_bytes(),
            ast: r#"1;V9:available&(1;||red2:oss5:linuxred2:oss5:macosred2:oss7:freebsd(1;|red4:archs6:x86_64red4:archs5:arm64"#.as_bytes(),
            printed: r#"available:
  (os = "linux" | os = "macos" | os = "freebsd") &
  (arch = "x86_64" | arch = "arm64")"#.as_bytes(),
        },
        Case {
            name: "long_option",
            source: r#"depends: "a-package-name" {>= "1.0.0" & < "2.0.0" & with-test & os != "win32" & arch != "arm"}
"#.as_bytes(),
            ast: r#"1;V7:dependsos14:a-package-name1;&&&&pGs5:1.0.0pls5:2.0.0d9:with-testrnd2:oss5:win32rnd4:archs3:arm"#.as_bytes(),
            printed: r#"depends:
  "a-package-name"
    {>= "1.0.0" & < "2.0.0" & with-test & os != "win32" & arch != "arm"}"#.as_bytes(),
        },
        Case {
            name: "long_relop",
            source: r#"available: ocaml-version >= "4.02.3-and-a-very-long-suffix-that-does-not-fit-in-the-line"
"#.as_bytes(),
            ast: r#"1;V9:availablerGd13:ocaml-versions59:4.02.3-and-a-very-long-suffix-that-does-not-fit-in-the-line"#.as_bytes(),
            printed: r#"available:
  ocaml-version >= "4.02.3-and-a-very-long-suffix-that-does-not-fit-in-the-line""#.as_bytes(),
        },
        Case {
            name: "long_string_field",
            source: r#"synopsis: "A very long synopsis that does not fit on one line of seventy-eight columns at all"
"#.as_bytes(),
            ast: r#"1;V8:synopsiss82:A very long synopsis that does not fit on one line of seventy-eight columns at all"#.as_bytes(),
            printed: r#"synopsis:
  "A very long synopsis that does not fit on one line of seventy-eight columns at all""#.as_bytes(),
        },
        Case {
            name: "lossy_crlf",
            source: r#"description: "line one\r\nline two"
"#.as_bytes(),
            ast: b"1;V11:descriptions18:line one\x0d\nline two",
            printed: b"description: \"\"\"\\\nline one\x0d\nline two\"\"\"",
        },
        Case {
            name: "lossy_leading_blanks",
            source: r#"description: "first\n   indented\n\tand tabbed"
"#.as_bytes(),
            ast: b"1;V11:descriptions29:first\n   indented\n\tand tabbed",
            printed: b"description: \"\"\"\\\nfirst\n   indented\n\tand tabbed\"\"\"",
        },
        Case {
            name: "max_indent_clamping",
            source: r#"x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "aaaaaaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" "cccccccccccccccccccccccc" ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
"#.as_bytes(),
            ast: r#"1;V1:x[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[1;[3;s20:aaaaaaaaaaaaaaaaaaaas30:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbs24:cccccccccccccccccccccccc"#.as_bytes(),
            printed: r#"x: [
  [
    [
      [
        [
          [
            [
              [
                [
                  [
                    [
                      [
                        [
                          [
                            [
                              [
                                [
                                  [
                                    [
                                      [
                                        [
                                          [
                                            [
                                              [
                                                [
                                                  [
                                                    [
                                                      [
                                                        [
                                                          [
                                                            [
                                                              [
                                                                [
                                                                  [
                                                                    [
                                                                    [
                                                                    [
                                                                    [
                                                                    [
                                                                    [
                                                                    "aaaaaaaaaaaaaaaaaaaa"
                                                                    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                                                                    "cccccccccccccccccccccccc"
                                                                    ]
                                                                    ]
                                                                    ]
                                                                    ]
                                                                    ]
                                                                    ]
                                                                  ]
                                                                ]
                                                              ]
                                                            ]
                                                          ]
                                                        ]
                                                      ]
                                                    ]
                                                  ]
                                                ]
                                              ]
                                            ]
                                          ]
                                        ]
                                      ]
                                    ]
                                  ]
                                ]
                              ]
                            ]
                          ]
                        ]
                      ]
                    ]
                  ]
                ]
              ]
            ]
          ]
        ]
      ]
    ]
  ]
]"#.as_bytes(),
        },
        Case {
            name: "multiline_strings",
            source: r#"a: """
starts with a newline
"""
b: "no leading newline\nsecond line"
c: "ends with a quote\n\""
d: "has \"\"\" inside\nand \\ backslash"
e: "two\n\"\" quotes"
"#.as_bytes(),
            ast: r#"5;V1:as23:
starts with a newline
V1:bs30:no leading newline
second lineV1:cs19:ends with a quote
"V1:ds30:has """ inside
and \ backslashV1:es13:two
"" quotes"#.as_bytes(),
            printed: r#"a: """
starts with a newline
"""
b: """\
no leading newline
second line"""
c: """\
ends with a quote
\""""
d: """\
has \""" inside
and \\ backslash"""
e: """\
two
"" quotes""""#.as_bytes(),
        },
        Case {
            name: "nested_command_lists",
            source: r#"build: [
  ["dune" "subst"] {dev}
  ["dune" "build" "-p" name "-j" jobs "@install" "@runtest" {with-test} "@doc" {with-doc}]
]
"#.as_bytes(),
            ast: r#"1;V5:build[2;o[2;s4:dunes5:subst1;d3:dev[9;s4:dunes5:builds2:-pd4:names2:-jd4:jobss8:@installos8:@runtest1;d9:with-testos4:@doc1;d8:with-doc"#.as_bytes(),
            printed: r#"build: [
  ["dune" "subst"] {dev}
  [
    "dune"
    "build"
    "-p"
    name
    "-j"
    jobs
    "@install"
    "@runtest" {with-test}
    "@doc" {with-doc}
  ]
]"#.as_bytes(),
        },
        Case {
            name: "opam_version_2_1_rules",
            source: r#"opam-version: "2.1"
x: 1
"#.as_bytes(),
            ast: r#"2;V12:opam-versions3:2.1V1:xi1;"#.as_bytes(),
            printed: r#"opam-version: "2.1"
x: 1"#.as_bytes(),
        },
        Case {
            name: "operators",
            source: r#"x: !a & ?b | (c = d) & !(e != f)
r: [a >= b c < d e <= f g > h]
p: [>= "1" < "2" = "3" != "4"]
setenv: [PATH += "/bin" X = "1" Y =+ "2" Z =+= "3" W := "4" V =: "5"]
g: (a | b) & (c)
o: "pkg" {(>= "1.0" | = "0.9") & !with-test}
"#.as_bytes(),
            ast: r#"6;V1:x|&!d1:a?d1:b&(1;red1:cd1:d!(1;rnd1:ed1:fV1:r[4;rGd1:ad1:brld1:cd1:drLd1:ed1:frgd1:gd1:hV1:p[4;pGs1:1pls1:2pes1:3pns1:4V6:setenv[6;E1d4:PATHs4:/binred1:Xs1:1E2d1:Ys1:2E3d1:Zs1:3E4d1:Ws1:4E5d1:Vs1:5V1:g&(1;|d1:ad1:b(1;d1:cV1:oos3:pkg1;&(1;|pGs3:1.0pes3:0.9!d9:with-test"#.as_bytes(),
            printed: r#"x: !a & ?b | (c = d) & !(e != f)
r: [a >= b c < d e <= f g > h]
p: [>= "1" < "2" = "3" != "4"]
setenv: [PATH += "/bin" X = "1" Y =+ "2" Z =+= "3" W := "4" V =: "5"]
g: (a | b) & (c)
o: "pkg" {(>= "1.0" | = "0.9") & !with-test}"#.as_bytes(),
        },
        Case {
            name: "options_in_lists",
            source: r#"depends: ["ocaml" {>= "4.08"} "dune" {>= "2.0" & with-test} "fmt"]
flat: ["a" {} "b"]
"#.as_bytes(),
            ast: r#"2;V7:depends[3;os5:ocaml1;pGs4:4.08os4:dune1;&pGs3:2.0d9:with-tests3:fmtV4:flat[2;os1:a0;s1:b"#.as_bytes(),
            printed: r#"depends: [
  "ocaml" {>= "4.08"}
  "dune" {>= "2.0" & with-test}
  "fmt"
]
flat: ["a" {} "b"]"#.as_bytes(),
        },
        Case {
            name: "repeated_2_0",
            source: r#"opam-version: "2.0"
x: 1
opam-version: "2.0"
"#.as_bytes(),
            ast: r#"3;V12:opam-versions3:2.0V1:xi1;V12:opam-versions3:2.0"#.as_bytes(),
            printed: r#"opam-version: "2.0"
x: 1
opam-version: "2.0""#.as_bytes(),
        },
        Case {
            name: "sections",
            source: r#"url {
  src: "https://example.com/a.tar.gz"
  checksum: ["md5=00000000000000000000000000000000" "sha256=0000000000000000000000000000000000000000000000000000000000000000"]
}
extra-source "we\"ird\\name" { src: "x" }
s2 { a: [] b: [] }
outer { inner "n" { x: 1 } }
"#.as_bytes(),
            ast: r#"4;S3:urlN2;V3:srcs28:https://example.com/a.tar.gzV8:checksum[2;s36:md5=00000000000000000000000000000000s71:sha256=0000000000000000000000000000000000000000000000000000000000000000S12:extra-sourceY11:we"ird\name1;V3:srcs1:xS2:s2N2;V1:a[0;V1:b[0;S5:outerN1;S5:innerY1:n1;V1:xi1;"#.as_bytes(),
            printed: r#"url {
  src: "https://example.com/a.tar.gz"
  checksum: [
    "md5=00000000000000000000000000000000"
    "sha256=0000000000000000000000000000000000000000000000000000000000000000"
  ]
}
extra-source "we\"ird\\name" {
  src: "x"
}
s2 {
  
  
}
outer {
  inner "n" {
    x: 1
  }
}"#.as_bytes(),
        },
        Case {
            name: "short_and_long_lists",
            source: r#"a: ["x" "y"]
tags: ["org:mirage" "org:xapi-project" "keyword:networking" "keyword:protocol" "keyword:tcp"]
"#.as_bytes(),
            ast: r#"2;V1:a[2;s1:xs1:yV4:tags[5;s10:org:mirages16:org:xapi-projects18:keyword:networkings16:keyword:protocols11:keyword:tcp"#.as_bytes(),
            printed: r#"a: ["x" "y"]
tags: [
  "org:mirage"
  "org:xapi-project"
  "keyword:networking"
  "keyword:protocol"
  "keyword:tcp"
]"#.as_bytes(),
        },
        Case {
            name: "string_escapes",
            source: b"s: \"quote\\\" backslash\\\\ tab\t cr\\r unicode \xc3\xa9\"\nn: \"\\xff\\x00\"\n",
            ast: b"2;V1:ss37:quote\" backslash\\ tab\t cr\x0d unicode \xc3\xa9V1:ns2:\xff\x00",
            printed: b"s: \"quote\\\" backslash\\\\ tab\t cr\x0d unicode \xc3\xa9\"\nn: \"\xff\x00\"",
        },
        Case {
            name: "token_wider_than_margin",
            source: r#"x: ["short" "a-string-that-is-much-much-longer-than-the-margin-of-seventy-eight-columns-of-text" "z"]
"#.as_bytes(),
            ast: r#"1;V1:x[3;s5:shorts82:a-string-that-is-much-much-longer-than-the-margin-of-seventy-eight-columns-of-texts1:z"#.as_bytes(),
            printed: r#"x: [
  "short"
  "a-string-that-is-much-much-longer-than-the-margin-of-seventy-eight-columns-of-text"
  "z"
]"#.as_bytes(),
        },
        Case {
            name: "utf8_width",
            source: r#"authors: ["Étienne Éléonore" "Zoë Ødegård" "Jürgen Müßig" "Åsa Ñúñez"]
"#.as_bytes(),
            ast: r#"1;V7:authors[4;s19:Étienne Éléonores14:Zoë Ødegårds15:Jürgen Müßigs13:Åsa Ñúñez"#.as_bytes(),
            printed: r#"authors: [
  "Étienne Éléonore" "Zoë Ødegård" "Jürgen Müßig" "Åsa Ñúñez"
]"#.as_bytes(),
        },
    ];

    fn parse_ast(serialised: &[u8]) -> Vec<Item> {
        let mut reader = Reader {
            bytes: serialised,
            at: 0,
        };
        let items = reader.items();
        assert_eq!(
            reader.at,
            serialised.len(),
            "trailing bytes in a serialised AST"
        );
        items
    }

    #[test]
    fn hand_written_cases_print_as_opam_does() {
        for case in CASES {
            let printed = items(&parse_ast(case.ast));
            assert_eq!(
                printed.as_deref().map(String::from_utf8_lossy),
                Ok(String::from_utf8_lossy(case.printed)),
                "case {}",
                case.name
            );
        }
    }

    #[test]
    fn hand_written_cases_print_as_opam_does_from_our_parser() {
        for case in CASES {
            let file = crate::parse(case.source).unwrap();
            assert_eq!(
                opamfile(&file).as_deref().map(String::from_utf8_lossy),
                Ok(String::from_utf8_lossy(case.printed)),
                "case {}",
                case.name
            );
        }
    }

    /// The value as the oracle's `dump ast` writes it.
    fn dump_value(value: &Value) -> String {
        let list = |values: &[Value]| -> String {
            values
                .iter()
                .map(|v| format!(" {}", dump_value(v)))
                .collect()
        };
        match &value.kind {
            ValueKind::Bool(b) => format!("(Bool {b})"),
            ValueKind::Int(i) => format!("(Int {i})"),
            ValueKind::String(s) => format!("(String {})", ocaml_quoted(s)),
            ValueKind::Ident(s) => format!("(Ident {s})"),
            ValueKind::Relop(op, l, r) => format!(
                "(Relop {} {} {})",
                op.value.as_str(),
                dump_value(l),
                dump_value(r)
            ),
            ValueKind::PrefixRelop(op, v) => {
                format!("(Prefix_relop {} {})", op.value.as_str(), dump_value(v))
            }
            ValueKind::Logop(chain) => {
                let mut operands = chain.operands.iter().map(dump_value);
                let first = operands.next().unwrap_or_default();
                operands.fold(first, |left, right| {
                    format!("(Logop {} {left} {right})", chain.op.as_str())
                })
            }
            ValueKind::Pfxop(op, v) => format!("(Pfxop {} {})", op.value.as_str(), dump_value(v)),
            ValueKind::List(l) => format!("(List{})", list(&l.value)),
            ValueKind::Group(l) => format!("(Group{})", list(&l.value)),
            ValueKind::Option(v, l) => format!("(Option {}{})", dump_value(v), list(&l.value)),
            ValueKind::StackedOptions(v, lists) => {
                lists.iter().fold(dump_value(v), |subject, l| {
                    format!("(Option {subject}{})", list(&l.value))
                })
            }
            ValueKind::EnvBinding(n, op, v) => format!(
                "(Env {} {} {})",
                dump_value(n),
                op.value.as_str(),
                dump_value(v)
            ),
        }
    }

    /// OCaml's `%S`: a string literal with `String.escaped`'s escapes.
    fn ocaml_quoted(bytes: &[u8]) -> String {
        let mut quoted = String::from("\"");
        for &byte in bytes {
            match byte {
                b'"' => quoted.push_str("\\\""),
                b'\\' => quoted.push_str("\\\\"),
                b'\n' => quoted.push_str("\\n"),
                b'\t' => quoted.push_str("\\t"),
                b'\r' => quoted.push_str("\\r"),
                8 => quoted.push_str("\\b"),
                b' '..=b'~' => quoted.push(char::from(byte)),
                _ => quoted.push_str(&format!("\\{byte:03}")),
            }
        }
        quoted.push('"');
        quoted
    }

    fn dump_items(items: &[Item], indent: &str, lines: &mut Vec<String>) {
        for item in items {
            match &item.kind {
                ItemKind::Variable(name, value) => {
                    lines.push(format!(
                        "{indent}Var {} = {}",
                        name.value,
                        dump_value(value)
                    ));
                }
                ItemKind::Section(section) => {
                    let name = section
                        .name
                        .as_ref()
                        .map_or("-".to_string(), |name| ocaml_quoted(&name.value));
                    lines.push(format!("{indent}Section {} {name}", section.kind.value));
                    dump_items(&section.items.value, &format!("{indent}  "), lines);
                }
            }
        }
    }

    /// Re-derives every hand-written case from the oracle: its `dump ast` of the
    /// source must be the case's AST, and its `dump print` the expected output.
    #[test]
    fn hand_written_cases_agree_with_the_oracle() {
        let Some(dump) =
            test_references::require_oracle("hand_written_cases_agree_with_the_oracle", "dump")
        else {
            return;
        };
        let dir = std::env::temp_dir().join(format!("osec-printer-cases-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for case in CASES {
            let path = dir.join(format!("{}.opam", case.name));
            std::fs::write(&path, case.source).unwrap();
            let run = |mode: &str| {
                let output = std::process::Command::new(&dump)
                    .arg(mode)
                    .arg(&path)
                    .output()
                    .unwrap();
                assert!(output.status.success(), "oracle failed on {}", case.name);
                output.stdout
            };
            let oracle_ast: Vec<String> = String::from_utf8_lossy(&run("ast"))
                .lines()
                .map(|line| {
                    let indent = line.len() - line.trim_start().len();
                    let rest = line.split_once("] ").map_or(line, |(_, rest)| rest);
                    format!("{}{rest}", &line[..indent])
                })
                .collect();
            let mut ours = Vec::new();
            dump_items(&parse_ast(case.ast), "", &mut ours);
            assert_eq!(ours, oracle_ast, "AST of case {}", case.name);
            assert_eq!(
                String::from_utf8_lossy(&run("print")),
                String::from_utf8_lossy(case.printed),
                "output of case {}",
                case.name
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The value of each field of `items` (serialised as for [`Reader`]).
    fn field_values(serialised: &[u8]) -> Vec<Value> {
        parse_ast(serialised)
            .into_iter()
            .filter_map(|item| match item.kind {
                ItemKind::Variable(_, value) => Some(value),
                ItemKind::Section(_) => None,
            })
            .collect()
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    /// Expectations from `OpamPrinter.FullPos.value` and `value_list`.
    #[test]
    fn values_print_without_their_field() {
        let values = field_values(
            br#"3;V7:depends[6;os5:ocaml1;pGs4:4.08os4:dune1;&pGs3:2.0d9:with-tests3:fmts4:logss8:cmdliners7:astringV6:filter&&&&rnd4:archs5:arm32rnd4:archs6:x86_32rnd2:oss5:win32rnd2:oss7:freebsdrnd2:oss7:openbsdV4:texts17:line one
line two"#,
        );
        let [depends, filter, multi_line] = values.as_slice() else {
            panic!("three values expected");
        };
        assert_eq!(
            text(value(depends)),
            "[\n  \"ocaml\" {>= \"4.08\"}\n  \"dune\" {>= \"2.0\" & with-test}\n  \"fmt\"\n  \"logs\"\n  \"cmdliner\"\n  \"astring\"\n]"
        );
        assert_eq!(
            text(value(filter)),
            "arch != \"arm32\" & arch != \"x86_32\" & os != \"win32\" & os != \"freebsd\" &\nos != \"openbsd\""
        );
        assert_eq!(
            text(value(multi_line)),
            "\"\"\"\\\nline one\nline two\"\"\""
        );
        let ValueKind::List(elements) = &depends.kind else {
            panic!("depends is a list");
        };
        assert_eq!(
            text(value_list(&elements.value)),
            "\"ocaml\" {>= \"4.08\"}\n\"dune\" {>= \"2.0\" & with-test}\n\"fmt\"\n\"logs\"\n\"cmdliner\"\n\"astring\""
        );
        assert_eq!(text(value_list(&elements.value[2..4])), "\"fmt\" \"logs\"");
    }

    /// Each case was checked with `OpamPrinter.FullPos.items` on the same items.
    #[test]
    fn opam_version_rules_are_those_of_opam() {
        let accepted: &[&[u8]] = &[
            b"0;",
            b"1;V12:opam-versions3:2.2",
            b"2;V12:opam-versions3:2.0V12:opam-versions3:2.0",
            b"2;V1:xi1;V12:opam-versions3:2.0",
            // Only the top level is checked.
            b"2;V1:xi1;S1:sN1;V12:opam-versions3:2.1",
            // 9223372036854775807 reads as -1 in OCaml's 63-bit ints.
            b"2;V1:xi1;V12:opam-versions23:9223372036854775807.1.0",
        ];
        for serialised in accepted {
            assert!(
                items(&parse_ast(serialised)).is_ok(),
                "{}",
                String::from_utf8_lossy(serialised)
            );
        }
        let repeated = items(&parse_ast(
            b"3;V12:opam-versions3:2.1V1:xi1;V12:opam-versions3:2.0",
        ));
        assert!(matches!(
            repeated,
            Err(PrintError::RepeatedOpamVersion { index: 2, ref first, .. }) if first == "2.1"
        ));
        let repeated_as_int = items(&parse_ast(b"2;V12:opam-versions3:2.1V12:opam-versioni3;"));
        assert!(matches!(
            repeated_as_int,
            Err(PrintError::RepeatedOpamVersion { index: 1, .. })
        ));
        for serialised in [
            &b"2;V12:opam-versions3:2.0V12:opam-versions3:2.1"[..],
            b"2;V12:opam-versioni3;V12:opam-versions3:2.1",
            b"2;V1:xi1;V12:opam-versions8:2.1.0~rc",
            b"2;V1:xi1;V12:opam-versions23:4611686018427387903.1.0",
        ] {
            assert!(
                matches!(
                    items(&parse_ast(serialised)),
                    Err(PrintError::OpamVersionNotFirst { index: 1, .. })
                ),
                "{}",
                String::from_utf8_lossy(serialised)
            );
        }
    }

    /// Expectations from opam-file-format's `nopatch`, run with OCaml 4.13: the
    /// opam-version rules above rest on it.
    #[test]
    fn nopatch_reads_versions_as_opam_does() {
        let cases: &[(&str, (i64, i64))] = &[
            ("2.0", (2, 0)),
            ("2.1", (2, 1)),
            ("2.1.3", (2, 1)),
            ("2", (2, 0)),
            ("2.1~rc", (2, 1)),
            ("2.1~rc.1", (0, 0)),
            (" 2.1.0", (0, 0)),
            ("+2.1.0", (0, 0)),
            ("2_1.3.0", (21, 3)),
            ("2.1_0.3", (2, 10)),
            ("2._1.0", (0, 0)),
            ("_2.1.0", (0, 0)),
            ("2.1.", (2, 1)),
            ("2.", (0, 0)),
            ("2.1x.0", (0, 0)),
            (".1.0", (0, 0)),
            ("", (0, 0)),
            ("abc", (0, 0)),
            ("2..1", (0, 0)),
            ("9223372036854775807.1.0", (-1, 1)),
            ("4611686018427387904.1.0", (-4611686018427387904, 1)),
            ("4611686018427387903.1.0", (4611686018427387903, 1)),
            ("18446744073709551615.1.0", (0, 0)),
            ("2.4611686018427387904.0", (2, -4611686018427387904)),
            ("9223372036854775808.0.0", (0, 0)),
            ("02.01.0", (2, 1)),
            ("2.1 .0", (0, 0)),
            ("2.-1.0", (0, 0)),
            ("0x2.1.0", (0, 0)),
            ("2.1\n.0", (0, 0)),
        ];
        for &(version, expected) in cases {
            assert_eq!(nopatch(version.as_bytes()), expected, "{version:?}");
        }
    }

    #[test]
    fn strings_escape_only_what_ends_them() {
        assert_eq!(*escape(br#"a"b\c"#), *br#"a\"b\\c"#);
        assert_eq!(*escape(b"\t\r\xff"), *b"\t\r\xff");
        assert_eq!(escape_triple_quoted(br#"a""b"#), br#"a""b"#);
        assert_eq!(escape_triple_quoted(br#"a"""b"#), br#"a\"""b"#);
        assert_eq!(escape_triple_quoted(br#"a""""b"#), br#"a\"\"""b"#);
        assert_eq!(escape_triple_quoted(br#"end""#), br#"end\""#);
        assert_eq!(escape_triple_quoted(br#"\"#), br#"\\"#);
    }

    /// Source of the oracle driver: for each opam file named on stdin, it writes the
    /// AST opam's parser reads (in [`Reader`]'s serialisation) and the output of
    /// `OpamPrinter.FullPos.opamfile`, all in one process.
    const ORACLE_DRIVER: &str = r#"(* One-process oracle for the standard printer: for each opam file named on stdin,
   write its AST (as the OCaml parser reads it) and OpamPrinter.FullPos.opamfile's output
   in a simple length-prefixed serialisation, for osec's differential test. *)
open OpamParserTypes.FullPos
let b = Buffer.create (1 lsl 20)
let str s = Buffer.add_string b (string_of_int (String.length s)); Buffer.add_char b ':'; Buffer.add_string b s
let relop r = Buffer.add_char b (match r.pelem with `Eq->'e' | `Neq->'n' | `Geq->'G' | `Gt->'g' | `Leq->'L' | `Lt->'l')
let envop o = Buffer.add_char b (match o.pelem with OpamParserTypes.Eq->'0' | PlusEq->'1' | EqPlus->'2' | EqPlusEq->'3' | ColonEq->'4' | EqColon->'5')
let rec v x = match x.pelem with
  | Bool bo -> Buffer.add_string b (if bo then "b1" else "b0")
  | Int i -> Buffer.add_char b 'i'; Buffer.add_string b (string_of_int i); Buffer.add_char b ';'
  | String s -> Buffer.add_char b 's'; str s
  | Ident s -> Buffer.add_char b 'd'; str s
  | Relop (o,l,r) -> Buffer.add_char b 'r'; relop o; v l; v r
  | Prefix_relop (o,r) -> Buffer.add_char b 'p'; relop o; v r
  | Logop (o,l,r) -> Buffer.add_char b (match o.pelem with `And->'&' | `Or->'|'); v l; v r
  | Pfxop (o,r) -> Buffer.add_char b (match o.pelem with `Not->'!' | `Defined->'?'); v r
  | List l -> Buffer.add_char b '['; vs l.pelem
  | Group l -> Buffer.add_char b '('; vs l.pelem
  | Option (x,l) -> Buffer.add_char b 'o'; v x; vs l.pelem
  | Env_binding (x,o,y) -> Buffer.add_char b 'E'; envop o; v x; v y
and vs l = Buffer.add_string b (string_of_int (List.length l)); Buffer.add_char b ';'; List.iter v l
let rec item i = match i.pelem with
  | Variable (n, x) -> Buffer.add_char b 'V'; str n.pelem; v x
  | Section s -> Buffer.add_char b 'S'; str s.section_kind.pelem;
    (match s.section_name with None -> Buffer.add_char b 'N' | Some n -> Buffer.add_char b 'Y'; str n.pelem);
    items s.section_items.pelem
and items l = Buffer.add_string b (string_of_int (List.length l)); Buffer.add_char b ';'; List.iter item l
let () =
  try while true do
    let f = input_line stdin in
    Buffer.clear b;
    Buffer.add_char b 'F'; str f;
    (match OpamParser.FullPos.file f with
     | exception _ -> Buffer.add_char b 'E'
     | file ->
       Buffer.add_char b 'A'; items file.file_contents;
       (match OpamPrinter.FullPos.opamfile file with
        | out -> Buffer.add_char b 'P'; str out
        | exception Invalid_argument m -> Buffer.add_char b 'X'; str m));
    print_string (Buffer.contents b)
  done with End_of_file -> ()
"#;

    /// The oracle driver, built from [`ORACLE_DRIVER`] with `ocamlfind` and
    /// opam-file-format (see shared/oracle/install.sh) the first time; `None` when
    /// they are not installed.
    fn oracle_driver() -> Option<std::path::PathBuf> {
        crate::print::testutil::ocaml_driver(
            "osec-printer-oracle",
            "corpus_dump",
            "opam-file-format",
            ORACLE_DRIVER,
        )
    }

    /// Runs the oracle driver on `files`.
    fn run_oracle(driver: &std::path::Path, files: &[std::path::PathBuf]) -> Vec<u8> {
        use std::io::Write;
        let mut child = std::process::Command::new(driver)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
        let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(output.status.success(), "the oracle driver failed");
        output.stdout
    }

    /// How the records of an oracle run compare with our printer.
    #[derive(Debug, Default)]
    struct Comparison {
        /// Files the oracle read.
        files: usize,
        /// Files the oracle's parser rejected.
        rejected: usize,
        /// Files whose oracle AST we print as the oracle does.
        identical: usize,
        /// Files whose oracle AST we print differently.
        different: Vec<String>,
        /// Files that our parser reads and we then print as the oracle does.
        identical_from_our_parser: usize,
        /// Files that our parser reads and we then print differently (or that our
        /// parser rejects while the oracle's accepts).
        different_from_our_parser: Vec<String>,
    }

    /// Prints every AST of an oracle run and compares with the oracle's output (an
    /// `Invalid_argument` of the oracle must be an error of ours); then does the same
    /// from the file parsed by our parser, when the file is still there.
    fn compare_with_oracle(records: &[u8]) -> Comparison {
        let mut reader = Reader {
            bytes: records,
            at: 0,
        };
        let mut comparison = Comparison::default();
        while reader.at < records.len() {
            assert_eq!(reader.byte(), b'F');
            let name = reader.string();
            comparison.files += 1;
            if reader.byte() == b'E' {
                comparison.rejected += 1;
                continue;
            }
            let items = reader.items();
            let expected = match reader.byte() {
                b'P' => Ok(reader.bytes().to_vec()),
                _ => Err(reader.string()),
            };
            let same = |ours: &Result<Vec<u8>, PrintError>| match (ours, &expected) {
                (Ok(ours), Ok(expected)) => ours == expected,
                (Err(_), Err(_)) => true,
                _ => false,
            };
            if same(&super::items(&items)) {
                comparison.identical += 1;
            } else {
                comparison.different.push(name.clone());
            }
            if let Ok(source) = std::fs::read(&name) {
                match crate::parse(&source) {
                    Ok(file) if same(&opamfile(&file)) => {
                        comparison.identical_from_our_parser += 1;
                    }
                    _ => comparison.different_from_our_parser.push(name),
                }
            }
        }
        comparison
    }

    /// A small deterministic generator (xorshift64*), so the random test needs no
    /// extra dependency and fails the same way every time.
    struct Random(u64);

    impl Random {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound.max(1)
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[self.below(choices.len())]
        }

        /// Text of an atom: a string (of any length, sometimes with newlines, quotes,
        /// backslashes or UTF-8), an identifier, an integer or a boolean.
        fn atom(&mut self) -> String {
            match self.below(6) {
                0..=2 => {
                    let length = [0, 1, 5, 12, 30, 60, 75, 90][self.below(8)];
                    let mut text = String::from("\"");
                    let multi_line = self.below(4) == 0;
                    for _ in 0..length {
                        text.push_str(match self.below(12) {
                            0 if multi_line => "\\n",
                            1 => "\\\"",
                            2 => "\\\\",
                            3 => "\\t",
                            4 => "é",
                            5 => " ",
                            _ => "a",
                        });
                    }
                    text.push('"');
                    text
                }
                3 => {
                    let length = [1, 3, 8, 20, 40][self.below(5)];
                    let body = self.pick(&["n", "with-test", "os", "a_b"]).repeat(length);
                    format!("{}{body}", self.pick(&["", "pkg:"]))
                }
                4 => self
                    .pick(&["0", "42", "-7", "4611686018427387903"])
                    .to_string(),
                _ => self.pick(&["true", "false"]).to_string(),
            }
        }

        fn values(&mut self, depth: usize) -> String {
            // Deep values get few elements, so that files stay small.
            let count = if depth > 4 {
                self.below(3)
            } else {
                [0, 1, 2, 3, 5, 8][self.below(6)]
            };
            (0..count)
                .map(|_| self.value(depth))
                .collect::<Vec<_>>()
                .join(" ")
        }

        /// Text of a value nested at most `depth` levels.
        fn value(&mut self, depth: usize) -> String {
            if depth == 0 {
                return self.atom();
            }
            let depth = depth - 1;
            let relop = ["=", "!=", ">=", ">", "<=", "<", "~"];
            match self.below(11) {
                0 | 1 => self.atom(),
                2 => format!("{} {} {}", self.atom(), self.pick(&relop), self.atom()),
                3 => format!("{} {}", self.pick(&relop), self.atom()),
                4 => format!(
                    "{} {} {}",
                    self.value(depth),
                    self.pick(&["&", "|"]),
                    self.value(depth)
                ),
                5 => format!("{}({})", self.pick(&["!", "?"]), self.values(depth)),
                6 | 7 => format!("[{}]", self.values(depth)),
                8 => format!("({})", self.values(depth)),
                9 => format!("{} {{{}}}", self.atom(), self.values(depth)),
                _ => format!(
                    "{} {} {}",
                    self.pick(&["PATH", "X"]),
                    self.pick(&["=", "+=", "=+", "=+=", ":=", "=:"]),
                    self.atom()
                ),
            }
        }

        /// Text of a value nested `depth` levels deep along one path, with an atom or
        /// two beside the path at each level: reaches the maximum indentation.
        fn spine(&mut self, depth: usize) -> String {
            if depth == 0 {
                return self.atom();
            }
            let inner = self.spine(depth - 1);
            match self.below(5) {
                0 => format!("[{} {inner} {}]", self.atom(), self.atom()),
                1 => format!("[{inner}]"),
                2 => format!("{} {{{inner}}}", self.atom()),
                3 => format!("({} {inner})", self.atom()),
                _ => format!("!({inner})"),
            }
        }

        /// Text of items, with sections nested at most `depth` levels.
        fn items(&mut self, depth: usize) -> String {
            let mut text = String::new();
            for _ in 0..self.below(6) + 1 {
                if depth > 0 && self.below(5) == 0 {
                    let name = ["", "\"name\" ", "\"a \\\"quoted\\\" name\" "][self.below(3)];
                    text.push_str(&format!(
                        "{} {name}{{\n{}}}\n",
                        self.pick(&["url", "extra-source"]),
                        self.items(depth - 1)
                    ));
                } else {
                    let name = self.pick(&["x", "depends", "a-rather-long-field-name-for-layout"]);
                    let value = if self.below(4) == 0 {
                        let depth = 10 + self.below(40);
                        self.spine(depth)
                    } else {
                        let depth = [2, 4, 8][self.below(3)];
                        self.value(depth)
                    };
                    text.push_str(&format!("{name}: {value}\n"));
                }
            }
            text
        }
    }

    /// Random files, printed from the AST opam's parser reads and compared with
    /// `OpamPrinter.FullPos.opamfile`: layouts the repositories never exercise.
    #[test]
    #[allow(clippy::print_stderr)]
    fn random_files_match_the_oracle() {
        let Some(driver) = oracle_driver() else {
            test_references::skip(
                "random_files_match_the_oracle",
                "the OCaml oracle (ocamlfind, opam-file-format) is not installed",
            );
            return;
        };
        let dir = std::env::temp_dir().join(format!("osec-printer-random-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let files: Vec<std::path::PathBuf> = (0..3000)
            .map(|i| {
                let path = dir.join(format!("{i}.opam"));
                std::fs::write(&path, random.items(2)).unwrap();
                path
            })
            .collect();
        let comparison = compare_with_oracle(&run_oracle(&driver, &files));
        // OSEC_KEEP_RANDOM keeps the files, to look into a failure.
        if std::env::var_os("OSEC_KEEP_RANDOM").is_none() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        eprintln!("{comparison:?}");
        assert!(
            comparison.rejected * 10 < comparison.files,
            "the generator should write mostly valid files: {comparison:?}"
        );
        assert!(comparison.different.is_empty(), "{comparison:?}");
        assert!(
            comparison.different_from_our_parser.is_empty(),
            "{comparison:?}"
        );
        assert_eq!(
            comparison.identical_from_our_parser,
            comparison.files - comparison.rejected,
            "{comparison:?}"
        );
    }

    mod round_trip {
        //! Printing then parsing gives back the tree, for every tree the parser can
        //! produce (up to the known lossy cases of opam's printer, which the
        //! generator avoids: see `printable_string`).

        use super::*;
        use crate::ast::{EnvOp, LogOp, PfxOp, RelOp};
        use crate::source::Spanned;
        use proptest::prelude::*;

        fn spanned<T>(value: T) -> Spanned<T> {
            Spanned::new(value, Span::default())
        }

        fn value(kind: ValueKind) -> Value {
            Value {
                kind,
                span: Span::default(),
            }
        }

        /// The string the lexer reads back from what the printer writes: a string with
        /// a newline loses the blanks after the `\`-newline that starts it, and every
        /// CR before a LF. Applied until nothing changes.
        fn printable_string(mut bytes: Vec<u8>) -> Vec<u8> {
            loop {
                let before = bytes.clone();
                if bytes.contains(&b'\n') && bytes.first() != Some(&b'\n') {
                    let blanks = bytes
                        .iter()
                        .take_while(|&&b| b == b' ' || b == b'\t')
                        .count();
                    bytes.drain(..blanks);
                }
                while let Some(at) = bytes.windows(2).position(|w| w == b"\r\n") {
                    bytes.remove(at);
                }
                if bytes == before {
                    return bytes;
                }
            }
        }

        fn string() -> impl Strategy<Value = Vec<u8>> {
            let byte = prop_oneof![
                4 => prop::sample::select(b"ab -_\"\\\n\r\t".to_vec()),
                1 => any::<u8>(),
            ];
            prop::collection::vec(byte, 0..40).prop_map(printable_string)
        }

        fn ident() -> impl Strategy<Value = String> {
            "[a-z][a-z0-9_-]{0,8}(:[a-z]{1,4})?".prop_filter("booleans are not identifiers", |s| {
                s != "true" && s != "false"
            })
        }

        fn atom() -> impl Strategy<Value = Value> {
            prop_oneof![
                any::<bool>().prop_map(ValueKind::Bool),
                (-(1i64 << 62)..(1i64 << 62)).prop_map(ValueKind::Int),
                string().prop_map(|s| ValueKind::String(s.into())),
                ident().prop_map(|s| ValueKind::Ident(s.into())),
            ]
            .prop_map(value)
        }

        fn relop() -> impl Strategy<Value = RelOp> {
            prop::sample::select(vec![
                RelOp::Eq,
                RelOp::Neq,
                RelOp::Geq,
                RelOp::Gt,
                RelOp::Leq,
                RelOp::Lt,
            ])
        }

        /// Any tree of values, not necessarily one the parser builds; see `parseable`.
        fn any_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                3 => atom(),
                1 => (relop(), atom(), atom()).prop_map(|(op, l, r)| {
                    value(ValueKind::Relop(spanned(op), Box::new(l), Box::new(r)))
                }),
                1 => (relop(), atom())
                    .prop_map(|(op, v)| value(ValueKind::PrefixRelop(spanned(op), Box::new(v)))),
                1 => (
                    // `EnvOp::Eq` prints as `=`, which reads as a relational operator:
                    // the parser never builds it.
                    prop::sample::select(vec![
                        EnvOp::PlusEq,
                        EnvOp::EqPlus,
                        EnvOp::EqPlusEq,
                        EnvOp::ColonEq,
                        EnvOp::EqColon,
                    ]),
                    atom(),
                    atom()
                )
                    .prop_map(|(op, l, r)| {
                        value(ValueKind::EnvBinding(Box::new(l), spanned(op), Box::new(r)))
                    }),
            ];
            leaf.prop_recursive(6, 64, 6, |inner| {
                let values = prop::collection::vec(inner.clone(), 0..6);
                prop_oneof![
                    values
                        .clone()
                        .prop_map(|v| value(ValueKind::List(spanned(v)))),
                    values
                        .clone()
                        .prop_map(|v| value(ValueKind::Group(spanned(v)))),
                    (inner.clone(), values)
                        .prop_map(|(v, options)| Value::with_options(v, options)),
                    (any::<bool>(), inner.clone(), inner.clone()).prop_map(|(and, l, r)| {
                        let op = if and { LogOp::And } else { LogOp::Or };
                        Value::logop(op, l, r)
                    }),
                    (any::<bool>(), inner).prop_map(|(not, v)| {
                        let op = if not { PfxOp::Not } else { PfxOp::Defined };
                        value(ValueKind::Pfxop(spanned(op), Box::new(v)))
                    }),
                ]
            })
        }

        /// How tightly a value binds, in the parser's grammar: `|` < `&` < prefix
        /// operators < options < the rest.
        fn level(value: &Value) -> u8 {
            match &value.kind {
                ValueKind::Logop(chain) if chain.op == LogOp::Or => 0,
                ValueKind::Logop(_) => 1,
                ValueKind::Pfxop(..) => 2,
                ValueKind::Option(..) | ValueKind::StackedOptions(..) => 3,
                _ => 4,
            }
        }

        fn group(v: Value) -> Value {
            value(ValueKind::Group(spanned(vec![v])))
        }

        /// `v` in parentheses when it binds less tightly than `at_least`.
        fn at_level(v: Value, at_least: u8) -> Value {
            if level(&v) < at_least { group(v) } else { v }
        }

        /// Whether the value's text ends with a bare atom, which a following relational
        /// operator would take as its left operand.
        fn ends_with_atom(value: &Value) -> bool {
            match &value.kind {
                ValueKind::Bool(_)
                | ValueKind::Int(_)
                | ValueKind::String(_)
                | ValueKind::Ident(_) => true,
                ValueKind::Logop(chain) => chain.operands.last().is_some_and(ends_with_atom),
                ValueKind::Pfxop(_, right) => ends_with_atom(right),
                _ => false,
            }
        }

        /// The relational operator the value's text starts with, if any.
        fn leading_relop(value: &Value) -> Option<RelOp> {
            match &value.kind {
                ValueKind::PrefixRelop(op, _) => Some(op.value),
                ValueKind::Option(subject, _) | ValueKind::StackedOptions(subject, _) => {
                    leading_relop(subject)
                }
                ValueKind::Logop(chain) => chain.operands.first().and_then(leading_relop),
                _ => None,
            }
        }

        /// The tree the parser builds from the printed text of `v`: parentheses (groups)
        /// where precedence needs them, around a value starting with a relational
        /// operator that follows a bare atom in a list, and around `= v` after `!`.
        fn parseable(v: Value) -> Value {
            let kind = match v.kind {
                ValueKind::Logop(chain) => {
                    let (left_level, right_level) = match chain.op {
                        LogOp::Or => (0, 1),
                        LogOp::And => (1, 2),
                    };
                    let mut operands = chain.operands.into_iter();
                    let first = operands.next().expect("a chain has operands");
                    let first = at_level(parseable(first), left_level);
                    return operands.fold(first, |left, right| {
                        Value::logop(chain.op, left, at_level(parseable(right), right_level))
                    });
                }
                ValueKind::Pfxop(op, operand) => {
                    let operand = at_level(parseable(*operand), 2);
                    // `!` then `= v` would print as `!= v`.
                    let operand =
                        if op.value == PfxOp::Not && leading_relop(&operand) == Some(RelOp::Eq) {
                            group(operand)
                        } else {
                            operand
                        };
                    ValueKind::Pfxop(op, Box::new(operand))
                }
                ValueKind::Option(subject, options) => {
                    let subject = at_level(parseable(*subject), 3);
                    return Value::with_options(subject, juxtaposed(options.value));
                }
                ValueKind::StackedOptions(subject, lists) => {
                    let subject = at_level(parseable(*subject), 3);
                    return lists.into_iter().fold(subject, |subject, options| {
                        Value::with_options(subject, juxtaposed(options.value))
                    });
                }
                ValueKind::List(values) => ValueKind::List(spanned(juxtaposed(values.value))),
                ValueKind::Group(values) => ValueKind::Group(spanned(juxtaposed(values.value))),
                other => other,
            };
            value(kind)
        }

        fn juxtaposed(values: Vec<Value>) -> Vec<Value> {
            let mut result: Vec<Value> = Vec::with_capacity(values.len());
            for v in values {
                let v = parseable(v);
                let after_atom = result.last().is_some_and(ends_with_atom);
                if after_atom && leading_relop(&v).is_some() {
                    result.push(group(v));
                } else {
                    result.push(v);
                }
            }
            result
        }

        /// A field's value; `[]` and `[[]]` print nothing, so they become `([])`.
        fn field_value(v: Value) -> Value {
            let v = parseable(v);
            match &v.kind {
                ValueKind::List(l) if is_empty_list(&l.value) => group(v),
                _ => v,
            }
        }

        fn items(depth: u32) -> BoxedStrategy<Vec<Item>> {
            let field = (
                ident().prop_filter("opam-version has rules", |n| n != "opam-version"),
                any_value(),
            )
                .prop_map(|(name, v)| ItemKind::Variable(spanned(name.into()), field_value(v)));
            let item = if depth == 0 {
                field.boxed()
            } else {
                let section_name = prop::option::of(string().prop_map(|s| spanned(s.into())));
                let section =
                    (ident(), section_name, items(depth - 1)).prop_map(|(kind, name, items)| {
                        ItemKind::Section(Section {
                            kind: spanned(kind.into()),
                            name,
                            items: spanned(items),
                        })
                    });
                prop_oneof![3 => field, 1 => section].boxed()
            };
            prop::collection::vec(
                item.prop_map(|kind| Item {
                    kind,
                    span: Span::default(),
                }),
                0..5,
            )
            .boxed()
        }

        fn without_spans_value(v: &mut Value) {
            v.span = Span::default();
            match &mut v.kind {
                ValueKind::Relop(op, l, r) => {
                    op.span = Span::default();
                    without_spans_value(l);
                    without_spans_value(r);
                }
                ValueKind::Logop(chain) => {
                    chain.operands.iter_mut().for_each(without_spans_value);
                }
                ValueKind::EnvBinding(l, op, r) => {
                    op.span = Span::default();
                    without_spans_value(l);
                    without_spans_value(r);
                }
                ValueKind::PrefixRelop(op, v) => {
                    op.span = Span::default();
                    without_spans_value(v);
                }
                ValueKind::Pfxop(op, v) => {
                    op.span = Span::default();
                    without_spans_value(v);
                }
                ValueKind::List(l) | ValueKind::Group(l) => {
                    l.span = Span::default();
                    l.value.iter_mut().for_each(without_spans_value);
                }
                ValueKind::Option(v, l) => {
                    without_spans_value(v);
                    l.span = Span::default();
                    l.value.iter_mut().for_each(without_spans_value);
                }
                ValueKind::StackedOptions(v, lists) => {
                    without_spans_value(v);
                    for l in lists {
                        l.span = Span::default();
                        l.value.iter_mut().for_each(without_spans_value);
                    }
                }
                ValueKind::Bool(_)
                | ValueKind::Int(_)
                | ValueKind::String(_)
                | ValueKind::Ident(_) => {}
            }
        }

        fn without_spans(items: &mut [Item]) {
            for item in items {
                item.span = Span::default();
                match &mut item.kind {
                    ItemKind::Variable(name, v) => {
                        name.span = Span::default();
                        without_spans_value(v);
                    }
                    ItemKind::Section(section) => {
                        section.kind.span = Span::default();
                        if let Some(name) = &mut section.name {
                            name.span = Span::default();
                        }
                        section.items.span = Span::default();
                        without_spans(&mut section.items.value);
                    }
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            #[test]
            fn printing_then_parsing_gives_back_the_tree(items in items(2)) {
                let file = OpamFile { items };
                let printed = opamfile(&file).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let parsed = crate::parse(&printed).map_err(|e| {
                    TestCaseError::fail(format!("{e:?} in {}", String::from_utf8_lossy(&printed)))
                })?;
                let mut parsed_items = parsed.items;
                without_spans(&mut parsed_items);
                prop_assert_eq!(&parsed_items, &file.items, "printed:\n{}", String::from_utf8_lossy(&printed));
            }

            #[test]
            fn printing_a_value_then_parsing_it_gives_back_the_value(v in any_value()) {
                let v = field_value(v);
                let mut text = b"x: ".to_vec();
                text.extend_from_slice(&crate::print::standard::value(&v));
                let parsed = crate::parse(&text).map_err(|e| {
                    TestCaseError::fail(format!("{e:?} in {}", String::from_utf8_lossy(&text)))
                })?;
                let mut parsed_items = parsed.items;
                without_spans(&mut parsed_items);
                let expected = vec![Item {
                    kind: ItemKind::Variable(spanned("x".into()), v),
                    span: Span::default(),
                }];
                prop_assert_eq!(parsed_items, expected);
            }
        }
    }
}
