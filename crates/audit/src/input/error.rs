//! Errors of the input readers: every one names the file, and, for bad content, the
//! line and column where reading stopped.

use std::fmt;
use std::path::{Path, PathBuf};

/// A result of the input readers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A line and column in a file, both counted from 1 (columns in bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column in bytes, from 1.
    pub column: u32,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the end of the text).
    pub fn of_offset(text: &[u8], offset: usize) -> Position {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = before.len() - line_start + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

/// Where the lines of a text start, to find the [`Position`] of many offsets in it
/// (the entries of a long `depends:`) with one pass over the text, not one per offset.
pub(crate) struct LineStarts {
    /// The offset of each line's first byte: 0, then one after each `\n`.
    starts: Vec<usize>,
    len: usize,
}

impl LineStarts {
    pub(crate) fn new(text: &[u8]) -> LineStarts {
        let after_newlines = text
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .map(|(i, _)| i + 1);
        LineStarts {
            starts: std::iter::once(0).chain(after_newlines).collect(),
            len: text.len(),
        }
    }

    /// [`Position::of_offset`] in the text.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(offset - line_start + 1).unwrap_or(u32::MAX),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file or directory could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not valid in its format, or holds a value that cannot be right (a
    /// corrupt or hand-broken state file).
    #[error("{}:{position}: {message}\n  help: {help}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Where reading stopped.
        position: Position,
        /// What is wrong.
        message: String,
        /// What the user can do about it.
        help: &'static str,
    },
    /// A file that the format requires is missing (for example the opam file of an
    /// installed package under `.opam-switch/packages/`).
    #[error("{}: missing: {what}\n  help: {help}", path.display())]
    Missing {
        /// The path that was expected.
        path: PathBuf,
        /// What it should have held.
        what: String,
        /// What the user can do about it.
        help: &'static str,
    },
    /// `--switch NAME|DIR` named neither a switch directory nor a switch of the opam root.
    #[error("no opam switch `{name}`: neither {} nor {} exists\n  help: give a switch name from `opam switch list`, or the directory holding `_opam/` or `.opam-switch/`", as_dir.display(), in_root.display())]
    SwitchNotFound {
        /// The name or directory given.
        name: String,
        /// Where it was looked for as a directory.
        as_dir: PathBuf,
        /// Where it was looked for in the opam root.
        in_root: PathBuf,
    },
    /// Nothing that can be audited was found under a path.
    #[error("{}: nothing to audit: no `_opam/` switch, lock file (`*.opam.locked`, `opam.locked`), switch export (`*.export`), `dune.lock/`, `dev-tools.locks/`, `esy.lock/` or `*.opam` file, here or one directory down\n  help: run in a project directory, or name an input with --switch, --export or --lock", path.display())]
    NothingFound {
        /// The path that was searched.
        path: PathBuf,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn malformed(
        path: &Path,
        text: impl AsRef<[u8]>,
        offset: usize,
        message: impl Into<String>,
        help: &'static str,
    ) -> Error {
        Error::Malformed {
            path: path.to_path_buf(),
            position: Position::of_offset(text.as_ref(), offset),
            message: message.into(),
            help,
        }
    }

    /// A dependency formula of `path` that cannot be read.
    pub(crate) fn formula(
        path: &Path,
        text: impl AsRef<[u8]>,
        error: &super::formula::FormulaError,
        help: &'static str,
    ) -> Error {
        Error::malformed(
            path,
            text,
            error.span().start as usize,
            error.to_string(),
            help,
        )
    }

    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Error::Io { path, .. }
            | Error::Malformed { path, .. }
            | Error::Missing { path, .. }
            | Error::NothingFound { path } => path,
            Error::SwitchNotFound { as_dir, .. } => as_dir,
        }
    }

    /// The line and column, for errors about the content of a file.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Malformed { position, .. } => Some(*position),
            _ => None,
        }
    }
}

/// Reads a whole file as bytes (opam files are bytes: strings may hold any).
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Reads a whole file as UTF-8 text; invalid UTF-8 is reported at its first bad byte.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_bytes(path)?).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        Error::malformed(
            path,
            e.as_bytes(),
            valid,
            "the file is not valid UTF-8",
            "the file is corrupt: regenerate it with the tool that wrote it",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_columns_from_one() {
        let text = b"ab\ncd\n\nef";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        assert_eq!(
            Position::of_offset(text, 4),
            Position { line: 2, column: 2 }
        );
        assert_eq!(
            Position::of_offset(text, 7),
            Position { line: 4, column: 1 }
        );
        assert_eq!(
            Position::of_offset(text, 99),
            Position { line: 4, column: 3 }
        );
    }

    #[test]
    fn line_starts_give_the_positions_of_of_offset() {
        for text in [&b"ab\ncd\n\nef"[..], b"", b"\n", b"x\n\n", b"no newline"] {
            let lines = LineStarts::new(text);
            for offset in 0..text.len() + 3 {
                assert_eq!(
                    lines.position(offset),
                    Position::of_offset(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn malformed_error_names_file_position_and_help() {
        let err = Error::malformed(
            Path::new("a/switch-state"),
            b"x\ny: [",
            5,
            "unterminated list",
            "fix it",
        );
        assert_eq!(
            err.to_string(),
            "a/switch-state:2:4: unterminated list\n  help: fix it"
        );
        assert_eq!(err.position(), Some(Position { line: 2, column: 4 }));
    }
}
