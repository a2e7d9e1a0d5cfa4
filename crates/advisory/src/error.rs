//! The crate's error type: failures to find advisories, with the path. Reading and writing advisory files fail with [`safe_fs::Error`].

use std::path::PathBuf;

/// A failure to find advisory files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or listing a file or directory failed.
    #[error("cannot read {}: {source}", safe_fs::display_path(path))]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A path given on the command line does not exist.
    #[error("{} does not exist", safe_fs::display_path(path))]
    NotFound {
        /// The path.
        path: PathBuf,
    },
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
