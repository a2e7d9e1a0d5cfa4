//! Integration tests of crate `publish`: the export against the published records,
//! and the behaviour of the output tree, `all.zip` and `modified_id.csv`.

// A test whose reference data is absent says so on standard output.
#![allow(clippy::print_stdout)]

/// Announcements of the real advisories.
mod announce;
/// An advisory's Markdown details on its page.
mod details;
/// The 26 real advisories against the published `generated-osv` records.
mod published;
/// The static site and its feed.
mod site;
/// Helpers: data directory, synthetic advisories, the OSV schema.
mod support;
/// Writing the tree: only changed files, lint failures, orphans, the index files.
mod tree;
