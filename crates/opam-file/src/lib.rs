//! The opam file format: lexer, parser, lossless tree and printers.

pub mod ast;
pub mod diagnostic;
pub mod document;
pub mod dump;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod source;

pub use ast::{EnvOp, Item, ItemKind, LogOp, OpamFile, PfxOp, RelOp, Section, Value, ValueKind};
pub use diagnostic::{Diagnostic, Label, Rule, Severity};
pub use document::{Document, EditError, Scope};
pub use error::{LexerError, ParseError, ParseErrorKind};
pub use parser::{LIBRARY_VERSION, MAX_NESTING, parse, parse_with_lines};
pub use source::{LineIndex, OcamlLines, SourceFile, Span, Spanned};
