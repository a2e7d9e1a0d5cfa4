//! `OpamPrinter.FullPos.Normalise.opamfile`, byte for byte.
//!
//! Values are printed on one line with single spaces (`a & b`, `! a` with a space,
//! `[a b]`, `v {a b}`); strings always in double quotes, escaping only `\`, `"` and
//! newlines. Top-level items are sorted (stably): an `opam-version` of 2.1 or later
//! first, then fields by byte-wise name, then sections by kind and name. A field whose
//! value is `[]` or `[[]]` prints as an empty line. Section contents are not sorted.

use std::cmp::Ordering;

use crate::ast::{Item, ItemKind, OpamFile, Value, ValueKind};
use crate::parser::nopatch;
use crate::source::Spanned;

/// Why a file cannot be normalised: opam raises `Invalid_argument` for item lists
/// that break the `opam-version` rules (a second `opam-version` after a 2.1+ one, or
/// an `opam-version` of 2.1+ after the first item).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid opam-version fields: opam refuses to print this file (Invalid_argument)")]
pub struct InvalidOpamVersion;

/// The normalised text of `file`, ending with a newline.
pub fn normalise(file: &OpamFile) -> Result<Vec<u8>, InvalidOpamVersion> {
    if !valid_opam_version_fields(&file.items) {
        return Err(InvalidOpamVersion);
    }
    let mut items: Vec<&Item> = file.items.iter().collect();
    items.sort_by(|a, b| item_order(a, b));
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        print_item(&mut out, item);
    }
    out.push(b'\n');
    Ok(out)
}

/// Parses `src` and normalises it, rendering failures as the oracle's corpus
/// program does (`LEXER-ERROR …`, `PARSE-ERROR`, `EXN …`).
pub fn dump_normalise_of_source(src: &[u8]) -> Vec<u8> {
    match crate::parse(src) {
        Ok(file) => normalise(&file).unwrap_or_else(|InvalidOpamVersion| {
            b"EXN Invalid_argument(\"OpamPrinter.Normalise.items\")\n".to_vec()
        }),
        Err(error) => crate::dump::dump_error(&error),
    }
}

/// A string `opam-version` field of version 2.1 or later.
fn is_opam_version_2_1(item: &Item) -> bool {
    matches!(&item.kind, ItemKind::Variable(name, value)
        if name.value == "opam-version"
            && matches!(&value.kind, ValueKind::String(v) if nopatch(v) >= (2, 1)))
}

fn is_opam_version(item: &Item) -> bool {
    matches!(&item.kind, ItemKind::Variable(name, _) if name.value == "opam-version")
}

/// opam's `valid_opamfile_contents`.
fn valid_opam_version_fields(items: &[Item]) -> bool {
    match items.split_first() {
        None => true,
        Some((first, rest)) if is_opam_version_2_1(first) => !rest.iter().any(is_opam_version),
        Some((_, rest)) => !rest.iter().any(is_opam_version_2_1),
    }
}

fn item_order(a: &Item, b: &Item) -> Ordering {
    if is_opam_version_2_1(a) {
        return Ordering::Less;
    }
    if is_opam_version_2_1(b) {
        return Ordering::Greater;
    }
    match (&a.kind, &b.kind) {
        (ItemKind::Section(_), ItemKind::Variable(..)) => Ordering::Greater,
        (ItemKind::Variable(..), ItemKind::Section(_)) => Ordering::Less,
        (ItemKind::Variable(x, _), ItemKind::Variable(y, _)) => {
            x.value.as_bytes().cmp(y.value.as_bytes())
        }
        (ItemKind::Section(s), ItemKind::Section(t)) => s
            .kind
            .value
            .as_bytes()
            .cmp(t.kind.value.as_bytes())
            .then_with(|| match (&s.name, &t.name) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                // Equal names compare by position in opam, i.e. keep file order.
                (Some(x), Some(y)) => x.value.cmp(&y.value),
            }),
    }
}

fn print_item(out: &mut Vec<u8>, item: &Item) {
    match &item.kind {
        ItemKind::Variable(name, value) => {
            if let ValueKind::List(list) = &value.kind {
                let empty = match list.value.as_slice() {
                    [] => true,
                    [only] => {
                        matches!(&only.kind, ValueKind::List(inner) if inner.value.is_empty())
                    }
                    _ => false,
                };
                if empty {
                    return;
                }
            }
            out.extend_from_slice(name.value.as_bytes());
            out.extend_from_slice(b": ");
            print_value(out, value);
        }
        ItemKind::Section(section) => {
            out.extend_from_slice(section.kind.value.as_bytes());
            out.push(b' ');
            if let Some(name) = &section.name {
                escape_string(out, &name.value);
                out.push(b' ');
            }
            out.extend_from_slice(b"{\n");
            for (i, inner) in section.items.value.iter().enumerate() {
                if i > 0 {
                    out.push(b'\n');
                }
                print_item(out, inner);
            }
            out.extend_from_slice(b"\n}");
        }
    }
}

fn print_values(out: &mut Vec<u8>, values: &[Value]) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        print_value(out, value);
    }
}

/// One value in normalised form.
pub fn print_value(out: &mut Vec<u8>, value: &Value) {
    match &value.kind {
        ValueKind::Relop(op, left, right) => {
            print_value(out, left);
            out.push(b' ');
            out.extend_from_slice(op.value.as_str().as_bytes());
            out.push(b' ');
            print_value(out, right);
        }
        ValueKind::Logop(chain) => {
            for (i, operand) in chain.operands.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                    out.extend_from_slice(chain.op.as_str().as_bytes());
                    out.push(b' ');
                }
                print_value(out, operand);
            }
        }
        ValueKind::Pfxop(op, operand) => {
            out.extend_from_slice(op.value.as_str().as_bytes());
            out.push(b' ');
            print_value(out, operand);
        }
        ValueKind::PrefixRelop(op, operand) => {
            out.extend_from_slice(op.value.as_str().as_bytes());
            out.push(b' ');
            print_value(out, operand);
        }
        ValueKind::Ident(s) => out.extend_from_slice(s.as_bytes()),
        ValueKind::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        ValueKind::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        ValueKind::String(s) => escape_string(out, s),
        ValueKind::List(values) => {
            out.push(b'[');
            print_values(out, &values.value);
            out.push(b']');
        }
        ValueKind::Group(values) => {
            out.push(b'(');
            print_values(out, &values.value);
            out.push(b')');
        }
        ValueKind::Option(subject, options) => {
            print_options(out, subject, std::slice::from_ref(options));
        }
        ValueKind::StackedOptions(subject, lists) => print_options(out, subject, lists),
        ValueKind::EnvBinding(name, op, value) => {
            print_value(out, name);
            out.push(b' ');
            out.extend_from_slice(op.value.as_str().as_bytes());
            out.push(b' ');
            print_value(out, value);
        }
    }
}

/// `subject {…} {…} …`.
fn print_options(out: &mut Vec<u8>, subject: &Value, lists: &[Spanned<Vec<Value>>]) {
    print_value(out, subject);
    for options in lists {
        out.extend_from_slice(b" {");
        print_values(out, &options.value);
        out.push(b'}');
    }
}

/// `"…"`, escaping `\`, `"` and newlines only.
fn escape_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for &byte in bytes {
        match byte {
            b'\\' | b'"' => {
                out.push(b'\\');
                out.push(byte);
            }
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}
