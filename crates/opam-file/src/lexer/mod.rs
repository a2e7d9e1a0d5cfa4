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
use crate::small::SmallBytes;
use crate::source::Span;

/// Reads tokens one at a time from a source text.
#[derive(Debug)]
pub struct Lexer<'src> {
    src: &'src [u8],
    pos: usize,
    line_starts: Vec<u32>,
    /// The decoded bytes of the last string token, unless it was plain.
    string_value: Vec<u8>,
    /// When the last string token had no escape or line end: where its bytes are in
    /// the source, which then holds them as they are (no copy into `string_value`).
    plain_string: Option<(usize, usize)>,
}

/// A position of a [`Lexer`] to go back to: the offset and how many line starts
/// were recorded by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    pos: usize,
    lines: usize,
}

impl Checkpoint {
    /// The start of the input.
    pub(crate) const START: Checkpoint = Checkpoint { pos: 0, lines: 1 };
}

/// `ichar` of opam's lexer: `[A-Za-z0-9_-]`.
const ICHAR: u8 = 1;
/// A letter, `[A-Za-z]`.
const LETTER: u8 = 2;
/// A byte that ends the plain run of a string: a quote, a backslash, `\n`.
const STRING_STOP: u8 = 8;

/// The class bits of every byte. The hot loops (identifiers, string bodies) test one
/// table entry per byte instead of a chain of range comparisons.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphabetic() {
            table[byte] = ICHAR | LETTER;
        } else if b.is_ascii_digit() || b == b'_' || b == b'-' {
            table[byte] = ICHAR;
        } else if matches!(b, b'"' | b'\\' | b'\n') {
            table[byte] = STRING_STOP;
        }
        byte += 1;
    }
    table
};

fn is_ident_char(byte: u8) -> bool {
    CLASS[usize::from(byte)] & ICHAR != 0
}

/// How many bytes at the start of `bytes` a string copies as they are: up to the
/// first quote, backslash or `\n`, or the `\r` of a `\r\n` (a lone `\r` is kept).
///
/// Strings are about 70% of the bytes of opam-repository, so this is the lexer's
/// hottest loop. The first 64 bytes, where most strings end, are tested eight at a
/// time in a `u64` (a byte-at-a-time loop mispredicted its exit on every string),
/// as a fixed-size block when the input has that many (no bounds check per word);
/// past them (descriptions, URLs) `memchr` takes over.
#[inline(always)]
fn plain_run(bytes: &[u8]) -> usize {
    let run = match bytes.first_chunk::<64>() {
        Some(block) => block_run(block).unwrap_or_else(|| {
            let tail = &bytes[64..];
            64 + memchr::memchr3(b'"', b'\\', b'\n', tail).unwrap_or(tail.len())
        }),
        None => short_run(bytes),
    };
    match run.checked_sub(1) {
        Some(before) if bytes.get(run) == Some(&b'\n') && bytes[before] == b'\r' => before,
        _ => run,
    }
}

/// The offset of the first quote, backslash or `\n` in `block`, if any.
#[inline(always)]
fn block_run(block: &[u8; 64]) -> Option<usize> {
    let (words, _) = block.as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let stops = stop_bytes(u64::from_le_bytes(*word));
        if stops != 0 {
            return Some(index * 8 + stops.trailing_zeros() as usize / 8);
        }
    }
    None
}

/// [`plain_run`] before its `\r` rule, on fewer than 64 bytes (the end of a file).
#[inline(never)]
fn short_run(bytes: &[u8]) -> usize {
    let (words, rest) = bytes.as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let stops = stop_bytes(u64::from_le_bytes(*word));
        if stops != 0 {
            return index * 8 + stops.trailing_zeros() as usize / 8;
        }
    }
    let done = words.len() * 8;
    done + rest
        .iter()
        .position(|&b| CLASS[usize::from(b)] & STRING_STOP != 0)
        .unwrap_or(rest.len())
}

/// The high bit of each byte of `word` that is a quote, a backslash or `\n`; the
/// lowest one is exact (see [`bytes_equal`]).
#[inline(always)]
fn stop_bytes(word: u64) -> u64 {
    bytes_equal(word, b'"') | bytes_equal(word, b'\\') | bytes_equal(word, b'\n')
}

/// The high bit of each byte of `word` (read little-endian) that equals `byte`,
/// by the classic "has zero byte" test on `word ^ byte…byte`. Borrows can also
/// flag bytes *after* a match, never before one, so the lowest flag is exact.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (u64::from(byte) * ONES);
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// How many bytes at the start of `bytes` are spaces.
///
/// Indentation is a good part of the bytes between tokens: eight bytes are tested at
/// once (the lowest non-zero byte of `word ^ 0x2020…` is the first non-space), not
/// one loop iteration per byte.
fn space_run(bytes: &[u8]) -> usize {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let mut run = 0;
    while let Some(chunk) = bytes.get(run..run + 8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let others = word ^ SPACES;
        if others != 0 {
            return run + others.trailing_zeros() as usize / 8;
        }
        run += 8;
    }
    run + bytes[run..].iter().take_while(|&&b| b == b' ').count()
}

/// How many bytes at the start of `bytes` are `ichar`s.
fn ichar_run(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !is_ident_char(b))
        .unwrap_or(bytes.len())
}

/// Refuses an input of 4 GiB or more, whose offsets a [`Span`] cannot hold.
pub(crate) fn check_size(src: &[u8]) -> Result<(), ParseError> {
    if u32::try_from(src.len()).is_err() {
        return Err(ParseError::new(
            ParseErrorKind::Syntax {
                found: "a file of 4 GiB or more",
                hidden_lexer_error: None,
            },
            Span::new(0, 0),
        ));
    }
    Ok(())
}

/// Converts an offset of the input to the `u32` of a [`Span`]. [`crate::parse`] and
/// [`tokenize`] refuse inputs of 4 GiB or more ([`check_size`]), so the conversion is
/// exact there; a [`Lexer`] used directly on such an input gets wrapped offsets, as
/// meaningless as the clamped ones this once returned, and a saturating conversion
/// cost two instructions per token boundary.
fn offset(position: usize) -> u32 {
    position as u32
}

impl<'src> Lexer<'src> {
    /// A lexer at the start of `src`.
    ///
    /// Inputs of 4 GiB or more cannot be represented by [`Span`]; [`crate::parse`]
    /// rejects them before lexing.
    pub fn new(src: &'src [u8]) -> Lexer<'src> {
        // opam files average well over 16 bytes a line: one allocation for the
        // line starts instead of a series of reallocations as the Vec grows.
        let mut line_starts = Vec::with_capacity(src.len() / 16 + 1);
        line_starts.push(0);
        Lexer {
            src,
            pos: 0,
            line_starts,
            string_value: Vec::new(),
            plain_string: None,
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

    /// Where the lexer is now, to [`Lexer::rewind`] to.
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pos: self.pos,
            lines: self.line_starts.len(),
        }
    }

    /// Goes back to `checkpoint`, forgetting the line starts recorded since.
    pub(crate) fn rewind(&mut self, checkpoint: Checkpoint) {
        self.pos = checkpoint.pos;
        self.line_starts.truncate(checkpoint.lines);
    }

    /// The decoded bytes of the last string token.
    pub fn string_value(&self) -> &[u8] {
        match self.plain_string {
            Some((start, end)) => self.src.get(start..end).unwrap_or_default(),
            None => &self.string_value,
        }
    }

    /// The decoded bytes of the last string token, as the tree keeps them. Inlined
    /// where the parser builds a string node, so the bytes go straight into it.
    #[inline(always)]
    pub(crate) fn small_string_value(&self) -> SmallBytes {
        match self.plain_string {
            Some((start, end)) => SmallBytes::from_range(self.src, start, end),
            None => SmallBytes::from(self.string_value.as_slice()),
        }
    }

    /// Takes the decoded bytes of the last string token, leaving an empty buffer.
    pub fn take_string_value(&mut self) -> Vec<u8> {
        match self.plain_string.take() {
            Some((start, end)) => self.src.get(start..end).unwrap_or_default().to_vec(),
            None => std::mem::take(&mut self.string_value),
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.get(at).copied()
    }

    fn newline_at(&mut self, bol: usize) {
        self.line_starts.push(offset(bol));
    }

    /// A lexer error; boxed, as every error inside the lexer and parser is, so that a
    /// `Result` of a token or a tree node is no bigger than the token or node.
    fn error(&self, error: LexerError, start: usize, end: usize) -> Box<ParseError> {
        Box::new(ParseError::new(
            ParseErrorKind::Lexer(error),
            Span::new(offset(start), offset(end)),
        ))
    }

    /// The next token, trivia included. At the end of the input this returns
    /// [`TokenKind::Eof`] (again on every further call).
    pub fn next_token(&mut self) -> Result<Token, ParseError> {
        self.lex().map_err(|error| *error)
    }

    /// The body of [`Lexer::next_token`], inlined into [`Lexer::next_significant`]:
    /// as a call, the token came back through memory in a `Result` whose fields sit
    /// at odd offsets, and the stalls of copying it were most of the time the lexer
    /// spent outside string bodies.
    #[inline(always)]
    fn lex(&mut self) -> Result<Token, Box<ParseError>> {
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
            b'"' => match self.plain_string(start) {
                Some(len) => (TokenKind::String { triple: false }, len),
                None => {
                    let triple = self.src[start..].starts_with(b"\"\"\"");
                    (TokenKind::String { triple }, self.string(start, triple)?)
                }
            },
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
        self.significant().map_err(|error| *error)
    }

    /// [`Lexer::next_significant`], for the parser, which inlines it: the token goes
    /// straight into the parser's current token instead of through a returned value.
    #[inline(always)]
    pub(crate) fn significant(&mut self) -> Result<Token, Box<ParseError>> {
        // Blanks, line ends and line comments are a good part of a file's bytes:
        // step over them here (runs of spaces in one step) rather than making a
        // token of each.
        loop {
            let start = self.pos;
            match self.src.get(start) {
                Some(b' ') => self.pos = start + space_run(&self.src[start..]),
                Some(b'\t') => self.pos = start + 1,
                Some(b'\n') => {
                    self.pos = start + 1;
                    self.newline_at(start + 1);
                }
                Some(b'#') => {
                    let rest = &self.src[start..];
                    self.pos = start + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                }
                _ => {
                    let token = self.lex()?;
                    if !token.kind.is_trivia() {
                        return Ok(token);
                    }
                }
            }
        }
    }

    /// A `:` (not `:=`) right at the lexer's position, read as the next token. A
    /// field's name is nearly always followed by its colon with nothing between:
    /// this spares the parser a full call to the lexer for it.
    #[inline(always)]
    pub(crate) fn adjacent_colon(&mut self) -> Option<Token> {
        let start = self.pos;
        if self.byte(start) == Some(b':') && self.byte(start + 1) != Some(b'=') {
            self.pos = start + 1;
            return Some(Token {
                kind: TokenKind::Colon,
                span: Span::new(offset(start), offset(start + 1)),
            });
        }
        None
    }

    /// Length of the ichar run at `at`, and whether it holds a letter.
    fn ident_run(&self, at: usize) -> (usize, bool) {
        let run = self.src.get(at..).unwrap_or_default();
        let len = ichar_run(run);
        let has_letter = run[..len]
            .iter()
            .any(|&b| CLASS[usize::from(b)] & LETTER != 0);
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
    #[inline(always)]
    fn word(&self, start: usize) -> Result<(TokenKind, usize), Box<ParseError>> {
        // Fast path for the usual word, a plain identifier such as `depends`: when it
        // starts with a letter no integer can match, and when its `ichar` run is not
        // followed by `+` or `:` and then an `ichar` (as in `depends: [`, the most
        // common case of all) that run is the whole identifier.
        if self.src[start].is_ascii_alphabetic() {
            let len = ichar_run(&self.src[start..]);
            let extends = matches!(self.byte(start + len), Some(b'+' | b':'))
                && self.byte(start + len + 1).is_some_and(is_ident_char);
            if !extends {
                let kind = match &self.src[start..start + len] {
                    b"true" => TokenKind::Bool(true),
                    b"false" => TokenKind::Bool(false),
                    _ => TokenKind::Ident,
                };
                return Ok((kind, len));
            }
        }
        self.word_general(start)
    }

    /// [`Lexer::word`] by the full rules, for every case.
    #[inline(never)]
    fn word_general(&self, start: usize) -> Result<(TokenKind, usize), Box<ParseError>> {
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
                None => Err(Box::new(ParseError::new(
                    ParseErrorKind::IntOfString,
                    Span::new(offset(start), offset(start + int_len)),
                ))),
            }
        } else {
            Err(self.error(LexerError::InvalidToken(self.src[start]), start, start + 1))
        }
    }

    /// A `(* … *)` comment starting at `start`; returns its length.
    fn block_comment(&mut self, start: usize) -> Result<usize, Box<ParseError>> {
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

    /// The usual string, `"…"` with no escape or line end, at `start`: its bytes are
    /// those of the source, so only their place is recorded. Returns its length, or
    /// `None` for any other string (see [`Lexer::string`]). Inlined into the lexer's
    /// dispatch: it is the most common token.
    #[inline(always)]
    fn plain_string(&mut self, start: usize) -> Option<usize> {
        let at = start + 1;
        let rest = self.src.get(at..).unwrap_or_default();
        let plain = plain_run(rest);
        // `""` followed by `"` opens a triple-quoted string instead.
        if rest.get(plain) == Some(&b'"') && (plain > 0 || rest.get(1) != Some(&b'"')) {
            self.plain_string = Some((at, at + plain));
            return Some(plain + 2);
        }
        None
    }

    /// A string starting at `start` (`"` or `"""`) that is not a plain one; decodes
    /// it into `string_value` and returns its length in the source.
    #[inline(never)]
    fn string(&mut self, start: usize, triple: bool) -> Result<usize, Box<ParseError>> {
        let mut at = start + if triple { 3 } else { 1 };
        self.plain_string = None;
        self.string_value.clear();
        loop {
            // Copy the plain bytes up to the next one that needs a decision.
            let rest = self.src.get(at..).unwrap_or_default();
            let plain = plain_run(rest);
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
    fn escape(&mut self, at: usize) -> Result<usize, Box<ParseError>> {
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
    check_size(src)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_run` by its definition, one byte at a time.
    fn plain_run_reference(bytes: &[u8]) -> usize {
        for (at, &byte) in bytes.iter().enumerate() {
            match byte {
                b'"' | b'\\' | b'\n' => return at,
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => return at,
                _ => {}
            }
        }
        bytes.len()
    }

    #[test]
    fn plain_run_stops_where_its_definition_does_on_both_sides_of_the_memchr_switch() {
        let fillers = (0..=255u8).filter(|b| !matches!(b, b'"' | b'\\' | b'\n' | b'\r'));
        for (len, filler) in (0..150).zip(fillers.cycle()) {
            for stop in [b'"', b'\\', b'\n', b'\r', b'x'] {
                for cr_before in [false, true] {
                    let mut bytes = vec![filler; len];
                    if cr_before && len > 0 {
                        bytes[len - 1] = b'\r';
                    }
                    bytes.push(stop);
                    // Bytes just past a stop that could fool a borrow (0x00, 0x01, stops).
                    bytes.extend_from_slice(b"\x01\x00\"\\\ntail\"");
                    assert_eq!(
                        plain_run(&bytes),
                        plain_run_reference(&bytes),
                        "{:?}",
                        String::from_utf8_lossy(&bytes)
                    );
                }
            }
        }
    }

    #[test]
    fn plain_string_fast_path_leaves_triple_quotes_and_escapes_to_the_full_rules() {
        let cases: &[(&[u8], TokenKind, usize, &[u8])] = &[
            (b"\"\"", TokenKind::String { triple: false }, 2, b""),
            (b"\"\" x", TokenKind::String { triple: false }, 2, b""),
            (
                b"\"\"\"a\"\"\"",
                TokenKind::String { triple: true },
                7,
                b"a",
            ),
            (b"\"\"\"\"\"\"", TokenKind::String { triple: true }, 6, b""),
            (b"\"ab\" c", TokenKind::String { triple: false }, 4, b"ab"),
            (
                b"\"a\\nb\"",
                TokenKind::String { triple: false },
                6,
                b"a\nb",
            ),
            (
                b"\"a\r\nb\"",
                TokenKind::String { triple: false },
                6,
                b"a\nb",
            ),
        ];
        for &(src, kind, len, value) in cases {
            let mut lexer = Lexer::new(src);
            let token = lexer.next_significant().unwrap();
            let what = String::from_utf8_lossy(src);
            assert_eq!(token.kind, kind, "{what:?}");
            assert_eq!(token.span, Span::new(0, offset(len)), "{what:?}");
            assert_eq!(lexer.string_value(), value, "{what:?}");
            assert_eq!(lexer.small_string_value(), value, "{what:?}");
        }
    }

    #[test]
    fn runs_of_spaces_end_at_the_first_other_byte() {
        for len in 0..40 {
            for after in [&b""[..], b"x", b"\t", b"\x00", b"!"] {
                let src = [vec![b' '; len], after.to_vec()].concat();
                assert_eq!(space_run(&src), len, "{len} {after:?}");
            }
        }
    }

    #[test]
    fn word_fast_path_agrees_with_the_full_rules() {
        let words: &[&[u8]] = &[
            b"depends",
            b"true",
            b"false",
            b"truex",
            b"true+x",
            b"a+b",
            b"a+",
            b"a+1",
            b"a+_",
            b"a:b",
            b"a:",
            b"a:1",
            b"a:b:c",
            b"x-1",
            b"x_",
            b"a-b+_+c:d",
            b"Z9",
        ];
        for word in words {
            for after in [
                &b""[..],
                b" ",
                b"\n",
                b"+",
                b":",
                b"\"",
                b"{",
                b"_",
                b"-",
                b"1",
                b"x",
            ] {
                let src = [*word, after].concat();
                let lexer = Lexer::new(&src);
                assert_eq!(
                    lexer.word(0),
                    lexer.word_general(0),
                    "{:?}",
                    String::from_utf8_lossy(&src)
                );
            }
        }
    }
}
