//! Comparing the source-defining fields of a version at BASE and at HEAD, and
//! checking those of a new version: the findings, without reading anything.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use opam_file::Value;
use opam_model::ChecksumKind;

use super::Version;
use super::fields::{InvalidField, Site, SourceSection, elements, value_text};
use crate::codes::Rule;
use crate::report::{Finding, Location, Side};

/// Checks a version new at HEAD: each source has a checksum, and one of sha256 or
/// sha512.
pub(super) fn check_new(out: &mut Vec<Finding>, package: &str, version: &Version) {
    report_invalid(out, package, version, &[]);
    for (subject, source) in version.fields.sources() {
        if source.checksums.is_empty() {
            out.push(Finding {
                rule: Rule::NewVersionWithoutChecksum,
                package: package.to_owned(),
                message: format!("new version without a checksum for {subject}"),
                location: version.location(source.checksum_site()),
                old: None,
                new: source.src.as_ref().map(|(src, _)| src.clone()),
                old_location: None,
                subject,
            });
        } else if !source.has_strong_checksum() {
            out.push(Finding {
                rule: Rule::NewVersionWeakChecksum,
                package: package.to_owned(),
                message: format!("new version with only an md5 checksum for {subject}"),
                location: version.location(source.checksum_site()),
                old: None,
                new: Some(checksums_text(source)),
                old_location: None,
                subject,
            });
        }
    }
}

/// Reports the unreadable source fields of a version, except those also in
/// `already` (the same problem at HEAD is reported once).
fn report_invalid(
    out: &mut Vec<Finding>,
    package: &str,
    version: &Version,
    already: &[InvalidField],
) {
    let repeated = |invalid: &InvalidField| {
        already
            .iter()
            .any(|a| a.subject == invalid.subject && a.message == invalid.message)
    };
    for invalid in version.fields.invalid.iter().filter(|i| !repeated(i)) {
        let at = match version.side {
            Side::Base => " at BASE",
            Side::Head => "",
        };
        out.push(Finding {
            rule: Rule::InvalidSourceField,
            package: package.to_owned(),
            subject: invalid.subject.clone(),
            message: format!("{} of {}{at}", invalid.message, invalid.subject),
            location: version.location(invalid.site),
            old: None,
            new: None,
            old_location: None,
        });
    }
}

/// Compares the source-defining fields of a version at BASE and at HEAD.
pub(super) fn compare(out: &mut Vec<Finding>, package: &str, old: &Version, new: &Version) {
    report_invalid(out, package, new, &[]);
    report_invalid(out, package, old, &new.fields.invalid);
    let old_sources: BTreeMap<String, &SourceSection> = old.fields.sources().into_iter().collect();
    let new_sources: BTreeMap<String, &SourceSection> = new.fields.sources().into_iter().collect();
    let subjects: BTreeSet<&String> = old_sources.keys().chain(new_sources.keys()).collect();
    for subject in subjects {
        let pair = (old_sources.get(subject), new_sources.get(subject));
        compare_source(out, package, subject, pair, old, new);
    }
    let lists = [
        (
            Rule::ExtraFilesChanged,
            "extra-files",
            "extra file",
            &old.fields.extra_files,
            &new.fields.extra_files,
        ),
        (
            Rule::PatchesChanged,
            "patches",
            "patch",
            &old.fields.patches,
            &new.fields.patches,
        ),
        (
            Rule::SubstsChanged,
            "substs",
            "substituted file",
            &old.fields.substs,
            &new.fields.substs,
        ),
    ];
    for (rule, field, noun, before, after) in lists {
        let list = ListField { rule, field, noun };
        compare_list(
            out,
            package,
            list,
            (before.as_ref(), after.as_ref()),
            old,
            new,
        );
    }
    let old_commands: HashSet<Value> = old
        .fields
        .editing_commands
        .iter()
        .map(Value::without_spans)
        .collect();
    for command in &new.fields.editing_commands {
        if !old_commands.contains(&command.without_spans()) {
            out.push(Finding {
                rule: Rule::SourceModifyingCommand,
                package: package.to_owned(),
                subject: "build".to_owned(),
                message: "a new build command edits the sources in place".to_owned(),
                location: new.at(command.span),
                old: None,
                new: Some(value_text(command)),
                old_location: None,
            });
        }
    }
}

/// Compares one source (`url` or an `extra-source`) at BASE and at HEAD.
fn compare_source(
    out: &mut Vec<Finding>,
    package: &str,
    subject: &str,
    (before, after): (Option<&&SourceSection>, Option<&&SourceSection>),
    old: &Version,
    new: &Version,
) {
    let finding = |rule: Rule, message: String, location: Location| Finding {
        rule,
        package: package.to_owned(),
        subject: subject.to_owned(),
        message,
        location,
        old: None,
        new: None,
        old_location: None,
    };
    let (before, after) = match (before, after) {
        (None, None) => return,
        (Some(before), None) => {
            out.push(Finding {
                old: before.src.as_ref().map(|(src, _)| src.clone()),
                old_location: Some(old.location(before.site)),
                ..finding(
                    Rule::SourceRemoved,
                    format!("{subject} removed from a released version"),
                    new.file_location(),
                )
            });
            return;
        }
        (None, Some(after)) => {
            out.push(Finding {
                new: after.src.as_ref().map(|(src, _)| src.clone()),
                ..finding(
                    Rule::SourceAdded,
                    format!("{subject} added to a released version"),
                    new.location(after.site),
                )
            });
            return;
        }
        (Some(before), Some(after)) => (before, after),
    };

    let kinds = [
        ChecksumKind::Md5,
        ChecksumKind::Sha256,
        ChecksumKind::Sha512,
    ];
    let mut pinned = false;
    let mut common = false;
    for kind in kinds {
        let (Some((was, was_span)), Some((now, now_span))) =
            (before.checksum(kind), after.checksum(kind))
        else {
            continue;
        };
        common = true;
        if was == now {
            pinned = true;
            continue;
        }
        out.push(Finding {
            old: Some(checksum_text(was)),
            new: Some(checksum_text(now)),
            old_location: Some(old.location(Site {
                file: before.site.file,
                span: *was_span,
            })),
            ..finding(
                Rule::ChecksumChanged,
                format!("{} checksum of {subject} changed", kind_name(kind)),
                new.location(Site {
                    file: after.site.file,
                    span: *now_span,
                }),
            )
        });
    }
    let had_checksums = !before.checksums.is_empty();
    let has_checksums = !after.checksums.is_empty();
    let checksum_change = if had_checksums && !has_checksums {
        Some((
            Rule::ChecksumRemoved,
            format!("checksums of {subject} removed"),
        ))
    } else if before.has_strong_checksum() && !after.has_strong_checksum() && has_checksums {
        Some((
            Rule::ChecksumWeakened,
            format!("checksum of {subject} weakened to md5 only"),
        ))
    } else if had_checksums && has_checksums && !common {
        Some((
            Rule::ChecksumReplaced,
            format!(
                "checksums of {subject} replaced by other algorithms: nothing shows the archive is the same"
            ),
        ))
    } else {
        None
    };
    if let Some((rule, message)) = checksum_change {
        out.push(Finding {
            old: Some(checksums_text(before)),
            new: has_checksums.then(|| checksums_text(after)),
            old_location: Some(old.location(before.checksum_site())),
            ..finding(rule, message, new.location(after.checksum_site()))
        });
    }

    let src_before = before.src.as_ref().map(|(src, _)| src);
    let src_after = after.src.as_ref().map(|(src, _)| src);
    if src_before != src_after && src_before.is_some() && src_after.is_some() {
        let (rule, message) = if pinned {
            (
                Rule::SrcMoved,
                format!("src of {subject} moved to another URL, with an unchanged checksum"),
            )
        } else {
            (
                Rule::SrcChanged,
                format!("src of {subject} changed and no checksum pins the archive"),
            )
        };
        out.push(Finding {
            old: src_before.cloned(),
            new: src_after.cloned(),
            old_location: Some(old.location(before.src_site())),
            ..finding(rule, message, new.location(after.src_site()))
        });
    }
}

/// Compares a list field (`patches`, `substs`, `extra-files`): elements added,
/// removed, or the same elements in another order.
fn compare_list<'v>(
    out: &mut Vec<Finding>,
    package: &str,
    list: ListField,
    (before, after): (Option<&'v Value>, Option<&'v Value>),
    old: &Version,
    new: &Version,
) {
    let elements_of = |value: &'v Value| list.elements(value);
    let before_elements = before.map_or(&[][..], elements_of);
    let after_elements = after.map_or(&[][..], elements_of);
    let normal = |values: &[Value]| values.iter().map(Value::without_spans).collect::<Vec<_>>();
    let before_normal = normal(before_elements);
    let after_normal = normal(after_elements);
    if before_normal == after_normal {
        return;
    }
    let mut unmatched: Vec<Option<&Value>> = before_normal.iter().map(Some).collect();
    let mut added: Vec<usize> = Vec::new();
    for (index, value) in after_normal.iter().enumerate() {
        match unmatched.iter().position(|v| *v == Some(value)) {
            Some(at) => {
                if let Some(slot) = unmatched.get_mut(at) {
                    *slot = None;
                }
            }
            None => added.push(index),
        }
    }
    let removed: Vec<usize> = unmatched
        .iter()
        .enumerate()
        .filter_map(|(index, slot)| slot.map(|_| index))
        .collect();
    let field_location = || match after {
        Some(value) => new.at(value.span),
        None => new.file_location(),
    };
    let finding = |message: String, location: Location| Finding {
        rule: list.rule,
        package: package.to_owned(),
        subject: list.field.to_owned(),
        message,
        location,
        old: None,
        new: None,
        old_location: None,
    };
    // An element added and one removed with the same file name (a changed
    // checksum or filter) are one change.
    let mut changed = Vec::new();
    let mut removed = removed;
    added.retain(|&after_index| {
        let key = after_elements.get(after_index).and_then(element_name);
        let paired = removed.iter().position(|&before_index| {
            key.is_some() && before_elements.get(before_index).and_then(element_name) == key
        });
        match paired {
            Some(at) => {
                changed.push((removed.remove(at), after_index));
                false
            }
            None => true,
        }
    });
    let texts = |index: usize, elements: &'v [Value]| {
        elements.get(index).map(|value| (value, value_text(value)))
    };
    for (before_index, after_index) in &changed {
        if let (Some((was, was_text)), Some((now, now_text))) = (
            texts(*before_index, before_elements),
            texts(*after_index, after_elements),
        ) {
            let name = element_name(now).unwrap_or_default();
            out.push(Finding {
                old: Some(was_text),
                new: Some(now_text),
                old_location: Some(old.at(was.span)),
                ..finding(format!("{} {name:?} changed", list.noun), new.at(now.span))
            });
        }
    }
    for index in &added {
        if let Some((value, text)) = texts(*index, after_elements) {
            out.push(Finding {
                new: Some(text.clone()),
                ..finding(format!("{} {text} added", list.noun), new.at(value.span))
            });
        }
    }
    for index in &removed {
        if let Some((value, text)) = texts(*index, before_elements) {
            out.push(Finding {
                old: Some(text.clone()),
                old_location: Some(old.at(value.span)),
                ..finding(format!("{} {text} removed", list.noun), field_location())
            });
        }
    }
    if added.is_empty() && removed.is_empty() && changed.is_empty() {
        out.push(Finding {
            old: before.map(value_text),
            new: after.map(value_text),
            old_location: before.map(|value| old.at(value.span)),
            ..finding(format!("order of {} changed", list.field), field_location())
        });
    }
}

/// The file an element of `patches`, `substs` or `extra-files` is about: its first
/// string (`"fix.patch" {os = "linux"}`, `["fix.patch" "md5=…"]`).
fn element_name(value: &Value) -> Option<String> {
    match &value.kind {
        opam_file::ValueKind::String(text) => Some(String::from_utf8_lossy(text).into_owned()),
        opam_file::ValueKind::Option(inner, _) => element_name(inner),
        opam_file::ValueKind::List(list) => list.value.first().and_then(element_name),
        _ => None,
    }
}

/// A list field and how to name its elements in messages.
#[derive(Clone, Copy)]
struct ListField {
    rule: Rule,
    field: &'static str,
    noun: &'static str,
}

impl ListField {
    /// The elements of the field's value. `extra-files` is a list of
    /// `[FILE CHECKSUM]` pairs, and a single pair may be written without the outer
    /// brackets: such a pair is one element.
    fn elements(self, value: &Value) -> &[Value] {
        let items = elements(value);
        let is_bare_pair = items
            .iter()
            .all(|item| !matches!(item.kind, opam_file::ValueKind::List(_)));
        if self.field == "extra-files" && is_bare_pair {
            std::slice::from_ref(value)
        } else {
            items
        }
    }
}

fn kind_name(kind: ChecksumKind) -> &'static str {
    match kind {
        ChecksumKind::Md5 => "md5",
        ChecksumKind::Sha256 => "sha256",
        ChecksumKind::Sha512 => "sha512",
    }
}

fn checksum_text(checksum: &opam_model::Checksum) -> String {
    format!("{}={}", kind_name(checksum.kind), checksum.hex)
}

/// The checksums of a source, space-separated, in the file's order.
fn checksums_text(source: &SourceSection) -> String {
    source
        .checksums
        .iter()
        .map(|(sum, _)| checksum_text(sum))
        .collect::<Vec<_>>()
        .join(" ")
}
