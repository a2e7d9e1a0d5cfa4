//! The standard printer (`opam_file::print::standard`, opam's `OpamPrinter.FullPos`),
//! against the oracle's output.

/// Reader of the oracle driver's serialised ASTs, the input of most tests here.
mod serialised;

/// Hand-written cases: source, opam's AST and opam's printed text.
mod case_table;

/// The hand-written cases printed from opam's AST and from ours, and re-derived from
/// the oracle.
mod cases;

/// `value`, `value_list`, the `opam-version` rules and string escapes.
mod values;

/// Random files printed here and by the oracle.
mod random;

/// Printing then parsing gives back the tree (proptest).
mod round_trip;
