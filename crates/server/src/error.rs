//! The crate's errors: loading the databases, and running the server. Errors
//! of a request are answers, not errors of the server ([`crate::api`]).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the databases could not be loaded. On a reload, the databases in use
/// keep serving.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// An OSV directory or archive, the cache or the embedded snapshot did
    /// not load.
    #[error(transparent)]
    Open(#[from] vulndb::source::OpenError),
    /// The records of a database could not be read or indexed.
    #[error("loading the database {name}")]
    Database {
        /// What it was loaded from.
        name: String,
        /// Why.
        source: vulndb::Error,
    },
    /// A directory of advisories did not load: unreadable, failing lint, or
    /// not convertible.
    #[error("loading the advisories in {}: {message}", path.display())]
    Advisories {
        /// The `--db` path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Two `--db` hold a record with the same ID: an ID names one record.
    #[error(
        "record {id} is in both {first} and {second}: an ID names one record; pass databases that do not overlap"
    )]
    DuplicateId {
        /// The ID.
        id: String,
        /// The first database holding it.
        first: String,
        /// The other.
        second: String,
    },
    /// Loading stopped with a panic (a bug): reported rather than taking the
    /// server down.
    #[error("loading the databases failed unexpectedly: {0}")]
    Panicked(String),
    /// No `--db` was given.
    #[error("no database to serve: pass --db with an OSV directory, an all.zip or advisories")]
    NoDatabase,
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The databases did not load at start.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Signal handlers could not be installed, or the listener failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// Why a reload asked for through [`crate::Handle::reload`] did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReloadError {
    /// The databases did not load; the ones loaded before keep serving.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The server is shutting down.
    #[error("the server is shutting down")]
    Stopped,
}
