//! `check-immutable`: opam-repository's policy that a released package's source never
//! changes, checked between two git revisions.
//!
//! For each package directory that differs ([`crate::git`]), the version at BASE and
//! at HEAD are compared on what defines the source ([`fields`]): checksums and `src`
//! of `url` and `extra-source`, `extra-files`, `patches`, `substs`, the files under
//! `files/`, and build commands that edit sources ([`commands`]). Versions new at
//! HEAD must have a sha256 or sha512 checksum; removed versions are warnings.

mod commands;
mod fields;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use opam_file::{OpamFile, SourceFile, Span, Value};
use opam_model::ChecksumKind;

use crate::codes::Rule;
use crate::error::{Error, Result};
use crate::git::{Change, FileEntry, History, PackageDir, PackageFiles};
use crate::report::{Counts, Finding, Location, Region, Report, Side};
use fields::{FileKind, InvalidField, Site, SourceFields, SourceSection, elements, value_text};

/// Checks the git repository at `repository` between revisions `base` and `head`
/// (anything git's rev-parse accepts that names a commit).
///
/// Errors are for what stops the check: a path that is not a git repository, a
/// revision that does not resolve (with a hint for shallow clones), a revision
/// without `packages/`, an object that cannot be read. Opam files that do not
/// parse are findings ([`Rule::UnparsableOpamFile`]).
pub fn check_immutable(repository: &Path, base: &str, head: &str) -> Result<Report> {
    let history = History::open(repository)?;
    let (base_revision, base_packages) = history.resolve(base)?;
    let (head_revision, head_packages) = history.resolve(head)?;
    let no_packages = |revision: &str| Error::NoPackages {
        path: repository.to_owned(),
        revision: revision.to_owned(),
    };
    let base_packages = base_packages.ok_or_else(|| no_packages(base))?;
    let head_packages = head_packages.ok_or_else(|| no_packages(head))?;
    let changes = history.changed_packages(base_packages, head_packages)?;

    let mut checker = Checker {
        history: &history,
        findings: Vec::new(),
        loaded: BTreeMap::new(),
    };
    let mut counts = Counts::default();
    for change in &changes {
        match change {
            Change::Modified { base, head } => {
                counts.changed += 1;
                checker.modified(base, head)?;
            }
            Change::Added(head) => {
                counts.added += 1;
                checker.added(head)?;
            }
            Change::Removed(base) => {
                counts.removed += 1;
                checker.removed(base);
            }
        }
    }
    let Checker {
        mut findings,
        mut loaded,
        ..
    } = checker;
    findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let mut sources = BTreeMap::new();
    for finding in &findings {
        for location in std::iter::once(&finding.location).chain(&finding.old_location) {
            let key = (location.side, location.path.clone());
            if let Some(file) = loaded.remove(&key) {
                sources.insert(key, file);
            }
        }
    }
    Ok(Report {
        repository: repository.to_owned(),
        base: base_revision,
        head: head_revision,
        counts,
        findings,
        sources,
    })
}

fn sort_key(finding: &Finding) -> (&str, Rule, &Location, &str) {
    let dir = finding
        .location
        .path
        .rsplit_once('/')
        .map_or(finding.location.path.as_str(), |(dir, _)| dir);
    (dir, finding.rule, &finding.location, &finding.message)
}

/// A package version's files as read at one revision.
struct Version {
    side: Side,
    /// The opam file's path and text.
    opam: SourceFile,
    /// opam 1.2's `url` file, when there is one.
    url: Option<SourceFile>,
    fields: SourceFields,
}

impl Version {
    /// The location of a site of this version's files.
    fn location(&self, site: Site) -> Location {
        let file = match (site.file, &self.url) {
            (FileKind::Url, Some(url)) => url,
            _ => &self.opam,
        };
        Location {
            side: self.side,
            path: file.path.clone(),
            region: Some(Region::of(file, site.span)),
        }
    }

    /// The location of the opam file as a whole.
    fn file_location(&self) -> Location {
        Location {
            side: self.side,
            path: self.opam.path.clone(),
            region: None,
        }
    }

    fn at(&self, span: Span) -> Location {
        self.location(Site {
            file: FileKind::Opam,
            span,
        })
    }
}

struct Checker<'h> {
    history: &'h History,
    findings: Vec<Finding>,
    /// Every file read, by revision and path; those findings point into go to the
    /// report.
    loaded: BTreeMap<(Side, String), SourceFile>,
}

impl Checker<'_> {
    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Compares a version present at both revisions.
    fn modified(&mut self, base: &PackageDir, head: &PackageDir) -> Result<()> {
        let base_files = self.history.package_files(base)?;
        let head_files = self.history.package_files(head)?;
        if base_files.opam != head_files.opam || base_files.url != head_files.url {
            let old = self.read(Side::Base, base, &base_files)?;
            let new = self.read(Side::Head, head, &head_files)?;
            if let (Some(old), Some(new)) = (old, new) {
                self.compare(head.name(), &old, &new);
            }
        }
        if base_files.files != head_files.files {
            self.compare_files(base, &base_files, head, &head_files)?;
        }
        Ok(())
    }

    /// Checks a version new at HEAD: each source has a sha256 or sha512 checksum.
    fn added(&mut self, head: &PackageDir) -> Result<()> {
        let files = self.history.package_files(head)?;
        let Some(version) = self.read(Side::Head, head, &files)? else {
            return Ok(());
        };
        let package = head.name();
        self.report_invalid(package, &version, &[]);
        for (subject, source) in version.fields.sources() {
            if source.checksums.is_empty() {
                self.push(Finding {
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
                self.push(Finding {
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
        Ok(())
    }

    /// Reports a version present at BASE only.
    fn removed(&mut self, base: &PackageDir) {
        self.push(Finding {
            rule: Rule::VersionRemoved,
            package: base.name().to_owned(),
            subject: "version".to_owned(),
            message: "version removed".to_owned(),
            location: Location {
                side: Side::Base,
                path: format!("{}/opam", base.path),
                region: None,
            },
            old: None,
            new: None,
            old_location: None,
        });
    }

    /// Reads and parses a version's opam (and `url`) file; a file that does not
    /// parse is reported and gives `None`.
    fn read(
        &mut self,
        side: Side,
        dir: &PackageDir,
        files: &PackageFiles,
    ) -> Result<Option<Version>> {
        let Some(opam_blob) = files.opam else {
            return Ok(None);
        };
        let opam = self.parse(side, dir, "opam", opam_blob)?;
        let url = match files.url {
            Some(blob) => Some(self.parse(side, dir, "url", blob)?),
            None => None,
        };
        let (opam_source, opam_file) = match opam {
            (source, Some(file)) => (source, file),
            _ => return Ok(None),
        };
        let (url_source, url_file) = match url {
            Some((source, Some(file))) => (Some(source), Some(file)),
            Some((_, None)) => return Ok(None),
            None => (None, None),
        };
        let fields = SourceFields::read(&opam_file, url_file.as_ref());
        Ok(Some(Version {
            side,
            opam: opam_source,
            url: url_source,
            fields,
        }))
    }

    /// Reads a blob of a package directory and parses it; a parse error is
    /// reported as a finding and gives no file.
    fn parse(
        &mut self,
        side: Side,
        dir: &PackageDir,
        name: &str,
        blob: gix::ObjectId,
    ) -> Result<(SourceFile, Option<OpamFile>)> {
        let path = format!("{}/{name}", dir.path);
        let bytes = self.history.blob(blob, &path)?;
        let source = SourceFile::new(path.clone(), &bytes);
        self.loaded.insert((side, path.clone()), source.clone());
        match opam_file::parse(&bytes) {
            Ok(file) => Ok((source, Some(file))),
            Err(error) => {
                let revision = match side {
                    Side::Base => "BASE",
                    Side::Head => "HEAD",
                };
                self.push(Finding {
                    rule: Rule::UnparsableOpamFile,
                    package: dir.name().to_owned(),
                    subject: name.to_owned(),
                    message: format!(
                        "the {name} file does not parse at {revision}, so its source cannot be checked: {error}"
                    ),
                    location: Location {
                        side,
                        path,
                        region: Some(Region::of(&source, error.span())),
                    },
                    old: None,
                    new: None,
                    old_location: None,
                });
                Ok((source, None))
            }
        }
    }

    /// Reports the unreadable source fields of a version, except those also in
    /// `already` (the same problem at HEAD is reported once).
    fn report_invalid(&mut self, package: &str, version: &Version, already: &[InvalidField]) {
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
            self.push(Finding {
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
    fn compare(&mut self, package: &str, old: &Version, new: &Version) {
        self.report_invalid(package, new, &[]);
        self.report_invalid(package, old, &new.fields.invalid);
        let old_sources: BTreeMap<String, &SourceSection> =
            old.fields.sources().into_iter().collect();
        let new_sources: BTreeMap<String, &SourceSection> =
            new.fields.sources().into_iter().collect();
        let subjects: BTreeSet<&String> = old_sources.keys().chain(new_sources.keys()).collect();
        for subject in subjects {
            let pair = (old_sources.get(subject), new_sources.get(subject));
            self.compare_source(package, subject, pair, old, new);
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
            self.compare_list(package, list, (before.as_ref(), after.as_ref()), old, new);
        }
        let old_commands: HashSet<Value> = old
            .fields
            .editing_commands
            .iter()
            .map(Value::without_spans)
            .collect();
        for command in &new.fields.editing_commands {
            if !old_commands.contains(&command.without_spans()) {
                self.push(Finding {
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
        &mut self,
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
                self.push(Finding {
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
                self.push(Finding {
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
            self.push(Finding {
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
            self.push(Finding {
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
            self.push(Finding {
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
        &mut self,
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
                self.push(Finding {
                    old: Some(was_text),
                    new: Some(now_text),
                    old_location: Some(old.at(was.span)),
                    ..finding(format!("{} {name:?} changed", list.noun), new.at(now.span))
                });
            }
        }
        for index in &added {
            if let Some((value, text)) = texts(*index, after_elements) {
                self.push(Finding {
                    new: Some(text.clone()),
                    ..finding(format!("{} {text} added", list.noun), new.at(value.span))
                });
            }
        }
        for index in &removed {
            if let Some((value, text)) = texts(*index, before_elements) {
                self.push(Finding {
                    old: Some(text.clone()),
                    old_location: Some(old.at(value.span)),
                    ..finding(format!("{} {text} removed", list.noun), field_location())
                });
            }
        }
        if added.is_empty() && removed.is_empty() && changed.is_empty() {
            self.push(Finding {
                old: before.map(value_text),
                new: after.map(value_text),
                old_location: before.map(|value| old.at(value.span)),
                ..finding(format!("order of {} changed", list.field), field_location())
            });
        }
    }

    /// Compares the files under `files/` of a version at BASE and at HEAD.
    fn compare_files(
        &mut self,
        base: &PackageDir,
        base_files: &PackageFiles,
        head: &PackageDir,
        head_files: &PackageFiles,
    ) -> Result<()> {
        let list = |dir: &PackageDir, tree: Option<gix::ObjectId>| match tree {
            Some(tree) => self
                .history
                .files_under(tree, &format!("{}/files", dir.path)),
            None => Ok(BTreeMap::new()),
        };
        let before = list(base, base_files.files)?;
        let after = list(head, head_files.files)?;
        let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        let package = head.name();
        for name in names {
            let subject = format!("files/{name}");
            let at = |side: Side, dir: &PackageDir| Location {
                side,
                path: format!("{}/files/{name}", dir.path),
                region: None,
            };
            let (rule, message, location, old, new) = match (before.get(name), after.get(name)) {
                (Some(was), Some(now)) if was != now => (
                    Rule::FileChanged,
                    format!("{subject} changed"),
                    at(Side::Head, head),
                    Some(file_text(was)),
                    Some(file_text(now)),
                ),
                (Some(was), None) => (
                    Rule::FileRemoved,
                    format!("{subject} removed"),
                    at(Side::Base, base),
                    Some(file_text(was)),
                    None,
                ),
                (None, Some(now)) => (
                    Rule::FileAdded,
                    format!("{subject} added"),
                    at(Side::Head, head),
                    None,
                    Some(file_text(now)),
                ),
                _ => continue,
            };
            self.push(Finding {
                rule,
                package: package.to_owned(),
                subject,
                message,
                location,
                old,
                new,
                old_location: None,
            });
        }
        Ok(())
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

/// A file of `files/` as the value of a finding: its blob id, and its mode when it
/// is not a plain file.
fn file_text(entry: &FileEntry) -> String {
    if entry.mode == 0o100644 {
        format!("blob {}", entry.blob)
    } else {
        format!("blob {} (mode {:o})", entry.blob, entry.mode)
    }
}
