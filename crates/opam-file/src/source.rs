//! Byte spans and the mapping from byte offsets to lines and columns.
//!
//! Nodes store only byte offsets ([`Span`]); lines and columns are computed on demand
//! by a [`LineIndex`], as opam-file-format reports them: lines from 1, columns as a
//! byte offset from the start of the line, from 0.

/// A half-open range of byte offsets `[start, end)` into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `[start, end)`.
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The span as a `usize` range, for slicing the source.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// This span moved `offset` bytes later, for text parsed out of a larger file
    /// (the opam header inside a Markdown advisory).
    pub fn shifted(self, offset: u32) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// A value together with the span of source text it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs `value` with `span`.
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// Where opam-file-format considers each line to start, to turn byte offsets into
/// the `(line, column)` positions it reports.
///
/// Lines count from 1, columns are byte offsets from the line start, from 0. The
/// line starts come from the lexer ([`crate::lexer::Lexer::line_starts`]) because
/// they are not simply "after each `\n`": opam's lexer starts a line after every
/// newline outside strings, every newline inside a string or a `(* *)` comment, and
/// after the blanks that a `\`-newline inside a string swallows, so text after such
/// a continuation gets smaller columns than a plain count would give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OcamlLines {
    starts: Vec<u32>,
}

impl OcamlLines {
    /// From line starts recorded by the lexer (sorted, the first being 0).
    pub fn new(starts: Vec<u32>) -> OcamlLines {
        OcamlLines { starts }
    }

    /// The line starts computed by lexing `src` as far as it lexes.
    pub fn of_source(src: &[u8]) -> OcamlLines {
        let mut lexer = crate::lexer::Lexer::new(src);
        while let Ok(token) = lexer.next_token() {
            if token.kind == crate::lexer::TokenKind::Eof {
                break;
            }
        }
        OcamlLines::new(lexer.into_line_starts())
    }

    /// The `(line, column)` opam-file-format reports for byte `offset`.
    pub fn position(&self, offset: u32) -> (usize, i64) {
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, i64::from(offset) - i64::from(start))
    }
}

/// A file's path and text, for rendering diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as it should be shown to a person.
    pub path: String,
    /// The text (opam files are bytes; invalid UTF-8 is shown replaced).
    pub text: String,
    line_index: LineIndex,
}

impl SourceFile {
    /// A source file from a path and the file's bytes.
    pub fn new(path: impl Into<String>, bytes: &[u8]) -> SourceFile {
        // Replacing invalid UTF-8 could change byte offsets; keep offsets valid by
        // replacing each invalid byte with one `?`-like single byte instead.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => bytes
                .iter()
                .map(|&b| if b.is_ascii() { char::from(b) } else { '?' })
                .collect(),
        };
        let line_index = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            line_index,
        }
    }

    /// The 1-based line and 1-based column (in characters) of byte `offset`.
    pub fn line_column(&self, offset: u32) -> (usize, usize) {
        self.line_index.line_column(&self.text, offset)
    }

    /// The line index of this file.
    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }
}

/// Byte offsets of line starts, for positions shown to people: lines from 1,
/// columns from 1 counted in characters (Unicode scalar values).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes the lines of `text` (a line ends after each `\n`).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex { starts }
    }

    /// The byte offset at which 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.starts.get(line).copied()
    }

    /// The 1-based line and 1-based character column of byte `offset` in `text`.
    pub fn line_column(&self, text: &str, offset: u32) -> (usize, usize) {
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0) as usize;
        let end = (offset as usize).min(text.len());
        let column = text
            .get(start..end)
            .map_or(end.saturating_sub(start), |prefix| prefix.chars().count());
        (line, column + 1)
    }
}
