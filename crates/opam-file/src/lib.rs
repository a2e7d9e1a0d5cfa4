//! The opam file format: lexer, parser, lossless tree and printers.
//!
//! (Crate documentation is written with the parser; see `ast` for the value model.)

pub mod ast;
pub mod print;
pub mod source;

pub use ast::{EnvOp, Item, ItemKind, LogOp, OpamFile, PfxOp, RelOp, Section, Value, ValueKind};
pub use source::{Span, Spanned};
