//! Lint rules over advisories: one file per rule under `rules/`, codes in [`codes`].
//!
//! [`lint_source`] checks one file; [`lint_files`] checks a set of files and adds the
//! rules that look across files (duplicate IDs); [`lint_read`] does the same for files
//! as read from disk, some of which may be unreadable or not UTF-8 (`ADV028`);
//! [`lint_reservations`] checks reservation placeholders against them (`ADV029`).
//! Checks against package repositories run when [`LintOptions::packages`] is given: the
//! released versions of the packages that [`affected_packages`] names, as opam-model
//! reads them from `--repo`.

pub mod codes;
mod render;
pub(crate) mod rules;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use opam_file::Span;
use opam_model::{PackageName, ReleasedVersions, RepositorySpec};

use crate::ids::Reservation;
use crate::model::Advisory;
use crate::parse::{ParsedAdvisory, parse};
pub use codes::{Level, Rule, Status};
pub use render::{OutputFormat, render, render_rejected};

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that found it.
    pub rule: Rule,
    /// Where, as byte offsets into the `.md` file.
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// A second place that explains the first (the earlier duplicate, say).
    pub related: Option<(Span, String)>,
}

impl Finding {
    /// A finding of `rule` at `span`.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            span,
            message: message.into(),
            help: None,
            related: None,
        }
    }

    /// The same finding with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// The same finding pointing at a second, related place.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Finding {
        self.related = Some((span, label.into()));
        self
    }

    /// The level of the finding (its rule's).
    pub fn level(&self) -> Level {
        self.rule.level()
    }
}

/// What the lint run knows besides the files.
#[derive(Clone, Copy)]
pub struct LintOptions<'a> {
    /// The current time: dates after it are in the future.
    pub now: Timestamp,
    /// The released versions of the affected packages, if repositories were given.
    pub packages: Option<&'a ReleasedVersions>,
}

impl std::fmt::Debug for LintOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LintOptions")
            .field("now", &self.now)
            .field("packages", &self.packages.is_some())
            .finish()
    }
}

impl LintOptions<'_> {
    /// Options for a run now, without repositories.
    pub fn now() -> LintOptions<'static> {
        LintOptions {
            now: Timestamp::now(),
            packages: None,
        }
    }
}

/// The findings of one file, sorted by position then code.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file, as given.
    pub path: PathBuf,
    /// Its text (the renderers quote it).
    pub source: String,
    /// What was read from it.
    pub advisory: Advisory,
    /// What is wrong.
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// The number of findings at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level() == level).count()
    }

    /// Whether the file could not be read as UTF-8 text (`ADV028`), so that nothing
    /// else in it was checked.
    pub fn is_unreadable(&self) -> bool {
        self.findings.iter().any(|f| f.rule == Rule::UnreadableFile)
    }
}

/// Everything a rule may look at for one file.
pub(crate) struct FileContext<'a> {
    pub(crate) path: &'a Path,
    /// The file's text.
    pub(crate) source: &'a str,
    pub(crate) parsed: &'a ParsedAdvisory,
    pub(crate) options: &'a LintOptions<'a>,
}

impl FileContext<'_> {
    pub(crate) fn advisory(&self) -> &Advisory {
        &self.parsed.advisory
    }
}

/// The packages that the advisories of `files` (as [`crate::tree::read_advisories`]
/// gives them) name as affected, leaving out names that are not valid (no repository
/// can have them) and files that could not be read as text: the packages whose
/// versions the repository checks and the OSV export need.
pub fn affected_packages(files: &[(PathBuf, safe_fs::Result<Vec<u8>>)]) -> BTreeSet<PackageName> {
    files
        .iter()
        .filter_map(|(_, read)| std::str::from_utf8(read.as_ref().ok()?).ok())
        .flat_map(|text| parse(text).advisory.affected)
        .filter_map(|affected| PackageName::parse(&affected.package.value).ok())
        .collect()
}

/// Why [`lint_paths`] could not lint at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LintPathsError {
    /// The advisory files could not be found.
    #[error(transparent)]
    Find(#[from] crate::Error),
    /// The reservation placeholders could not be listed.
    #[error(transparent)]
    Reservations(#[from] crate::ids::IdError),
    /// The `--repo` repositories could not be opened.
    #[error("cannot read the --repo repositories")]
    Repositories(#[source] opam_model::Error),
}

/// `osec lint PATHS`: the advisories under `paths` and the reservation placeholders
/// among them, checked at `now` (against the releases in `repos` when there are
/// any). One report per advisory file, in path order, then those of the stale
/// reservations (`ADV029`).
pub fn lint_paths(
    paths: &[PathBuf],
    repos: &[RepositorySpec],
    now: Timestamp,
) -> Result<Vec<FileReport>, LintPathsError> {
    let files = crate::tree::read_advisories(paths)?;
    let reservations = crate::ids::find_reservations(paths)?;
    let released = released_versions(repos, &files).map_err(LintPathsError::Repositories)?;
    let options = LintOptions {
        now,
        packages: released.as_ref(),
    };
    let mut reports = lint_read(files, &options);
    let stale = lint_reservations(&reservations, &reports);
    reports.extend(stale);
    Ok(reports)
}

/// The released versions of the packages the advisories of `files` name, from the
/// repositories `repos` (`--repo` of `osec lint`, `osv export` and `site build`);
/// `None` when there is none.
pub fn released_versions(
    repos: &[RepositorySpec],
    files: &[(PathBuf, safe_fs::Result<Vec<u8>>)],
) -> Result<Option<ReleasedVersions>, opam_model::Error> {
    if repos.is_empty() {
        return Ok(None);
    }
    ReleasedVersions::for_packages(repos, &affected_packages(files)).map(Some)
}

/// Checks one advisory file. `path` is used for the rules that compare the ID with the
/// file name and directory.
pub fn lint_source(path: &Path, source: String, options: &LintOptions<'_>) -> FileReport {
    let parsed = parse(&source);
    let mut findings: Vec<Finding> = parsed.problems.iter().map(rules::parse_problem).collect();
    let context = FileContext {
        path,
        source: &source,
        parsed: &parsed,
        options,
    };
    rules::check_file(&context, &mut findings);
    sort_findings(&mut findings);
    FileReport {
        path: path.to_path_buf(),
        source,
        advisory: parsed.advisory,
        findings,
    }
}

/// Checks a set of advisory files, including the rules across files (duplicate IDs).
/// Reports come back in the order of `files`.
pub fn lint_files(files: Vec<(PathBuf, String)>, options: &LintOptions<'_>) -> Vec<FileReport> {
    let reports = files
        .into_iter()
        .map(|(path, source)| lint_source(&path, source, options))
        .collect();
    across_files(reports)
}

/// Checks advisory files as read from disk ([`crate::tree::read_advisory`]): a file
/// that could not be read, or is not UTF-8, gets one `ADV028` finding (at the first
/// invalid byte) and nothing else; the others are checked as [`lint_files`] does.
/// Reports come back in the order of `files`.
pub fn lint_read(
    files: Vec<(PathBuf, safe_fs::Result<Vec<u8>>)>,
    options: &LintOptions<'_>,
) -> Vec<FileReport> {
    let reports = files
        .into_iter()
        .map(|(path, read)| match read {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(source) => lint_source(&path, source, options),
                Err(error) => {
                    rules::unreadable_file::not_utf8(&path, error.as_bytes(), error.utf8_error())
                }
            },
            Err(error) => rules::unreadable_file::unreadable(&path, &error),
        })
        .collect();
    across_files(reports)
}

/// The reports of the reservation placeholders ([`crate::ids::find_reservations`])
/// whose ID an advisory of `reports` already has (`ADV029`), one per such placeholder,
/// for `osec lint` to print after the advisories' reports.
pub fn lint_reservations(reservations: &[Reservation], reports: &[FileReport]) -> Vec<FileReport> {
    rules::reserved_id_published::check(reservations, reports)
}

/// Adds the findings of the rules across files, and sorts each file's findings.
fn across_files(mut reports: Vec<FileReport>) -> Vec<FileReport> {
    rules::duplicate_id::check(&mut reports);
    for report in &mut reports {
        sort_findings(&mut report.findings);
    }
    reports
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.rule, &a.message).cmp(&(b.span.start, b.rule, &b.message))
    });
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Findings of level error.
    pub errors: usize,
    /// Findings of level warning.
    pub warnings: usize,
}

/// Adds up the findings of `reports`.
pub fn totals(reports: &[FileReport]) -> Totals {
    reports.iter().fold(Totals::default(), |t, r| Totals {
        errors: t.errors + r.count(Level::Error),
        warnings: t.warnings + r.count(Level::Warning),
    })
}
