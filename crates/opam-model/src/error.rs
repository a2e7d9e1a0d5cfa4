//! The crate's error type.

use std::fmt;
use std::path::PathBuf;

use opam_file::Span;

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
    /// An opam file of a repository could not be parsed.
    #[error("{}: {message}", path.display())]
    OpamFile {
        /// The file, relative to the repository root.
        path: PathBuf,
        /// The parser's message, with its position.
        message: String,
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
