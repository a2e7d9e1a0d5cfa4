//! Integration tests of the advisory crate, one module per topic.

/// Shared helpers: reading fixture trees and rendering findings concisely.
mod support;

/// The 26 real advisories: lint clean, format stably.
mod real;

/// One fixture per rule under tests/data/lint, each snapshotted.
mod fixtures;

/// Formatting: idempotence and preservation of comments and Markdown.
mod format;

/// `osec import`: round trip of the real advisories, hand-made OSV and CVE records.
mod import;

/// `osec report`: the reporter's skeleton.
mod report;

/// No panic on any input.
mod properties;

/// Constraints of any length: no recursion per term.
mod chains;

/// `to_osv`: ranges, versions and the OSV fields of each advisory shape.
mod to_osv;

/// `osec advisory new`: the rendered draft, refused flags, claimed IDs.
mod draft;
