//! Tokens of the opam file format, trivia included.

use crate::ast::{EnvOp, PfxOp, RelOp};
use crate::source::Span;

/// One token: what it is and where it was written.
///
/// Whitespace, newlines and comments are tokens too, so the spans of all the tokens
/// of a file cover it from the first byte to the last with no gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A run of spaces and tabs.
    Whitespace,
    /// `\n` or `\r\n`.
    Newline,
    /// `# …` up to (not including) the end of the line.
    LineComment,
    /// `(* … *)`, nested.
    BlockComment,
    /// `:`
    Colon,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// A string; `triple` when written `"""…"""`. The decoded bytes are kept by the lexer.
    String {
        /// Whether the string was written between triple quotes.
        triple: bool,
    },
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An identifier.
    Ident,
    /// A relational operator (`~` is `>=`).
    Relop(RelOp),
    /// `&`
    And,
    /// `|`
    Or,
    /// `!` or `?`.
    Pfxop(PfxOp),
    /// An environment update operator.
    EnvOp(EnvOp),
    /// The end of the input (an empty span at its end).
    Eof,
}

impl TokenKind {
    /// Whether the token carries no meaning (whitespace, newlines, comments).
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace
                | TokenKind::Newline
                | TokenKind::LineComment
                | TokenKind::BlockComment
        )
    }

    /// A short human-readable name, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Whitespace => "whitespace",
            TokenKind::Newline => "a newline",
            TokenKind::LineComment | TokenKind::BlockComment => "a comment",
            TokenKind::Colon => "`:`",
            TokenKind::LBrace => "`{`",
            TokenKind::RBrace => "`}`",
            TokenKind::LBracket => "`[`",
            TokenKind::RBracket => "`]`",
            TokenKind::LParen => "`(`",
            TokenKind::RParen => "`)`",
            TokenKind::String { .. } => "a string",
            TokenKind::Bool(_) => "a boolean",
            TokenKind::Int(_) => "an integer",
            TokenKind::Ident => "an identifier",
            TokenKind::Relop(_) => "a comparison operator",
            TokenKind::And => "`&`",
            TokenKind::Or => "`|`",
            TokenKind::Pfxop(_) => "a prefix operator",
            TokenKind::EnvOp(_) => "an environment update operator",
            TokenKind::Eof => "end of file",
        }
    }
}
