//! A port of the layout engine of OCaml's `Format` module (OCaml 4.13), byte for byte.
//!
//! opam's standard printer (`OpamPrinter.FullPos.opamfile`) lays its output out with
//! `Format`; reproducing that output exactly means reproducing `Format`'s algorithm,
//! not merely its documented intent. This module does that for the subset opam uses.
//!
//! # The model
//!
//! A [`Formatter`] receives a stream of commands: open a box ([`Formatter::open_box`]),
//! print text ([`Formatter::text`]), give a break hint ([`Formatter::break_hint`],
//! [`Formatter::space`], [`Formatter::cut`]), close a box ([`Formatter::close_box`]).
//! Each box has a [`BoxKind`] that decides what its break hints do:
//!
//! | kind | `Format` | break hints |
//! |---|---|---|
//! | [`BoxKind::H`] | `@[<h>` | never split the line |
//! | [`BoxKind::V`] | `@[<v n>` | always split the line |
//! | [`BoxKind::HV`] | `@[<hv n>` | all stay on the line if the whole box fits, else all split |
//! | [`BoxKind::HoV`] | `@[<hov n>` | each splits only if what follows it (up to the next hint) does not fit |
//! | [`BoxKind::B`] | `@[<b n>` | like `HoV`, but also splits when that moves text to the left |
//!
//! A split line restarts at the box's indentation plus the hint's offset, but never
//! further right than the maximum indentation. A box that would open beyond the maximum
//! indentation first splits the line of the box around it, when that box may split and
//! its material does not fit.
//!
//! Commands go into a queue; a token leaves it once the size of what it governs is
//! known (at the next hint or the end of the box), or once the pending material is wider
//! than the room left on the line, in which case it is treated as infinitely large.
//! Text widths are byte lengths: a UTF-8 character counts as many columns as it has bytes,
//! and a newline inside a text token counts as one column, as in OCaml.
//!
//! # Example
//!
//! ```
//! use opam_file::print::format::{BoxKind, Formatter};
//!
//! let mut f = Formatter::new();
//! f.open_box(BoxKind::HV, 0);
//! f.text(b"[");
//! f.break_hint(0, 2);
//! f.text(b"\"a\"");
//! f.space();
//! f.text(b"\"b\"");
//! f.cut();
//! f.text(b"]");
//! f.close_box();
//! assert_eq!(f.flush(), b"[\"a\" \"b\"]");
//! ```
//!
//! # Limitations
//!
//! Only what opam's printer needs is ported: tabulation boxes, semantic tags, the
//! `max_boxes` ellipsis, forced newlines, `print_if_newline` and breaks with text before
//! or after them are absent. As in OCaml, a flush keeps one flag (whether the last
//! output ended a line, read only by [`BoxKind::B`] boxes) for the next layout; callers
//! that share OCaml's `str_formatter` share that flag, a new [`Formatter`] starts with it set.

use std::collections::VecDeque;

/// OCaml's `pp_infinity`: the size given to a token forced out of the queue before its
/// size is known. Must stay exactly this value: it takes part in the arithmetic.
const INFINITY: i64 = 1_000_000_010;

/// The kind of a box, which decides what its break hints do (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoxKind {
    /// Horizontal: break hints never split the line (`@[<h>`).
    H,
    /// Vertical: every break hint splits the line (`@[<v>`).
    V,
    /// Horizontal if the whole box fits on the line, vertical otherwise (`@[<hv>`).
    HV,
    /// Packing: a break hint splits the line only when the material after it
    /// does not fit (`@[<hov>`).
    HoV,
    /// Structural packing (`@[<b>`, or `@[` alone): as [`BoxKind::HoV`], and a hint
    /// also splits when the new line would start to the left of the current one.
    B,
}

/// How an open box lays out its hints once its size is known. `Fits` is what an
/// `H`, `HV`, `HoV` or `B` box becomes when it fits entirely on the current line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    H,
    V,
    HV,
    HoV,
    B,
    Fits,
}

impl From<BoxKind> for Layout {
    fn from(kind: BoxKind) -> Layout {
        match kind {
            BoxKind::H => Layout::H,
            BoxKind::V => Layout::V,
            BoxKind::HV => Layout::HV,
            BoxKind::HoV => Layout::HoV,
            BoxKind::B => Layout::B,
        }
    }
}

/// One queued command.
#[derive(Debug, Clone, Copy)]
enum Token {
    /// Text, as a range of `Formatter::texts`.
    Text { start: usize, end: usize },
    /// A break hint: `width` blanks if the line is not split, else a new line
    /// indented by the box indentation plus `offset`.
    Break { width: i64, offset: i64 },
    /// The opening of a box.
    Begin { indent: i64, layout: Layout },
    /// The closing of the innermost box.
    End,
}

/// A queued command with its sizes. `size` is negative while unknown (it then holds
/// minus the running total at the time the token was queued); `length` is the width
/// the token adds to the running total.
#[derive(Debug, Clone, Copy)]
struct Queued {
    size: i64,
    token: Token,
    length: i64,
}

/// A break hint or box opening waiting for its size, on the scan stack.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// The running total (`right_total`) just after the token was queued;
    /// `-1` for the bottom marker of the stack.
    left_total: i64,
    /// Queue position of the token (in the numbering of `Formatter::queue_base`),
    /// or `None` for the bottom marker.
    position: Option<u64>,
    /// Whether the token is a break hint (true) or a box opening (false).
    is_break: bool,
}

/// A box being laid out: its layout and the room that was left on the line
/// when it opened, minus its indentation.
#[derive(Debug, Clone, Copy)]
struct OpenBox {
    layout: Layout,
    width: i64,
}

/// The line width and maximum indentation are inconsistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid geometry margin={margin} max_indent={max_indent}: need max_indent >= 2 and margin > max_indent"
)]
pub struct GeometryError {
    /// The requested line width.
    pub margin: usize,
    /// The requested maximum indentation.
    pub max_indent: usize,
}

/// A pretty-printer that lays out boxes, text and break hints as OCaml's `Format` does,
/// into a byte buffer (see the module docs).
#[derive(Debug, Clone)]
pub struct Formatter {
    margin: i64,
    max_indent: i64,
    /// Room left on the current line.
    space_left: i64,
    /// Indentation of the current line.
    current_indent: i64,
    /// Whether nothing was printed since the last line split.
    is_new_line: bool,
    /// Total width of the tokens already printed, plus one.
    left_total: i64,
    /// Total width of the tokens queued so far, plus one.
    right_total: i64,
    /// Number of open boxes, counting the outermost system box.
    depth: usize,
    queue: VecDeque<Queued>,
    /// Position of the front of `queue` in the numbering used by `Pending`.
    queue_base: u64,
    scan_stack: Vec<Pending>,
    boxes: Vec<OpenBox>,
    /// Bytes of the queued text tokens.
    texts: Vec<u8>,
    out: Vec<u8>,
}

impl Default for Formatter {
    fn default() -> Formatter {
        Formatter::new()
    }
}

impl Formatter {
    /// OCaml's default line width.
    pub const DEFAULT_MARGIN: usize = 78;
    /// OCaml's default maximum indentation.
    pub const DEFAULT_MAX_INDENT: usize = 68;

    /// A formatter with OCaml's default geometry: lines of 78 columns, indentation
    /// at most 68 columns (the geometry of `Format.str_formatter`).
    pub fn new() -> Formatter {
        let mut formatter = Formatter {
            margin: Self::DEFAULT_MARGIN as i64,
            max_indent: Self::DEFAULT_MAX_INDENT as i64,
            space_left: 0,
            current_indent: 0,
            is_new_line: true,
            left_total: 1,
            right_total: 1,
            depth: 0,
            queue: VecDeque::new(),
            queue_base: 0,
            scan_stack: Vec::new(),
            boxes: Vec::new(),
            texts: Vec::new(),
            out: Vec::new(),
        };
        formatter.reset();
        formatter
    }

    /// A formatter with lines of `margin` columns and at most `max_indent` columns of
    /// indentation, as `Format.pp_set_geometry` accepts them.
    pub fn with_geometry(margin: usize, max_indent: usize) -> Result<Formatter, GeometryError> {
        let error = GeometryError { margin, max_indent };
        if max_indent < 2 || margin <= max_indent {
            return Err(error);
        }
        // OCaml clamps both to just under its infinity.
        let limit = (INFINITY - 1) as usize;
        let mut formatter = Formatter::new();
        formatter.margin = margin.min(limit) as i64;
        formatter.max_indent = max_indent.min(limit) as i64;
        formatter.reset();
        Ok(formatter)
    }

    /// Opens a box of `kind` whose split lines are indented `indent` columns from the
    /// column where the box starts (`@[<kind indent>`).
    pub fn open_box(&mut self, kind: BoxKind, indent: isize) {
        self.depth += 1;
        let token = Token::Begin {
            indent: indent as i64,
            layout: kind.into(),
        };
        self.push_pending(false, token, 0);
    }

    /// Closes the innermost open box (`@]`). Does nothing when no box is open.
    pub fn close_box(&mut self) {
        if self.depth > 1 {
            self.enqueue(Queued {
                size: 0,
                token: Token::End,
                length: 0,
            });
            self.set_size(true);
            self.set_size(false);
            self.depth -= 1;
        }
    }

    /// Prints `text` as one token as wide as its byte length (`pp_print_string`).
    /// Newlines inside it are written as they are and do not reset the column.
    pub fn text(&mut self, text: &[u8]) {
        let start = self.texts.len();
        self.texts.extend_from_slice(text);
        let length = text.len() as i64;
        self.enqueue(Queued {
            size: length,
            token: Token::Text {
                start,
                end: self.texts.len(),
            },
            length,
        });
        self.advance();
    }

    /// A break hint (`@;<width offset>`): `width` blanks if the line is not split here,
    /// else a new line indented by the box indentation plus `offset`.
    pub fn break_hint(&mut self, width: usize, offset: isize) {
        let width = width as i64;
        let token = Token::Break {
            width,
            offset: offset as i64,
        };
        self.push_pending(true, token, width);
    }

    /// A break hint that is one blank when the line is not split (`@ `).
    pub fn space(&mut self) {
        self.break_hint(1, 0);
    }

    /// A break hint that is nothing when the line is not split (`@,`).
    pub fn cut(&mut self) {
        self.break_hint(0, 0);
    }

    /// Closes every open box, lays out everything queued, and returns the output
    /// (`Format.flush_str_formatter`). The formatter is then empty and ready for reuse.
    pub fn flush(&mut self) -> Vec<u8> {
        while self.depth > 1 {
            self.close_box();
        }
        self.right_total = INFINITY;
        self.advance();
        self.reset();
        std::mem::take(&mut self.out)
    }

    /// Empties the queue and the stacks and opens the outermost box, an `HoV` box
    /// that is never closed (`pp_rinit`).
    fn reset(&mut self) {
        self.left_total = 1;
        self.right_total = 1;
        self.queue_base += self.queue.len() as u64;
        self.queue.clear();
        self.texts.clear();
        self.reset_scan_stack();
        self.boxes.clear();
        self.current_indent = 0;
        self.depth = 0;
        self.space_left = self.margin;
        self.open_box(BoxKind::HoV, 0);
    }

    fn reset_scan_stack(&mut self) {
        self.scan_stack.clear();
        self.scan_stack.push(Pending {
            left_total: -1,
            position: None,
            is_break: false,
        });
    }

    fn enqueue(&mut self, queued: Queued) {
        self.right_total += queued.length;
        self.queue.push_back(queued);
    }

    /// Queues a break hint or box opening whose size is not known yet, and remembers it
    /// on the scan stack; a break hint first settles the size of the previous hint.
    fn push_pending(&mut self, is_break: bool, token: Token, length: i64) {
        self.enqueue(Queued {
            size: -self.right_total,
            token,
            length,
        });
        if is_break {
            self.set_size(true);
        }
        let position = self.queue_base + self.queue.len() as u64 - 1;
        self.scan_stack.push(Pending {
            left_total: self.right_total,
            position: Some(position),
            is_break,
        });
    }

    /// Settles the size of the token on top of the scan stack when it is a break hint
    /// (`of_break`) or a box opening (`!of_break`), and pops it. When that token was
    /// already printed, the scan stack is emptied instead.
    fn set_size(&mut self, of_break: bool) {
        let Some(&top) = self.scan_stack.last() else {
            return;
        };
        if top.left_total < self.left_total {
            self.reset_scan_stack();
            return;
        }
        if top.is_break != of_break {
            return;
        }
        if let Some(position) = top.position {
            // A token that already left the queue has no size left to settle.
            if let Some(queued) = position
                .checked_sub(self.queue_base)
                .and_then(|offset| usize::try_from(offset).ok())
                .and_then(|index| self.queue.get_mut(index))
            {
                queued.size += self.right_total;
            }
        }
        self.scan_stack.pop();
    }

    /// Prints queued tokens from the front while their size is known, or while the
    /// pending material is too wide for the line anyway (`advance_left`).
    fn advance(&mut self) {
        while let Some(&front) = self.queue.front() {
            let pending = self.right_total - self.left_total;
            if front.size < 0 && pending < self.space_left {
                return;
            }
            self.queue.pop_front();
            self.queue_base += 1;
            let size = if front.size < 0 { INFINITY } else { front.size };
            self.lay_out(size, front.token);
            self.left_total += front.length;
        }
    }

    /// Prints one token whose size is now decided (`format_pp_token`).
    fn lay_out(&mut self, size: i64, token: Token) {
        match token {
            Token::Text { start, end } => {
                self.space_left -= size;
                if let Some(bytes) = self.texts.get(start..end) {
                    self.out.extend_from_slice(bytes);
                }
                self.is_new_line = false;
            }
            Token::Begin { indent, layout } => {
                let insertion_point = self.margin - self.space_left;
                if insertion_point > self.max_indent {
                    self.reject_to_new_line();
                }
                let width = self.space_left - indent;
                let layout = match layout {
                    Layout::V => Layout::V,
                    other if size > self.space_left => other,
                    _ => Layout::Fits,
                };
                self.boxes.push(OpenBox { layout, width });
            }
            Token::End => {
                self.boxes.pop();
            }
            Token::Break { width, offset } => {
                let Some(&OpenBox {
                    layout,
                    width: box_width,
                }) = self.boxes.last()
                else {
                    return;
                };
                let split = match layout {
                    Layout::HoV => size > self.space_left,
                    Layout::B => {
                        !self.is_new_line
                            && (size > self.space_left
                                || self.current_indent > self.margin - box_width + offset)
                    }
                    Layout::HV | Layout::V => true,
                    Layout::Fits | Layout::H => false,
                };
                if split {
                    self.new_line(box_width, offset);
                } else {
                    self.space_left -= width;
                    self.blanks(width);
                }
            }
        }
    }

    /// A box about to open beyond the maximum indentation: split the line of the
    /// enclosing box first, if that box may split and its material does not fit
    /// (`pp_force_break_line`).
    fn reject_to_new_line(&mut self) {
        match self.boxes.last() {
            // As OCaml; unreachable in practice, since only the outermost box opens with
            // no box around it, at column 0.
            None => self.out.push(b'\n'),
            Some(&OpenBox { layout, width }) => {
                if width > self.space_left && !matches!(layout, Layout::Fits | Layout::H) {
                    self.new_line(width, 0);
                }
            }
        }
    }

    /// Splits the line inside a box of `box_width`, indenting by `offset` more than
    /// the box (`break_new_line`).
    fn new_line(&mut self, box_width: i64, offset: i64) {
        self.out.push(b'\n');
        self.is_new_line = true;
        let indent = self.margin - box_width + offset;
        self.current_indent = self.max_indent.min(indent);
        self.space_left = self.margin - self.current_indent;
        self.blanks(self.current_indent);
    }

    fn blanks(&mut self, count: i64) {
        if count > 0 {
            self.out.extend(std::iter::repeat_n(b' ', count as usize));
        }
    }
}
