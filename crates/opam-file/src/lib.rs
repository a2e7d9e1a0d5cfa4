//! The opam file format: a lossless lexer and parser, exact to opam-file-format 2.1.5,
//! with opam's printers, format-preserving edits and the project's diagnostics.
//!
//! # What this crate owns
//!
//! The *syntax* of opam files (`opam`, `*.opam`, `*.opam.locked`, switch state, the
//! header of an OCaml security advisory): tokens, the tree with byte spans, the
//! positions opam reports, opam's error classes, the normalise printer, edits that
//! keep a file's layout, and the [`Diagnostic`] value every osec crate reports with.
//!
//! It does not know what fields mean: filters are not evaluated, versions are not
//! compared and formulas are not interpreted — `opam-model` does that on top of the
//! [`OpamFile`] tree.
//!
//! # Phases and main types
//!
//! 1. [`lexer`]: bytes to [`lexer::Token`]s (`Token { kind, span }`; whitespace,
//!    newlines and comments are tokens, so the spans tile the input).
//! 2. [`parser`]: tokens to an [`OpamFile`] ([`parse`]), by recursive descent over
//!    a stratified form of opam's grammar, with opam's `opam-version` header rules
//!    and its `#` sentinel for files newer than [`LIBRARY_VERSION`]. Errors are
//!    [`ParseError`]s classified as opam classifies them ([`ParseErrorKind`]).
//! 3. [`ast`]: the tree ([`Item`], [`Value`], [`Section`]), every node with its
//!    [`Span`]; chains of `&` and `|` are flat ([`LogChain`]). [`OcamlLines`] turns spans into opam's `(line, column)` positions
//!    and [`dump`] renders the tree as the reference oracle does.
//! 4. Printers: the exact printer is [`Document::to_bytes`] (the input, byte for
//!    byte); [`print::normalise`] is `OpamPrinter.FullPos.Normalise`;
//!    [`print::standard`] is `OpamPrinter.FullPos.opamfile`, OCaml's Format engine
//!    at margin 78 included.
//! 5. [`Document`]: the lossless document, with edits ([`Document::set_field`],
//!    [`Document::push_to_list`], …) that rewrite only the bytes they change.
//! 6. [`diagnostic`]: [`Diagnostic`] and its renderers (rustc-style text, JSON lines,
//!    SARIF), with the `SYN` codes of syntax errors.
//!
//! # Example
//!
//! ```
//! use opam_file::{Document, Scope, Value};
//!
//! let src = "opam-version: \"2.0\"\n# the deps\ndepends: [\n  \"dune\"\n]\n";
//! let file = opam_file::parse(src.as_bytes())?;
//! assert_eq!(file.items.len(), 2);
//!
//! let mut document = Document::parse(src)?;
//! document.push_to_list(Scope::File, "depends", &Value::string("fmt"))?;
//! assert_eq!(
//!     document.to_bytes(),
//!     b"opam-version: \"2.0\"\n# the deps\ndepends: [\n  \"dune\"\n  \"fmt\"\n]\n"
//! );
//! let normal = opam_file::print::normalise::normalise(document.file())?;
//! assert_eq!(normal, b"depends: [\"dune\" \"fmt\"]\nopam-version: \"2.0\"\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Limitations
//!
//! - Values may nest at most [`MAX_NESTING`] levels (brackets, parentheses, braces,
//!   prefix operators, sections); opam has no limit, but deeper input is refused with
//!   [`ParseErrorKind::TooDeep`] instead of risking the stack.
//! - Chains have no limit but the file's size, as in opam: `a & b & …`, `a | b | …`
//!   and stacked lists of options `v {…} {…} …` are one flat node each ([`LogChain`],
//!   [`ValueKind::StackedOptions`]) where opam builds a left-nested tree, and the
//!   parser, the printers and [`dump`] walk them in loops. Every recursion over a tree
//!   is therefore bounded by [`MAX_NESTING`], whatever the length of its chains (a
//!   1,000,000-term chain parses, prints and drops on a 2 MiB thread stack).
//! - Files must be smaller than 4 GiB (spans are `u32`).
//! - Edits reach top-level fields and fields of top-level sections only, and print
//!   new values in normalised form (`! a` with a space, strings in `"…"`).
//! - Every edit re-parses the whole document: fine for files, not for bulk rewriting
//!   of one large text.
//!
//! # Features
//!
//! None.

#![forbid(unsafe_code)]

pub mod ast;
pub mod diagnostic;
pub mod document;
pub mod dump;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod small;
pub mod source;

pub use ast::{
    EnvOp, Item, ItemKind, LogChain, LogOp, OpamFile, PfxOp, RelOp, Section, Value, ValueKind,
};
pub use diagnostic::{Diagnostic, Label, Rule, Severity};
pub use document::{Document, EditError, Scope};
pub use error::{LexerError, ParseError, ParseErrorKind};
pub use parser::{LIBRARY_VERSION, MAX_NESTING, parse, parse_with_lines};
pub use small::{SmallBytes, SmallString};
pub use source::{LineIndex, OcamlLines, SourceFile, Span, Spanned};
