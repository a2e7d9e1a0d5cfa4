//! The edits of one opam file: the `x-security-advisories` field, the marks
//! (`flags: avoid-version`, `available: false`) and the record of the marks osec
//! added (`x-security-advisories-marks`), each edit done so that undoing it gives
//! back the bytes it was made on.
//!
//! Recognising what osec wrote goes by bytes, not by the tree: a wrapped filter is
//! `false & (` + the old bytes + `)`, a listed flag `[` + the old bytes +
//! ` avoid-version]`. The record says which of these osec did, so that a mark a
//! maintainer wrote is never taken out.

use opam_file::{Document, EditError, Scope, Span, Value, ValueKind};
use opam_model::{Filter, FilterValue, VariableScope, VariableValue};

/// The field that lists the advisories affecting the version.
pub(crate) const ANNOTATION: &str = "x-security-advisories";

/// The field that records the marks osec added, so that `--remove` takes out those
/// and nothing else.
pub(crate) const MARKS: &str = "x-security-advisories-marks";

/// How a version is marked once a fixed version of its package is out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Mark {
    /// `flags: avoid-version`: the solver picks the version only when it must.
    // Users who ask for the version still get it.
    AvoidVersion,
    /// `available: false`: the version can no longer be installed.
    Unavailable,
}

impl Mark {
    /// `avoid-version` or `unavailable`, as `--mark` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::AvoidVersion => "avoid-version",
            Mark::Unavailable => "unavailable",
        }
    }
}

/// One entry of the record: what osec did to the file to add a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkEdit {
    /// `avoid-version` went at the end of `flags`' list, or `flags: avoid-version`
    /// was added.
    AvoidVersion,
    /// The single flag `flags: F` became `flags: [F avoid-version]`.
    AvoidVersionListed,
    /// `available: false` was added, or the filter `F` became `false & (F)`.
    Unavailable,
}

impl MarkEdit {
    const ALL: [MarkEdit; 3] = [
        MarkEdit::AvoidVersion,
        MarkEdit::AvoidVersionListed,
        MarkEdit::Unavailable,
    ];

    /// The entry in the record.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MarkEdit::AvoidVersion => "avoid-version",
            MarkEdit::AvoidVersionListed => "avoid-version-listed",
            MarkEdit::Unavailable => "unavailable",
        }
    }

    fn parse(text: &str) -> Option<MarkEdit> {
        MarkEdit::ALL.into_iter().find(|edit| edit.as_str() == text)
    }

    /// The mark the edit added.
    pub(crate) fn mark(self) -> Mark {
        match self {
            MarkEdit::AvoidVersion | MarkEdit::AvoidVersionListed => Mark::AvoidVersion,
            MarkEdit::Unavailable => Mark::Unavailable,
        }
    }
}

/// Why a file can't be edited: the field, its position and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// Where, when it is a value of the file.
    pub(crate) span: Option<Span>,
    /// What is wrong and what to do.
    pub(crate) message: String,
}

impl FieldError {
    fn at(span: Span, message: String) -> FieldError {
        FieldError {
            span: Some(span),
            message,
        }
    }

    fn edit(field: &str, error: EditError) -> FieldError {
        FieldError {
            span: None,
            message: format!("cannot edit `{field}`: {error}"),
        }
    }
}

/// The strings of a field whose value is a list of strings or one string; `None`
/// when the field is absent.
fn strings(document: &Document, field: &str) -> Result<Option<Vec<String>>, FieldError> {
    let Some(value) = document.field(Scope::File, field) else {
        return Ok(None);
    };
    let items = match &value.kind {
        ValueKind::List(items) => items.value.as_slice(),
        _ => std::slice::from_ref(value),
    };
    items
        .iter()
        .map(|item| {
            item.as_str().map(str::to_owned).ok_or_else(|| {
                FieldError::at(
                    item.span,
                    format!(
                        "`{field}` should be a list of strings such as [\"OSEC-2026-01\"]; fix or remove it by hand"
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The advisory IDs the file is annotated with, as written (empty without the field).
pub(crate) fn annotation(document: &Document) -> Result<Vec<String>, FieldError> {
    Ok(strings(document, ANNOTATION)?.unwrap_or_default())
}

/// Makes the annotation hold `ids` (the field removed when there are none). A field
/// that holds the same IDs in another order is left as it is; a changed one is
/// written sorted.
pub(crate) fn set_annotation(document: &mut Document, ids: &[String]) -> Result<(), FieldError> {
    let mut current = annotation(document)?;
    current.sort();
    current.dedup();
    let mut wanted = ids.to_vec();
    wanted.sort();
    wanted.dedup();
    if current == wanted && (document.field(Scope::File, ANNOTATION).is_some() || wanted.is_empty())
    {
        return Ok(());
    }
    let result = if wanted.is_empty() {
        document.remove_field(Scope::File, ANNOTATION)
    } else {
        let list = Value::list(wanted.iter().map(|id| Value::string(id.as_str())).collect());
        document.set_field(Scope::File, ANNOTATION, &list)
    };
    result.map_err(|e| FieldError::edit(ANNOTATION, e))
}

/// The edits recorded in the file's marks record, in the order they were made.
pub(crate) fn recorded_marks(document: &Document) -> Result<Vec<MarkEdit>, FieldError> {
    let Some(entries) = strings(document, MARKS)? else {
        return Ok(Vec::new());
    };
    entries
        .iter()
        .map(|entry| {
            MarkEdit::parse(entry).ok_or_else(|| FieldError {
                span: document.field(Scope::File, MARKS).map(|v| v.span),
                message: format!(
                    "`{MARKS}` holds {entry:?}, which osec did not write; fix or remove it by hand"
                ),
            })
        })
        .collect()
}

fn set_record(document: &mut Document, edits: &[MarkEdit]) -> Result<(), FieldError> {
    let result = if edits.is_empty() {
        if document.field(Scope::File, MARKS).is_none() {
            return Ok(());
        }
        document.remove_field(Scope::File, MARKS)
    } else {
        let list = Value::list(edits.iter().map(|e| Value::string(e.as_str())).collect());
        document.set_field(Scope::File, MARKS, &list)
    };
    result.map_err(|e| FieldError::edit(MARKS, e))
}

/// Adds `mark` unless the version has it already (put there by osec or by hand).
/// Returns whether the file changed.
pub(crate) fn add_mark(document: &mut Document, mark: Mark) -> Result<bool, FieldError> {
    let mut record = recorded_marks(document)?;
    if record.iter().any(|edit| edit.mark() == mark) {
        return Ok(false);
    }
    let edit = match mark {
        Mark::AvoidVersion => add_avoid_version(document)?,
        Mark::Unavailable => add_unavailable(document)?,
    };
    let Some(edit) = edit else {
        return Ok(false);
    };
    record.push(edit);
    set_record(document, &record)?;
    Ok(true)
}

/// Takes out every mark osec recorded, last first, then the record. A mark that was
/// changed by hand since is left as it is and named in the result.
pub(crate) fn remove_marks(document: &mut Document) -> Result<RemovedMarks, FieldError> {
    let record = recorded_marks(document)?;
    let mut removed = RemovedMarks::default();
    if record.is_empty() && document.field(Scope::File, MARKS).is_none() {
        return Ok(removed);
    }
    // The record goes first: it was written after the marks.
    set_record(document, &[])?;
    for edit in record.into_iter().rev() {
        if undo(document, edit)? {
            removed.removed.push(edit.mark());
        } else {
            removed.changed_by_hand.push(edit.mark());
        }
    }
    Ok(removed)
}

/// What [`remove_marks`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RemovedMarks {
    /// The marks taken out.
    pub(crate) removed: Vec<Mark>,
    /// The marks recorded but no longer as osec wrote them: left in the file.
    pub(crate) changed_by_hand: Vec<Mark>,
}

const AVOID_VERSION: &str = "avoid-version";
const FALSE_AND: &[u8] = b"false & (";

fn add_avoid_version(document: &mut Document) -> Result<Option<MarkEdit>, FieldError> {
    let flag = Value::ident(AVOID_VERSION);
    let edit_error = |e| FieldError::edit("flags", e);
    let Some(value) = document.field(Scope::File, "flags") else {
        document
            .set_field(Scope::File, "flags", &flag)
            .map_err(edit_error)?;
        return Ok(Some(MarkEdit::AvoidVersion));
    };
    match &value.kind {
        ValueKind::List(items) => {
            if items
                .value
                .iter()
                .any(|v| v.as_ident() == Some(AVOID_VERSION))
            {
                return Ok(None);
            }
            document
                .push_to_list(Scope::File, "flags", &flag)
                .map_err(edit_error)?;
            Ok(Some(MarkEdit::AvoidVersion))
        }
        ValueKind::Ident(name) if name.as_str() == AVOID_VERSION => Ok(None),
        ValueKind::Ident(_) => {
            let span = value.span;
            let listed = [b"[".as_slice(), text(document, span), b" avoid-version]"].concat();
            document.replace(span, &listed).map_err(edit_error)?;
            Ok(Some(MarkEdit::AvoidVersionListed))
        }
        _ => Err(FieldError::at(
            value.span,
            "`flags` is neither a flag nor a list of flags: add `avoid-version` by hand".into(),
        )),
    }
}

fn add_unavailable(document: &mut Document) -> Result<Option<MarkEdit>, FieldError> {
    let edit_error = |e| FieldError::edit("available", e);
    let Some(value) = document.field(Scope::File, "available") else {
        document
            .set_field(
                Scope::File,
                "available",
                &Value::new(ValueKind::Bool(false)),
            )
            .map_err(edit_error)?;
        return Ok(Some(MarkEdit::Unavailable));
    };
    // opam reads `available: [ F ]` as `F` (a list of at most one filter).
    let filter_value = match &value.kind {
        ValueKind::List(items) => match items.value.as_slice() {
            [single] => single,
            _ => {
                return Err(FieldError::at(
                    value.span,
                    "`available` should be one filter (opam rejects other lists): fix it by hand"
                        .into(),
                ));
            }
        },
        _ => value,
    };
    let filter = Filter::from_value(filter_value).map_err(|e| {
        FieldError::at(
            filter_value.span,
            format!("`available` is not a filter opam reads ({e}): fix it by hand"),
        )
    })?;
    if filter.reduce(&no_variables) == FilterValue::Bool(false) {
        return Ok(None);
    }
    let span = filter_value.span;
    let wrapped = [FALSE_AND, text(document, span), b")"].concat();
    document.replace(span, &wrapped).map_err(edit_error)?;
    Ok(Some(MarkEdit::Unavailable))
}

/// Every variable undefined: what a filter is whatever the platform.
fn no_variables(_: VariableScope<'_>, _: &str) -> Option<VariableValue> {
    None
}

/// Undoes one edit; `false` when the file no longer shows it as osec wrote it.
fn undo(document: &mut Document, edit: MarkEdit) -> Result<bool, FieldError> {
    match edit {
        MarkEdit::AvoidVersion => {
            let Some(value) = document.field(Scope::File, "flags") else {
                return Ok(false);
            };
            match &value.kind {
                ValueKind::Ident(name) if name.as_str() == AVOID_VERSION => document
                    .remove_field(Scope::File, "flags")
                    .map_err(|e| FieldError::edit("flags", e))
                    .map(|()| true),
                ValueKind::List(items) => {
                    let Some(index) = items
                        .value
                        .iter()
                        .rposition(|v| v.as_ident() == Some(AVOID_VERSION))
                    else {
                        return Ok(false);
                    };
                    document
                        .remove_from_list(Scope::File, "flags", index)
                        .map_err(|e| FieldError::edit("flags", e))
                        .map(|()| true)
                }
                _ => Ok(false),
            }
        }
        MarkEdit::AvoidVersionListed => {
            let Some(value) = document.field(Scope::File, "flags") else {
                return Ok(false);
            };
            let span = value.span;
            let bytes = text(document, span);
            match bytes
                .strip_prefix(b"[")
                .and_then(|rest| rest.strip_suffix(b" avoid-version]"))
            {
                Some(single) => {
                    let single = single.to_vec();
                    Ok(document.replace(span, &single).is_ok())
                }
                None => Ok(false),
            }
        }
        MarkEdit::Unavailable => {
            let Some(value) = document.field(Scope::File, "available") else {
                return Ok(false);
            };
            if value.kind == ValueKind::Bool(false) {
                return document
                    .remove_field(Scope::File, "available")
                    .map_err(|e| FieldError::edit("available", e))
                    .map(|()| true);
            }
            let span = match &value.kind {
                ValueKind::List(items) => match items.value.as_slice() {
                    [single] => single.span,
                    _ => return Ok(false),
                },
                _ => value.span,
            };
            let bytes = text(document, span);
            match bytes
                .strip_prefix(FALSE_AND)
                .and_then(|rest| rest.strip_suffix(b")"))
            {
                Some(inner) => {
                    let inner = inner.to_vec();
                    Ok(document.replace(span, &inner).is_ok())
                }
                None => Ok(false),
            }
        }
    }
}

/// The bytes of a span of the document.
fn text(document: &Document, span: Span) -> &[u8] {
    document.to_bytes().get(span.range()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Document {
        Document::parse(text).expect("the test file parses")
    }

    fn text_of(document: &Document) -> &str {
        std::str::from_utf8(document.to_bytes()).expect("utf-8")
    }

    /// Adds `mark` to `given`, checks the result, then takes it out again and checks
    /// that the original bytes come back.
    fn round_trip(given: &str, mark: Mark, expected: &str) {
        let mut doc = document(given);
        assert!(add_mark(&mut doc, mark).expect("marked"), "{given}");
        assert_eq!(text_of(&doc), expected);
        assert!(!add_mark(&mut doc, mark).expect("marked again"), "{given}");
        assert_eq!(text_of(&doc), expected, "a second mark changed the file");
        let removed = remove_marks(&mut doc).expect("unmarked");
        assert_eq!(removed.removed, vec![mark]);
        assert_eq!(text_of(&doc), given);
    }

    #[test]
    fn avoid_version_in_every_shape_of_flags() {
        round_trip(
            "x: 1\n",
            Mark::AvoidVersion,
            "x: 1\nflags: avoid-version\nx-security-advisories-marks: [\"avoid-version\"]\n",
        );
        round_trip(
            "flags: conf\nx: 1",
            Mark::AvoidVersion,
            "flags: [conf avoid-version]\nx: 1\nx-security-advisories-marks: [\"avoid-version-listed\"]",
        );
        round_trip(
            "flags: [ light-uninstall ] # why\n",
            Mark::AvoidVersion,
            "flags: [ light-uninstall avoid-version ] # why\nx-security-advisories-marks: [\"avoid-version\"]\n",
        );
        round_trip(
            "flags: [\n  conf\n]\n",
            Mark::AvoidVersion,
            "flags: [\n  conf\n  avoid-version\n]\nx-security-advisories-marks: [\"avoid-version\"]\n",
        );
        round_trip(
            "flags: []\n",
            Mark::AvoidVersion,
            "flags: [avoid-version]\nx-security-advisories-marks: [\"avoid-version\"]\n",
        );
    }

    #[test]
    fn unavailable_keeps_the_old_filter_readable() {
        round_trip(
            "x: 1\n",
            Mark::Unavailable,
            "x: 1\navailable: false\nx-security-advisories-marks: [\"unavailable\"]\n",
        );
        round_trip(
            "available: os != \"win32\" | arch = \"x86_64\"\n",
            Mark::Unavailable,
            "available: false & (os != \"win32\" | arch = \"x86_64\")\nx-security-advisories-marks: [\"unavailable\"]\n",
        );
        round_trip(
            "available: [ arch != \"arm32\" ] # see SIGBUS\n",
            Mark::Unavailable,
            "available: [ false & (arch != \"arm32\") ] # see SIGBUS\nx-security-advisories-marks: [\"unavailable\"]\n",
        );
    }

    #[test]
    fn both_marks_come_out_last_first() {
        let given = "flags: conf\navailable: os = \"linux\"";
        let mut doc = document(given);
        assert!(add_mark(&mut doc, Mark::AvoidVersion).unwrap());
        assert!(add_mark(&mut doc, Mark::Unavailable).unwrap());
        assert_eq!(
            text_of(&doc),
            "flags: [conf avoid-version]\navailable: false & (os = \"linux\")\nx-security-advisories-marks: [\"avoid-version-listed\" \"unavailable\"]"
        );
        let removed = remove_marks(&mut doc).unwrap();
        assert_eq!(removed.removed, vec![Mark::Unavailable, Mark::AvoidVersion]);
        assert_eq!(text_of(&doc), given);
    }

    #[test]
    fn a_mark_written_by_hand_is_neither_added_nor_removed() {
        for given in [
            "flags: avoid-version\n",
            "flags: [conf avoid-version]\n",
            "available: false # bad checksum\n",
            "available: [ false & os = \"linux\" ]\n",
        ] {
            let mut doc = document(given);
            let mark = if given.starts_with("flags") {
                Mark::AvoidVersion
            } else {
                Mark::Unavailable
            };
            assert!(!add_mark(&mut doc, mark).unwrap(), "{given}");
            assert_eq!(remove_marks(&mut doc).unwrap(), RemovedMarks::default());
            assert_eq!(text_of(&doc), given);
        }
    }

    #[test]
    fn a_mark_changed_by_hand_stays_and_is_reported() {
        let mut doc = document("flags: conf\n");
        assert!(add_mark(&mut doc, Mark::AvoidVersion).unwrap());
        let edited = text_of(&doc).replace("[conf avoid-version]", "[conf avoid-version plugin]");
        let mut doc = document(&edited);
        let removed = remove_marks(&mut doc).unwrap();
        assert_eq!(removed.changed_by_hand, vec![Mark::AvoidVersion]);
        assert_eq!(text_of(&doc), "flags: [conf avoid-version plugin]\n");
    }

    #[test]
    fn the_annotation_is_a_sorted_list_and_its_order_is_kept_when_unchanged() {
        let mut doc = document("x: 1\n");
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        set_annotation(&mut doc, &ids(&["OSEC-2026-16", "OSEC-2026-01"])).unwrap();
        assert_eq!(
            text_of(&doc),
            "x: 1\nx-security-advisories: [\"OSEC-2026-01\" \"OSEC-2026-16\"]\n"
        );
        let mut doc = document("x-security-advisories: [\"B\" \"A\"]\n");
        set_annotation(&mut doc, &ids(&["A", "B"])).unwrap();
        assert_eq!(text_of(&doc), "x-security-advisories: [\"B\" \"A\"]\n");
        let mut doc = document("x-security-advisories: \"A\"\n");
        assert_eq!(annotation(&doc).unwrap(), ids(&["A"]));
        set_annotation(&mut doc, &[]).unwrap();
        assert_eq!(text_of(&doc), "");
    }

    #[test]
    fn malformed_fields_are_errors_with_their_position() {
        let doc = document("x-security-advisories: [OSEC]\n");
        let error = annotation(&doc).unwrap_err();
        assert_eq!(error.span, Some(Span::new(24, 28)));
        assert!(
            error.message.contains("list of strings"),
            "{}",
            error.message
        );
        let mut doc = document("x-security-advisories-marks: [\"deprecated\"]\n");
        let error = remove_marks(&mut doc).unwrap_err();
        assert!(
            error.message.contains("\"deprecated\""),
            "{}",
            error.message
        );
        let mut doc = document("flags: \"conf\"\n");
        assert!(add_mark(&mut doc, Mark::AvoidVersion).is_err());
        let mut doc = document("available: [ true false ]\n");
        assert!(add_mark(&mut doc, Mark::Unavailable).is_err());
    }
}
