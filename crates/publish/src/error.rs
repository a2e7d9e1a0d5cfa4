//! The crate's error type: what stops an export, with the file it concerns.

use std::path::PathBuf;

/// A failure that stops an export or publication. Problems of single advisories
/// (lint errors, conversion errors) are not errors: they are reported in the
/// [`crate::ExportReport`] and the rest of the database is still exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Finding or reading the advisories failed.
    #[error(transparent)]
    Advisories(#[from] advisory::Error),
    /// Reading a file or directory of the output tree failed.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing a file failed; the previous file, if any, is intact.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A JSON file of the output tree is not an OSV record.
    #[error("{}: {source}", path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column.
        source: osv::Error,
    },
    /// A record's file name does not match its `id`.
    #[error("{}: the record's id is `{id}`, but the file is named after another ID; rename it to {id}.json", path.display())]
    MisplacedRecord {
        /// The file.
        path: PathBuf,
        /// The record's `id`.
        id: String,
    },
    /// Building `all.zip` failed.
    #[error("cannot build {}: {message}", path.display())]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The zip library's message.
        message: String,
    },
    /// A URL option is not an absolute `http` or `https` URL.
    #[error(
        "{option} `{url}` is not an absolute http:// or https:// URL; give one like https://example.org/advisories/"
    )]
    Url {
        /// The option, `--base-url` or `--source-url`.
        option: &'static str,
        /// The value given.
        url: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
