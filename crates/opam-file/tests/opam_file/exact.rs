//! The exact printer checked from the tree, not from the stored input.
//!
//! [`Document::to_bytes`] hands back the bytes a document was parsed from, so comparing
//! it with the input proves nothing about the parser. [`print_from_tree`] rebuilds the
//! file from the parsed tree instead: every meaningful token of the input must be a
//! leaf of the tree, in the same order, at the same span, with the same value; only
//! trivia and punctuation (which the tree keeps as spans, not nodes) come from the
//! input. A node the parser lost, invented, moved or decoded wrongly makes the rebuilt
//! text differ from the input, or stops the rebuild with a message saying where.

use opam_file::lexer::{Lexer, TokenKind};
use opam_file::{Document, Item, ItemKind, OpamFile, RelOp, Value, ValueKind};

/// A meaningful token as the tree has it.
#[derive(Debug)]
enum Leaf {
    /// Text the tree spells out itself: identifiers, booleans, operators.
    Text(String),
    /// A relational operator; `~` and `>=` are the same operator.
    Relop(RelOp),
    /// An integer; its digits come from the input once they are checked to mean it.
    Int(i64),
    /// A string's decoded bytes; its quoting comes from the input once it is checked
    /// to decode to them.
    String(Vec<u8>),
}

/// The file rebuilt from `file`, the tree parsed from `src` (see the module docs).
/// Panics, naming the offset, when a token of `src` is not in the tree or differs.
pub(crate) fn print_from_tree(src: &[u8], file: &OpamFile) -> Vec<u8> {
    let mut leaves = Vec::new();
    for item in &file.items {
        item_leaves(item, &mut leaves);
    }
    let mut leaves = leaves.into_iter();
    let mut lexer = Lexer::new(src);
    let mut out = Vec::with_capacity(src.len());
    loop {
        let token = lexer.next_token().expect("a parsed file lexes");
        let text = &src[token.span.range()];
        let at = token.span.start;
        let meaningful = match token.kind {
            TokenKind::Eof => break,
            TokenKind::Whitespace
            | TokenKind::Newline
            | TokenKind::LineComment
            | TokenKind::BlockComment
            | TokenKind::Colon
            | TokenKind::LBrace
            | TokenKind::RBrace
            | TokenKind::LBracket
            | TokenKind::RBracket
            | TokenKind::LParen
            | TokenKind::RParen
            | TokenKind::And
            | TokenKind::Or => None,
            kind => Some(kind),
        };
        let Some(kind) = meaningful else {
            out.extend_from_slice(text);
            continue;
        };
        let (span, leaf) = leaves.next().unwrap_or_else(|| {
            panic!(
                "`{}` at {at} is not in the tree",
                String::from_utf8_lossy(text)
            )
        });
        assert_eq!(
            span,
            (token.span.start, token.span.end),
            "the tree's leaf {leaf:?} is not where `{}` is",
            String::from_utf8_lossy(text)
        );
        match (kind, leaf) {
            (TokenKind::Ident | TokenKind::Bool(_), Leaf::Text(name)) => {
                out.extend_from_slice(name.as_bytes());
            }
            (TokenKind::Pfxop(_) | TokenKind::EnvOp(_), Leaf::Text(op)) => {
                out.extend_from_slice(op.as_bytes());
            }
            (TokenKind::Relop(read), Leaf::Relop(op)) => {
                assert_eq!(read, op, "operator at {at}");
                // `~` is opam's other spelling of `>=`; the tree keeps the operator.
                out.extend_from_slice(if text == b"~" {
                    text
                } else {
                    op.as_str().as_bytes()
                });
            }
            (TokenKind::Int(read), Leaf::Int(value)) => {
                assert_eq!(read, value, "integer at {at}");
                out.extend_from_slice(text);
            }
            (TokenKind::String { .. }, Leaf::String(bytes)) => {
                assert_eq!(lexer.string_value(), &bytes[..], "string at {at}");
                out.extend_from_slice(text);
            }
            (kind, leaf) => panic!("{kind:?} at {at} is {leaf:?} in the tree"),
        }
    }
    if let Some((span, leaf)) = leaves.next() {
        panic!("the tree's leaf {leaf:?} at {span:?} is not in the input");
    }
    out
}

/// Asserts that `src` parses and that its tree prints it back byte for byte, both
/// from the tree and through [`Document::to_bytes`].
pub(crate) fn assert_round_trips_exactly(name: &str, document: &Document, src: &[u8]) {
    let rebuilt = print_from_tree(src, document.file());
    assert!(
        rebuilt == src,
        "{name}: printed from the tree:\n{}",
        String::from_utf8_lossy(&rebuilt)
    );
    assert_eq!(document.to_bytes(), src, "{name}: the document's bytes");
}

type Spanned = ((u32, u32), Leaf);

fn item_leaves(item: &Item, out: &mut Vec<Spanned>) {
    match &item.kind {
        ItemKind::Variable(name, value) => {
            out.push((span(name.span), Leaf::Text(name.value.to_string())));
            value_leaves(value, out);
        }
        ItemKind::Section(section) => {
            out.push((
                span(section.kind.span),
                Leaf::Text(section.kind.value.to_string()),
            ));
            if let Some(name) = &section.name {
                out.push((span(name.span), Leaf::String(name.value.to_vec())));
            }
            for item in &section.items.value {
                item_leaves(item, out);
            }
        }
    }
}

fn value_leaves(value: &Value, out: &mut Vec<Spanned>) {
    let here = span(value.span);
    match &value.kind {
        ValueKind::Bool(b) => out.push((here, Leaf::Text(b.to_string()))),
        ValueKind::Int(i) => out.push((here, Leaf::Int(*i))),
        ValueKind::String(bytes) => out.push((here, Leaf::String(bytes.to_vec()))),
        ValueKind::Ident(name) => out.push((here, Leaf::Text(name.to_string()))),
        ValueKind::Relop(op, left, right) => {
            value_leaves(left, out);
            out.push((span(op.span), Leaf::Relop(op.value)));
            value_leaves(right, out);
        }
        ValueKind::PrefixRelop(op, operand) => {
            out.push((span(op.span), Leaf::Relop(op.value)));
            value_leaves(operand, out);
        }
        ValueKind::Logop(chain) => {
            for operand in &chain.operands {
                value_leaves(operand, out);
            }
        }
        ValueKind::Pfxop(op, operand) => {
            out.push((span(op.span), Leaf::Text(op.value.as_str().to_owned())));
            value_leaves(operand, out);
        }
        ValueKind::List(values) | ValueKind::Group(values) => {
            for value in &values.value {
                value_leaves(value, out);
            }
        }
        ValueKind::Option(subject, options) => {
            value_leaves(subject, out);
            for option in &options.value {
                value_leaves(option, out);
            }
        }
        ValueKind::StackedOptions(subject, lists) => {
            value_leaves(subject, out);
            for options in lists {
                for option in &options.value {
                    value_leaves(option, out);
                }
            }
        }
        ValueKind::EnvBinding(name, op, operand) => {
            value_leaves(name, out);
            out.push((span(op.span), Leaf::Text(op.value.as_str().to_owned())));
            value_leaves(operand, out);
        }
    }
}

fn span(span: opam_file::Span) -> (u32, u32) {
    (span.start, span.end)
}

/// The rebuild is not the identity: a tree that lost a list element, or holds a
/// wrong value, does not print the input back.
#[test]
fn a_tree_that_differs_from_its_input_does_not_print_it_back() {
    let src = b"depends: [\"a\" {>= \"1\"} b]\nx: 1\n";
    let document = Document::parse(&src[..]).expect("parses");
    assert_eq!(print_from_tree(src, document.file()), &src[..]);

    let mut lost = document.file().clone();
    let ItemKind::Variable(_, value) = &mut lost.items[0].kind else {
        panic!("a field")
    };
    let ValueKind::List(values) = &mut value.kind else {
        panic!("a list")
    };
    values.value.pop();
    assert!(std::panic::catch_unwind(|| print_from_tree(src, &lost)).is_err());

    let mut wrong = document.file().clone();
    let ItemKind::Variable(_, value) = &mut wrong.items[1].kind else {
        panic!("a field")
    };
    value.kind = ValueKind::Int(2);
    assert!(std::panic::catch_unwind(|| print_from_tree(src, &wrong)).is_err());
}

#[test]
fn unmodified_document_prints_its_input() {
    let given = b"# c\nopam-version: \"2.0\"  (* x *)\r\ndepends: [\n  \"a\" {~ \"1\" & !test}\n]\nbuild: [make \"-j%{jobs}%\"] {os = \"linux\"}\nsetenv: [P += \"\\x41\"]\nurl \"n\" { src: \"u\" }";
    let document = Document::parse(&given[..]).expect("parses");
    assert_round_trips_exactly("given", &document, given);
}

/// Every operator, in each place the grammar allows it: the relational operators
/// infix and prefix (in option braces and as values), `?` and `!`, `&` and `|`, and
/// each environment update operator in lists, spaced and not.
#[test]
fn every_operator_prints_back() {
    let given = b"opam-version: \"2.0\"
depends: [
  \"a\" {< \"1\" & > \"0\" | = \"2\" | != \"3\" | <= \"4\" | >= \"5\" | ~ \"6\"}
  \"b\" {<\"1\" build & ?x}
]
available: os != \"win32\" & (arch = x86_64 | arch=arm64) & ocaml:version < \"5.0\" & n <= 1 & n > 2 & n >= 3 & ?foo & !?bar | !bar
conflicts: [\"c\" {!= \"1\"}] {with-test}
x: < \"1\"
y: [a = b = c >= d ~e]
setenv: [[A = \"1\"] [B += \"2\"] [C =+ \"3\"] [D := \"4\"] [E =: \"5\"] [F =+= \"6\"] G+=\"7\" H=:\"8\"]
build-env: P := \"q\" {os = \"linux\"}
";
    let document = Document::parse(&given[..]).expect("parses");
    assert_round_trips_exactly("operators", &document, given);
}
