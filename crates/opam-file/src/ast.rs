//! The abstract syntax of an opam file, as opam-file-format's `OpamParserTypes.FullPos`.
//!
//! Every node keeps the [`Span`] of the text it was parsed from, so printers, linters
//! and editors can point back into the source. Strings are byte strings: opam takes
//! the bytes of a file verbatim, and `\xHH` escapes may produce any byte.

use crate::small::{SmallBytes, SmallString};
use crate::source::{Span, Spanned};

/// A relational operator: `=`, `!=`, `>=`, `>`, `<=`, `<` (`~` is read as `>=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelOp {
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `>=` (also written `~`)
    Geq,
    /// `>`
    Gt,
    /// `<=`
    Leq,
    /// `<`
    Lt,
}

impl RelOp {
    /// The operator as opam prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            RelOp::Eq => "=",
            RelOp::Neq => "!=",
            RelOp::Geq => ">=",
            RelOp::Gt => ">",
            RelOp::Leq => "<=",
            RelOp::Lt => "<",
        }
    }
}

/// A logical operator: `&` or `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogOp {
    /// `&`
    And,
    /// `|`
    Or,
}

impl LogOp {
    /// The operator as opam prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            LogOp::And => "&",
            LogOp::Or => "|",
        }
    }
}

/// A prefix operator: `!` (not) or `?` (defined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PfxOp {
    /// `!`
    Not,
    /// `?`
    Defined,
}

impl PfxOp {
    /// The operator as opam prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            PfxOp::Not => "!",
            PfxOp::Defined => "?",
        }
    }
}

/// An environment update operator, as in `setenv: [PATH += "dir"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EnvOp {
    /// `=`
    Eq,
    /// `+=`
    PlusEq,
    /// `=+`
    EqPlus,
    /// `=+=`
    EqPlusEq,
    /// `:=`
    ColonEq,
    /// `=:`
    EqColon,
}

impl EnvOp {
    /// The operator as opam prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            EnvOp::Eq => "=",
            EnvOp::PlusEq => "+=",
            EnvOp::EqPlus => "=+",
            EnvOp::EqPlusEq => "=+=",
            EnvOp::ColonEq => ":=",
            EnvOp::EqColon => "=:",
        }
    }
}

/// A value with the span it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Value {
    /// What the value is.
    pub kind: ValueKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of value of the opam file format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `true` or `false`.
    Bool(bool),
    /// An integer, in OCaml's 63-bit range.
    Int(i64),
    /// A string, `"…"` or `"""…"""`, with escapes decoded; short ones are kept
    /// inline (see [`SmallBytes`]).
    String(SmallBytes),
    /// An identifier such as `build`, `os`, `foo:installed`; short ones are kept
    /// inline (see [`SmallString`]).
    Ident(SmallString),
    /// `a op b` where both operands are atoms.
    Relop(Spanned<RelOp>, Box<Value>, Box<Value>),
    /// `op v`, as in a version constraint `>= "1.0"`.
    PrefixRelop(Spanned<RelOp>, Box<Value>),
    /// `a & b & …` or `a | b | …`: a chain of one operator (see [`LogChain`]).
    Logop(LogChain),
    /// `!v` or `?v`.
    Pfxop(Spanned<PfxOp>, Box<Value>),
    /// `[ v … ]`; the span of the list is that of the brackets.
    List(Spanned<Vec<Value>>),
    /// `( v … )`; the span of the list is that of the parentheses.
    Group(Spanned<Vec<Value>>),
    /// `v { v … }`; the span of the list is that of the braces.
    Option(Box<Value>, Spanned<Vec<Value>>),
    /// `v { … } { … } …`: a value followed by two or more lists of options, each
    /// spanning its braces. opam reads it as options of options,
    /// `Option(Option(v, a), b)`, and no field of opam's accepts it; it is kept flat
    /// for the reason [`LogChain`] is.
    StackedOptions(Box<Value>, Vec<Spanned<Vec<Value>>>),
    /// `name op v`, an environment update.
    EnvBinding(Box<Value>, Spanned<EnvOp>, Box<Value>),
}

/// `a & b & …` or `a | b | …`: two or more operands joined by one operator.
///
/// opam-file-format reads such a chain as a left-nested binary tree,
/// `Logop(&, Logop(&, a, b), c)`. Here it is kept flat, so that a chain of 50,000
/// terms (a generated `available:` filter, a long `depends:` conjunction) is a list
/// rather than a tree 50,000 levels deep, which recursion over it (printing,
/// converting, comparing, even dropping it) would overflow the stack on. The
/// operands of a parsed chain are never chains of the same operator: `|` binds
/// looser than `&`, so the operands of a `|` chain are `&` chains or simpler values,
/// and those of a `&` chain are simpler values; the depth of the tree is bounded by
/// [`crate::MAX_NESTING`] alone. Printers and [`crate::dump`] print the chain as the
/// nested tree opam builds.
///
/// The spans of the operators are not kept (those of the operands are): one vector
/// holds the chain, which keeps [`ValueKind`] at 40 bytes and costs one allocation
/// where opam's two operands cost two.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogChain {
    /// The operator between every two operands.
    pub op: LogOp,
    /// The operands, left to right: two or more in a parsed chain.
    pub operands: Vec<Value>,
}

impl Value {
    /// The string's text, when this is a string holding valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => std::str::from_utf8(s).ok(),
            _ => None,
        }
    }

    /// The identifier, when this is one.
    pub fn as_ident(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Ident(s) => Some(s),
            _ => None,
        }
    }
}

/// One item of a file or section: a field (`name: value`) or a section.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    /// What the item is.
    pub kind: ItemKind,
    /// From the first byte of the name to the last byte of the value or closing brace.
    pub span: Span,
}

/// The two kinds of item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// `name: value`
    Variable(Spanned<SmallString>, Value),
    /// `kind ["name"] { items }`
    Section(Section),
}

/// A section such as `url { … }` or `extra-source "file" { … }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Section {
    /// The identifier before the braces (`url`, `extra-source`, `package`).
    pub kind: Spanned<SmallString>,
    /// The optional string name between kind and braces.
    pub name: Option<Spanned<SmallBytes>>,
    /// The items; the span is that of the braces.
    pub items: Spanned<Vec<Item>>,
}

/// A parsed opam file: its items in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct OpamFile {
    /// The top-level items.
    pub items: Vec<Item>,
}

impl Value {
    /// A value with no source position, for building new values to insert.
    pub fn new(kind: ValueKind) -> Value {
        Value {
            kind,
            span: Span::default(),
        }
    }

    /// A new string value.
    pub fn string(bytes: impl Into<SmallBytes>) -> Value {
        Value::new(ValueKind::String(bytes.into()))
    }

    /// A new identifier value (the caller makes sure it is a valid identifier).
    pub fn ident(name: impl Into<SmallString>) -> Value {
        Value::new(ValueKind::Ident(name.into()))
    }

    /// A new list value.
    pub fn list(values: Vec<Value>) -> Value {
        Value::new(ValueKind::List(Spanned::new(values, Span::default())))
    }

    /// A new `left op right`, the tree the parser builds for that text: when `left`
    /// is a chain of `op` already, `right` joins it (`a & b` then `& c` is the chain
    /// `a & b & c`, opam's `Logop(&, Logop(&, a, b), c)`).
    pub fn logop(op: LogOp, left: Value, right: Value) -> Value {
        match left.kind {
            ValueKind::Logop(mut chain) if chain.op == op => {
                chain.operands.push(right);
                Value::new(ValueKind::Logop(chain))
            }
            kind => Value::new(ValueKind::Logop(LogChain {
                op,
                operands: vec![Value { kind, ..left }, right],
            })),
        }
    }

    /// A new `subject {options}`, the tree the parser builds for that text: when
    /// `subject` has options already, the list is stacked after them
    /// ([`ValueKind::StackedOptions`]).
    pub fn with_options(subject: Value, options: Vec<Value>) -> Value {
        let options = Spanned::new(options, Span::default());
        let kind = match subject.kind {
            ValueKind::Option(inner, first) => {
                ValueKind::StackedOptions(inner, vec![first, options])
            }
            ValueKind::StackedOptions(inner, mut lists) => {
                lists.push(options);
                ValueKind::StackedOptions(inner, lists)
            }
            kind => ValueKind::Option(Box::new(Value { kind, ..subject }), options),
        };
        Value::new(kind)
    }

    /// A copy of this value with every span, its own and its children's, reset to
    /// the empty span: two values with the same structure compare equal after this,
    /// wherever they were written (opam's `value_equals`).
    pub fn without_spans(&self) -> Value {
        let none = Span::default();
        let list = |l: &Spanned<Vec<Value>>| {
            Spanned::new(l.value.iter().map(Value::without_spans).collect(), none)
        };
        let kind = match &self.kind {
            ValueKind::Relop(o, a, b) => ValueKind::Relop(
                Spanned::new(o.value, none),
                Box::new(a.without_spans()),
                Box::new(b.without_spans()),
            ),
            ValueKind::PrefixRelop(o, a) => {
                ValueKind::PrefixRelop(Spanned::new(o.value, none), Box::new(a.without_spans()))
            }
            ValueKind::Logop(chain) => ValueKind::Logop(LogChain {
                op: chain.op,
                operands: chain.operands.iter().map(Value::without_spans).collect(),
            }),
            ValueKind::Pfxop(o, a) => {
                ValueKind::Pfxop(Spanned::new(o.value, none), Box::new(a.without_spans()))
            }
            ValueKind::List(l) => ValueKind::List(list(l)),
            ValueKind::Group(l) => ValueKind::Group(list(l)),
            ValueKind::Option(v, l) => ValueKind::Option(Box::new(v.without_spans()), list(l)),
            ValueKind::StackedOptions(v, lists) => ValueKind::StackedOptions(
                Box::new(v.without_spans()),
                lists.iter().map(list).collect(),
            ),
            ValueKind::EnvBinding(a, o, b) => ValueKind::EnvBinding(
                Box::new(a.without_spans()),
                Spanned::new(o.value, none),
                Box::new(b.without_spans()),
            ),
            atom => atom.clone(),
        };
        Value::new(kind)
    }
}

impl Item {
    /// A copy of this item with every span reset (see [`Value::without_spans`]).
    pub fn without_spans(&self) -> Item {
        let none = Span::default();
        let kind = match &self.kind {
            ItemKind::Variable(name, value) => ItemKind::Variable(
                Spanned::new(name.value.clone(), none),
                value.without_spans(),
            ),
            ItemKind::Section(section) => ItemKind::Section(Section {
                kind: Spanned::new(section.kind.value.clone(), none),
                name: section
                    .name
                    .as_ref()
                    .map(|n| Spanned::new(n.value.clone(), none)),
                items: Spanned::new(
                    section
                        .items
                        .value
                        .iter()
                        .map(Item::without_spans)
                        .collect(),
                    none,
                ),
            }),
        };
        Item { kind, span: none }
    }

    /// The field's name and value, when this item is a field.
    pub fn as_field(&self) -> Option<(&str, &Value)> {
        match &self.kind {
            ItemKind::Variable(name, value) => Some((&name.value, value)),
            ItemKind::Section(_) => None,
        }
    }
}

impl OpamFile {
    /// A copy of this file with every span reset (see [`Value::without_spans`]).
    pub fn without_spans(&self) -> OpamFile {
        OpamFile {
            items: self.items.iter().map(Item::without_spans).collect(),
        }
    }
}
