//! The lossless document: source bytes plus the tree parsed from them.

use crate::ast::OpamFile;
use crate::error::ParseError;
use crate::source::OcamlLines;

/// An opam file that prints back exactly as it was read, and can be edited so that
/// only the edited bytes change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    src: Vec<u8>,
    file: OpamFile,
    lines: OcamlLines,
}

impl Document {
    /// Parses `src` into a document.
    pub fn parse(src: impl Into<Vec<u8>>) -> Result<Document, ParseError> {
        let src = src.into();
        let (file, lines) = crate::parser::parse_with_lines(&src)?;
        Ok(Document { src, file, lines })
    }

    /// The exact printer: the document's bytes, edits included.
    pub fn to_bytes(&self) -> &[u8] {
        &self.src
    }

    /// The parsed tree; its spans index [`Document::to_bytes`].
    pub fn file(&self) -> &OpamFile {
        &self.file
    }

    /// opam's line starts, for positions as opam reports them.
    pub fn ocaml_lines(&self) -> &OcamlLines {
        &self.lines
    }
}
