//! A reader of the opam file syntax into the shared [`opam_file`] AST.
//!
//! The state files this crate reads (`switch-state`, `switch export` files, lock files,
//! the opam files of installed packages) are written in opam's own syntax. This module
//! lexes and parses them following the grammar of opam-file-format (recorded in the
//! project's notes, §1.1–1.2) into [`opam_file::OpamFile`]. It keeps no comments or
//! layout: it is the reading half only, which is all an audit needs.
//!
//! Errors carry the byte offset where reading stopped; [`super::error`] turns it into a
//! line and column.

use super::error::Position;
use opam_file::{
    EnvOp, Item, ItemKind, LogOp, OpamFile, PfxOp, RelOp, Section, Span, Spanned, Value, ValueKind,
};

/// Deepest nesting of brackets, braces and operators accepted, so a hostile file cannot
/// exhaust the stack.
const MAX_DEPTH: u32 = 200;

/// Why a text is not valid opam syntax, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Byte offset of the offending token.
    pub(crate) offset: usize,
    /// What is wrong, in opam-file-format's words where it has them.
    pub(crate) message: String,
}

/// Parses a whole file.
pub(crate) fn parse(src: &str) -> Result<OpamFile, SyntaxError> {
    let tokens = Lexer::new(src.as_bytes()).tokenize()?;
    let mut parser = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
    };
    let items = parser.items(false)?;
    Ok(OpamFile { items })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Colon,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LPar,
    RPar,
    Str(Vec<u8>),
    Bool(bool),
    Int(i64),
    Ident(String),
    Relop(RelOp),
    And,
    Or,
    Pfx(PfxOp),
    Env(EnvOp),
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Colon => "`:`".into(),
            Tok::LBrace => "`{`".into(),
            Tok::RBrace => "`}`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::LPar => "`(`".into(),
            Tok::RPar => "`)`".into(),
            Tok::Str(_) => "a string".into(),
            Tok::Bool(_) => "a boolean".into(),
            Tok::Int(_) => "an integer".into(),
            Tok::Ident(name) => format!("identifier `{name}`"),
            Tok::Relop(op) => format!("operator `{}`", op.as_str()),
            Tok::And => "`&`".into(),
            Tok::Or => "`|`".into(),
            Tok::Pfx(op) => format!("operator `{}`", op.as_str()),
            Tok::Env(op) => format!("operator `{}`", op.as_str()),
            Tok::Eof => "the end of the file".into(),
        }
    }
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

fn is_ichar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn span(start: usize, end: usize) -> Span {
    Span::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Self {
        Lexer { src, pos: 0 }
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn error<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset,
            message: message.into(),
        })
    }

    fn tokenize(mut self) -> Result<Vec<(Tok, Span)>, SyntaxError> {
        let mut out = Vec::new();
        loop {
            self.skip_trivia()?;
            let start = self.pos;
            let Some(b) = self.at(start) else {
                out.push((Tok::Eof, span(start, start)));
                return Ok(out);
            };
            let tok = match b {
                b'{' => self.single(Tok::LBrace),
                b'}' => self.single(Tok::RBrace),
                b'[' => self.single(Tok::LBracket),
                b']' => self.single(Tok::RBracket),
                b'(' => self.single(Tok::LPar),
                b')' => self.single(Tok::RPar),
                b'&' => self.single(Tok::And),
                b'|' => self.single(Tok::Or),
                b'?' => self.single(Tok::Pfx(PfxOp::Defined)),
                b'~' => self.single(Tok::Relop(RelOp::Geq)),
                b'"' => self.string()?,
                b':' => {
                    if self.at(start + 1) == Some(b'=') {
                        self.pos += 2;
                        Tok::Env(EnvOp::ColonEq)
                    } else {
                        self.single(Tok::Colon)
                    }
                }
                b'!' => {
                    if self.at(start + 1) == Some(b'=') {
                        self.pos += 2;
                        Tok::Relop(RelOp::Neq)
                    } else {
                        self.single(Tok::Pfx(PfxOp::Not))
                    }
                }
                b'<' | b'>' => {
                    let or_equal = self.at(start + 1) == Some(b'=');
                    self.pos += if or_equal { 2 } else { 1 };
                    Tok::Relop(match (b, or_equal) {
                        (b'<', false) => RelOp::Lt,
                        (b'<', true) => RelOp::Leq,
                        (_, false) => RelOp::Gt,
                        (_, true) => RelOp::Geq,
                    })
                }
                b'+' => {
                    if self.at(start + 1) == Some(b'=') {
                        self.pos += 2;
                        Tok::Env(EnvOp::PlusEq)
                    } else {
                        return self.error(start, "'+' is not a valid token");
                    }
                }
                b'=' => self.equals()?,
                b if is_ichar(b) => self.word()?,
                other => {
                    let shown = char::from(other);
                    return self.error(start, format!("'{shown}' is not a valid token"));
                }
            };
            out.push((tok, span(start, self.pos)));
        }
    }

    fn single(&mut self, tok: Tok) -> Tok {
        self.pos += 1;
        tok
    }

    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        while let Some(b) = self.at(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' => self.pos += 1,
                b'\r' if self.at(self.pos + 1) == Some(b'\n') => self.pos += 2,
                b'#' => {
                    while let Some(c) = self.at(self.pos) {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'(' if self.at(self.pos + 1) == Some(b'*') => self.block_comment()?,
                _ => break,
            }
        }
        Ok(())
    }

    fn block_comment(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(b) = self.at(self.pos) {
            if b == b'(' && self.at(self.pos + 1) == Some(b'*') {
                depth += 1;
                self.pos += 2;
            } else if b == b'*' && self.at(self.pos + 1) == Some(b')') {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return Ok(());
                }
            } else {
                self.pos += 1;
            }
        }
        self.error(start, "unterminated comment")
    }

    /// `=`, `=+`, `=:`, `=+=`; `=:=` is rejected as opam does.
    fn equals(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let tok = match (self.at(start + 1), self.at(start + 2)) {
            (Some(b'+'), Some(b'=')) => {
                self.pos += 3;
                Tok::Env(EnvOp::EqPlusEq)
            }
            (Some(b'+'), _) => {
                self.pos += 2;
                Tok::Env(EnvOp::EqPlus)
            }
            (Some(b':'), Some(b'=')) => {
                return self.error(start, "\"=:=\" is not a valid environment update operator");
            }
            (Some(b':'), _) => {
                self.pos += 2;
                Tok::Env(EnvOp::EqColon)
            }
            _ => {
                self.pos += 1;
                Tok::Relop(RelOp::Eq)
            }
        };
        Ok(tok)
    }

    /// End of an `id` (a run of ident characters holding a letter) starting at `i`.
    fn id_end(&self, i: usize) -> Option<usize> {
        let mut end = i;
        let mut letter = false;
        while let Some(b) = self.at(end) {
            if !is_ichar(b) {
                break;
            }
            letter |= is_letter(b);
            end += 1;
        }
        letter.then_some(end)
    }

    /// End of `id | '_'` starting at `i`.
    fn id_or_underscore_end(&self, i: usize) -> Option<usize> {
        self.id_end(i)
            .or((self.at(i) == Some(b'_')).then_some(i + 1))
    }

    /// Longest match between IDENT, INT and BOOL (ties go to INT, then BOOL).
    fn word(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let ident_end = self.id_or_underscore_end(start).map(|mut end| {
            while self.at(end) == Some(b'+') {
                match self.id_or_underscore_end(end + 1) {
                    Some(next) => end = next,
                    None => break,
                }
            }
            if self.at(end) == Some(b':')
                && let Some(next) = self.id_end(end + 1)
            {
                end = next;
            }
            end
        });
        let digits_from = if self.at(start) == Some(b'-') {
            start + 1
        } else {
            start
        };
        let mut int_end = digits_from;
        while matches!(self.at(int_end), Some(b'0'..=b'9' | b'_')) {
            int_end += 1;
        }
        let int_end = (int_end > digits_from).then_some(int_end);
        match (ident_end, int_end) {
            (Some(i), Some(n)) if n >= i => self.int(start, digits_from, n),
            (None, Some(n)) => self.int(start, digits_from, n),
            (Some(i), _) => {
                self.pos = i;
                let text = String::from_utf8_lossy(&self.src[start..i]).into_owned();
                Ok(match text.as_str() {
                    "true" => Tok::Bool(true),
                    "false" => Tok::Bool(false),
                    _ => Tok::Ident(text),
                })
            }
            (None, None) => self.error(start, "'-' is not a valid token"),
        }
    }

    fn int(&mut self, start: usize, digits_from: usize, end: usize) -> Result<Tok, SyntaxError> {
        self.pos = end;
        let body = &self.src[digits_from..end];
        if !body.first().is_some_and(u8::is_ascii_digit) {
            return self.error(start, "not a valid integer (int_of_string)");
        }
        let digits: String = body
            .iter()
            .filter(|b| **b != b'_')
            .map(|b| char::from(*b))
            .collect();
        let negative = digits_from > start;
        let value = digits
            .parse::<i128>()
            .ok()
            .map(|v| if negative { -v } else { v })
            .filter(|v| (-(1i128 << 62)..(1i128 << 62)).contains(v))
            .and_then(|v| i64::try_from(v).ok());
        match value {
            Some(v) => Ok(Tok::Int(v)),
            None => self.error(start, "integer out of range (int_of_string)"),
        }
    }

    fn string(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let triple = self.src.get(start..start + 3) == Some(b"\"\"\"");
        self.pos += if triple { 3 } else { 1 };
        let mut out = Vec::new();
        loop {
            let Some(b) = self.at(self.pos) else {
                return self.error(start, "unterminated string");
            };
            if triple && self.src.get(self.pos..self.pos + 3) == Some(b"\"\"\"") {
                self.pos += 3;
                return Ok(Tok::Str(out));
            }
            match b {
                b'"' if !triple => {
                    self.pos += 1;
                    return Ok(Tok::Str(out));
                }
                b'\\' => self.escape(&mut out)?,
                b'\r' if self.at(self.pos + 1) == Some(b'\n') => {
                    out.push(b'\n');
                    self.pos += 2;
                }
                _ => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), SyntaxError> {
        let start = self.pos;
        let illegal = |lexer: &Self| lexer.error(start, "illegal escape sequence");
        let Some(c) = self.at(start + 1) else {
            return illegal(self);
        };
        self.pos += 2;
        match c {
            b'\\' | b'"' | b'\'' | b' ' => out.push(c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(0x08),
            b'\n' | b'\r' => {
                if c == b'\r' {
                    if self.at(self.pos) != Some(b'\n') {
                        return illegal(self);
                    }
                    self.pos += 1;
                }
                while matches!(self.at(self.pos), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
            }
            b'0'..=b'9' => {
                let digits = self.src.get(start + 1..start + 4).unwrap_or_default();
                let value = std::str::from_utf8(digits)
                    .ok()
                    .filter(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|d| d.parse::<u8>().ok());
                match value {
                    Some(v) => {
                        out.push(v);
                        self.pos = start + 4;
                    }
                    None => return illegal(self),
                }
            }
            b'x' => {
                let hex = self.src.get(start + 2..start + 4).unwrap_or_default();
                let value = std::str::from_utf8(hex)
                    .ok()
                    .filter(|h| h.len() == 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match value {
                    Some(v) => {
                        out.push(v);
                        self.pos = start + 4;
                    }
                    None => return illegal(self),
                }
            }
            _ => return illegal(self),
        }
        Ok(())
    }
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    depth: u32,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.pos).map_or(&Tok::Eof, |(tok, _)| tok)
    }

    fn span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .or(self.tokens.last())
            .map_or(Span::default(), |(_, span)| *span)
    }

    fn bump(&mut self) -> (Tok, Span) {
        let current = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        current.unwrap_or((Tok::Eof, Span::default()))
    }

    fn unexpected<T>(&self, wanted: &str) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset: self.span().start as usize,
            message: format!("expected {wanted}, found {}", self.peek().describe()),
        })
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                offset: self.span().start as usize,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    /// `{ item }`, up to the end of the file or, inside a section, its `}`.
    fn items(&mut self, in_section: bool) -> Result<Vec<Item>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof if !in_section => return Ok(items),
                Tok::RBrace if in_section => return Ok(items),
                Tok::Ident(_) => items.push(self.item()?),
                _ => {
                    let wanted = if in_section {
                        "a field name or `}`"
                    } else {
                        "a field name"
                    };
                    return self.unexpected(wanted);
                }
            }
        }
    }

    /// `IDENT ":" value | IDENT [STRING] "{" { item } "}"`
    fn item(&mut self) -> Result<Item, SyntaxError> {
        let (tok, name_span) = self.bump();
        let Tok::Ident(name) = tok else {
            return self.unexpected("a field name");
        };
        let name = Spanned::new(name, name_span);
        match self.peek().clone() {
            Tok::Colon => {
                self.bump();
                let value = self.value()?;
                let span = name_span.to(value.span);
                Ok(Item {
                    kind: ItemKind::Variable(name, value),
                    span,
                })
            }
            Tok::LBrace | Tok::Str(_) => {
                let section_name = if let Tok::Str(text) = self.peek().clone() {
                    let (_, span) = self.bump();
                    Some(Spanned::new(text, span))
                } else {
                    None
                };
                if *self.peek() != Tok::LBrace {
                    return self.unexpected("`{`");
                }
                let (_, open) = self.bump();
                self.enter()?;
                let items = self.items(true)?;
                self.depth -= 1;
                let (_, close) = self.bump();
                let braces = open.to(close);
                Ok(Item {
                    kind: ItemKind::Section(Section {
                        kind: name,
                        name: section_name,
                        items: Spanned::new(items, braces),
                    }),
                    span: name_span.to(close),
                })
            }
            _ => self.unexpected("`:` or a section"),
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        let value = self.or_expr();
        self.depth -= 1;
        value
    }

    fn or_expr(&mut self) -> Result<Value, SyntaxError> {
        let mut left = self.and_expr()?;
        while *self.peek() == Tok::Or {
            let (_, op_span) = self.bump();
            let right = self.and_expr()?;
            left = logop(LogOp::Or, op_span, left, right);
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Value, SyntaxError> {
        let mut left = self.unary()?;
        while *self.peek() == Tok::And {
            let (_, op_span) = self.bump();
            let right = self.unary()?;
            left = logop(LogOp::And, op_span, left, right);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Value, SyntaxError> {
        if let Tok::Pfx(op) = *self.peek() {
            let (_, op_span) = self.bump();
            self.enter()?;
            let operand = self.unary()?;
            self.depth -= 1;
            let span = op_span.to(operand.span);
            return Ok(Value {
                kind: ValueKind::Pfxop(Spanned::new(op, op_span), Box::new(operand)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Value, SyntaxError> {
        let mut value = self.primary()?;
        while *self.peek() == Tok::LBrace {
            let (values, braces) = self.values_between(Tok::RBrace, "`}`")?;
            let span = value.span.to(braces);
            value = Value {
                kind: ValueKind::Option(Box::new(value), Spanned::new(values, braces)),
                span,
            };
        }
        Ok(value)
    }

    fn primary(&mut self) -> Result<Value, SyntaxError> {
        match self.peek().clone() {
            Tok::LPar => {
                let (values, span) = self.values_between(Tok::RPar, "`)`")?;
                Ok(Value {
                    kind: ValueKind::Group(Spanned::new(values, span)),
                    span,
                })
            }
            Tok::LBracket => {
                let (values, span) = self.values_between(Tok::RBracket, "`]`")?;
                Ok(Value {
                    kind: ValueKind::List(Spanned::new(values, span)),
                    span,
                })
            }
            Tok::Relop(op) => {
                let (_, op_span) = self.bump();
                let operand = self.atom()?;
                let span = op_span.to(operand.span);
                Ok(Value {
                    kind: ValueKind::PrefixRelop(Spanned::new(op, op_span), Box::new(operand)),
                    span,
                })
            }
            _ => {
                let left = self.atom()?;
                match self.peek().clone() {
                    Tok::Relop(op) => {
                        let (_, op_span) = self.bump();
                        let right = self.atom()?;
                        let span = left.span.to(right.span);
                        Ok(Value {
                            kind: ValueKind::Relop(
                                Spanned::new(op, op_span),
                                Box::new(left),
                                Box::new(right),
                            ),
                            span,
                        })
                    }
                    Tok::Env(op) => {
                        let (_, op_span) = self.bump();
                        let right = self.atom()?;
                        let span = left.span.to(right.span);
                        Ok(Value {
                            kind: ValueKind::EnvBinding(
                                Box::new(left),
                                Spanned::new(op, op_span),
                                Box::new(right),
                            ),
                            span,
                        })
                    }
                    _ => Ok(left),
                }
            }
        }
    }

    fn atom(&mut self) -> Result<Value, SyntaxError> {
        let kind = match self.peek().clone() {
            Tok::Ident(name) => ValueKind::Ident(name),
            Tok::Bool(b) => ValueKind::Bool(b),
            Tok::Int(i) => ValueKind::Int(i),
            Tok::Str(s) => ValueKind::String(s),
            _ => return self.unexpected("a value"),
        };
        let (_, span) = self.bump();
        Ok(Value { kind, span })
    }

    /// The opening token is current; reads values up to `close`.
    fn values_between(
        &mut self,
        close: Tok,
        shown: &str,
    ) -> Result<(Vec<Value>, Span), SyntaxError> {
        let (_, open) = self.bump();
        self.enter()?;
        let mut values = Vec::new();
        while *self.peek() != close {
            if matches!(
                self.peek(),
                Tok::Eof | Tok::RBrace | Tok::RBracket | Tok::RPar | Tok::Colon
            ) {
                let opened = Position::of_offset(self.src, open.start as usize);
                let opener = match close {
                    Tok::RBrace => "`{`",
                    Tok::RBracket => "`[`",
                    _ => "`(`",
                };
                return self.unexpected(&format!(
                    "a value or {shown} (closing the {opener} at line {}, column {})",
                    opened.line, opened.column
                ));
            }
            values.push(self.value()?);
        }
        self.depth -= 1;
        let (_, end) = self.bump();
        Ok((values, open.to(end)))
    }
}

fn logop(op: LogOp, op_span: Span, left: Value, right: Value) -> Value {
    let span = left.span.to(right.span);
    Value {
        kind: ValueKind::Logop(Spanned::new(op, op_span), Box::new(left), Box::new(right)),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(src: &str) -> Value {
        let file = parse(src).expect("parses");
        match file.items.into_iter().next().map(|item| item.kind) {
            Some(ItemKind::Variable(_, value)) => value,
            other => panic!("not a field: {other:?}"),
        }
    }

    /// A compact rendering of a value, to compare trees in one line.
    fn show(v: &Value) -> String {
        let list = |vs: &[Value]| vs.iter().map(show).collect::<Vec<_>>().join(" ");
        match &v.kind {
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Int(i) => i.to_string(),
            ValueKind::String(s) => format!("{:?}", String::from_utf8_lossy(s)),
            ValueKind::Ident(i) => i.clone(),
            ValueKind::Relop(op, a, b) => {
                format!("({} {} {})", op.value.as_str(), show(a), show(b))
            }
            ValueKind::PrefixRelop(op, a) => format!("({} {})", op.value.as_str(), show(a)),
            ValueKind::Logop(op, a, b) => {
                format!("({} {} {})", op.value.as_str(), show(a), show(b))
            }
            ValueKind::Pfxop(op, a) => format!("({} {})", op.value.as_str(), show(a)),
            ValueKind::List(vs) => format!("[{}]", list(&vs.value)),
            ValueKind::Group(vs) => format!("(group {})", list(&vs.value)),
            ValueKind::Option(a, vs) => format!("(opt {} {{{}}})", show(a), list(&vs.value)),
            ValueKind::EnvBinding(a, op, b) => {
                format!("(env {} {} {})", show(a), op.value.as_str(), show(b))
            }
        }
    }

    #[test]
    fn follows_opam_precedence() {
        let cases = [
            ("x: [a b & c]", "[a (& b c)]"),
            ("x: !a & b", "(& (! a) b)"),
            ("x: !a = b", "(! (= a b))"),
            ("x: a & b {c}", "(& a (opt b {c}))"),
            ("x: a = b {c}", "(opt (= a b) {c})"),
            ("x: !a {b} & c | d", "(| (& (! (opt a {b})) c) d)"),
            ("x: a | b {c} & d", "(| a (& (opt b {c}) d))"),
            ("x: [a = b = c]", "[(= a b) (= c)]"),
            ("x: [(a) = b]", "[(group a) (= b)]"),
            ("x: \"a\" {b} {c}", "(opt (opt \"a\" {b}) {c})"),
            ("x: ~ \"1.0\"", "(>= \"1.0\")"),
            ("x: ?x | !?y", "(| (? x) (! (? y)))"),
            ("x: a += b {c}", "(opt (env a += b) {c})"),
            (
                "x: [1_000 -2 1a true-ish foo+bar:baz]",
                "[1000 -2 1a true-ish foo+bar:baz]",
            ),
        ];
        for (src, expected) in cases {
            assert_eq!(show(&field(src)), expected, "{src}");
        }
    }

    #[test]
    fn reads_strings_escapes_and_comments() {
        let src = "# comment\n(* nested (* comment *) *)\nx: \"a\\\"b\\n\\065\\x41\\\n   c\" y: \"\"\"t\"q\"\"\"";
        let file = parse(src).expect("parses");
        let values: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Variable(_, v) => v.as_str().map(str::to_owned),
                ItemKind::Section(_) => None,
            })
            .collect();
        assert_eq!(values, ["a\"b\nAAc", "t\"q"]);
    }

    #[test]
    fn reads_sections() {
        let file = parse("package \"tls\" {\n  version: \"2.0.3\"\n  url { src: \"x\" }\n}\n")
            .expect("parses");
        let Some(ItemKind::Section(section)) = file.items.first().map(|i| &i.kind) else {
            panic!("no section");
        };
        assert_eq!(section.kind.value, "package");
        assert_eq!(
            section.name.as_ref().map(|n| n.value.as_slice()),
            Some(&b"tls"[..])
        );
        assert_eq!(section.items.value.len(), 2);
    }

    #[test]
    fn reports_offsets_of_errors() {
        let cases = [
            ("x: \"unterminated", 3, "unterminated string"),
            (
                "x: [a b",
                7,
                "expected a value or `]` (closing the `[` at line 1, column 4), found the end of the file",
            ),
            ("x: 1\ny: a.b", 9, "'.' is not a valid token"),
            ("x: \"\\q\"", 4, "illegal escape sequence"),
            ("x: (* open", 3, "unterminated comment"),
            (
                "x: a =:= b",
                5,
                "\"=:=\" is not a valid environment update operator",
            ),
            ("x 1", 2, "expected `:` or a section, found an integer"),
            ("[a]", 0, "expected a field name, found `[`"),
        ];
        for (src, offset, message) in cases {
            let err = parse(src).expect_err(src);
            assert_eq!(
                (err.offset, err.message.as_str()),
                (offset, message),
                "{src}"
            );
        }
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let src = format!("x: {}{}", "[".repeat(5000), "]".repeat(5000));
        let err = parse(&src).expect_err("too deep");
        assert!(err.message.contains("nesting"), "{}", err.message);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(src in "[a-z\"\\[\\]{}()&|!?=<>~+:#*\\\\ \n0-9_-]{0,64}") {
            let _ = parse(&src);
        }
    }
}

/// The reader on every opam file of the two opam-repository snapshots (`$OSEC_DATA`,
/// default `<workspace>/../shared/data`): each must parse, and each `depends:`,
/// `depopts:` must be a formula the dependency reader accepts.
#[cfg(test)]
mod corpus_tests {
    use std::io::Read;
    use std::path::PathBuf;

    use opam_file::ItemKind;

    use super::parse;
    use crate::input::formula;

    fn data_dir() -> PathBuf {
        std::env::var_os("OSEC_DATA").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
            PathBuf::from,
        )
    }

    #[test]
    fn reads_every_opam_file_of_the_repositories() {
        for tarball in ["opam-repository.tar.gz", "opam-repository-archive.tar.gz"] {
            let path = data_dir().join(tarball);
            let Ok(file) = std::fs::File::open(&path) else {
                #[allow(clippy::print_stdout)]
                {
                    println!("skipped: {} not found (set OSEC_DATA)", path.display());
                }
                continue;
            };
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
            let mut count = 0;
            let mut failures = Vec::new();
            for entry in archive.entries().expect("tar entries") {
                let mut entry = entry.expect("tar entry");
                let name = entry.path().expect("entry path").display().to_string();
                if !name.ends_with("/opam") || !name.contains("packages/") {
                    continue;
                }
                let mut text = String::new();
                if entry.read_to_string(&mut text).is_err() {
                    continue; // not UTF-8: the state readers reject such files anyway
                }
                count += 1;
                match parse(&text) {
                    Err(e) => failures.push(format!("{name}: {} at {}", e.message, e.offset)),
                    Ok(file) => {
                        for item in &file.items {
                            if let ItemKind::Variable(field, value) = &item.kind
                                && matches!(field.value.as_str(), "depends" | "depopts")
                                && let Err((_, message)) = formula::atoms(value)
                            {
                                failures.push(format!("{name}: {}: {message}", field.value));
                            }
                        }
                    }
                }
            }
            assert!(count > 1000, "{tarball}: only {count} opam files");
            assert!(
                failures.is_empty(),
                "{tarball}: {} failures, first: {:?}",
                failures.len(),
                &failures[..failures.len().min(10)]
            );
        }
    }
}
