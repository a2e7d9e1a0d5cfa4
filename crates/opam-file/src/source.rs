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
