//! Splitting an advisory's Markdown into its header, summary and details.
//!
//! An advisory file is, in order: optional blank lines; a line holding only
//! three backticks; the header in opam syntax; a closing line of three backticks;
//! optional blank lines; the summary heading `# <summary>`; the details (Markdown).
//! Every piece keeps its byte range in the file, so diagnostics about the header
//! point into the `.md` file (the header's own spans are shifted by
//! [`Parts::header_offset`]).

use opam_file::Span;

/// The pieces of an advisory file, as byte ranges into its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The line opening the header fence.
    pub open_fence: Span,
    /// The header text between the fences (from the line after the opening fence to
    /// the start of the closing fence line).
    pub header: Span,
    /// The line closing the header fence.
    pub close_fence: Span,
    /// The first non-blank line after the header, where the summary heading belongs.
    pub after_header: Option<Span>,
    /// The summary heading line, `# …`, without its line break, if there is one.
    pub summary_line: Option<Span>,
    /// The summary text: the heading line after `# `, trimmed.
    pub summary: Option<Span>,
    /// Everything after the summary line.
    pub details: Span,
}

/// What is wrong with the Markdown layout of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// The file does not start with a ```` ``` ```` line (blank lines aside).
    #[error("the advisory must start with a header fenced by ``` lines")]
    MissingOpeningFence {
        /// The first non-blank line, or the end of the file.
        at: Span,
    },
    /// The header fence is never closed.
    #[error("the header fence opened here is never closed by a ``` line")]
    UnclosedFence {
        /// The opening fence line.
        open_fence: Span,
    },
}

impl LayoutError {
    /// Where the problem is.
    pub fn span(&self) -> Span {
        match self {
            LayoutError::MissingOpeningFence { at } => *at,
            LayoutError::UnclosedFence { open_fence } => *open_fence,
        }
    }
}

/// One line of the text: its span without the line break, and the offset after it.
struct Line {
    content: Span,
    next: usize,
}

fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
    let mut start = 0usize;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = text.get(start..)?;
        let (len, next) = match rest.find('\n') {
            Some(i) => (i, start + i + 1),
            None => (rest.len(), text.len()),
        };
        let mut content_end = start + len;
        if text.as_bytes().get(content_end.wrapping_sub(1)) == Some(&b'\r') && len > 0 {
            content_end -= 1;
        }
        let line = Line {
            content: span(start, content_end),
            next,
        };
        start = next;
        Some(line)
    })
}

fn span(start: usize, end: usize) -> Span {
    Span::new(to_u32(start), to_u32(end))
}

/// Offsets are `u32` everywhere; advisories are small, and a larger file is cut at 4 GiB
/// rather than wrapping around.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn is_fence(text: &str, line: Span) -> bool {
    text.get(line.range())
        .is_some_and(|l| l.trim_end() == "```")
}

fn is_blank(text: &str, line: Span) -> bool {
    text.get(line.range()).is_some_and(|l| l.trim().is_empty())
}

impl Parts {
    /// Splits `text` into its parts.
    pub fn split(text: &str) -> Result<Parts, LayoutError> {
        let mut lines = lines(text);
        let open = loop {
            match lines.next() {
                None => {
                    return Err(LayoutError::MissingOpeningFence {
                        at: span(text.len(), text.len()),
                    });
                }
                Some(line) if is_blank(text, line.content) => continue,
                Some(line) if is_fence(text, line.content) => break line,
                Some(line) => return Err(LayoutError::MissingOpeningFence { at: line.content }),
            }
        };
        let header_start = open.next;
        let close = loop {
            match lines.next() {
                None => {
                    return Err(LayoutError::UnclosedFence {
                        open_fence: open.content,
                    });
                }
                Some(line) if is_fence(text, line.content) => break line,
                Some(_) => continue,
            }
        };
        let header = span(header_start, close.content.start as usize);
        let mut details_start = close.next;
        let mut summary_line = None;
        let mut summary = None;
        let mut after_header = None;
        for line in lines {
            if is_blank(text, line.content) {
                continue;
            }
            after_header = Some(line.content);
            let content = text.get(line.content.range()).unwrap_or("");
            if let Some(title) = content.strip_prefix("# ") {
                let lead = content.len() - title.trim_start().len();
                let trimmed = title.trim();
                let start = line.content.start as usize + lead;
                summary_line = Some(line.content);
                summary = Some(span(start, start + trimmed.len()));
                details_start = line.next;
            }
            break;
        }
        Ok(Parts {
            open_fence: open.content,
            header,
            close_fence: close.content,
            after_header,
            summary_line,
            summary,
            details: span(details_start, text.len()),
        })
    }

    /// The offset of the header in the file: add it to a span of the header text.
    pub fn header_offset(&self) -> u32 {
        self.header.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, s: Span) -> &str {
        &text[s.range()]
    }

    #[test]
    fn splits_header_summary_and_details() {
        let text = "```\nid: OSEC-2026-01\n```\n\n# A bug\n\nDetails here.\n";
        let parts = Parts::split(text).unwrap();
        assert_eq!(slice(text, parts.header), "id: OSEC-2026-01\n");
        assert_eq!(parts.header_offset(), 4);
        assert_eq!(slice(text, parts.summary.unwrap()), "A bug");
        assert_eq!(slice(text, parts.summary_line.unwrap()), "# A bug");
        assert_eq!(slice(text, parts.details), "\nDetails here.\n");
    }

    #[test]
    fn reports_missing_summary_as_none() {
        let text = "```\nid: X\n```\nNo heading\n";
        let parts = Parts::split(text).unwrap();
        assert_eq!(parts.summary, None);
        assert_eq!(&text[parts.after_header.unwrap().range()], "No heading");
    }

    #[test]
    fn rejects_text_before_the_fence() {
        let err = Parts::split("hello\n```\n```\n").unwrap_err();
        assert_eq!(
            err,
            LayoutError::MissingOpeningFence {
                at: Span::new(0, 5)
            }
        );
    }

    #[test]
    fn rejects_an_unclosed_fence() {
        let err = Parts::split("\n```\nid: X\n").unwrap_err();
        assert_eq!(
            err,
            LayoutError::UnclosedFence {
                open_fence: Span::new(1, 4)
            }
        );
    }

    #[test]
    fn handles_crlf_line_ends() {
        let text = "```\r\nid: X\r\n```\r\n# T\r\nbody";
        let parts = Parts::split(text).unwrap();
        assert_eq!(slice(text, parts.header), "id: X\r\n");
        assert_eq!(slice(text, parts.summary.unwrap()), "T");
    }

    #[test]
    fn empty_file_has_no_fence() {
        assert!(matches!(
            Parts::split(""),
            Err(LayoutError::MissingOpeningFence { .. })
        ));
    }
}
