//! Integration tests of opam-file, one module per topic.

// Tests report what they skipped and how many files differ.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// The exact printer checked from the tree.
mod exact;

/// The whole corpus: every opam file of both repository tarballs, against the oracle.
mod corpus;

/// Hand-written cases for each lexer rule and trap, with the oracle's results.
mod cases;

/// Generated input: no panics, bounded nesting, round trips.
mod properties;

/// Chains of any length: no recursion per term, the oracle's trees and texts.
mod chains;

/// The standard printer against the oracle: hand-written cases, random files, round trips.
mod standard;

/// Building the OCaml programs some differential tests run as their reference.
mod ocaml;

/// The port of OCaml's `Format` layout engine, by hand and against OCaml.
mod format;

/// Edits of a document, which keep every byte they do not change.
mod edit;
