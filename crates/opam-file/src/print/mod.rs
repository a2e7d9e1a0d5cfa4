//! opam's printers of the file format.
//!
//! - The exact printer is [`crate::Document::to_bytes`]: a document prints back the
//!   bytes it was parsed from, edits included.
//! - [`normalise`] is `OpamPrinter.FullPos.Normalise`, the deterministic one-line
//!   layout opam uses for signatures and `opam show --normalise`.
//! - [`standard`] is `OpamPrinter.FullPos`'s `Format`-based printer (`opamfile`,
//!   `items`, `value`, `value_list`), byte for byte; [`format`](mod@format) is the port of OCaml's
//!   `Format` layout engine it runs on.

pub mod format;
pub mod normalise;
pub mod standard;
