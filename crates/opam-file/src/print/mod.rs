//! opam's printers of the file format.
//!
//! - The exact printer is [`crate::Document::to_bytes`]: a document prints back the
//!   bytes it was parsed from, edits included.
//! - [`normalise`] is `OpamPrinter.FullPos.Normalise`, the deterministic one-line
//!   layout opam uses for signatures and `opam show --normalise`.

pub mod normalise;
// standard.rs (the Format-based printer) is added by the printer branch
