//! The lexer: bytes to [`Token`]s, exactly as opam-file-format's `OpamLexer` reads them.
//!
//! The rules follow ocamllex semantics: at each position the longest match wins, and
//! a tie goes to the earlier rule (whitespace, newline, `:`, braces, brackets,
//! parentheses, strings, comments, `true`/`false`, integers, identifiers, relational
//! operators, `&`, `|`, prefix operators, environment operators). Unlike opam's lexer,
//! this one also returns whitespace, newlines and comments as tokens, so that the
//! token spans cover the input with no gap.
//!
//! The lexer also records where opam-file-format thinks each line starts, because
//! its positions are not plain line/column counts: a `\`-newline inside a string
//! starts a new line *after* the blanks it swallows (see [`crate::source::OcamlLines`]).

mod token;

pub use token::{Token, TokenKind};

use crate::ast::{EnvOp, PfxOp, RelOp};
use crate::error::{LexerError, ParseError, ParseErrorKind};
use crate::source::Span;

/// Reads tokens one at a time from a source text.
#[derive(Debug)]
pub struct Lexer<'src> {
    src: &'src [u8],
    pos: usize,
    line_starts: Vec<u32>,
    string_value: Vec<u8>,
}

fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// Converts an offset known to be at most the input length (checked in
/// [`Lexer::new`]) to the `u32` of a [`Span`].
fn offset(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

impl<'src> Lexer<'src> {
    /// A lexer at the start of `src`.
    ///
    /// Inputs of 4 GiB or more cannot be represented by [`Span`]; [`crate::parse`]
    /// rejects them before lexing.
    pub fn new(src: &'src [u8]) -> Lexer<'src> {
        Lexer {
            src,
            pos: 0,
            line_starts: vec![0],
            string_value: Vec::new(),
        }
    }

    /// The byte offsets at which opam-file-format considers the lines read so far to
    /// start (the first is 0).
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// Gives up the recorded line starts.
    pub fn into_line_starts(self) -> Vec<u32> {
        self.line_starts
    }

    /// The decoded bytes of the last string token.
    pub fn string_value(&self) -> &[u8] {
        &self.string_value
    }

    /// Takes the decoded bytes of the last string token, leaving an empty buffer.
    pub fn take_string_value(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.string_value)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.get(at).copied()
    }

    fn newline_at(&mut self, bol: usize) {
        self.line_starts.push(offset(bol));
    }

    fn error(&self, error: LexerError, start: usize, end: usize) -> ParseError {
        ParseError::new(
            ParseErrorKind::Lexer(error),
            Span::new(offset(start), offset(end)),
        )
    }

    /// The next token, trivia included. At the end of the input this returns
    /// [`TokenKind::Eof`] (again on every further call).
    pub fn next_token(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let Some(first) = self.byte(start) else {
            return Ok(Token {
                kind: TokenKind::Eof,
                span: Span::new(offset(start), offset(start)),
            });
        };
        let next = self.byte(start + 1);
        let (kind, len) = match first {
            b' ' | b'\t' => {
                let run = self.src[start..]
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
                (TokenKind::Whitespace, run)
            }
            b'\n' => {
                self.newline_at(start + 1);
                (TokenKind::Newline, 1)
            }
            b'\r' if next == Some(b'\n') => {
                self.newline_at(start + 2);
                (TokenKind::Newline, 2)
            }
            b':' if next == Some(b'=') => (TokenKind::EnvOp(EnvOp::ColonEq), 2),
            b':' => (TokenKind::Colon, 1),
            b'{' => (TokenKind::LBrace, 1),
            b'}' => (TokenKind::RBrace, 1),
            b'[' => (TokenKind::LBracket, 1),
            b']' => (TokenKind::RBracket, 1),
            b'(' if next == Some(b'*') => (TokenKind::BlockComment, self.block_comment(start)?),
            b'(' => (TokenKind::LParen, 1),
            b')' => (TokenKind::RParen, 1),
            b'"' => {
                let triple = self.src[start..].starts_with(b"\"\"\"");
                (TokenKind::String { triple }, self.string(start, triple)?)
            }
            b'#' => {
                let run = self.src[start..]
                    .iter()
                    .take_while(|&&b| b != b'\n')
                    .count();
                (TokenKind::LineComment, run)
            }
            b'=' => match (next, self.byte(start + 2)) {
                (Some(b':'), Some(b'=')) => {
                    return Err(self.error(LexerError::InvalidEnvOp, start, start + 3));
                }
                (Some(b'+'), Some(b'=')) => (TokenKind::EnvOp(EnvOp::EqPlusEq), 3),
                (Some(b'+'), _) => (TokenKind::EnvOp(EnvOp::EqPlus), 2),
                (Some(b':'), _) => (TokenKind::EnvOp(EnvOp::EqColon), 2),
                _ => (TokenKind::Relop(RelOp::Eq), 1),
            },
            b'!' if next == Some(b'=') => (TokenKind::Relop(RelOp::Neq), 2),
            b'!' => (TokenKind::Pfxop(PfxOp::Not), 1),
            b'<' if next == Some(b'=') => (TokenKind::Relop(RelOp::Leq), 2),
            b'<' => (TokenKind::Relop(RelOp::Lt), 1),
            b'>' if next == Some(b'=') => (TokenKind::Relop(RelOp::Geq), 2),
            b'>' => (TokenKind::Relop(RelOp::Gt), 1),
            b'~' => (TokenKind::Relop(RelOp::Geq), 1),
            b'?' => (TokenKind::Pfxop(PfxOp::Defined), 1),
            b'+' if next == Some(b'=') => (TokenKind::EnvOp(EnvOp::PlusEq), 2),
            b'&' => (TokenKind::And, 1),
            b'|' => (TokenKind::Or, 1),
            b'0'..=b'9' | b'_' | b'-' | b'a'..=b'z' | b'A'..=b'Z' => self.word(start)?,
            other => return Err(self.error(LexerError::InvalidToken(other), start, start + 1)),
        };
        self.pos = start + len;
        Ok(Token {
            kind,
            span: Span::new(offset(start), offset(start + len)),
        })
    }

    /// The next token that is not trivia.
    pub fn next_significant(&mut self) -> Result<Token, ParseError> {
        loop {
            // Blanks and line ends are most of a file's bytes: step over them here
            // rather than making a token of each (`next_token` does the same).
            while let Some(byte) = self.byte(self.pos) {
                match byte {
                    b' ' | b'\t' => self.pos += 1,
                    b'\n' => {
                        self.pos += 1;
                        self.newline_at(self.pos);
                    }
                    _ => break,
                }
            }
            let token = self.next_token()?;
            if !token.kind.is_trivia() {
                return Ok(token);
            }
        }
    }

    /// Length of the ichar run at `at`, and whether it holds a letter.
    fn ident_run(&self, at: usize) -> (usize, bool) {
        let run = self.src.get(at..).unwrap_or_default();
        let len = run.iter().take_while(|&&b| is_ident_char(b)).count();
        let has_letter = run[..len].iter().any(u8::is_ascii_alphabetic);
        (len, has_letter)
    }

    /// End of `id | '_'` at `at`, if one matches.
    fn ident_segment(&self, at: usize) -> Option<usize> {
        let (len, has_letter) = self.ident_run(at);
        if has_letter {
            Some(at + len)
        } else if self.byte(at) == Some(b'_') {
            Some(at + 1)
        } else {
            None
        }
    }

    /// Integers, identifiers and booleans, which compete for the same bytes.
    fn word(&self, start: usize) -> Result<(TokenKind, usize), ParseError> {
        // int = '-'? ['0'-'9' '_']+
        let digits_from = if self.byte(start) == Some(b'-') {
            start + 1
        } else {
            start
        };
        let digits = self.src[digits_from..]
            .iter()
            .take_while(|&&b| b.is_ascii_digit() || b == b'_')
            .count();
        let int_len = if digits == 0 {
            0
        } else {
            digits_from + digits - start
        };
        // ident = (id | '_') ('+' (id | '_'))* (':' id)?
        let mut ident_len = 0;
        if let Some(mut end) = self.ident_segment(start) {
            while self.byte(end) == Some(b'+') {
                match self.ident_segment(end + 1) {
                    Some(next_end) => end = next_end,
                    None => break,
                }
            }
            if self.byte(end) == Some(b':') {
                let (len, has_letter) = self.ident_run(end + 1);
                if has_letter {
                    end += 1 + len;
                }
            }
            ident_len = end - start;
        }
        if ident_len > int_len {
            let text = &self.src[start..start + ident_len];
            let kind = match text {
                b"true" => TokenKind::Bool(true),
                b"false" => TokenKind::Bool(false),
                _ => TokenKind::Ident,
            };
            Ok((kind, ident_len))
        } else if int_len > 0 {
            match int_of_string(&self.src[start..start + int_len]) {
                Some(value) => Ok((TokenKind::Int(value), int_len)),
                None => Err(ParseError::new(
                    ParseErrorKind::IntOfString,
                    Span::new(offset(start), offset(start + int_len)),
                )),
            }
        } else {
            Err(self.error(LexerError::InvalidToken(self.src[start]), start, start + 1))
        }
    }

    /// A `(* … *)` comment starting at `start`; returns its length.
    fn block_comment(&mut self, start: usize) -> Result<usize, ParseError> {
        let mut depth = 1usize;
        let mut at = start + 2;
        loop {
            match self.byte(at) {
                None => {
                    return Err(self.error(LexerError::UnterminatedComment, at, at));
                }
                Some(b'*') if self.byte(at + 1) == Some(b')') => {
                    at += 2;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(at - start);
                    }
                }
                Some(b'(') if self.byte(at + 1) == Some(b'*') => {
                    at += 2;
                    depth += 1;
                }
                Some(b'\n') => {
                    at += 1;
                    self.newline_at(at);
                }
                Some(_) => at += 1,
            }
        }
    }

    /// A string starting at `start` (`"` or `"""`); decodes it into `string_value`
    /// and returns its length in the source.
    fn string(&mut self, start: usize, triple: bool) -> Result<usize, ParseError> {
        let mut at = start + if triple { 3 } else { 1 };
        // Fast path: a plain string with no escape, newline or CR is copied at once,
        // with one allocation of the right size.
        if !triple {
            let rest = self.src.get(at..).unwrap_or_default();
            let plain = rest
                .iter()
                .take_while(|&&b| !matches!(b, b'"' | b'\\' | b'\n' | b'\r'))
                .count();
            if rest.get(plain) == Some(&b'"') {
                self.string_value = rest[..plain].to_vec();
                return Ok(plain + 2);
            }
        }
        self.string_value.clear();
        loop {
            // Copy the plain bytes up to the next one that needs a decision.
            let rest = self.src.get(at..).unwrap_or_default();
            let plain = rest
                .iter()
                .take_while(|&&b| !matches!(b, b'"' | b'\\' | b'\n' | b'\r'))
                .count();
            self.string_value.extend_from_slice(&rest[..plain]);
            at += plain;
            match self.byte(at) {
                None => return Err(self.error(LexerError::UnterminatedString, at, at)),
                Some(b'"') => {
                    if !triple {
                        return Ok(at + 1 - start);
                    }
                    if self.src[at..].starts_with(b"\"\"\"") {
                        return Ok(at + 3 - start);
                    }
                    self.string_value.push(b'"');
                    at += 1;
                }
                Some(b'\n') => {
                    self.string_value.push(b'\n');
                    at += 1;
                    self.newline_at(at);
                }
                Some(b'\r') if self.byte(at + 1) == Some(b'\n') => {
                    self.string_value.push(b'\n');
                    at += 2;
                    self.newline_at(at);
                }
                Some(b'\r') => {
                    self.string_value.push(b'\r');
                    at += 1;
                }
                Some(_) => at = self.escape(at + 1)?,
            }
        }
    }

    /// The escape after a backslash, `at` being just after it; returns where the
    /// string continues.
    fn escape(&mut self, at: usize) -> Result<usize, ParseError> {
        let eol_len = match (self.byte(at), self.byte(at + 1)) {
            (Some(b'\n'), _) => 1,
            (Some(b'\r'), Some(b'\n')) => 2,
            _ => 0,
        };
        if eol_len > 0 {
            let blanks = self.src[at + eol_len..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let end = at + eol_len + blanks;
            // opam's lexer starts the new line after the swallowed blanks.
            self.newline_at(end);
            return Ok(end);
        }
        let decoded = match self.byte(at) {
            Some(b'\\') => b'\\',
            Some(b'"') => b'"',
            Some(b'\'') => b'\'',
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'b') => 0x08,
            Some(b' ') => b' ',
            Some(b'0'..=b'9')
                if self
                    .src
                    .get(at..at + 3)
                    .is_some_and(|d| d.iter().all(u8::is_ascii_digit)) =>
            {
                let code = self.src[at..at + 3]
                    .iter()
                    .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
                let byte = u8::try_from(code)
                    .map_err(|_| self.error(LexerError::IllegalEscape, at, at + 3))?;
                self.string_value.push(byte);
                return Ok(at + 3);
            }
            Some(b'x') => {
                let hex = |b: Option<u8>| b.and_then(|b| char::from(b).to_digit(16));
                match (hex(self.byte(at + 1)), hex(self.byte(at + 2))) {
                    (Some(high), Some(low)) => {
                        self.string_value.push((high * 16 + low) as u8);
                        return Ok(at + 3);
                    }
                    _ => return Err(self.error(LexerError::IllegalEscape, at, at)),
                }
            }
            _ => return Err(self.error(LexerError::IllegalEscape, at, at)),
        };
        self.string_value.push(decoded);
        Ok(at + 1)
    }
}

/// OCaml's `int_of_string` on a lexed integer (`-?[0-9_]+`): the first character after
/// the sign must be a digit, underscores are ignored, and the value must fit in
/// OCaml's 63-bit `int`.
fn int_of_string(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if !digits.first()?.is_ascii_digit() {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &byte in digits {
        if byte == b'_' {
            continue;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(byte - b'0'))?;
    }
    const LIMIT: u64 = 1 << 62;
    if negative {
        if magnitude > LIMIT {
            return None;
        }
        Some(0i64.checked_sub_unsigned(magnitude)?)
    } else if magnitude >= LIMIT {
        None
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// All the tokens of `src`, trivia included, ending with [`TokenKind::Eof`].
pub fn tokenize(src: &[u8]) -> Result<Vec<Token>, ParseError> {
    let mut lexer = Lexer::new(src);
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token()?;
        tokens.push(token);
        if token.kind == TokenKind::Eof {
            return Ok(tokens);
        }
    }
}
