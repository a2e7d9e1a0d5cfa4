//! The lossless document: the source bytes plus the tree parsed from them, and edits
//! that rewrite only the bytes they change.
//!
//! A [`Document`] keeps the text it was given; printing an unmodified document gives
//! that text back byte for byte (the exact printer). Every edit splices new bytes into
//! the text — replacing a value's span, adding a line, deleting a line — and then
//! parses the text again, so spans stay right for the next edit and an edit can never
//! leave a document that does not parse (it is refused instead). New values are
//! printed in opam's one-line normal form ([`crate::print::normalise::print_value`]).
//!
//! Layout rules: a new field goes on its own line at the end of the file or section,
//! indented like the section's other fields (or two spaces more than the section); a
//! removed field or section takes its whole line with it when it was alone on its
//! line(s); a list written one element per line gets the new element on a new line
//! with the same indentation, an inline list gets it after a space. A file that does
//! not end with a newline keeps not ending with one: a field added at its end goes
//! after a newline, and removing the last line takes the newline before it, so that
//! removing what was added gives back the original bytes. [`Document::replace`]
//! rewrites any span of the tree with text as written, for edits that must keep the
//! bytes inside the span (wrapping a value in parentheses).

use crate::ast::{Item, ItemKind, OpamFile, Value, ValueKind};
use crate::error::ParseError;
use crate::source::{OcamlLines, Span, Spanned};

/// An opam file that prints back exactly as it was read, and can be edited so that
/// only the edited bytes change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    src: Vec<u8>,
    file: OpamFile,
    lines: OcamlLines,
}

/// Which item list an edit applies to: the file's top level, or a top-level section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The items of the file itself.
    File,
    /// The items of the first top-level section of this kind and name.
    Section {
        /// The section's kind, such as `url`.
        kind: &'a str,
        /// The section's name, `None` for an unnamed section.
        name: Option<&'a [u8]>,
    },
}

/// Why an edit was refused; the document is left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// No field of that name in the scope.
    #[error("no field `{0}`")]
    NoSuchField(String),
    /// No such section at the top level.
    #[error("no section `{0}`")]
    NoSuchSection(String),
    /// The field's value is not a list.
    #[error("field `{0}` is not a list")]
    NotAList(String),
    /// A list element index past the end of the list.
    #[error("field `{field}` has no element {index}")]
    NoSuchElement {
        /// The field.
        field: String,
        /// The index asked for.
        index: usize,
    },
    /// No value of the document has this span.
    #[error("no value at bytes {}..{}", .0.start, .0.end)]
    NoSuchValue(Span),
    /// A span given to [`Document::replace`] is not inside the document.
    #[error("bytes {}..{} are not inside the document", .0.start, .0.end)]
    SpanOutOfBounds(Span),
    /// The edited text would not parse (for example an identifier value that is not
    /// a valid identifier).
    #[error("the edit would make the file unparsable: {0}")]
    Unparsable(ParseError),
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

    /// The value of the first field `name` in `scope`.
    pub fn field(&self, scope: Scope<'_>, name: &str) -> Option<&Value> {
        let (items, _) = self.scope_items(scope).ok()?;
        items.iter().find_map(|item| match item.as_field() {
            Some((field, value)) if field == name => Some(value),
            _ => None,
        })
    }

    /// Sets field `name` in `scope` to `value`: replaces the old value's bytes, or
    /// adds `name: value` on a new line at the end of the scope.
    pub fn set_field(
        &mut self,
        scope: Scope<'_>,
        name: &str,
        value: &Value,
    ) -> Result<(), EditError> {
        let printed = print_value(value);
        if let Some(old) = self.field(scope, name) {
            let span = old.span;
            return self.splice(span.range(), &printed);
        }
        let mut line = name.as_bytes().to_vec();
        line.extend_from_slice(b": ");
        line.extend_from_slice(&printed);
        self.append_line(scope, &line)
    }

    /// Replaces the value whose span is `span` (any value of the tree, however deep,
    /// such as the version string of `"cohttp" {= "6.2.2"}`) with `value`, leaving
    /// every other byte as it was.
    pub fn replace_value(&mut self, span: Span, value: &Value) -> Result<(), EditError> {
        if !self
            .file
            .items
            .iter()
            .any(|item| item_has_value_span(item, span))
        {
            return Err(EditError::NoSuchValue(span));
        }
        self.splice(span.range(), &print_value(value))
    }

    /// Removes the first field `name` from `scope`, with its line when it is alone
    /// on it.
    pub fn remove_field(&mut self, scope: Scope<'_>, name: &str) -> Result<(), EditError> {
        let (items, _) = self.scope_items(scope)?;
        let span = items
            .iter()
            .find(|item| item.as_field().is_some_and(|(field, _)| field == name))
            .map(|item| item.span)
            .ok_or_else(|| EditError::NoSuchField(name.to_owned()))?;
        let range = self.removal_range(span);
        self.splice(range, b"")
    }

    /// Appends `value` to the list that is the value of field `name` in `scope`.
    pub fn push_to_list(
        &mut self,
        scope: Scope<'_>,
        name: &str,
        value: &Value,
    ) -> Result<(), EditError> {
        let list = self.list_field(scope, name)?;
        let printed = print_value(value);
        let close = list.span.end as usize - 1;
        let Some(last) = list.value.last() else {
            return self.splice(close..close, &printed);
        };
        let last_end = last.span.end as usize;
        let between = self.src.get(last_end..close).unwrap_or_default();
        let mut insert = Vec::new();
        if between.contains(&b'\n') {
            insert.push(b'\n');
            insert.extend_from_slice(self.indentation_of_line(last.span.start as usize));
        } else {
            insert.push(b' ');
        }
        insert.extend_from_slice(&printed);
        self.splice(last_end..last_end, &insert)
    }

    /// Removes element `index` of the list that is the value of field `name`.
    pub fn remove_from_list(
        &mut self,
        scope: Scope<'_>,
        name: &str,
        index: usize,
    ) -> Result<(), EditError> {
        let list = self.list_field(scope, name)?;
        let element = list
            .value
            .get(index)
            .ok_or_else(|| EditError::NoSuchElement {
                field: name.to_owned(),
                index,
            })?;
        let (start, end) = (element.span.start as usize, element.span.end as usize);
        let range = if let Some(range) = self.whole_lines(start, end) {
            range
        } else if index > 0 {
            // Take the blanks before the element, which separated it from the previous one.
            let blanks = self.src[..start]
                .iter()
                .rev()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            start - blanks..end
        } else {
            let blanks = self.src[end..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let next_is_close = self.src.get(end + blanks) == Some(&b']');
            start..if next_is_close { end } else { end + blanks }
        };
        self.splice(range, b"")
    }

    /// Replaces the bytes of `span` (a span of [`Document::file`]'s tree, such as a
    /// value's) by `text`, as written: the edit for changes the other edits can't
    /// express while keeping the bytes around them, such as wrapping a value in
    /// parentheses. Refused, the document unchanged, when the span is not inside the
    /// document or the result does not parse.
    pub fn replace(&mut self, span: Span, text: &[u8]) -> Result<(), EditError> {
        let range = span.range();
        if range.start > range.end || range.end > self.src.len() {
            return Err(EditError::SpanOutOfBounds(span));
        }
        self.splice(range, text)
    }

    /// Adds a section `kind ["name"] { fields }` at the end of the file.
    pub fn insert_section(
        &mut self,
        kind: &str,
        name: Option<&[u8]>,
        fields: &[(&str, Value)],
    ) -> Result<(), EditError> {
        let mut text = kind.as_bytes().to_vec();
        text.push(b' ');
        if let Some(name) = name {
            text.extend_from_slice(&print_value(&Value::string(name)));
            text.push(b' ');
        }
        text.extend_from_slice(b"{\n");
        for (field, value) in fields {
            text.extend_from_slice(b"  ");
            text.extend_from_slice(field.as_bytes());
            text.extend_from_slice(b": ");
            text.extend_from_slice(&print_value(value));
            text.push(b'\n');
        }
        text.push(b'}');
        self.append_line(Scope::File, &text)
    }

    /// Removes the first top-level section of that kind and name, with its lines.
    pub fn remove_section(&mut self, kind: &str, name: Option<&[u8]>) -> Result<(), EditError> {
        let span = self
            .section(kind, name)
            .map(|item| item.span)
            .ok_or_else(|| EditError::NoSuchSection(kind.to_owned()))?;
        let range = self.removal_range(span);
        self.splice(range, b"")
    }

    fn section(&self, kind: &str, name: Option<&[u8]>) -> Option<&Item> {
        self.file.items.iter().find(|item| match &item.kind {
            ItemKind::Section(section) => {
                section.kind.value == kind && section.name.as_ref().map(|n| &n.value[..]) == name
            }
            ItemKind::Variable(..) => false,
        })
    }

    /// The items of a scope and, for a section, the section item.
    fn scope_items(&self, scope: Scope<'_>) -> Result<(&[Item], Option<&Item>), EditError> {
        match scope {
            Scope::File => Ok((&self.file.items, None)),
            Scope::Section { kind, name } => {
                let item = self
                    .section(kind, name)
                    .ok_or_else(|| EditError::NoSuchSection(kind.to_owned()))?;
                match &item.kind {
                    ItemKind::Section(section) => Ok((&section.items.value, Some(item))),
                    ItemKind::Variable(..) => Err(EditError::NoSuchSection(kind.to_owned())),
                }
            }
        }
    }

    fn list_field(&self, scope: Scope<'_>, name: &str) -> Result<Spanned<Vec<Value>>, EditError> {
        let value = self
            .field(scope, name)
            .ok_or_else(|| EditError::NoSuchField(name.to_owned()))?;
        match &value.kind {
            ValueKind::List(list) => Ok(list.clone()),
            _ => Err(EditError::NotAList(name.to_owned())),
        }
    }

    /// Adds `text` as a new line at the end of `scope`.
    fn append_line(&mut self, scope: Scope<'_>, text: &[u8]) -> Result<(), EditError> {
        let (items, section) = self.scope_items(scope)?;
        let Some(section_item) = section else {
            // A file that does not end with a newline keeps not ending with one.
            let mut insert = Vec::new();
            let without_final_newline = !self.src.is_empty() && !self.src.ends_with(b"\n");
            if without_final_newline {
                insert.push(b'\n');
            }
            insert.extend_from_slice(text);
            if !without_final_newline {
                insert.push(b'\n');
            }
            let end = self.src.len();
            return self.splice(end..end, &insert);
        };
        let first_on_own_line = items
            .first()
            .map(|first| first.span.start as usize)
            .filter(|&start| self.is_blank(self.line_start(start), start));
        let indent = match first_on_own_line {
            Some(start) => self.indentation_of_line(start).to_vec(),
            None => {
                let mut indent = self
                    .indentation_of_line(section_item.span.start as usize)
                    .to_vec();
                indent.extend_from_slice(b"  ");
                indent
            }
        };
        let close = section_item.span.end as usize - 1;
        let line_start = self.line_start(close);
        let mut insert = Vec::new();
        if self.is_blank(line_start, close) {
            insert.extend_from_slice(&indent);
            insert.extend_from_slice(text);
            insert.push(b'\n');
            self.splice(line_start..line_start, &insert)
        } else {
            let blanks = self.src[..close]
                .iter()
                .rev()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            insert.push(b'\n');
            insert.extend_from_slice(&indent);
            insert.extend_from_slice(text);
            insert.push(b'\n');
            insert.extend_from_slice(self.indentation_of_line(section_item.span.start as usize));
            self.splice(close - blanks..close, &insert)
        }
    }

    fn line_start(&self, at: usize) -> usize {
        self.src[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }

    fn is_blank(&self, start: usize, end: usize) -> bool {
        self.src
            .get(start..end)
            .is_some_and(|s| s.iter().all(|&b| b == b' ' || b == b'\t'))
    }

    /// The blanks at the start of the line holding `at`.
    fn indentation_of_line(&self, at: usize) -> &[u8] {
        let start = self.line_start(at);
        let len = self.src[start..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        &self.src[start..start + len]
    }

    /// When `start..end` is alone on its line(s) (only blanks around it), the range
    /// of those whole lines, newline included.
    fn whole_lines(&self, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
        let line_start = self.line_start(start);
        if !self.is_blank(line_start, start) {
            return None;
        }
        let blanks = self.src[end..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t' || b == b'\r')
            .count();
        match self.src.get(end + blanks) {
            // The last line, without a newline after it: the newline before it goes
            // too, so that the file keeps its style (and removing a field that
            // `append_line` added gives back the bytes it was added to).
            None => {
                let mut start = line_start;
                if start > 0 && self.src.get(start - 1) == Some(&b'\n') {
                    start -= 1;
                    if start > 0 && self.src.get(start - 1) == Some(&b'\r') {
                        start -= 1;
                    }
                }
                Some(start..end + blanks)
            }
            Some(b'\n') => Some(line_start..end + blanks + 1),
            Some(_) => None,
        }
    }

    /// What to delete to remove an item: its whole lines when it is alone on them,
    /// else the item and the blanks before it.
    fn removal_range(&self, span: Span) -> std::ops::Range<usize> {
        let (start, end) = (span.start as usize, span.end as usize);
        self.whole_lines(start, end).unwrap_or_else(|| {
            let blanks = self.src[..start]
                .iter()
                .rev()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            start - blanks..end
        })
    }

    /// Replaces `range` of the text by `with`, then re-parses; on failure nothing
    /// changes.
    fn splice(&mut self, range: std::ops::Range<usize>, with: &[u8]) -> Result<(), EditError> {
        let mut src = Vec::with_capacity(self.src.len() + with.len());
        src.extend_from_slice(&self.src[..range.start]);
        src.extend_from_slice(with);
        src.extend_from_slice(&self.src[range.end..]);
        let document = Document::parse(src).map_err(EditError::Unparsable)?;
        *self = document;
        Ok(())
    }
}

/// Whether some value of `item`, at any depth, has exactly `span`.
fn item_has_value_span(item: &Item, span: Span) -> bool {
    match &item.kind {
        ItemKind::Variable(_, value) => value_has_span(value, span),
        ItemKind::Section(section) => section
            .items
            .value
            .iter()
            .any(|item| item_has_value_span(item, span)),
    }
}

fn value_has_span(value: &Value, span: Span) -> bool {
    if value.span == span {
        return true;
    }
    if !(value.span.start <= span.start && span.end <= value.span.end) {
        return false;
    }
    match &value.kind {
        ValueKind::Relop(_, a, b) | ValueKind::EnvBinding(a, _, b) => {
            value_has_span(a, span) || value_has_span(b, span)
        }
        ValueKind::Logop(chain) => chain.operands.iter().any(|v| value_has_span(v, span)),
        ValueKind::StackedOptions(v, lists) => {
            value_has_span(v, span)
                || lists
                    .iter()
                    .any(|list| list.value.iter().any(|v| value_has_span(v, span)))
        }
        ValueKind::PrefixRelop(_, a) | ValueKind::Pfxop(_, a) => value_has_span(a, span),
        ValueKind::List(list) | ValueKind::Group(list) => {
            list.value.iter().any(|v| value_has_span(v, span))
        }
        ValueKind::Option(v, list) => {
            value_has_span(v, span) || list.value.iter().any(|v| value_has_span(v, span))
        }
        _ => false,
    }
}

fn print_value(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    crate::print::normalise::print_value(&mut out, value);
    out
}
