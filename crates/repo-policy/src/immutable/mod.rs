//! `check-immutable`: opam-repository's policy that a released package's source never
//! changes, checked between two git revisions.
//!
//! For each package directory that differs ([`crate::git`]), the opam files at BASE
//! and at HEAD are read ([`fields`]: checksums and `src` of `url` and
//! `extra-source`, `extra-files`, `patches`, `substs`, build commands that edit
//! sources ([`commands`])) and compared ([`compare`]); the files under `files/` are
//! compared by blob id. Versions new at HEAD must have a sha256 or sha512 checksum;
//! removed versions are warnings.

mod commands;
mod compare;
mod fields;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::rc::Rc;

use opam_file::{OpamFile, SourceFile, Span};

use crate::codes::Rule;
use crate::error::{Error, Result};
use crate::git::{Change, FileEntry, History, PackageDir, PackageFiles};
use crate::report::{Counts, Finding, Location, Region, Report, Side};
use fields::{FileKind, Site, SourceFields};

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
                sources.insert(key, Rc::unwrap_or_clone(file));
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
    (
        &finding.package,
        finding.rule,
        &finding.location,
        &finding.message,
    )
}

/// A package version's files as read at one revision.
struct Version {
    side: Side,
    /// The opam file's path and text.
    opam: Rc<SourceFile>,
    /// opam 1.2's `url` file, when there is one.
    url: Option<Rc<SourceFile>>,
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
    loaded: BTreeMap<(Side, String), Rc<SourceFile>>,
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
                compare::compare(&mut self.findings, head.name(), &old, &new);
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
        compare::check_new(&mut self.findings, head.name(), &version);
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
    ) -> Result<(Rc<SourceFile>, Option<OpamFile>)> {
        let path = format!("{}/{name}", dir.path);
        let bytes = self.history.blob(blob, &path)?;
        let source = Rc::new(SourceFile::new(path.clone(), &bytes));
        self.loaded.insert((side, path.clone()), Rc::clone(&source));
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

/// A file of `files/` as the value of a finding: its blob id, and its mode when it
/// is not a plain file.
fn file_text(entry: &FileEntry) -> String {
    if entry.mode == 0o100644 {
        format!("blob {}", entry.blob)
    } else {
        format!("blob {} (mode {:o})", entry.blob, entry.mode)
    }
}
