//! What a reader tells about an input besides its packages: where each package is
//! written ([`Location`]), and what it read differently from the input's name or could
//! not take into account ([`Note`]).

use std::fmt;
use std::path::Path;

use serde::Serialize;

use super::error::LineStarts;

/// A place in a file: the file and its 1-based line and column (columns in bytes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file, as the input names it.
    pub path: String,
    /// Line, from 1.
    pub line: u32,
    /// Column in bytes, from 1.
    pub column: u32,
}

impl Location {
    /// The place of byte `offset` of `text`, the contents of `path`.
    pub(crate) fn of_offset(path: &Path, text: &[u8], offset: usize) -> Location {
        let position = super::Position::of_offset(text, offset);
        Location {
            path: path.display().to_string(),
            line: position.line,
            column: position.column,
        }
    }
}

/// One file's line index with its name, to place many offsets in it without reading it
/// from the start each time (a switch state lists thousands of packages).
pub(crate) struct Lines {
    path: String,
    starts: LineStarts,
}

impl Lines {
    /// Indexes `text`, the contents of `path`.
    pub(crate) fn new(path: &Path, text: &[u8]) -> Lines {
        Lines {
            path: path.display().to_string(),
            starts: LineStarts::new(text),
        }
    }

    /// The place of byte `offset` (clamped to the end of the text), as
    /// [`Location::of_offset`] gives it.
    pub(crate) fn location(&self, offset: usize) -> Location {
        let position = self.starts.position(offset);
        Location {
            path: self.path.clone(),
            line: position.line,
            column: position.column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// What kind of thing a [`Note`] says. The names ([`NoteKind::as_str`]) are part of the
/// JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NoteKind {
    /// A file read as another kind of input than its name says (a `*.opam.locked`
    /// that pins nothing is a package definition, read as an opam file).
    ReadAs,
    /// opam-monorepo pins to the packages' own release archives, audited as those
    /// releases.
    ReleasePins,
    /// esy's `ocaml` compiler package, audited as the opam `ocaml` version it builds.
    EsyCompiler,
    /// A package listed more than once: every listed version is audited.
    DuplicatePackage,
    /// A file format newer than osec knows: read as the newest known one.
    NewerFormat,
    /// Fields osec does not know: left out of the reading.
    UnknownFields,
}

impl NoteKind {
    /// The name in reports: `read-as`, `release-pins`, `esy-compiler`,
    /// `duplicate-package`, `newer-format`, `unknown-fields`.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::ReadAs => "read-as",
            NoteKind::ReleasePins => "release-pins",
            NoteKind::EsyCompiler => "esy-compiler",
            NoteKind::DuplicatePackage => "duplicate-package",
            NoteKind::NewerFormat => "newer-format",
            NoteKind::UnknownFields => "unknown-fields",
        }
    }
}

/// One thing a reader noticed, with the place it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Note {
    /// What kind of thing.
    pub kind: NoteKind,
    /// The sentence for people (without the place).
    pub message: String,
    /// The file and line it is about.
    pub location: Location,
}

impl Note {
    pub(crate) fn new(kind: NoteKind, location: Location, message: impl Into<String>) -> Note {
        Note {
            kind,
            message: message.into(),
            location,
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.location.path, self.location.line, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_place_offsets_as_positions_do() {
        let text = b"ab\ncd\n\nef\n";
        let lines = Lines::new(Path::new("f"), text);
        for offset in 0..text.len() + 3 {
            assert_eq!(
                lines.location(offset),
                Location::of_offset(Path::new("f"), text, offset),
                "{offset}"
            );
        }
    }
}
