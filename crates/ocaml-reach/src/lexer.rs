//! The OCaml lexer: bytes in, tokens out, every byte in exactly one token.
//!
//! It follows the compiler's `lexer.mll` where it matters for reading names: nested
//! comments in which string literals, quoted strings and character literals are
//! skipped as OCaml skips them (so `(* "*)" *)` is one comment), strings with escapes,
//! quoted strings `{id|…|id}` and quoted extensions `{%ext id|…|id}`, character
//! literals told apart from type variables (`'a'` against `'a`), labels `~l:` and
//! `?l:`, the operator classes, keywords, line directives `# 12 "file.ml"`, and the
//! openers of attributes `[@`, `[@@`, `[@@@` and extension nodes `[%`, `[%%`.
//!
//! The input need not be UTF-8: bytes from 0x80 up are read as letters of identifiers
//! (as OCaml 5.3 reads UTF-8 letters), anywhere else they are [`TokenKind::Illegal`]
//! only when they cannot be part of any token. The lexer never fails: an unterminated
//! comment or string becomes one token to the end of the input, of a kind that says so.

/// A byte range of the input (shared with the opam-file lexer).
pub use opam_file::source::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces, tabs, form feeds and lone carriage returns.
    Whitespace,
    /// `\n` or `\r\n`.
    Newline,
    /// `(* … *)`, nested, doc comments included.
    Comment,
    /// `# 12 "file.ml"` at the start of a line, up to the end of the line.
    LineDirective,
    /// `"…"`.
    String,
    /// `{id|…|id}` or a quoted extension `{%ext id|…|id}`.
    QuotedString,
    /// `'c'`, `'\n'`, `'\065'`, `'\x41'`, `'\o101'`.
    Char,
    /// Integer and float literals, with their suffixes.
    Number,
    /// An identifier starting with a lower-case letter or `_`, not a keyword.
    Lident,
    /// An identifier starting with an upper-case letter.
    Uident,
    /// A keyword (`let`, `module`, `open`…).
    Keyword,
    /// A label or optional label with its colon: `~docroot:`, `?flush:`.
    Label,
    /// `'` that does not start a character literal (a type variable follows).
    Quote,
    /// An operator or a punctuation symbol: `|>`, `=`, `->`, `.`, `;;`, `::`, `~`, `!`.
    Symbol,
    /// An opening bracket: `(`, `[`, `[|`, `[<`, `[>`, `{`, `{<`.
    Open,
    /// A closing bracket: `)`, `]`, `|]`, `>]`, `}`, `>}`.
    Close,
    /// `[@`, `[@@` or `[@@@`: the start of an attribute.
    AttributeOpen,
    /// `[%` or `[%%`: the start of an extension node.
    ExtensionOpen,
    /// A comment that runs to the end of the input.
    UnterminatedComment,
    /// A string or quoted string that runs to the end of the input.
    UnterminatedString,
    /// A byte OCaml does not accept here (a control character, a lone backslash).
    Illegal,
}

impl TokenKind {
    /// Whitespace, newlines, comments and line directives: what a reader skips.
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace
                | TokenKind::Newline
                | TokenKind::Comment
                | TokenKind::LineDirective
                | TokenKind::UnterminatedComment
        )
    }
}

/// One token: its kind and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// The largest input [`tokenize`] takes: offsets are `u32`.
pub const MAX_INPUT: usize = u32::MAX as usize;

const KEYWORDS: &[&str] = &[
    "and",
    "as",
    "assert",
    "asr",
    "begin",
    "class",
    "constraint",
    "do",
    "done",
    "downto",
    "else",
    "end",
    "exception",
    "external",
    "false",
    "for",
    "fun",
    "function",
    "functor",
    "if",
    "in",
    "include",
    "inherit",
    "initializer",
    "land",
    "lazy",
    "let",
    "lor",
    "lsl",
    "lsr",
    "lxor",
    "match",
    "method",
    "mod",
    "module",
    "mutable",
    "new",
    "nonrec",
    "object",
    "of",
    "open",
    "or",
    "private",
    "rec",
    "sig",
    "struct",
    "then",
    "to",
    "true",
    "try",
    "type",
    "val",
    "virtual",
    "when",
    "while",
    "with",
];

/// True for the keywords of OCaml 5.
pub fn is_keyword(word: &[u8]) -> bool {
    KEYWORDS.iter().any(|k| k.as_bytes() == word)
}

/// Splits `src` into tokens covering it exactly, in order. Inputs longer than
/// [`MAX_INPUT`] are cut there (the caller refuses them before: see the scan's size
/// limit).
pub fn tokenize(src: &[u8]) -> Vec<Token> {
    let src = src.get(..MAX_INPUT).unwrap_or(src);
    let mut lexer = Lexer {
        src,
        pos: 0,
        tokens: Vec::with_capacity(src.len() / 4),
    };
    while lexer.pos < src.len() {
        lexer.next_token();
    }
    lexer.tokens
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
}

fn is_ident_start_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'\'' || b >= 0x80
}

/// OCaml's `symbolchar`.
fn is_symbol_char(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$'
            | b'%'
            | b'&'
            | b'*'
            | b'+'
            | b'-'
            | b'.'
            | b'/'
            | b':'
            | b'<'
            | b'='
            | b'>'
            | b'?'
            | b'@'
            | b'^'
            | b'|'
            | b'~'
    )
}

/// Letters of a quoted string's delimiter (`{id|`): OCaml's `lowercase*`.
fn is_delimiter_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b == b'_'
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn push(&mut self, kind: TokenKind, end: usize) {
        let end = end.clamp(self.pos + 1, self.src.len());
        self.tokens.push(Token {
            kind,
            span: Span {
                start: self.pos as u32,
                end: end as u32,
            },
        });
        self.pos = end;
    }

    fn next_token(&mut self) {
        let i = self.pos;
        let Some(b) = self.at(i) else { return };
        match b {
            b'\n' => self.push(TokenKind::Newline, i + 1),
            b'\r' if self.at(i + 1) == Some(b'\n') => self.push(TokenKind::Newline, i + 2),
            b' ' | b'\t' | b'\x0c' | b'\r' => {
                let mut j = i + 1;
                while matches!(self.at(j), Some(b' ' | b'\t' | b'\x0c'))
                    || (self.at(j) == Some(b'\r') && self.at(j + 1) != Some(b'\n'))
                {
                    j += 1;
                }
                self.push(TokenKind::Whitespace, j);
            }
            b'(' if self.at(i + 1) == Some(b'*') => {
                let (end, closed) = self.skip_comment(i + 2);
                let kind = if closed {
                    TokenKind::Comment
                } else {
                    TokenKind::UnterminatedComment
                };
                self.push(kind, end);
            }
            b'(' => self.push(TokenKind::Open, i + 1),
            b')' | b']' | b'}' => self.push(TokenKind::Close, i + 1),
            b'[' => match self.at(i + 1) {
                Some(b'|' | b'<' | b'>') => self.push(TokenKind::Open, i + 2),
                Some(b'@') => {
                    let mut j = i + 2;
                    while j < i + 4 && self.at(j) == Some(b'@') {
                        j += 1;
                    }
                    self.push(TokenKind::AttributeOpen, j);
                }
                Some(b'%') => {
                    let j = if self.at(i + 2) == Some(b'%') {
                        i + 3
                    } else {
                        i + 2
                    };
                    self.push(TokenKind::ExtensionOpen, j);
                }
                _ => self.push(TokenKind::Open, i + 1),
            },
            b'{' => {
                if let Some(end) = self.quoted_string(i) {
                    let kind = if end.1 {
                        TokenKind::QuotedString
                    } else {
                        TokenKind::UnterminatedString
                    };
                    self.push(kind, end.0);
                } else if self.at(i + 1) == Some(b'<') {
                    self.push(TokenKind::Open, i + 2);
                } else {
                    self.push(TokenKind::Open, i + 1);
                }
            }
            b'"' => {
                let (end, closed) = self.skip_string(i + 1);
                let kind = if closed {
                    TokenKind::String
                } else {
                    TokenKind::UnterminatedString
                };
                self.push(kind, end);
            }
            b'\'' => match self.char_literal(i) {
                Some(end) => self.push(TokenKind::Char, end),
                None => self.push(TokenKind::Quote, i + 1),
            },
            b'0'..=b'9' => {
                let end = self.number(i);
                self.push(TokenKind::Number, end);
            }
            b'A'..=b'Z' => {
                let end = self.ident_end(i + 1);
                self.push(TokenKind::Uident, end);
            }
            _ if is_ident_start_lower(b) => {
                let end = self.ident_end(i + 1);
                let kind = if is_keyword(self.src.get(i..end).unwrap_or_default()) {
                    TokenKind::Keyword
                } else {
                    TokenKind::Lident
                };
                self.push(kind, end);
            }
            b'#' if self.at_line_start(i) && self.is_line_directive(i) => {
                let mut j = i + 1;
                while !matches!(self.at(j), None | Some(b'\n' | b'\r')) {
                    j += 1;
                }
                self.push(TokenKind::LineDirective, j);
            }
            b'~' | b'?' if self.at(i + 1).is_some_and(is_ident_start_lower) => {
                let end = self.ident_end(i + 2);
                if self.at(end) == Some(b':') && self.at(end + 1) != Some(b'=') {
                    self.push(TokenKind::Label, end + 1);
                } else {
                    self.push(TokenKind::Symbol, i + 1);
                }
            }
            b'|' if self.at(i + 1) == Some(b']') => self.push(TokenKind::Close, i + 2),
            b'>' if matches!(self.at(i + 1), Some(b']' | b'}')) => {
                self.push(TokenKind::Close, i + 2)
            }
            b';' => {
                let end = if self.at(i + 1) == Some(b';') {
                    i + 2
                } else {
                    i + 1
                };
                self.push(TokenKind::Symbol, end);
            }
            b',' | b'`' => self.push(TokenKind::Symbol, i + 1),
            _ => {
                let end = self.symbol(i);
                if end > i {
                    self.push(TokenKind::Symbol, end);
                } else {
                    self.push(TokenKind::Illegal, i + 1);
                }
            }
        }
    }

    fn ident_end(&self, mut j: usize) -> usize {
        while self.at(j).is_some_and(is_ident_char) {
            j += 1;
        }
        j
    }

    /// The end of an operator or symbol starting at `i`, by OCaml's rules (longest
    /// match); `i` when no rule applies.
    fn symbol(&self, i: usize) -> usize {
        let Some(b) = self.at(i) else { return i };
        let run = |mut j: usize| {
            while self.at(j).is_some_and(is_symbol_char) {
                j += 1;
            }
            j
        };
        match b {
            b'=' | b'<' | b'>' | b'|' | b'&' | b'$' | b'@' | b'^' | b'+' | b'-' | b'*' | b'/'
            | b'%' => run(i + 1),
            b'!' | b'~' | b'?' => run(i + 1),
            b'#' => {
                let mut j = i + 1;
                while self.at(j).is_some_and(|c| is_symbol_char(c) || c == b'#') {
                    j += 1;
                }
                j
            }
            b':' => match self.at(i + 1) {
                Some(b':' | b'=' | b'>') => i + 2,
                _ => i + 1,
            },
            b'.' => match self.at(i + 1) {
                Some(b'.') => i + 2,
                Some(c) if is_symbol_char(c) && c != b'.' => run(i + 1),
                _ => i + 1,
            },
            _ => i,
        }
    }

    fn at_line_start(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 {
            match self.at(j - 1) {
                Some(b' ' | b'\t') => j -= 1,
                Some(b'\n' | b'\r') => return true,
                _ => return false,
            }
        }
        true
    }

    /// `#` blanks digits: the start of a line directive.
    fn is_line_directive(&self, i: usize) -> bool {
        let mut j = i + 1;
        while matches!(self.at(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        self.at(j).is_some_and(|c| c.is_ascii_digit())
    }

    fn number(&self, i: usize) -> usize {
        let mut j = i + 1;
        loop {
            match self.at(j) {
                Some(c) if c.is_ascii_alphanumeric() || c == b'_' => {
                    j += 1;
                    if matches!(c, b'e' | b'E' | b'p' | b'P')
                        && matches!(self.at(j), Some(b'+' | b'-'))
                        && self.at(j + 1).is_some_and(|d| d.is_ascii_digit())
                    {
                        j += 1;
                    }
                }
                Some(b'.') if self.at(j + 1) != Some(b'.') => j += 1,
                _ => return j,
            }
        }
    }

    /// A string body from `j` (just after the opening quote): the end and whether
    /// the closing quote was found.
    fn skip_string(&self, mut j: usize) -> (usize, bool) {
        while let Some(c) = self.at(j) {
            match c {
                b'"' => return (j + 1, true),
                b'\\' => j += 2,
                _ => j += 1,
            }
        }
        (self.src.len(), false)
    }

    /// `{id|…|id}` or `{%ext id|…|id}` at `i`: the end and whether it was closed;
    /// `None` when `i` does not start one.
    fn quoted_string(&self, i: usize) -> Option<(usize, bool)> {
        let mut j = i + 1;
        if self.at(j) == Some(b'%') {
            j += 1;
            if self.at(j) == Some(b'%') {
                j += 1;
            }
            let start = j;
            while self
                .at(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'\'' | b'.'))
            {
                j += 1;
            }
            if j == start {
                return None;
            }
            let blanks = j;
            while matches!(self.at(j), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                j += 1;
            }
            if j == blanks && self.at(j) != Some(b'|') {
                return None;
            }
        }
        let delimiter_start = j;
        while self.at(j).is_some_and(is_delimiter_char) {
            j += 1;
        }
        if self.at(j) != Some(b'|') {
            return None;
        }
        let delimiter = self.src.get(delimiter_start..j)?;
        Some(self.skip_quoted_body(j + 1, delimiter))
    }

    /// From `j` to just after `|delimiter}`.
    fn skip_quoted_body(&self, mut j: usize, delimiter: &[u8]) -> (usize, bool) {
        while j < self.src.len() {
            if self.at(j) == Some(b'|') {
                let after = j + 1 + delimiter.len();
                if self.src.get(j + 1..after) == Some(delimiter) && self.at(after) == Some(b'}') {
                    return (after + 1, true);
                }
            }
            j += 1;
        }
        (self.src.len(), false)
    }

    /// A character literal at `i` (on `'`): its end, or `None` for a lone quote.
    fn char_literal(&self, i: usize) -> Option<usize> {
        let c = self.at(i + 1)?;
        match c {
            b'\\' => {
                let e = self.at(i + 2)?;
                let end = match e {
                    b'\\' | b'"' | b'\'' | b'n' | b't' | b'b' | b'r' | b' ' => i + 3,
                    b'0'..=b'9' => {
                        let digits = self.src.get(i + 2..i + 5)?;
                        digits.iter().all(u8::is_ascii_digit).then_some(i + 5)?
                    }
                    b'x' => {
                        let digits = self.src.get(i + 3..i + 5)?;
                        digits.iter().all(u8::is_ascii_hexdigit).then_some(i + 5)?
                    }
                    b'o' => {
                        let digits = self.src.get(i + 3..i + 6)?;
                        digits
                            .iter()
                            .all(|d| (b'0'..=b'7').contains(d))
                            .then_some(i + 6)?
                    }
                    _ => return None,
                };
                (self.at(end) == Some(b'\'')).then_some(end + 1)
            }
            b'\'' => None,
            b'\r' if self.at(i + 2) == Some(b'\n') => {
                (self.at(i + 3) == Some(b'\'')).then_some(i + 4)
            }
            _ => {
                let width = utf8_width(c);
                let end = i + 1 + width;
                if width > 1 {
                    let bytes = self.src.get(i + 1..end)?;
                    std::str::from_utf8(bytes).ok()?;
                }
                (self.at(end) == Some(b'\'')).then_some(end + 1)
            }
        }
    }

    /// A comment body from `j` (after `(*`): the end and whether it was closed.
    fn skip_comment(&self, mut j: usize) -> (usize, bool) {
        let mut depth = 1u32;
        while let Some(c) = self.at(j) {
            match c {
                b'(' if self.at(j + 1) == Some(b'*') => {
                    depth += 1;
                    j += 2;
                }
                b'*' if self.at(j + 1) == Some(b')') => {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        return (j, true);
                    }
                }
                b'"' => {
                    let (end, closed) = self.skip_string(j + 1);
                    if !closed {
                        return (self.src.len(), false);
                    }
                    j = end;
                }
                b'{' => match self.quoted_string(j) {
                    Some((end, true)) => j = end,
                    Some((_, false)) => return (self.src.len(), false),
                    None => j += 1,
                },
                b'\'' => j = self.char_literal(j).unwrap_or(j + 1),
                _ if is_ident_start_lower(c) || c.is_ascii_uppercase() => {
                    j = self.ident_end(j + 1);
                }
                _ => j += 1,
            }
        }
        (self.src.len(), false)
    }
}

/// The length of the UTF-8 sequence a lead byte announces (1 for anything else).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks that the tokens tile `src`: they start at 0, each starts where the
    /// previous ended, none is empty, and the last ends at the end.
    pub(crate) fn assert_tiles(src: &[u8], tokens: &[Token]) {
        let mut at = 0u32;
        for token in tokens {
            assert_eq!(token.span.start, at, "gap or overlap before {token:?}");
            assert!(token.span.end > token.span.start, "empty token {token:?}");
            at = token.span.end;
        }
        assert_eq!(at as usize, src.len(), "tokens do not reach the end");
    }

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        let tokens = tokenize(src.as_bytes());
        assert_tiles(src.as_bytes(), &tokens);
        tokens
            .iter()
            .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Newline))
            .map(|t| (t.kind, &src[t.span.range()]))
            .collect()
    }

    use TokenKind::*;

    #[test]
    fn nested_comments_skip_strings_and_quoted_strings_inside() {
        let src = r#"(* a (* b "*)" *) {|*)|} '"' c *) x"#;
        assert_eq!(
            kinds(src),
            [
                (Comment, r#"(* a (* b "*)" *) {|*)|} '"' c *)"#),
                (Lident, "x")
            ]
        );
    }

    #[test]
    fn comment_start_with_paren_is_a_comment_as_in_ocaml() {
        // `(*)` opens a comment; the `)` does not close it.
        assert_eq!(kinds("(*) x *) y"), [(Comment, "(*) x *)"), (Lident, "y")]);
    }

    #[test]
    fn identifiers_with_quotes_in_comments_do_not_start_char_literals() {
        // `x'` is an identifier, so the `"` after it opens a string in the comment.
        assert_eq!(
            kinds(r#"(* x'" *) " *) y"#),
            [(Comment, r#"(* x'" *) " *)"#), (Lident, "y")]
        );
    }

    #[test]
    fn unterminated_comment_and_string_run_to_the_end() {
        assert_eq!(
            kinds("a (* b"),
            [(Lident, "a"), (UnterminatedComment, "(* b")]
        );
        assert_eq!(
            kinds("a \"b\\\""),
            [(Lident, "a"), (UnterminatedString, "\"b\\\"")]
        );
        assert_eq!(kinds("(* \"x *)"), [(UnterminatedComment, "(* \"x *)")]);
        assert_eq!(
            kinds("{foo| x |bar}"),
            [(UnterminatedString, "{foo| x |bar}")]
        );
    }

    #[test]
    fn strings_keep_escaped_quotes() {
        assert_eq!(
            kinds(r#""a\"b" "\\" c"#),
            [(String, r#""a\"b""#), (String, r#""\\""#), (Lident, "c")]
        );
    }

    #[test]
    fn quoted_strings_and_quoted_extensions() {
        assert_eq!(
            kinds("{|a|b|} {id|x|}y|id} {%sql|select|} {%%ext id|z|id} {x}"),
            [
                (QuotedString, "{|a|b|}"),
                (QuotedString, "{id|x|}y|id}"),
                (QuotedString, "{%sql|select|}"),
                (QuotedString, "{%%ext id|z|id}"),
                (Open, "{"),
                (Lident, "x"),
                (Close, "}")
            ]
        );
    }

    #[test]
    fn character_literals_and_type_variables() {
        assert_eq!(
            kinds(r"'a' 'a '\n' '\'' '\065' '\x41' '\o101' 'é' f'"),
            [
                (Char, "'a'"),
                (Quote, "'"),
                (Lident, "a"),
                (Char, r"'\n'"),
                (Char, r"'\''"),
                (Char, r"'\065'"),
                (Char, r"'\x41'"),
                (Char, r"'\o101'"),
                (Char, "'é'"),
                (Lident, "f'")
            ]
        );
        assert_eq!(kinds("'\n'"), [(Char, "'\n'")]);
    }

    #[test]
    fn labels_operators_and_keywords() {
        assert_eq!(
            kinds("f ~docroot:d ?flush:b ~uri x |> g := !r >>= fun -> A.B.c;; x.%{y}"),
            [
                (Lident, "f"),
                (Label, "~docroot:"),
                (Lident, "d"),
                (Label, "?flush:"),
                (Lident, "b"),
                (Symbol, "~"),
                (Lident, "uri"),
                (Lident, "x"),
                (Symbol, "|>"),
                (Lident, "g"),
                (Symbol, ":="),
                (Symbol, "!"),
                (Lident, "r"),
                (Symbol, ">>="),
                (Keyword, "fun"),
                (Symbol, "->"),
                (Uident, "A"),
                (Symbol, "."),
                (Uident, "B"),
                (Symbol, "."),
                (Lident, "c"),
                (Symbol, ";;"),
                (Lident, "x"),
                (Symbol, ".%"),
                (Open, "{"),
                (Lident, "y"),
                (Close, "}")
            ]
        );
    }

    #[test]
    fn attributes_extensions_and_brackets() {
        assert_eq!(
            kinds("[@@deriving x] [@a] [@@@w] [%lwt e] [%%e] [| |] {< >} [< >]"),
            [
                (AttributeOpen, "[@@"),
                (Lident, "deriving"),
                (Lident, "x"),
                (Close, "]"),
                (AttributeOpen, "[@"),
                (Lident, "a"),
                (Close, "]"),
                (AttributeOpen, "[@@@"),
                (Lident, "w"),
                (Close, "]"),
                (ExtensionOpen, "[%"),
                (Lident, "lwt"),
                (Lident, "e"),
                (Close, "]"),
                (ExtensionOpen, "[%%"),
                (Lident, "e"),
                (Close, "]"),
                (Open, "[|"),
                (Close, "|]"),
                (Open, "{<"),
                (Close, ">}"),
                (Open, "[<"),
                (Close, ">]")
            ]
        );
    }

    #[test]
    fn line_directives_only_at_the_start_of_a_line() {
        assert_eq!(
            kinds("# 12 \"a.mll\"\nx # y\n  #3\n"),
            [
                (LineDirective, "# 12 \"a.mll\""),
                (Lident, "x"),
                (Symbol, "#"),
                (Lident, "y"),
                (LineDirective, "#3")
            ]
        );
    }

    #[test]
    fn numbers_with_exponents_and_suffixes() {
        assert_eq!(
            kinds("1.5e-3 0x1p+4 12_000L 1. 1..2"),
            [
                (Number, "1.5e-3"),
                (Number, "0x1p+4"),
                (Number, "12_000L"),
                (Number, "1."),
                (Number, "1"),
                (Symbol, ".."),
                (Number, "2")
            ]
        );
    }

    #[test]
    fn non_utf8_bytes_are_identifier_letters_and_controls_are_illegal() {
        let src = b"caf\xe9 \x00 \\";
        let tokens = tokenize(src);
        assert_tiles(src, &tokens);
        let kinds: Vec<TokenKind> = tokens
            .iter()
            .map(|t| t.kind)
            .filter(|k| *k != Whitespace)
            .collect();
        assert_eq!(kinds, [Lident, Illegal, Illegal]);
    }

    fn ocamlish() -> impl Strategy<Value = Vec<u8>> {
        let pieces = prop::sample::select(vec![
            "(*", "*)", "\"", "\\", "'", "{", "|", "}", "{id|", "|id}", "{%e|", "[@", "[%", "#",
            "\n", "\r", " ", "a", "B", "0", ".", "~", "?", ":", "é", "\u{0}", "let", "module",
            "open", "(", ")", "[", "]", "->", ";;",
        ]);
        prop::collection::vec(pieces, 0..64).prop_map(|ps| ps.concat().into_bytes())
    }

    proptest! {
        #[test]
        fn tokens_tile_arbitrary_bytes(src in prop::collection::vec(any::<u8>(), 0..512)) {
            assert_tiles(&src, &tokenize(&src));
        }

        #[test]
        fn tokens_tile_ocaml_like_input(src in ocamlish()) {
            assert_tiles(&src, &tokenize(&src));
        }
    }
}
