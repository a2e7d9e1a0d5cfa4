//! Properties checked on generated input: no panic on any bytes, bounded nesting,
//! exact round trips, and normalise output that parses back to the same tree.

use opam_file::lexer::{Lexer, Token, TokenKind};
use opam_file::{Document, Item, ItemKind, OpamFile, ParseErrorKind, ValueKind};
use proptest::prelude::*;

/// Lexes as far as the input lexes and checks that the tokens tile it from 0 with no
/// gap; returns whether the whole input lexed.
fn assert_tokens_tile(src: &[u8]) -> bool {
    let mut lexer = Lexer::new(src);
    let mut end = 0u32;
    let mut rebuilt = Vec::new();
    loop {
        match lexer.next_token() {
            Ok(token) => {
                assert_eq!(token.span.start, end, "gap before {token:?}");
                rebuilt.extend_from_slice(&src[token.span.range()]);
                end = token.span.end;
                if token.kind == TokenKind::Eof {
                    assert_eq!(rebuilt, src, "tokens do not rebuild the input");
                    return true;
                }
            }
            Err(error) => {
                assert!(error.span().start >= end);
                return false;
            }
        }
    }
}

/// The significant tokens as the parser reads them (`next_significant`, which steps
/// over blanks, line ends and comments itself), with each string's bytes, the error
/// that ends them if any, and the line starts recorded.
type Lexed = (
    Vec<(TokenKind, (u32, u32), Vec<u8>)>,
    Option<String>,
    Vec<u32>,
);

fn lex_significant(src: &[u8]) -> Lexed {
    lex_with(src, |lexer| lexer.next_significant())
}

/// The same, from `next_token` with the trivia dropped.
fn lex_all_then_drop_trivia(src: &[u8]) -> Lexed {
    lex_with(src, |lexer| {
        loop {
            match lexer.next_token() {
                Ok(token) if token.kind.is_trivia() => {}
                other => return other,
            }
        }
    })
}

/// Every token `next` gives (kind, span, string value) up to Eof or an error.
fn lex_with<'src>(
    src: &'src [u8],
    mut next: impl FnMut(&mut Lexer<'src>) -> Result<Token, opam_file::ParseError>,
) -> Lexed {
    let mut lexer = Lexer::new(src);
    let mut tokens = Vec::new();
    let error = loop {
        match next(&mut lexer) {
            Ok(token) => {
                tokens.push((
                    token.kind,
                    (token.span.start, token.span.end),
                    lexer.string_value().to_vec(),
                ));
                if token.kind == TokenKind::Eof {
                    break None;
                }
            }
            Err(error) => break Some(format!("{error:?}")),
        }
    };
    (tokens, error, lexer.into_line_starts())
}

/// Pieces of opam syntax, valid and not, to glue into "token soup".
const PIECES: &[&str] = &[
    "x",
    "depends",
    "opam-version",
    ":",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"s\"",
    "\"\"\"t\n\"\"\"",
    "\"\\n\\065\\x41\"",
    "\"é\"",
    "true",
    "false",
    "1",
    "-2",
    "1_0",
    "_",
    "a+b:c",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "~",
    "&",
    "|",
    "!",
    "?",
    "+=",
    "=+",
    "=+=",
    ":=",
    "=:",
    "=:=",
    "# c",
    "(* c *)",
    "(*",
    "*)",
    "\"2.1\"",
    "\"2.2\"",
    "\"\\\n  x\"",
    "\\",
    ".",
    "\r",
    "\u{0}",
    "99999999999999999999",
    // Past the 32 bytes the lexer scans byte by byte before it switches to memchr.
    "\"a string longer than thirty-two bytes, then \\\" and \\065\"",
    "\"a string longer than thirty-two bytes, then\r\n a line end\"",
    "\"a string longer than thirty-two bytes, then a lone \r\"",
    "\"a string longer than thirty-two bytes, then\\\r\n  a continuation\"",
    "\"a string longer than thirty-two bytes, never closed",
    // Identifiers that leave the one-run fast path.
    "true+x",
    "abc:def",
    "a-b+_+c:d",
    "x1-",
];

const SEPARATORS: &[&str] = &[" ", "\n", "", "\r\n", "\t", "  "];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((0..PIECES.len(), 0..SEPARATORS.len()), 0..40).prop_map(|parts| {
        let mut text = Vec::new();
        for (piece, separator) in parts {
            text.extend_from_slice(PIECES[piece].as_bytes());
            text.extend_from_slice(SEPARATORS[separator].as_bytes());
        }
        text
    })
}

/// opam's relational operators; `~` is another spelling of `>=`.
const RELOPS: &[&str] = &["=", "!=", "<", "<=", ">", ">=", "~"];

/// The environment update operators. `=` lexes as a relational operator (opam reads
/// `FOO = "x"` as a binding where it expects one); `=:=` is not an operator.
const ENVOPS: &[&str] = &["=", "+=", "=+", ":=", "=:", "=+="];

/// What goes around a binary or prefix operator: a blank mostly, sometimes nothing
/// (`a<=b`, `FOO+="x"`, `<"1"`), which the lexer must split by longest match.
fn around_operator() -> impl Strategy<Value = &'static str> + Clone {
    prop_oneof![3 => Just(" "), 1 => Just("")]
}

/// Mostly valid files: a header sometimes, then fields and sections with values.
///
/// The values draw every construct of the grammar: atoms; relations between atoms
/// (`a < b`) and prefix relations (`>= "1"`) with each relational operator;
/// environment bindings (`FOO += "x"`) with each update operator; `!` and `?`; `&`
/// and `|`; lists, groups and option braces, nested. Every file is valid opam syntax:
/// the operands of relations and bindings are atoms, as the grammar requires, and
/// juxtaposed values stay valid however they group (`[a = b = c]` is a relation and
/// a prefix relation).
fn valid_file() -> impl Strategy<Value = Vec<u8>> {
    let atom = prop_oneof![
        "[a-z][a-z0-9_-]{0,6}".prop_map(|s| s.into_bytes()),
        any::<i32>().prop_map(|i| i.to_string().into_bytes()),
        Just(b"true".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(|bytes| {
            let mut s = b"\"".to_vec();
            for b in bytes {
                s.extend_from_slice(format!("\\{b:03}").as_bytes());
            }
            s.push(b'"');
            s
        }),
    ];
    let relation = (
        atom.clone(),
        proptest::sample::select(RELOPS),
        around_operator(),
        atom.clone(),
    )
        .prop_map(|(left, op, blank, right)| {
            [left, format!("{blank}{op}{blank}").into_bytes(), right].concat()
        });
    let prefix_relation = (
        proptest::sample::select(RELOPS),
        around_operator(),
        atom.clone(),
    )
        .prop_map(|(op, blank, operand)| [format!("{op}{blank}").into_bytes(), operand].concat());
    let binding = (
        atom.clone(),
        proptest::sample::select(ENVOPS),
        around_operator(),
        atom.clone(),
    )
        .prop_map(|(name, op, blank, operand)| {
            [name, format!("{blank}{op}{blank}").into_bytes(), operand].concat()
        });
    let leaf = prop_oneof![
        4 => atom,
        2 => relation,
        2 => prefix_relation,
        1 => binding,
    ];
    let value = leaf.prop_recursive(4, 24, 4, |inner| {
        let sep = prop_oneof![Just(" "), Just("\n  "), Just(" (* c *) ")];
        prop_oneof![
            (proptest::collection::vec(inner.clone(), 0..4), sep.clone()).prop_map(|(vs, sep)| {
                let mut s = b"[".to_vec();
                s.extend_from_slice(&vs.join(sep.as_bytes()));
                s.push(b']');
                s
            }),
            (
                inner.clone(),
                inner.clone(),
                prop_oneof![Just("&"), Just("|")]
            )
                .prop_map(|(a, b, op)| [a, op.as_bytes().to_vec(), b].join(&b' ')),
            (
                inner.clone(),
                proptest::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(v, opts)| {
                    let mut s = v;
                    s.extend_from_slice(b" {");
                    s.extend_from_slice(&opts.join(&b' '));
                    s.push(b'}');
                    s
                }),
            (
                prop_oneof![Just("!"), Just("?")],
                proptest::bool::weighted(0.25),
                inner.clone()
            )
                .prop_map(|(op, blank, v)| {
                    let mut s = op.as_bytes().to_vec();
                    // `!` then a prefix `=` would lex as `!=`.
                    if blank || v.first() == Some(&b'=') {
                        s.push(b' ');
                    }
                    s.extend_from_slice(&v);
                    s
                }),
            inner
                .clone()
                .prop_map(|v| [b"(".to_vec(), v, b")".to_vec()].concat()),
        ]
    });
    let field = ("[a-z][a-z-]{0,5}", value).prop_map(|(name, value)| {
        let mut s = name.into_bytes();
        s.extend_from_slice(b": ");
        s.extend_from_slice(&value);
        s
    });
    let item = prop_oneof![
        3 => field.clone(),
        1 => ("[a-z]{1,4}", proptest::option::of("[a-z]{1,3}"), proptest::collection::vec(field, 0..3))
            .prop_map(|(kind, name, fields)| {
                let mut s = kind.into_bytes();
                if let Some(name) = name {
                    s.extend_from_slice(format!(" \"{name}\"").as_bytes());
                }
                s.extend_from_slice(b" {\n");
                for f in fields {
                    s.extend_from_slice(b"  ");
                    s.extend_from_slice(&f);
                    s.push(b'\n');
                }
                s.push(b'}');
                s
            }),
    ];
    (
        proptest::option::of(prop_oneof![Just("2.0"), Just("2.1")]),
        proptest::collection::vec(item, 0..6),
    )
        .prop_map(|(version, items)| {
            let mut s = Vec::new();
            if let Some(version) = version {
                s.extend_from_slice(format!("# header\nopam-version: \"{version}\"\n").as_bytes());
            }
            for item in items {
                s.extend_from_slice(&item);
                s.extend_from_slice(b"\r\n");
            }
            s
        })
}

/// Whether normalise prints this item as an empty line (a `[]` or `[[]]` field).
fn prints_empty(item: &Item) -> bool {
    match &item.kind {
        ItemKind::Variable(_, value) => match &value.kind {
            ValueKind::List(list) => match list.value.as_slice() {
                [] => true,
                [only] => matches!(&only.kind, ValueKind::List(l) if l.value.is_empty()),
                _ => false,
            },
            _ => false,
        },
        ItemKind::Section(_) => false,
    }
}

fn drop_empty_fields(items: &[Item]) -> Vec<Item> {
    items
        .iter()
        .filter(|item| !prints_empty(item))
        .map(|item| match &item.kind {
            ItemKind::Section(section) => {
                let mut section = section.clone();
                section.items.value = drop_empty_fields(&section.items.value);
                Item {
                    kind: ItemKind::Section(section),
                    span: item.span,
                }
            }
            ItemKind::Variable(..) => item.clone(),
        })
        .collect()
}

/// The normalised tree of a file: spans dropped, empty-list fields dropped (normalise
/// prints them as empty lines), top-level items in a canonical order.
fn comparable(file: &OpamFile) -> Vec<String> {
    let mut items: Vec<String> = drop_empty_fields(&file.without_spans().items)
        .iter()
        .map(|item| format!("{item:?}"))
        .collect();
    items.sort();
    items
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(src in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = opam_file::parse(&src);
        let _ = opam_file::dump::dump_ast_of_source(&src);
        assert_tokens_tile(&src);
    }

    #[test]
    fn significant_tokens_are_the_tokens_without_trivia(src in soup()) {
        prop_assert_eq!(lex_significant(&src), lex_all_then_drop_trivia(&src));
    }

    #[test]
    fn token_soup_never_panics(src in soup()) {
        let _ = opam_file::dump::dump_ast_of_source(&src);
        let _ = opam_file::print::normalise::dump_normalise_of_source(&src);
        assert_tokens_tile(&src);
    }

    #[test]
    fn valid_files_round_trip_exactly(src in valid_file()) {
        prop_assert!(assert_tokens_tile(&src));
        let document = Document::parse(src.clone()).expect("generated file parses");
        crate::exact::assert_round_trips_exactly("generated", &document, &src);
    }

    #[test]
    fn normalised_output_parses_to_the_same_tree(src in valid_file()) {
        let file = opam_file::parse(&src).expect("generated file parses");
        let normal = opam_file::print::normalise::normalise(&file).expect("normalises");
        let again = opam_file::parse(&normal).expect("normalised output parses");
        prop_assert_eq!(comparable(&again), comparable(&file));
        // Empty-list fields print as empty lines, which do not survive a second pass:
        // the printer reaches its fixed point from the second pass on.
        let twice = opam_file::print::normalise::normalise(&again).expect("normalises");
        let reparsed = opam_file::parse(&twice).expect("parses");
        let thrice = opam_file::print::normalise::normalise(&reparsed).expect("normalises");
        prop_assert_eq!(thrice, twice);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let cases: Vec<Vec<u8>> = vec![
        [b"x: ".to_vec(), vec![b'['; 100_000]].concat(),
        [b"x: ".to_vec(), vec![b'('; 100_000]].concat(),
        [b"x: ".to_vec(), vec![b'!'; 100_000], b"a".to_vec()].concat(),
        [b"x: ".to_vec(), b"a {".repeat(100_000)].concat(),
        b"s {".repeat(100_000),
        [b"opam-version: \"2.2\"\nx: ".to_vec(), vec![b'['; 100_000]].concat(),
    ];
    for src in cases {
        match opam_file::parse(&src) {
            Err(error) => assert!(
                matches!(error.kind(), ParseErrorKind::TooDeep { .. }),
                "{error}"
            ),
            // The sentinel case: opam reports newer files' errors as a `#` section.
            Ok(file) => assert_eq!(file.items.len(), 2),
        }
    }
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let depth = opam_file::MAX_NESTING - 1;
    let src = [b"x: ".to_vec(), vec![b'['; depth], vec![b']'; depth]].concat();
    opam_file::parse(&src).expect("nesting within the limit parses");
}
