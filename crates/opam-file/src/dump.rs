//! The text of opam-file-format's reference dump (`dump ast` of the oracle): one
//! line per item with opam's positions, values as OCaml would print them.
//!
//! ```text
//! [1:0-1:19] Var opam-version = (String "2.0")
//! [2:0-4:1] Section url -
//!   [3:2-3:20] Var src = (String "x.tgz")
//! ```
//!
//! Errors print as the oracle prints them: `LEXER-ERROR msg`, `PARSE-ERROR`,
//! `EXN Failure("int_of_string")`.

use crate::ast::{Item, ItemKind, OpamFile, Value, ValueKind};
use crate::error::{ParseError, ParseErrorKind};
use crate::source::{OcamlLines, Span, Spanned};

/// Renders a parsed file as the oracle's `dump ast`, positions from `lines`.
pub fn dump_ast(file: &OpamFile, lines: &OcamlLines) -> Vec<u8> {
    let mut out = Vec::new();
    for item in &file.items {
        dump_item(&mut out, item, lines, 0);
    }
    out
}

/// The oracle's line for a file that failed to parse (with its final newline).
pub fn dump_error(error: &ParseError) -> Vec<u8> {
    match error.kind() {
        ParseErrorKind::Lexer(lexer_error) => {
            let mut line = b"LEXER-ERROR ".to_vec();
            line.extend_from_slice(&lexer_error.opam_message());
            line.push(b'\n');
            line
        }
        ParseErrorKind::Syntax { .. } => b"PARSE-ERROR\n".to_vec(),
        ParseErrorKind::IntOfString => b"EXN Failure(\"int_of_string\")\n".to_vec(),
        ParseErrorKind::TooDeep { limit } => {
            format!("LIMIT-ERROR values nested more than {limit} levels deep\n").into_bytes()
        }
    }
}

/// Parses `src` and renders the result or the error as the oracle's `dump ast`.
pub fn dump_ast_of_source(src: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    match crate::parser::parse_with_lines(src) {
        Ok((file, lines)) => Ok(dump_ast(&file, &lines)),
        Err(error) => Err(dump_error(&error)),
    }
}

fn position(out: &mut Vec<u8>, span: Span, lines: &OcamlLines) {
    let (start_line, start_column) = lines.position(span.start);
    let (end_line, end_column) = lines.position(span.end);
    out.extend_from_slice(
        format!("[{start_line}:{start_column}-{end_line}:{end_column}]").as_bytes(),
    );
}

fn dump_item(out: &mut Vec<u8>, item: &Item, lines: &OcamlLines, depth: usize) {
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
    position(out, item.span, lines);
    match &item.kind {
        ItemKind::Variable(name, value) => {
            out.extend_from_slice(b" Var ");
            out.extend_from_slice(name.value.as_bytes());
            out.extend_from_slice(b" = ");
            dump_value(out, value);
            out.push(b'\n');
        }
        ItemKind::Section(section) => {
            out.extend_from_slice(b" Section ");
            out.extend_from_slice(section.kind.value.as_bytes());
            out.push(b' ');
            match &section.name {
                Some(name) => ocaml_quoted(out, &name.value),
                None => out.push(b'-'),
            }
            out.push(b'\n');
            for inner in &section.items.value {
                dump_item(out, inner, lines, depth + 1);
            }
        }
    }
}

fn dump_values(out: &mut Vec<u8>, values: &[Value]) {
    for value in values {
        out.push(b' ');
        dump_value(out, value);
    }
}

fn dump_value(out: &mut Vec<u8>, value: &Value) {
    match &value.kind {
        ValueKind::Bool(b) => out.extend_from_slice(format!("(Bool {b})").as_bytes()),
        ValueKind::Int(i) => out.extend_from_slice(format!("(Int {i})").as_bytes()),
        ValueKind::String(s) => {
            out.extend_from_slice(b"(String ");
            ocaml_quoted(out, s);
            out.push(b')');
        }
        ValueKind::Ident(s) => {
            out.extend_from_slice(b"(Ident ");
            out.extend_from_slice(s.as_bytes());
            out.push(b')');
        }
        ValueKind::Relop(op, left, right) => {
            out.extend_from_slice(format!("(Relop {} ", op.value.as_str()).as_bytes());
            dump_value(out, left);
            out.push(b' ');
            dump_value(out, right);
            out.push(b')');
        }
        ValueKind::PrefixRelop(op, operand) => {
            out.extend_from_slice(format!("(Prefix_relop {} ", op.value.as_str()).as_bytes());
            dump_value(out, operand);
            out.push(b')');
        }
        ValueKind::Logop(chain) => {
            // opam's left-nested tree: one `(Logop op ` per operator, outermost first.
            let open = format!("(Logop {} ", chain.op.as_str());
            for _ in chain.operands.iter().skip(1) {
                out.extend_from_slice(open.as_bytes());
            }
            for (i, operand) in chain.operands.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                dump_value(out, operand);
                if i > 0 {
                    out.push(b')');
                }
            }
        }
        ValueKind::Pfxop(op, operand) => {
            out.extend_from_slice(format!("(Pfxop {} ", op.value.as_str()).as_bytes());
            dump_value(out, operand);
            out.push(b')');
        }
        ValueKind::List(values) => {
            out.extend_from_slice(b"(List");
            dump_values(out, &values.value);
            out.push(b')');
        }
        ValueKind::Group(values) => {
            out.extend_from_slice(b"(Group");
            dump_values(out, &values.value);
            out.push(b')');
        }
        ValueKind::Option(subject, options) => {
            dump_options(out, subject, std::slice::from_ref(options));
        }
        ValueKind::StackedOptions(subject, lists) => dump_options(out, subject, lists),
        ValueKind::EnvBinding(name, op, value) => {
            out.extend_from_slice(b"(Env ");
            dump_value(out, name);
            out.extend_from_slice(format!(" {} ", op.value.as_str()).as_bytes());
            dump_value(out, value);
            out.push(b')');
        }
    }
}

/// `subject {…} {…} …` as opam nests it: the innermost `Option` holds the first list.
fn dump_options(out: &mut Vec<u8>, subject: &Value, lists: &[Spanned<Vec<Value>>]) {
    for _ in lists {
        out.extend_from_slice(b"(Option ");
    }
    dump_value(out, subject);
    for options in lists {
        dump_values(out, &options.value);
        out.push(b')');
    }
}

/// OCaml's `%S`: the bytes between double quotes, escaped as `String.escaped` does.
pub fn ocaml_quoted(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for &byte in bytes {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x08 => out.extend_from_slice(b"\\b"),
            b' '..=b'~' => out.push(byte),
            _ => out.extend_from_slice(format!("\\{byte:03}").as_bytes()),
        }
    }
    out.push(b'"');
}
