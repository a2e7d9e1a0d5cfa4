//! Printers of opam files and values.
//!
//! * [`standard`]: opam's own `Format`-based printer (`OpamPrinter.FullPos`), byte for byte.
//! * [`format`]: the port of OCaml's `Format` layout engine that [`standard`] runs on.

pub mod format;
pub mod standard;
