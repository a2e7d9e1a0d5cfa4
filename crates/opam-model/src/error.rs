//! The crate's error type.

use std::fmt;
use std::path::PathBuf;

use opam_file::Span;

use crate::read::FileKind;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A package name, version, `name.version` or constraint text is not valid.
    #[error("{0}")]
    InvalidText(InvalidText),
    /// A value of an opam file does not have the shape of a formula, constraint or
    /// filter where one is expected.
    #[error("{0}")]
    Formula(FormulaError),
    /// Reading a file or directory failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Reading an opam file, a list of files or a directory to walk failed.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An opam file to read is not a regular file: a FIFO, a device, a socket or a
    /// directory. Refused rather than read, which could wait forever or never end.
    #[error("cannot read {}: it is {kind}, not a regular file", path.display())]
    NotRegularFile {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// An opam file is larger than the limit ([`crate::MAX_FILE_SIZE`] by default).
    #[error("cannot read {}: it is larger than {limit} bytes, the limit for an opam file", path.display())]
    TooLarge {
        /// The file (for an archive entry, the archive's path joined with the entry's).
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A list of files to read is not UTF-8 text.
    #[error("the list of files {} is not UTF-8 (byte {offset})", path.display())]
    ListNotText {
        /// The list.
        path: PathBuf,
        /// The offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// Reading a git repository or resolving a revision failed.
    #[error("{}: {message}", path.display())]
    Git {
        /// The repository.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// Two directories of a repository hold versions that opam considers equal
    /// (`1.0` and `1.00`); the one whose path sorts first is used.
    #[error("the same version as {} (opam compares them equal), which is used instead", used.display())]
    DuplicateVersion {
        /// The opam file that is used.
        used: PathBuf,
    },
    /// An opam file of a repository could not be parsed, or a source section of it
    /// could not be read.
    #[error("{}: line {line}, column {column}: {problem}", path.display())]
    OpamFile {
        /// The file, relative to the repository root.
        path: PathBuf,
        /// Where in the file.
        span: Span,
        /// The line of the span's start, from 1.
        line: usize,
        /// The column of the span's start, from 1, in bytes.
        column: usize,
        /// What is wrong there.
        problem: DefinitionError,
    },
}

/// What is wrong in an opam file of a repository ([`Error::OpamFile`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// It is not valid opam syntax.
    #[error("{0}")]
    Syntax(opam_file::ParseError),
    /// A field of a source section (`src`, `checksum`, `mirrors`) is not a string.
    #[error("expected a string")]
    NotAString,
    /// A source section (`url`, `extra-source`) has no `src:`.
    #[error("missing `src:` in a source section")]
    MissingSrc,
    /// A checksum is not valid.
    #[error("{0}")]
    Checksum(ChecksumError),
}

/// Why a checksum text is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChecksumError {
    /// An algorithm other than md5, sha256 and sha512.
    #[error("unknown checksum algorithm {algorithm:?} in {text:?}")]
    UnknownAlgorithm {
        /// The algorithm, as written.
        algorithm: String,
        /// The whole checksum text.
        text: String,
    },
    /// The hash has the wrong length or a digit that is not hexadecimal.
    #[error("invalid checksum {text:?}: expected {digits} hexadecimal digits")]
    InvalidHash {
        /// The whole checksum text.
        text: String,
        /// How many digits the algorithm's hashes have.
        digits: usize,
    },
}

/// What kind of text [`InvalidText`] was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextKind {
    /// A package name.
    Name,
    /// A package version.
    Version,
    /// A package, `name.version`.
    Package,
    /// A version constraint or formula.
    Constraint,
}

impl fmt::Display for TextKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextKind::Name => "package name",
            TextKind::Version => "version",
            TextKind::Package => "package",
            TextKind::Constraint => "constraint",
        })
    }
}

/// An invalid piece of text, quoted, with the byte offset of the problem in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidText {
    /// What the text should have been.
    pub kind: TextKind,
    /// The text as given.
    pub text: String,
    /// Byte offset of the problem in `text`.
    pub offset: usize,
    /// What is wrong, and what is allowed.
    pub reason: String,
}

impl fmt::Display for InvalidText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?} at column {}: {}",
            self.kind,
            self.text,
            self.offset + 1,
            self.reason
        )
    }
}

/// A value of unexpected shape, with the span of the offending value in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    /// What was expected.
    pub message: String,
    /// Where the offending value is.
    pub span: Span,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (bytes {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
