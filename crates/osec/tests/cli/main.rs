//! Tests of the `osec` binary: each runs the built command in its own temporary
//! directory and checks stdout, stderr and the exit code. One module per command.

// Tests tell plainly when they are skipped.
#![allow(clippy::print_stderr)]

/// A canned-answer HTTP server on 127.0.0.1, for `osec db fetch`.
mod server;
/// The test harness: a temporary directory and a way to run `osec` in it.
mod support;

/// `osec audit`.
mod audit;
/// Chains of 50,000 terms in every input (issue 14).
mod chains;
/// `osec db fetch | status`, `--offline`.
mod db;
/// `osec fmt`.
mod fmt;
/// `osec lint`.
mod lint;
/// `osec opam check`.
mod opam;
/// `osec osv export | publish`.
mod osv;
/// `osec purl`.
mod purl;
/// `osec audit --reachability`.
mod reach;
/// `osec repo check-immutable`.
mod repo;
/// `--repo` in `opam versions`, `lint` and `osv export`.
mod repositories;
/// `osec site build`.
mod site;
