//! Printing then parsing gives back the tree, for every tree the parser can
//! produce (up to the known lossy cases of opam's printer, which the
//! generator avoids: see `printable_string`).

use opam_file::print::standard;
use opam_file::{
    EnvOp, Item, ItemKind, LogOp, OpamFile, PfxOp, RelOp, Section, Span, Spanned, Value, ValueKind,
};
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
            (inner.clone(), values).prop_map(|(v, options)| Value::with_options(v, options)),
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
        ValueKind::Bool(_) | ValueKind::Int(_) | ValueKind::String(_) | ValueKind::Ident(_) => true,
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
            let operand = if op.value == PfxOp::Not && leading_relop(&operand) == Some(RelOp::Eq) {
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

/// `[]` or `[[]]`, the lists a field prints as nothing.
fn is_empty_list(elements: &[Value]) -> bool {
    match elements {
        [] => true,
        [only] => matches!(&only.kind, ValueKind::List(inner) if inner.value.is_empty()),
        _ => false,
    }
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
        let section = (ident(), section_name, items(depth - 1)).prop_map(|(kind, name, items)| {
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn printing_then_parsing_gives_back_the_tree(items in items(2)) {
        let file = OpamFile { items };
        let printed = standard::opamfile(&file).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let parsed = opam_file::parse(&printed).map_err(|e| {
            TestCaseError::fail(format!("{e:?} in {}", String::from_utf8_lossy(&printed)))
        })?;
        let parsed_items = parsed.without_spans().items;
        prop_assert_eq!(&parsed_items, &file.items, "printed:\n{}", String::from_utf8_lossy(&printed));
    }

    #[test]
    fn printing_a_value_then_parsing_it_gives_back_the_value(v in any_value()) {
        let v = field_value(v);
        let mut text = b"x: ".to_vec();
        text.extend_from_slice(&standard::value(&v));
        let parsed = opam_file::parse(&text).map_err(|e| {
            TestCaseError::fail(format!("{e:?} in {}", String::from_utf8_lossy(&text)))
        })?;
        let parsed_items = parsed.without_spans().items;
        let expected = vec![Item {
            kind: ItemKind::Variable(spanned("x".into()), v),
            span: Span::default(),
        }];
        prop_assert_eq!(parsed_items, expected);
    }
}
