//! The parser: tokens to an [`OpamFile`], one function per grammar rule.
//!
//! The grammar of opam-file-format (`opamBaseParser.mly`, an LALR grammar with
//! precedences) is rewritten here in stratified form for recursive descent; both
//! accept the same token sequences and build the same trees:
//!
//! ```text
//! file     = { item } EOF ;
//! item     = IDENT ":" value | IDENT [ STRING ] "{" { item } "}" ;
//! value    = and_e { "|" and_e } ;                 (* left-associative *)
//! and_e    = unary { "&" unary } ;                 (* left-associative *)
//! unary    = PFXOP unary | postfix ;
//! postfix  = primary { "{" { value } "}" } ;       (* Option, left-nested *)
//! primary  = atom [ RELOP atom | ENVOP atom ]
//!          | RELOP atom
//!          | "(" { value } ")" | "[" { value } "]" ;
//! atom     = IDENT | BOOL | INT | STRING ;
//! ```
//!
//! Around the grammar sit opam's header rules (module `header`): the first three tokens are
//! read ahead (a lexer error among them is a syntax error), a file whose
//! `opam-version` is newer than [`LIBRARY_VERSION`] turns any later error into a `#`
//! sentinel section, and `opam-version` fields after the first are checked.
//!
//! The descent recurses once per level of nesting (brackets, parentheses, braces,
//! prefix operators, sections), up to [`MAX_NESTING`]. The repetitions of the grammar
//! are loops: `&` and `|` chains and stacked lists of options of any length make one
//! flat node each ([`crate::ast::LogChain`], [`ValueKind::StackedOptions`]) where opam
//! builds a left-nested tree, so no chain, however long, deepens the stack here or in
//! the code that walks the tree.

mod header;

pub use header::{LIBRARY_VERSION, nopatch};

use crate::ast::{Item, ItemKind, LogChain, LogOp, OpamFile, PfxOp, Section, Value, ValueKind};
use crate::error::{LexerError, ParseError, ParseErrorKind};
use crate::lexer::{Checkpoint, Lexer, Token, TokenKind};
use crate::small::{SmallBytes, SmallString};
use crate::source::{OcamlLines, Span, Spanned};

/// How deeply values and sections may nest before the parser gives up with
/// [`ParseErrorKind::TooDeep`] instead of exhausting the stack. opam has no such
/// limit; no real opam file comes near it.
pub const MAX_NESTING: usize = 256;

/// Parses an opam file, as `OpamParser.FullPos.string` does.
pub fn parse(src: &[u8]) -> Result<OpamFile, ParseError> {
    parse_with_lines(src).map(|(file, _)| file)
}

/// Parses an opam file and also returns the line starts that opam-file-format uses
/// for positions (see [`OcamlLines`]).
pub fn parse_with_lines(src: &[u8]) -> Result<(OpamFile, OcamlLines), ParseError> {
    crate::lexer::check_size(src)?;
    let mut parser = Parser::new(src);
    let header = parser.read_header().map_err(|error| *error)?;
    let result = parser.file();
    let lines = OcamlLines::new(parser.lexer.into_line_starts());
    let format_2_1 = header.as_ref().is_some_and(|h| h.format_2_1);
    let file = match (result, &header) {
        (Ok(file), _) => file,
        (Err(error), Some(header)) if header.trap => sentinel(header, error.span()),
        (Err(error), _) => return Err(*error),
    };
    check_opam_version_fields(&file, format_2_1)?;
    Ok((file, lines))
}

/// The `opam-version: "…"` header read from the first three tokens.
struct Header {
    name_end: u32,
    colon_end: u32,
    version: SmallBytes,
    version_end: u32,
    /// `nopatch(version) >= (2, 1)`: `opam-version` may not appear again.
    format_2_1: bool,
    /// `nopatch(version) > LIBRARY_VERSION`: errors become the sentinel.
    trap: bool,
}

/// What opam returns for a file newer than the library that fails to parse: its
/// header and a section of kind `#` (which no file can contain) at the error.
fn sentinel(header: &Header, error_span: Span) -> OpamFile {
    let name = Spanned::new(
        SmallString::from("opam-version"),
        Span::new(0, header.name_end),
    );
    let value = Value {
        kind: ValueKind::String(header.version.clone()),
        span: Span::new(header.colon_end, header.version_end),
    };
    let version_item = Item {
        kind: ItemKind::Variable(name, value),
        span: Span::new(0, header.version_end),
    };
    let section = Item {
        kind: ItemKind::Section(Section {
            kind: Spanned::new(SmallString::from("#"), error_span),
            name: None,
            items: Spanned::new(Vec::new(), error_span),
        }),
        span: error_span,
    };
    OpamFile {
        items: vec![version_item, section],
    }
}

/// opam's checks on `opam-version` fields after the first item: after a 2.1+
/// header none may follow; otherwise none may be a string of version 2.1 or later.
fn check_opam_version_fields(file: &OpamFile, format_2_1: bool) -> Result<(), ParseError> {
    for item in file.items.iter().skip(1) {
        if let ItemKind::Variable(name, value) = &item.kind
            && name.value == "opam-version"
            && let ValueKind::String(version) = &value.kind
        {
            if format_2_1 {
                return Err(ParseError::new(
                    ParseErrorKind::Lexer(LexerError::OpamVersionRepeated),
                    item.span,
                ));
            }
            if nopatch(version) > (2, 0) {
                return Err(ParseError::new(
                    ParseErrorKind::Lexer(LexerError::OpamVersionNotFirst),
                    item.span,
                ));
            }
        }
    }
    Ok(())
}

/// The starting capacity of the parser's value and item stacks: enough for the
/// lists and sections of nearly every opam file, so that they are allocated once
/// per file instead of regrown (regrowing them was 130,000 reallocations over
/// opam-repository's 18,793 files).
const STACK_CAPACITY: usize = 64;

/// A stack of `capacity` holding only `placeholder`.
fn with_placeholder<T>(capacity: usize, placeholder: T) -> Vec<T> {
    let mut stack = Vec::with_capacity(capacity);
    stack.push(placeholder);
    stack
}

struct Parser<'src> {
    src: &'src [u8],
    /// The lexer; its last token is always `current` (the header's read-ahead is
    /// undone by [`Parser::read_header`]), so the bytes of a current string token
    /// are read from it when the tree needs them.
    lexer: Lexer<'src>,
    current: Token,
    depth: usize,
    /// The values of the lists being read, innermost last. Each list is built here
    /// and moved out with `split_off` into a `Vec` of its exact length when it
    /// closes: one allocation and one `memcpy` per list, instead of one allocation
    /// per doubling. The stack starts with one placeholder so that no list starts
    /// at index 0, where `split_off` would hand over the whole buffer instead.
    value_stack: Vec<Value>,
    /// The same for the items of the file and of the sections being read.
    item_stack: Vec<Item>,
}

impl<'src> Parser<'src> {
    fn new(src: &'src [u8]) -> Parser<'src> {
        Parser {
            src,
            lexer: Lexer::new(src),
            current: Token {
                kind: TokenKind::Eof,
                span: Span::default(),
            },
            depth: 0,
            value_stack: with_placeholder(STACK_CAPACITY, Value::new(ValueKind::Bool(false))),
            item_stack: with_placeholder(
                STACK_CAPACITY,
                Item {
                    kind: ItemKind::Variable(
                        Spanned::new(SmallString::new(), Span::default()),
                        Value::new(ValueKind::Bool(false)),
                    ),
                    span: Span::default(),
                },
            ),
        }
    }

    /// Reads the first three tokens as opam does (a lexer error among them is a
    /// syntax error), and recognises an `opam-version: "…"` header.
    ///
    /// The lexer is then put back just after the first token, which becomes the
    /// current one: the parser reads the second and third again. Re-lexing two short
    /// tokens once per file is cheaper than checking a queue of read-ahead tokens on
    /// every token of the file, which is what this replaces.
    fn read_header(&mut self) -> Result<Option<Header>, Box<ParseError>> {
        let mut tokens = [self.current; 3];
        let mut after_first = self.lexer.checkpoint();
        let mut version_bytes = SmallBytes::new();
        for (index, slot) in tokens.iter_mut().enumerate() {
            let token = self.lexer.significant().map_err(|error| {
                let hidden_lexer_error = match error.kind() {
                    ParseErrorKind::Lexer(lexer_error) => Some(*lexer_error),
                    _ => None,
                };
                Box::new(ParseError::new(
                    ParseErrorKind::Syntax {
                        found: "an invalid token",
                        hidden_lexer_error,
                    },
                    error.span(),
                ))
            })?;
            if index == 0 {
                after_first = self.lexer.checkpoint();
            }
            if index == 2 && matches!(token.kind, TokenKind::String { .. }) {
                version_bytes = self.lexer.small_string_value();
            }
            *slot = token;
        }
        let [name, colon, version] = tokens;
        let header = if name.kind == TokenKind::Ident
            && self.text(name.span) == b"opam-version"
            && colon.kind == TokenKind::Colon
            && matches!(version.kind, TokenKind::String { .. })
        {
            let major_minor = nopatch(&version_bytes);
            Some(Header {
                name_end: name.span.end,
                colon_end: colon.span.end,
                version: version_bytes,
                version_end: version.span.end,
                format_2_1: major_minor >= (2, 1),
                trap: major_minor > LIBRARY_VERSION,
            })
        } else {
            None
        };
        if matches!(name.kind, TokenKind::String { .. }) {
            // The lexer's string bytes would be the third token's: read the first
            // again from the start instead.
            self.lexer.rewind(Checkpoint::START);
            self.advance()?;
        } else {
            self.lexer.rewind(after_first);
            self.current = name;
        }
        Ok(header)
    }

    fn text(&self, span: Span) -> &'src [u8] {
        self.src.get(span.range()).unwrap_or_default()
    }

    /// The text of the identifier at `span`. The lexer lets only ASCII bytes
    /// (`[A-Za-z0-9_+:-]`) into an identifier: they are copied without the cost of
    /// UTF-8 validation (2% of the parse).
    fn ident(&self, span: Span) -> SmallString {
        SmallString::from_lexed_ident(self.src, span.start as usize, span.end as usize)
    }

    /// `{ item }`, while the current token is an identifier.
    fn items(&mut self) -> Result<Vec<Item>, Box<ParseError>> {
        let base = self.item_stack.len();
        while self.current.kind == TokenKind::Ident {
            self.push_item()?;
        }
        Ok(self.item_stack.split_off(base))
    }

    fn advance(&mut self) -> Result<(), Box<ParseError>> {
        self.advance_inline()
    }

    /// [`Parser::advance`], inlined after an atom and after the opening bracket of
    /// a list: the tokens that follow them are most of a file's, and the call's
    /// register saves and restores were a good part of the cost of a token.
    /// Forced in optimised builds only (see [`Parser::or_operand`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn advance_inline(&mut self) -> Result<(), Box<ParseError>> {
        self.current = self.lexer.significant()?;
        Ok(())
    }

    fn unexpected(&self) -> Box<ParseError> {
        Box::new(ParseError::new(
            ParseErrorKind::Syntax {
                found: self.current.kind.describe(),
                hidden_lexer_error: None,
            },
            self.current.span,
        ))
    }

    fn expect(&mut self, kind: TokenKind) -> Result<Span, Box<ParseError>> {
        if self.current.kind != kind {
            return Err(self.unexpected());
        }
        let span = self.current.span;
        self.advance()?;
        Ok(span)
    }

    fn enter(&mut self) -> Result<(), Box<ParseError>> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Box::new(ParseError::new(
                ParseErrorKind::TooDeep { limit: MAX_NESTING },
                self.current.span,
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `file = { item } EOF`
    fn file(&mut self) -> Result<OpamFile, Box<ParseError>> {
        let items = self.items()?;
        if self.current.kind != TokenKind::Eof {
            return Err(self.unexpected());
        }
        Ok(OpamFile { items })
    }

    /// `item = IDENT ":" value | IDENT [ STRING ] "{" { item } "}"`, pushed onto
    /// the item stack: a field, most items, is written once, in its place there.
    fn push_item(&mut self) -> Result<(), Box<ParseError>> {
        let name_span = self.current.span;
        let name = self.ident(name_span);
        match self.lexer.adjacent_colon() {
            Some(colon) => self.current = colon,
            None => self.advance()?,
        }
        match self.current.kind {
            TokenKind::Colon => {
                self.advance()?;
                let value = self.value()?;
                let span = name_span.to(value.span);
                self.item_stack.push(Item {
                    kind: ItemKind::Variable(Spanned::new(name, name_span), value),
                    span,
                });
                Ok(())
            }
            TokenKind::LBrace | TokenKind::String { .. } => {
                let section_name = if matches!(self.current.kind, TokenKind::String { .. }) {
                    let span = self.current.span;
                    let bytes = self.lexer.small_string_value();
                    self.advance()?;
                    Some(Spanned::new(bytes, span))
                } else {
                    None
                };
                let open = self.expect(TokenKind::LBrace)?;
                self.enter()?;
                let items = self.items()?;
                self.leave();
                let close = self.expect(TokenKind::RBrace)?;
                self.item_stack.push(Item {
                    kind: ItemKind::Section(Section {
                        kind: Spanned::new(name, name_span),
                        name: section_name,
                        items: Spanned::new(items, open.to(close)),
                    }),
                    span: name_span.to(close),
                });
                Ok(())
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `value = and_e { "|" and_e }`
    ///
    /// Most values are a lone atom (a string or identifier in a list, a field's
    /// string): when an atom is not followed by a token that extends it, it is
    /// returned straight away, without going down and back up the grammar's levels,
    /// each of which moved the value once more through memory.
    fn value(&mut self) -> Result<Value, Box<ParseError>> {
        if is_atom(self.current.kind) {
            let atom = self.atom()?;
            if !extends_atom(self.current.kind) {
                return Ok(atom);
            }
            return self.value_from_atom(atom);
        }
        if self.current.kind == TokenKind::LBracket {
            return self.list_value();
        }
        let left = self.and_e()?;
        self.or_rest(left)
    }

    /// A value that starts with a list, the next most common kind of value after
    /// a lone atom (a field's list, a command in `build`): read without going
    /// down and back up the grammar's levels, unless a `{`, `&` or `|` follows.
    fn list_value(&mut self) -> Result<Value, Box<ParseError>> {
        let list = self.list()?;
        if extends_primary(self.current.kind) {
            return self.value_from_primary(list);
        }
        Ok(list)
    }

    /// A value that starts with a relational operator, as the constraints in a
    /// dependency's braces do (`{>= "1.0"}`): read as [`Parser::list_value`] is.
    fn prefix_relop_value(&mut self, op: crate::ast::RelOp) -> Result<Value, Box<ParseError>> {
        let value = self.prefix_relop(op)?;
        if extends_primary(self.current.kind) {
            return self.value_from_primary(value);
        }
        Ok(value)
    }

    /// The rest of a value that starts with a primary other than an atom, followed
    /// by `{`, `&` or `|` (see [`Parser::list_value`]).
    #[inline(never)]
    fn value_from_primary(&mut self, primary: Value) -> Result<Value, Box<ParseError>> {
        let postfix = self.postfix_rest(primary)?;
        let and = self.and_rest(postfix)?;
        self.or_rest(and)
    }

    /// The rest of a value whose first atom has been read and is followed by an
    /// operator or `{`: out of line, as the less common case of [`Parser::value`].
    #[inline(never)]
    fn value_from_atom(&mut self, atom: Value) -> Result<Value, Box<ParseError>> {
        let primary = self.primary_rest(atom)?;
        let postfix = self.postfix_rest(primary)?;
        let and = self.and_rest(postfix)?;
        self.or_rest(and)
    }

    /// `{ "|" and_e }` after the first operand `left`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn or_rest(&mut self, left: Value) -> Result<Value, Box<ParseError>> {
        self.logop_rest(left, TokenKind::Or, LogOp::Or, Self::or_operand)
    }

    /// `{ token operand }` after the first operand `left`: the loop of `|` and of
    /// `&`, which makes one flat [`LogChain`] of any length (opam's left-nested
    /// `Logop`s).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn logop_rest(
        &mut self,
        left: Value,
        token: TokenKind,
        op: LogOp,
        operand: fn(&mut Self) -> Result<Value, Box<ParseError>>,
    ) -> Result<Value, Box<ParseError>> {
        if self.current.kind != token {
            return Ok(left);
        }
        let start = left.span;
        // The operands are gathered on the value stack, as a list's elements are,
        // and moved out in one vector of their exact number.
        let base = self.value_stack.len();
        self.value_stack.push(left);
        while self.current.kind == token {
            self.advance()?;
            let next = operand(self)?;
            self.value_stack.push(next);
        }
        let operands = self.value_stack.split_off(base);
        let end = operands.last().map_or(start, |last| last.span);
        Ok(Value {
            span: start.to(end),
            kind: ValueKind::Logop(LogChain { op, operands }),
        })
    }

    /// The grammar functions from `and_e` down to `atom` are inlined into `value`,
    /// so a value is read in one function: called, each returned its node through
    /// memory, and those copies were a good part of the parse. Right-hand operands,
    /// rarer, go through the out-of-line functions below, which keeps one inlined
    /// copy of the chain. The inlining is forced in optimised builds only:
    /// unoptimised, each inlined copy keeps its own locals in the frame, and the
    /// frames of 256 nested lists ([`MAX_NESTING`]) outgrew a test thread's stack.
    #[inline(never)]
    fn or_operand(&mut self) -> Result<Value, Box<ParseError>> {
        self.and_e()
    }

    /// The right operand of `&` (see [`Parser::or_operand`]).
    #[inline(never)]
    fn and_operand(&mut self) -> Result<Value, Box<ParseError>> {
        self.unary()
    }

    /// The operand after a relational or environment operator (see
    /// [`Parser::or_operand`]). It returns the atom boxed, as every operand is
    /// kept: the box is filled here rather than from a returned copy.
    #[inline(never)]
    fn atom_operand(&mut self) -> Result<Box<Value>, Box<ParseError>> {
        Ok(Box::new(self.atom()?))
    }

    /// `and_e = unary { "&" unary }`
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn and_e(&mut self) -> Result<Value, Box<ParseError>> {
        let left = self.unary()?;
        self.and_rest(left)
    }

    /// `{ "&" unary }` after the first operand `left`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn and_rest(&mut self, left: Value) -> Result<Value, Box<ParseError>> {
        self.logop_rest(left, TokenKind::And, LogOp::And, Self::and_operand)
    }

    /// `unary = PFXOP unary | postfix`
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn unary(&mut self) -> Result<Value, Box<ParseError>> {
        if let TokenKind::Pfxop(op) = self.current.kind {
            return self.prefixed(op);
        }
        self.postfix()
    }

    /// `PFXOP unary`, out of line: prefix operators are rare, and keeping the
    /// recursion here lets the common path of `unary` be inlined.
    #[inline(never)]
    fn prefixed(&mut self, op: PfxOp) -> Result<Value, Box<ParseError>> {
        let op = Spanned::new(op, self.current.span);
        self.advance()?;
        self.enter()?;
        let operand = self.unary()?;
        self.leave();
        let span = op.span.to(operand.span);
        Ok(Value {
            kind: ValueKind::Pfxop(op, Box::new(operand)),
            span,
        })
    }

    /// `postfix = primary { "{" { value } "}" }`
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn postfix(&mut self) -> Result<Value, Box<ParseError>> {
        let primary = self.primary()?;
        self.postfix_rest(primary)
    }

    /// `{ "{" { value } "}" }` after the primary `value`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn postfix_rest(&mut self, value: Value) -> Result<Value, Box<ParseError>> {
        if self.current.kind != TokenKind::LBrace {
            return Ok(value);
        }
        let options = self.values(TokenKind::RBrace)?;
        if self.current.kind == TokenKind::LBrace {
            return self.stacked_options(value, options);
        }
        Ok(option(value, options))
    }

    /// `subject {first} {…} …`, out of line: no real file stacks lists of options.
    /// They make one flat node, however many there are (see
    /// [`ValueKind::StackedOptions`]).
    #[inline(never)]
    fn stacked_options(
        &mut self,
        subject: Value,
        first: Spanned<Vec<Value>>,
    ) -> Result<Value, Box<ParseError>> {
        let mut lists = vec![first];
        while self.current.kind == TokenKind::LBrace {
            lists.push(self.values(TokenKind::RBrace)?);
        }
        let end = lists.last().map_or(subject.span, |list| list.span);
        Ok(Value {
            span: subject.span.to(end),
            kind: ValueKind::StackedOptions(Box::new(subject), lists),
        })
    }

    /// `primary = atom [ RELOP atom | ENVOP atom ] | RELOP atom | "(" { value } ")" | "[" { value } "]"`
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn primary(&mut self) -> Result<Value, Box<ParseError>> {
        match self.current.kind {
            TokenKind::Relop(op) => self.prefix_relop(op),
            TokenKind::LParen => {
                let values = self.values(TokenKind::RParen)?;
                let span = values.span;
                Ok(Value {
                    kind: ValueKind::Group(values),
                    span,
                })
            }
            TokenKind::LBracket => self.list(),
            _ => {
                let left = self.atom()?;
                self.primary_rest(left)
            }
        }
    }

    /// `"[" { value } "]"`, the current token being `[`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn list(&mut self) -> Result<Value, Box<ParseError>> {
        let values = self.values(TokenKind::RBracket)?;
        Ok(Value {
            span: values.span,
            kind: ValueKind::List(values),
        })
    }

    /// `RELOP atom`, the current token being the operator `op`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn prefix_relop(&mut self, op: crate::ast::RelOp) -> Result<Value, Box<ParseError>> {
        let op = Spanned::new(op, self.current.span);
        self.advance()?;
        let operand = self.atom_operand()?;
        Ok(Value {
            span: op.span.to(operand.span),
            kind: ValueKind::PrefixRelop(op, operand),
        })
    }

    /// `[ RELOP atom | ENVOP atom ]` after the atom `left`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn primary_rest(&mut self, left: Value) -> Result<Value, Box<ParseError>> {
        match self.current.kind {
            TokenKind::Relop(op) => {
                let op = Spanned::new(op, self.current.span);
                self.advance()?;
                let right = self.atom_operand()?;
                let span = left.span.to(right.span);
                Ok(Value {
                    kind: ValueKind::Relop(op, Box::new(left), right),
                    span,
                })
            }
            TokenKind::EnvOp(op) => {
                let op = Spanned::new(op, self.current.span);
                self.advance()?;
                let right = self.atom_operand()?;
                let span = left.span.to(right.span);
                Ok(Value {
                    kind: ValueKind::EnvBinding(Box::new(left), op, right),
                    span,
                })
            }
            _ => Ok(left),
        }
    }

    /// The opening token (current), `{ value }`, then `close`; the span covers both
    /// delimiters.
    fn values(&mut self, close: TokenKind) -> Result<Spanned<Vec<Value>>, Box<ParseError>> {
        let open = self.current.span;
        self.advance_inline()?;
        self.enter()?;
        let base = self.value_stack.len();
        while starts_value(self.current.kind) {
            // The elements of lists are mostly lone atoms: read here, as in
            // `value`, they skip a call whose frame is large, and they are built
            // in their place on the stack instead of being returned and moved.
            if is_atom(self.current.kind) {
                self.push_atom()?;
                if extends_atom(self.current.kind) {
                    self.extend_top()?;
                }
            } else if self.current.kind == TokenKind::LBracket {
                let value = self.list_value()?;
                self.value_stack.push(value);
            } else if let TokenKind::Relop(op) = self.current.kind {
                let value = self.prefix_relop_value(op)?;
                self.value_stack.push(value);
            } else {
                let value = self.compound()?;
                self.value_stack.push(value);
            }
        }
        let values = self.value_stack.split_off(base);
        self.leave();
        let close = self.expect(close)?;
        Ok(Spanned::new(values, open.to(close)))
    }

    /// An atom, the current token, pushed onto the value stack: the node is
    /// written once, in its place among the list's elements.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn push_atom(&mut self) -> Result<(), Box<ParseError>> {
        let value = Value {
            kind: self.atom_kind()?,
            span: self.current.span,
        };
        self.value_stack.push(value);
        self.advance_inline()
    }

    /// The value whose first atom is on top of the value stack, when an operator
    /// or `{` follows it: out of line, as the rarer case of a list element.
    #[inline(never)]
    fn extend_top(&mut self) -> Result<(), Box<ParseError>> {
        if self.current.kind == TokenKind::LBrace {
            // An atom with options (`"pkg" {>= "1.0"}`, most of these values):
            // the atom stays on the stack while its options are read above it.
            let options = self.values(TokenKind::RBrace)?;
            let Some(atom) = self.value_stack.pop() else {
                return Err(self.unexpected());
            };
            let value = if self.current.kind == TokenKind::LBrace {
                self.stacked_options(atom, options)?
            } else {
                option(atom, options)
            };
            let value = if extends_primary(self.current.kind) {
                self.value_from_primary(value)?
            } else {
                value
            };
            self.value_stack.push(value);
            return Ok(());
        }
        let Some(atom) = self.value_stack.pop() else {
            return Err(self.unexpected());
        };
        let value = self.value_from_atom(atom)?;
        self.value_stack.push(value);
        Ok(())
    }

    /// A value that does not start with an atom, out of line: list elements are
    /// mostly atoms, and this keeps the grammar's large frame out of their loop.
    #[inline(never)]
    fn compound(&mut self) -> Result<Value, Box<ParseError>> {
        let left = self.and_e()?;
        self.or_rest(left)
    }

    /// `atom = IDENT | BOOL | INT | STRING`
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn atom(&mut self) -> Result<Value, Box<ParseError>> {
        let value = Value {
            kind: self.atom_kind()?,
            span: self.current.span,
        };
        self.advance_inline()?;
        Ok(value)
    }

    /// The node of the atom that is the current token.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn atom_kind(&self) -> Result<ValueKind, Box<ParseError>> {
        Ok(match self.current.kind {
            TokenKind::Ident => ValueKind::Ident(self.ident(self.current.span)),
            TokenKind::Bool(b) => ValueKind::Bool(b),
            TokenKind::Int(i) => ValueKind::Int(i),
            TokenKind::String { .. } => ValueKind::String(self.lexer.small_string_value()),
            _ => return Err(self.unexpected()),
        })
    }
}

/// `subject {options}`, one list of options.
#[cfg_attr(not(debug_assertions), inline(always))]
fn option(subject: Value, options: Spanned<Vec<Value>>) -> Value {
    Value {
        span: subject.span.to(options.span),
        kind: ValueKind::Option(Box::new(subject), options),
    }
}

/// `atom = IDENT | BOOL | INT | STRING`: whether `kind` starts one.
fn is_atom(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Ident | TokenKind::Bool(_) | TokenKind::Int(_) | TokenKind::String { .. }
    )
}

/// Whether `kind`, after an atom, continues the value the atom starts: a binary
/// operator, or the `{` of an option.
fn extends_atom(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Relop(_)
            | TokenKind::EnvOp(_)
            | TokenKind::LBrace
            | TokenKind::And
            | TokenKind::Or
    )
}

/// Whether `kind`, after a primary other than an atom, continues the value it
/// starts: the `{` of an option or a logical operator.
fn extends_primary(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::LBrace | TokenKind::And | TokenKind::Or)
}

fn starts_value(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Ident
            | TokenKind::Bool(_)
            | TokenKind::Int(_)
            | TokenKind::String { .. }
            | TokenKind::Relop(_)
            | TokenKind::Pfxop(_)
            | TokenKind::LParen
            | TokenKind::LBracket
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header's tokens are read twice (see [`Parser::read_header`]): the tree
    /// and the line starts must be those of one reading.
    #[test]
    fn the_header_read_ahead_leaves_no_trace() {
        let sources: &[&[u8]] = &[
            b"opam-version: \"2.0\"\nname: \"x\"\n",
            b"opam-version (* a\n comment *) :\n  \"2.0\"\r\nx: [\"a\\\n   b\"]\n",
            b"# comment\n\nopam-version: \"\"\"2.1\"\"\"\ny: true\n",
            b"url \"name\" {\n  src: \"s\"\n}\nz: 1\n",
            b"x: \"multi\nline\"\nopam-version: \"2.0\"\n",
            b"a: b\n",
            b"",
            b"\n\n",
        ];
        for &src in sources {
            let what = String::from_utf8_lossy(src);
            let (file, lines) = parse_with_lines(src).unwrap_or_else(|e| panic!("{what:?}: {e}"));
            assert_eq!(lines, OcamlLines::of_source(src), "{what:?}");
            let mut fresh = Lexer::new(src);
            let mut tokens = Vec::new();
            loop {
                let token = fresh.next_significant().unwrap();
                if token.kind == TokenKind::Eof {
                    break;
                }
                tokens.push(token.span);
            }
            // Every item starts at a token that a single pass of the lexer sees.
            for item in &file.items {
                assert!(
                    tokens.iter().any(|span| span.start == item.span.start),
                    "{what:?}"
                );
            }
        }
        // A file may start with a string: an error, reported at that string.
        let error = parse(b"\"s\" x: 1").unwrap_err();
        assert_eq!(error.span(), Span::new(0, 3));
        let section = parse(b"sec \"n\" { v: \"w\" }").unwrap();
        match &section.items[0].kind {
            ItemKind::Section(section) => {
                assert_eq!(
                    section.name.as_ref().map(|n| n.value.to_vec()),
                    Some(b"n".to_vec())
                );
            }
            ItemKind::Variable(..) => panic!("not a section"),
        }
    }
}
