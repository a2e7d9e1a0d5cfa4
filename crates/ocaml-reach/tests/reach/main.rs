//! Integration tests of `ocaml-reach`, one module per topic.

mod support;

/// How names resolve: opens, aliases, local opens, functors, scopes.
mod resolution;

/// Calls through installed libraries, with their chains.
mod libraries;

/// Bad input: unreadable, huge, unterminated, not UTF-8.
mod bad_input;

/// Real projects against the ground truth written by reading them.
mod precision;
