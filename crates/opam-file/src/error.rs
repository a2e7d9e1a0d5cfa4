//! Errors of the lexer and parser, classified as opam-file-format classifies them.
//!
//! opam-file-format fails in three ways: the lexer raises `OpamLexer.Error msg`, the
//! grammar raises `Parsing.Parse_error`, and reading an integer that does not fit
//! raises `Failure "int_of_string"`. [`ParseErrorKind`] keeps that class, so callers
//! (and the `osec opam ast` output) can tell exactly what opam would have said; the
//! nesting limit is osec's own addition.

use crate::source::Span;

/// Why a file could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ParseError {
    kind: ParseErrorKind,
    span: Span,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, span: Span) -> ParseError {
        ParseError { kind, span }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// Where it went wrong: the token, or part of a token, at which opam stops.
    pub fn span(&self) -> Span {
        self.span
    }
}

/// The classes of parse failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The lexer rejected the text (opam: `OpamLexer.Error`).
    #[error("{0}")]
    Lexer(LexerError),
    /// The tokens do not form a file (opam: `Parsing.Parse_error`).
    #[error("syntax error: unexpected {found}")]
    Syntax {
        /// The token found where the grammar allows none of its kind.
        found: &'static str,
        /// The lexer error that opam turns into a syntax error because it happened
        /// within the first three tokens of the file (they are read ahead to look
        /// for the `opam-version` header).
        hidden_lexer_error: Option<LexerError>,
    },
    /// An integer outside OCaml's 63-bit range, or an integer token that OCaml's
    /// `int_of_string` refuses such as `_` or `-_1` (opam: `Failure "int_of_string"`).
    #[error("integer out of range or malformed (int_of_string failed)")]
    IntOfString,
    /// Values nested deeper than [`crate::MAX_NESTING`] (an osec limit; opam has none).
    #[error("values are nested more than {limit} levels deep")]
    TooDeep {
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// The lexer errors of opam-file-format, each with opam's exact message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LexerError {
    /// A byte that starts no token.
    #[error("{}", String::from_utf8_lossy(&self.opam_message()))]
    InvalidToken(u8),
    /// The file ends inside a string.
    #[error("unterminated string")]
    UnterminatedString,
    /// The file ends inside a `(* … *)` comment.
    #[error("unterminated comment")]
    UnterminatedComment,
    /// A backslash not followed by a valid escape.
    #[error("illegal escape sequence")]
    IllegalEscape,
    /// `=:=`, which the lexer reads as an operator but does not accept.
    #[error("\"=:=\" is not a valid environment update operator")]
    InvalidEnvOp,
    /// An `opam-version` field after a first `opam-version` of 2.1 or later.
    #[error("opam-version cannot be repeated")]
    OpamVersionRepeated,
    /// An `opam-version` field of 2.1 or later that is not the first item.
    #[error("opam-version must be the first non-comment line")]
    OpamVersionNotFirst,
}

impl LexerError {
    /// The message exactly as opam-file-format raises it, as bytes (an invalid token
    /// may be any byte, not necessarily valid UTF-8).
    pub fn opam_message(&self) -> Vec<u8> {
        match self {
            LexerError::InvalidToken(byte) => {
                let mut message = b"'".to_vec();
                message.push(*byte);
                message.extend_from_slice(b"' is not a valid token");
                message
            }
            other => other.to_string().into_bytes(),
        }
    }
}
