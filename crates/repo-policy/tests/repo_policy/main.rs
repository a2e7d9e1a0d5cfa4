//! Tests of `check_immutable` on git repositories built in each test from real opam
//! files (tests/data/opam, see tests/data/README.md), one module per topic.

// A test that cannot run its optional tool says so on stderr.
#![allow(clippy::print_stderr)]

/// Building small git repositories with the `git` command.
mod fixture;

/// Repositories and revisions that cannot be checked.
mod bad_input;
/// One scenario per kind of change, with its verdict and rendered outputs.
mod history;
/// The SARIF output against the SARIF 2.1.0 schema and GitHub's rules.
mod sarif;
