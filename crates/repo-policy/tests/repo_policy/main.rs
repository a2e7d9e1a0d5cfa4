//! Tests of `check_immutable` on git repositories built in each test from real opam
//! files (tests/data/opam, see tests/data/README.md), of `annotate` and `exposure` on
//! small repositories and on the real ones, one module per topic.

// A test that cannot run its optional tool says so on stderr.
#![allow(clippy::print_stderr)]

/// Building small git repositories with the `git` command.
mod fixture;
/// Copies of repositories, the reference data and parser, diffs.
mod support;

/// `annotate`: the field, the marks, `--remove`, on real files and the real snapshot.
mod annotate;
/// `annotate` on input it can't use.
mod annotate_bad_input;
/// `exposure`: one case per way of being stuck or not, and the real repositories.
mod exposure;

/// Repositories and revisions that cannot be checked.
mod bad_input;
/// Layout is never a change; changed checksums and patches are, however written.
mod compare;
/// One scenario per kind of change, with its verdict and rendered outputs.
mod history;
/// The SARIF output against the SARIF 2.1.0 schema and GitHub's rules.
mod sarif;
