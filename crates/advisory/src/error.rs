//! The crate's error type: failures to find advisories or read repositories, with the
//! path. Reading and writing advisory files fail with [`safe_fs::Error`].

use std::path::PathBuf;

/// A failure to find advisory files or to read a repository.
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
    /// An opam repository could not be read.
    #[error("cannot read the opam repository {}: {source}", path.display())]
    Repository {
        /// The repository directory or tarball.
        path: PathBuf,
        /// What opam-model reported.
        source: Box<opam_model::Error>,
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
