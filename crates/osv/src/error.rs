//! The crate's error type.

use crate::validate::Invalid;

/// What can go wrong reading or checking an OSV record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON, or not an OSV record (a missing required field,
    /// an unknown field, a value of the wrong type or outside the schema's
    /// enumerations). Line and column are 1-based and point into the JSON text.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
        /// What is wrong, from the JSON reader.
        message: String,
    },
    /// The record parsed but breaks rules the schema cannot express.
    #[error(transparent)]
    Invalid(#[from] Invalid),
}

impl Error {
    /// Wraps a serde_json error, keeping its position apart from its message.
    pub(crate) fn from_json(error: &serde_json::Error) -> Self {
        let (line, column) = (error.line(), error.column());
        let full = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        Error::Json {
            line,
            column,
            message,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
