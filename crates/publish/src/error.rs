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
    #[error("cannot read {}: {source}", safe_fs::display_path(path))]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing a file of the output tree failed (the previous file, if any, is
    /// intact), or the tree holds a symbolic link, or a file is read-only.
    #[error(transparent)]
    File(#[from] safe_fs::Error),
    /// Removing a file that an earlier site build left and this one no longer has
    /// failed.
    #[error("cannot remove {}: {source}", safe_fs::display_path(path))]
    Remove {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Building `all.zip` failed.
    #[error("cannot build {}: {message}", safe_fs::display_path(path))]
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
