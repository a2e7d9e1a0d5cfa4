//! The serialisation the oracle driver writes (see `ORACLE_DRIVER` in `random.rs`):
//! items and values in prefix form, strings as `length:bytes`, counts ending in `;`.

use opam_file::{
    EnvOp, Item, ItemKind, LogOp, PfxOp, RelOp, Section, Span, Spanned, Value, ValueKind,
};

/// Reader of the oracle's serialised ASTs.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Whether every byte has been read.
    pub(crate) fn is_at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub(crate) fn byte(&mut self) -> u8 {
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

    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        let len = self.number(b':') as usize;
        let text = &self.bytes[self.at..self.at + len];
        self.at += len;
        text
    }

    pub(crate) fn string(&mut self) -> String {
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

    pub(crate) fn items(&mut self) -> Vec<Item> {
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

/// The items of a serialised AST; panics on trailing bytes.
pub(crate) fn parse_ast(serialised: &[u8]) -> Vec<Item> {
    let mut reader = Reader::new(serialised);
    let items = reader.items();
    assert!(reader.is_at_end(), "trailing bytes in a serialised AST");
    items
}

/// The value of each field of `items` (serialised as for [`Reader`]).
pub(crate) fn field_values(serialised: &[u8]) -> Vec<Value> {
    parse_ast(serialised)
        .into_iter()
        .filter_map(|item| match item.kind {
            ItemKind::Variable(_, value) => Some(value),
            ItemKind::Section(_) => None,
        })
        .collect()
}
