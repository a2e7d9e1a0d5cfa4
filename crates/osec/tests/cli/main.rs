//! Tests of the `osec` binary: each runs the built command in its own temporary
//! directory and checks stdout, stderr and the exit code. One module per command.

// Tests tell plainly when they are skipped.
#![allow(clippy::print_stderr)]

/// A canned-answer HTTP server on 127.0.0.1, for `osec db fetch`.
mod server;
/// The test harness: a temporary directory and a way to run `osec` in it.
mod support;

/// `osec announce`.
mod announce;
/// `osec audit`.
mod audit;
/// Chains of 50,000 terms in every input (issue 14).
mod chains;
/// The CI integrations: ci/audit.sh, action.yml (actionlint).
mod ci;
/// The audit and lint reports checked by their consumers' own validators.
mod consumers;
/// `osec db fetch | status`, `--offline`.
mod db;
/// `osec fmt`.
mod fmt;
/// `osec hook` with Debian's opam in a throwaway opam root.
mod hook;
/// `osec next-id`, `osec reserve`.
mod ids;
/// `osec import`.
mod import;
/// `osec lint`.
mod lint;
/// `osec new`.
mod new;
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
/// `osec report`.
mod report;
/// `--repo` in `opam versions`, `lint` and `osv export`.
mod repositories;
/// `osec serve`.
mod serve;
/// `osec site build`.
mod site;
/// `osec sync`.
mod sync;
/// The CI templates use existing commands and flags.
mod templates;
