//! The crate's error type. Every variant names where the problem is.

use std::path::PathBuf;

/// What can go wrong loading a database. A database that cannot be read
/// completely is an error, never an empty or partial database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A zip archive could not be read.
    #[error("{archive}: not a readable zip archive: {message}")]
    Zip {
        /// The archive (a path, or `<embedded>`).
        archive: String,
        /// What the zip reader said.
        message: String,
    },
    /// A record is not JSON or not an OSV record.
    #[error("{origin}:{line}:{column}: {message}")]
    Json {
        /// Where the record came from: a path, or `archive!entry`.
        origin: String,
        /// Line in the record's text (1-based).
        line: usize,
        /// Column in the record's text (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A record parsed but breaks the OSV rules.
    #[error("{origin}: {invalid}")]
    Invalid {
        /// Where the record came from.
        origin: String,
        /// The rules broken.
        invalid: osv::Invalid,
    },
    /// A record could not be read for another reason.
    #[error("{origin}: {message}")]
    Record {
        /// Where the record came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// Two records have the same ID.
    #[error("{second}: record {id} is also defined in {first}; an ID names one record")]
    DuplicateId {
        /// The ID.
        id: String,
        /// Where it was first seen.
        first: String,
        /// Where it was seen again.
        second: String,
    },
    /// A zip entry is larger than any OSV record should be.
    #[error(
        "{origin}: {size} bytes uncompressed, more than the {limit}-byte limit for one record: the archive is corrupt or not an OSV database"
    )]
    EntryTooLarge {
        /// The entry.
        origin: String,
        /// Its declared uncompressed size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A zip archive lists the same entry name twice: which of the two is the
    /// record depends on the reader, so neither is trusted.
    #[error(
        "{archive}: entries {first} and {second} are both named {name}: the archive is ambiguous; re-create it with each file once"
    )]
    DuplicateEntry {
        /// The archive.
        archive: String,
        /// The repeated name.
        name: String,
        /// The first entry's position in the central directory (from 1).
        first: usize,
        /// The second entry's position.
        second: usize,
    },
    /// A zip archive lists more entries than [`Limits::max_entries`](crate::Limits).
    #[error(
        "{archive}: {entries} entries, more than the limit of {limit}: the archive is corrupt or not an OSV database (if it is a real database this large, raise the limit: osec's --max-db-entries)"
    )]
    TooManyEntries {
        /// The archive.
        archive: String,
        /// How many entries it lists.
        entries: u64,
        /// The limit.
        limit: u64,
    },
    /// A zip archive's records inflate to more than
    /// [`Limits::max_inflated_bytes`](crate::Limits).
    #[error(
        "{archive}: its records inflate to {size} bytes, more than the limit of {limit}: the archive is corrupt or not an OSV database (if it is a real database this large, raise the limit: osec's --max-db-bytes)"
    )]
    InflatedTooLarge {
        /// The archive.
        archive: String,
        /// The total of its records' declared sizes.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The source holds no OSV record at all.
    #[error(
        "{source_name}: no OSV records (*.json) found; pass a directory of OSV records or an osv.dev all.zip"
    )]
    Empty {
        /// The directory or archive.
        source_name: String,
    },
}

impl Error {
    pub(crate) fn from_osv(origin: &str, error: osv::Error) -> Self {
        match error {
            osv::Error::Json {
                line,
                column,
                message,
            } => Error::Json {
                origin: origin.to_owned(),
                line,
                column,
                message,
            },
            osv::Error::Invalid(invalid) => Error::Invalid {
                origin: origin.to_owned(),
                invalid,
            },
            // osv::Error is non-exhaustive: keep whatever it says.
            other => Error::Record {
                origin: origin.to_owned(),
                message: other.to_string(),
            },
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
