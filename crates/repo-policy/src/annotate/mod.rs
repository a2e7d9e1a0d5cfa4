//! `repo annotate`: every version an advisory affects gets the advisory's ID in an
//! `x-security-advisories` field of its opam file, and with `--mark` a mark
//! (`flags: avoid-version` or `available: false`) once a fixed version of its package
//! is out; every other byte of the file stays as it was.
//!
//! [`annotate`] plans: it reads every opam file of the repository, finds the versions
//! each advisory affects (the OSV export's `versions`, from this repository), and
//! computes each file's new bytes with `opam_file::Document`, whose edits re-parse the
//! file (an edit that would not parse is refused). [`Annotation::write`] writes the
//! files that change, each atomically. Files are only written when their bytes change,
//! so a second run writes nothing.
//!
//! The advisories given are the ones osec manages in this run: their IDs are added
//! where they apply and taken out where they no longer do (a narrowed constraint, a
//! withdrawn advisory); other IDs in the field are left alone. A version whose field
//! loses its last ID loses the field and the marks osec recorded.

mod field;
mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use advisory::lint::FileReport;
use opam_file::{Document, Severity, SourceFile, Span};
use opam_model::{
    Error as ModelError, MAX_FILE_SIZE, OpamFiles, Package, PackageName, ReleasedVersions,
    Repository, RepositoryStack, Version,
};
use safe_fs::{FileChange, OutputRoot};

use crate::advisories::Advisories;
use crate::error::{Error, Result};
pub use field::Mark;
use field::{FieldError, add_mark, annotation, remove_marks, set_annotation};

/// What to do besides annotating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnnotateOptions {
    /// Also mark the affected versions that have a fixed successor.
    pub mark: Option<Mark>,
    /// Take the advisories' annotations (and the marks osec added) out instead.
    pub remove: bool,
}

/// One advisory of the run and what it covers in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryCoverage {
    /// Its ID.
    pub id: String,
    /// Its file.
    pub path: PathBuf,
    /// Whether it is withdrawn (it then affects nothing).
    pub withdrawn: bool,
    /// Per affected package: the versions of the repository it affects.
    pub packages: Vec<PackageCoverage>,
}

/// The versions of one package an advisory affects in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageCoverage {
    /// The package.
    pub name: PackageName,
    /// The versions affected, in opam's order.
    pub affected: Vec<Version>,
    /// Those with a later version that the advisory does not affect (what `--mark`
    /// marks).
    pub fixed_later: Vec<Version>,
}

/// The new bytes of one opam file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// The package version it defines.
    pub package: Package,
    /// Its bytes now.
    pub before: Vec<u8>,
    /// Its bytes after the edit.
    pub after: Vec<u8>,
    /// Advisory IDs added to the annotation.
    pub added: Vec<String>,
    /// Advisory IDs taken out of it.
    pub removed: Vec<String>,
    /// Marks added.
    pub marked: Vec<Mark>,
    /// Marks taken out.
    pub unmarked: Vec<Mark>,
}

/// Something about one file that the run could not do, or that a person should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Error: a file that should have been edited was not (the command exits 2).
    /// Warning: the edit was done but something is odd.
    pub severity: Severity,
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// Line and column (from 1; the column in characters), when the notice is about
    /// a place in the file.
    pub position: Option<(usize, usize)>,
    /// What and what to do.
    pub message: String,
}

/// The plan of a run: what each advisory covers and the files whose bytes change.
#[derive(Debug, Clone)]
pub struct Annotation {
    /// The repository directory, as given.
    pub repository: PathBuf,
    /// Whether this run takes annotations out.
    pub remove: bool,
    /// The advisories of the run (those without lint errors), in path order.
    pub advisories: Vec<AdvisoryCoverage>,
    /// Advisories with lint errors: not used (their annotations are left as they are).
    pub rejected: Vec<FileReport>,
    /// The files whose bytes change, in path order.
    pub edits: Vec<FileEdit>,
    /// Files that could not be read or edited (errors), and oddities (warnings), in
    /// path order.
    pub notices: Vec<Notice>,
    /// How many opam files were read.
    pub files_read: usize,
}

impl Annotation {
    /// The number of error notices and rejected advisories: when not zero, the run
    /// did not do all it was asked to.
    pub fn errors(&self) -> usize {
        self.rejected.len()
            + self
                .notices
                .iter()
                .filter(|n| n.severity == Severity::Error)
                .count()
    }

    /// Writes every edited file, atomically, below the repository directory (no
    /// symbolic link under it is followed). Returns what became of each file.
    pub fn write(&self) -> Result<Vec<(PathBuf, FileChange)>> {
        let root = OutputRoot::open(&self.repository)?;
        self.edits
            .iter()
            .map(|edit| Ok((edit.path.clone(), root.write(&edit.path, &edit.after)?)))
            .collect()
    }

    /// The plan as text for people: one line per file, notices, a summary.
    /// `applied` says whether the files were written (or only checked).
    pub fn render(&self, applied: bool) -> String {
        render::human(self, applied)
    }
}

/// Plans the annotation of the repository checked out in `repository` with the
/// advisories under `advisories` (files, or directories searched for `OSEC-*.md`).
///
/// Errors stop the run before anything is planned: the repository is not a
/// directory (a tarball or a git revision can't be edited) or can't be indexed, the
/// advisories can't be found. Files that can't be read, parsed or edited are
/// [`Notice`]s of level error; advisories with lint errors are
/// [`Annotation::rejected`].
pub fn annotate(
    repository: &Path,
    advisories: &[PathBuf],
    options: AnnotateOptions,
) -> Result<Annotation> {
    if !repository.is_dir() {
        return Err(Error::NotADirectory {
            path: repository.to_owned(),
        });
    }
    let repository_error = |source| Error::Repository {
        repository: repository.display().to_string(),
        source,
    };
    let index = Repository::from_directory(repository).map_err(repository_error)?;
    let stack = RepositoryStack::new(vec![index]);
    let released = ReleasedVersions::of_stack(&stack);
    let Advisories { usable, rejected } = Advisories::read(advisories)?;

    let coverage: Vec<AdvisoryCoverage> = usable
        .iter()
        .map(|advisory| AdvisoryCoverage {
            id: advisory.id.clone(),
            path: advisory.path.clone(),
            withdrawn: advisory.is_withdrawn(),
            packages: advisory
                .affected_versions(&released)
                .into_iter()
                .map(|(_, name, affected)| {
                    let all = released.versions(&name).unwrap_or_default();
                    let fixed_later = affected
                        .iter()
                        .filter(|v| all.iter().any(|w| w > **v && !affected.contains(&w)))
                        .map(|v| (*v).clone())
                        .collect();
                    PackageCoverage {
                        name,
                        affected: affected.into_iter().cloned().collect(),
                        fixed_later,
                    }
                })
                .collect(),
        })
        .collect();

    // What each version should carry: the IDs of the run that affect it, and whether
    // it is to be marked.
    let managed: BTreeSet<&str> = coverage.iter().map(|a| a.id.as_str()).collect();
    let mut wanted: BTreeMap<Package, Wanted> = BTreeMap::new();
    if !options.remove {
        for advisory in &coverage {
            for package in &advisory.packages {
                for version in &package.affected {
                    let entry = wanted
                        .entry(Package::new(package.name.clone(), version.clone()))
                        .or_default();
                    entry.ids.insert(advisory.id.clone());
                    entry.mark |= package.fixed_later.contains(version);
                }
            }
        }
    }

    let mut notices = Vec::new();
    let Some(index) = stack.layers().first() else {
        return Err(Error::NotADirectory {
            path: repository.to_owned(),
        });
    };
    let files = opam_files(repository, index, &mut notices);
    let files_read = files.len();
    let mut reader = OpamFiles::new(MAX_FILE_SIZE);
    let mut by_name = HashMap::new();
    for (position, (relative, _)) in files.iter().enumerate() {
        let path = repository.join(relative);
        by_name.insert(path.display().to_string(), position);
        if let Err(error) = reader.add_path(&path) {
            notices.push(unreadable(relative, &error));
        }
    }
    // Only the files to edit are kept: those of affected versions, and those that
    // mention the field (an annotation to update or take out).
    let read = reader.filter_map(|input, bytes| {
        let position = *by_name.get(&*input.name())?;
        let (_, package) = files.get(position)?;
        let relevant = wanted.contains_key(package)
            || memchr::memmem::find(bytes, field::ANNOTATION.as_bytes()).is_some();
        relevant.then(|| (position, bytes.to_vec()))
    });

    let mut edits = Vec::new();
    for result in read {
        let (position, bytes) = match result {
            Ok(found) => found,
            Err(error) => {
                let path = error_path(&error).unwrap_or_default();
                notices.push(unreadable(&relative_to(repository, &path), &error));
                continue;
            }
        };
        let Some((relative, package)) = files.get(position) else {
            continue;
        };
        let plan = FilePlan {
            relative,
            package,
            wanted: wanted.get(package),
            managed: &managed,
            mark: options.mark,
        };
        match plan.edit(bytes) {
            Ok((edit, warning)) => {
                edits.extend(edit);
                notices.extend(warning);
            }
            Err(notice) => notices.push(notice),
        }
    }
    edits.sort_by(|a, b| a.path.cmp(&b.path));
    notices.sort_by(|a, b| (&a.path, a.position).cmp(&(&b.path, b.position)));
    Ok(Annotation {
        repository: repository.to_owned(),
        remove: options.remove,
        advisories: coverage,
        rejected,
        edits,
        notices,
        files_read,
    })
}

/// What one version should carry.
#[derive(Debug, Default)]
struct Wanted {
    ids: BTreeSet<String>,
    mark: bool,
}

/// Every opam file of the repository with the version it defines: the indexed ones,
/// and those the index set aside as duplicates of a version (`1.0` and `1.00`, which
/// opam compares equal: both are annotated). Other indexing problems are warnings.
fn opam_files(
    root: &Path,
    index: &Repository,
    notices: &mut Vec<Notice>,
) -> Vec<(PathBuf, Package)> {
    let mut files = Vec::new();
    for name in index.names() {
        for version in index.versions(name) {
            let package = Package::new(name.clone(), version.clone());
            if let Some(path) = index.opam_path(&package) {
                files.push((path.to_owned(), package));
            }
        }
    }
    for problem in index.problems() {
        let duplicate = matches!(problem.error, ModelError::DuplicateVersion { .. });
        let package = problem
            .path
            .parent()
            .and_then(Path::file_name)
            .and_then(|dir| Package::parse(&dir.to_string_lossy()).ok());
        match package {
            Some(package) if duplicate => files.push((problem.path.clone(), package)),
            _ => notices.push(Notice {
                severity: Severity::Warning,
                path: relative_to(root, &problem.path),
                position: None,
                message: format!("not a package version, left alone: {problem}"),
            }),
        }
    }
    files
}

/// The edit of one file.
struct FilePlan<'a> {
    relative: &'a Path,
    package: &'a Package,
    wanted: Option<&'a Wanted>,
    managed: &'a BTreeSet<&'a str>,
    mark: Option<Mark>,
}

impl FilePlan<'_> {
    /// The new bytes (`None` when they are the old ones) and a warning about the
    /// file; an error notice when the file can't be edited.
    fn edit(&self, before: Vec<u8>) -> Result<(Option<FileEdit>, Option<Notice>), Notice> {
        let source = || SourceFile::new(self.relative.display().to_string(), &before);
        let mut document = match Document::parse(before.clone()) {
            Ok(document) => document,
            Err(error) => {
                let (line, column) = source().line_column(error.span().start);
                return Err(Notice {
                    severity: Severity::Error,
                    path: self.relative.to_owned(),
                    position: Some((line, column)),
                    message: format!(
                        "{}: not annotated: the file does not parse: {error}; fix the file, then run again",
                        self.package
                    ),
                });
            }
        };
        let field_notice = |error: FieldError| {
            let position = error
                .span
                .map(|span: Span| source().line_column(span.start));
            Notice {
                severity: Severity::Error,
                path: self.relative.to_owned(),
                position,
                message: format!("{}: not annotated: {}", self.package, error.message),
            }
        };
        let current = annotation(&document).map_err(field_notice)?;
        let wanted_ids: BTreeSet<&str> = self
            .wanted
            .map(|w| w.ids.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let kept = current
            .iter()
            .map(String::as_str)
            .filter(|id| !self.managed.contains(id));
        let new_ids: BTreeSet<&str> = kept.chain(wanted_ids.iter().copied()).collect();
        let added: Vec<String> = new_ids
            .iter()
            .filter(|id| !current.iter().any(|c| c == *id))
            .map(|id| (*id).to_owned())
            .collect();
        let removed: Vec<String> = current
            .iter()
            .filter(|id| !new_ids.contains(id.as_str()))
            .cloned()
            .collect();

        let mut marked = Vec::new();
        let mut unmarked = Vec::new();
        let mut warning = None;
        let new_ids: Vec<String> = new_ids.into_iter().map(str::to_owned).collect();
        if new_ids.is_empty() {
            // Marks were recorded after the annotation: they come out first.
            let marks = remove_marks(&mut document).map_err(field_notice)?;
            unmarked = marks.removed;
            if !marks.changed_by_hand.is_empty() {
                warning = Some(format!(
                    "{}: the {} mark was changed by hand since osec added it: left as it is",
                    self.package,
                    names(&marks.changed_by_hand)
                ));
            }
            set_annotation(&mut document, &new_ids).map_err(field_notice)?;
        } else {
            set_annotation(&mut document, &new_ids).map_err(field_notice)?;
            if let (Some(mark), Some(wanted)) = (self.mark, self.wanted)
                && wanted.mark
                && add_mark(&mut document, mark).map_err(field_notice)?
            {
                marked.push(mark);
            }
        }
        let warning = warning.map(|message| Notice {
            severity: Severity::Warning,
            path: self.relative.to_owned(),
            position: None,
            message,
        });
        let after = document.to_bytes();
        if after == before.as_slice() {
            return Ok((None, warning));
        }
        let edit = FileEdit {
            path: self.relative.to_owned(),
            package: self.package.clone(),
            after: after.to_vec(),
            before,
            added,
            removed,
            marked,
            unmarked,
        };
        Ok((Some(edit), warning))
    }
}

fn names(marks: &[Mark]) -> String {
    marks
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

fn unreadable(relative: &Path, error: &ModelError) -> Notice {
    Notice {
        severity: Severity::Error,
        path: relative.to_owned(),
        position: None,
        message: format!("cannot read the file: {error}"),
    }
}

/// The path an error of reading names, if any.
fn error_path(error: &ModelError) -> Option<PathBuf> {
    match error {
        ModelError::Io { path, .. }
        | ModelError::TooLarge { path, .. }
        | ModelError::OpamFile { path, .. } => Some(path.clone()),
        _ => None,
    }
}

/// `path` relative to `root` when it is under it.
fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}
