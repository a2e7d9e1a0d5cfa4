//! `osec osv export`: every advisory to `OUT/YYYY/ID.json`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use advisory::AdvisoryId;
use advisory::lint::{FileReport, Level, LintOptions, lint_read, render_rejected};
use advisory::to_osv::{ConvertError, ConvertOptions, to_osv};
use advisory::tree::read_advisories;
use opam_model::ReleasedVersions;
use safe_fs::{FileChange, OutputRoot, display_path, escape_control};

use crate::archive::{IndexedRecord, modified_text};
use crate::error::{Error, Result};

/// What an export needs besides the advisories and the output directory.
#[derive(Clone, Copy)]
pub struct ExportOptions<'a> {
    /// Released versions of the advisories' packages, if repositories were given
    /// (`ReleasedVersions::for_packages` with [`advisory::lint::affected_packages`]).
    pub released: Option<&'a ReleasedVersions>,
    /// Whether records list their `versions` (`--no-versions` turns this off).
    pub with_versions: bool,
    /// The current time, for the lint rules about dates in the future.
    pub now: jiff::Timestamp,
}

impl std::fmt::Debug for ExportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportOptions")
            .field("released", &self.released.is_some())
            .field("with_versions", &self.with_versions)
            .field("now", &self.now)
            .finish()
    }
}

/// Told about the progress of a long export; the command line draws a bar on a
/// terminal. Every method does nothing by default.
pub trait Progress {
    /// The export is about to convert `total` advisories.
    fn start(&self, total: usize) {
        let _ = total;
    }
    /// One advisory is done.
    fn advance(&self) {}
    /// All advisories are done.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// What became of one advisory file.
#[derive(Debug)]
pub struct Outcome {
    /// The advisory file.
    pub source: PathBuf,
    /// What happened.
    pub kind: OutcomeKind,
}

/// What became of one advisory file.
#[derive(Debug)]
#[non_exhaustive]
pub enum OutcomeKind {
    /// The record was written, or already had these bytes.
    Exported {
        /// The record's file.
        path: PathBuf,
        /// Whether it was created, updated or left alone.
        change: FileChange,
        /// Warnings of the conversion.
        notes: Vec<String>,
        /// The record as `all.zip` and `modified_id.csv` list it.
        record: IndexedRecord,
    },
    /// The advisory has lint errors, or could not be read (`ADV028`), and was not
    /// exported; its previous record, if any, is left as it was.
    LintFailed(Box<FileReport>),
    /// The advisory passed lint but could not be converted.
    ConversionFailed(ConvertError),
}

/// The result of an export.
#[derive(Debug, Default)]
pub struct ExportReport {
    /// One outcome per advisory file, in path order.
    pub outcomes: Vec<Outcome>,
    /// Records in the output tree that are the record of no advisory of this run:
    /// their advisory no longer exists, or they sit in another year's directory than
    /// their ID's (a stale copy). They are not removed (an advisory is withdrawn with
    /// its `withdrawn` field), and not in `all.zip`.
    pub orphans: Vec<PathBuf>,
}

impl ExportReport {
    /// Whether every advisory was exported.
    pub fn is_complete(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.kind, OutcomeKind::Exported { .. }))
    }

    /// The number of advisories whose record changed (created or updated).
    pub fn changed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.kind, OutcomeKind::Exported { change, .. } if change != FileChange::Unchanged))
            .count()
    }

    /// The number of advisories exported, changed or not.
    pub fn exported(&self) -> usize {
        self.records().count()
    }

    /// The records exported by this run, in path order of their advisories: what
    /// `all.zip` and `modified_id.csv` hold.
    pub fn records(&self) -> impl Iterator<Item = &IndexedRecord> {
        self.outcomes.iter().filter_map(|o| match &o.kind {
            OutcomeKind::Exported { record, .. } => Some(record),
            _ => None,
        })
    }
}

impl ExportReport {
    /// What `osec osv export` says on standard error: the problems of single
    /// advisories ([`render_outcomes`]), the orphan records, and a summary line.
    pub fn render(&self) -> String {
        let mut out = render_outcomes(&self.outcomes, "not exported");
        for orphan in &self.orphans {
            out.push_str(&format!(
                "warning: {} is the record of no advisory (its advisory was removed, or it is a copy in \
                 another year's directory); it was not removed and is not indexed (withdraw an advisory \
                 with its `withdrawn` field instead, or delete the file by hand)\n",
                display_path(orphan)
            ));
        }
        let failed = self.outcomes.len() - self.exported();
        out.push_str(&format!(
            "exported {} of {} advisories ({} changed)",
            self.exported(),
            self.outcomes.len(),
            self.changed(),
        ));
        if failed > 0 {
            out.push_str(&format!(", {failed} not exported"));
        }
        out.push('\n');
        out
    }
}

/// The problems of single advisories: the lint diagnostics of those that failed
/// lint, then a line for each conversion warning and each advisory that was
/// `left_out` ("not exported", "left out of the site").
pub fn render_outcomes(outcomes: &[Outcome], left_out: &str) -> String {
    let failed_lint: Vec<FileReport> = outcomes
        .iter()
        .filter_map(|o| match &o.kind {
            OutcomeKind::LintFailed(lint) => Some(lint.as_ref().clone()),
            _ => None,
        })
        .collect();
    let mut out = render_rejected(&failed_lint);
    for outcome in outcomes {
        let source = display_path(&outcome.source);
        match &outcome.kind {
            OutcomeKind::Exported { notes, .. } => {
                for note in notes {
                    out.push_str(&format!("warning: {source}: {}\n", escape_control(note)));
                }
            }
            OutcomeKind::LintFailed(_) => out.push_str(&format!(
                "error: {source} has lint errors (shown above): {left_out}\n"
            )),
            OutcomeKind::ConversionFailed(err) => out.push_str(&format!(
                "error: {source}: {}: {left_out}\n",
                escape_control(&err.to_string())
            )),
        }
    }
    out
}

/// The path of a record in the output tree: `OUT/YYYY/ID.json`.
pub fn record_path(out: &Path, id: &AdvisoryId, id_text: &str) -> PathBuf {
    out.join(record_relative_path(id, id_text))
}

/// `YYYY/ID.json`.
fn record_relative_path(id: &AdvisoryId, id_text: &str) -> PathBuf {
    Path::new(&id.year().to_string()).join(format!("{id_text}.json"))
}

/// Exports the advisories found under `paths` (files, or directories searched for
/// `OSEC-*.md`) to `out`: `advisory::tree::read_advisories`, then [`export_sources`].
pub fn export(
    paths: &[PathBuf],
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &dyn Progress,
) -> Result<ExportReport> {
    export_sources(read_advisories(paths)?, out, options, progress)
}

/// Exports advisories as read from disk (`advisory::tree::read_advisories`) to `out`.
/// Advisories with lint errors, or that cannot be read, are skipped and reported; the
/// others are converted and written. Records are written atomically and never through
/// a symbolic link under `out` (see [`safe_fs::OutputRoot`]): a year directory that is
/// a link stops the export with an error naming it.
pub fn export_sources(
    sources: Vec<(PathBuf, safe_fs::Result<Vec<u8>>)>,
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &dyn Progress,
) -> Result<ExportReport> {
    let lint_options = LintOptions {
        now: options.now,
        packages: options.released,
    };
    let reports = lint_read(sources, &lint_options);
    let root = OutputRoot::open(out)?;
    let convert_options = ConvertOptions {
        released: options.released,
        with_versions: options.with_versions,
    };

    progress.start(reports.len());
    let mut known_ids = BTreeSet::new();
    let mut outcomes = Vec::with_capacity(reports.len());
    for report in reports {
        known_ids.insert(advisory_id_text(&report));
        let source = report.path.clone();
        let kind = if report.count(Level::Error) > 0 {
            OutcomeKind::LintFailed(Box::new(report))
        } else {
            export_one(&report, &root, &convert_options)?
        };
        outcomes.push(Outcome { source, kind });
        progress.advance();
    }
    progress.finish();
    let orphans = find_orphans(out, &known_ids)?;
    Ok(ExportReport { outcomes, orphans })
}

fn export_one(
    report: &FileReport,
    root: &OutputRoot,
    options: &ConvertOptions<'_>,
) -> Result<OutcomeKind> {
    let conversion = match to_osv(&report.advisory, options) {
        Ok(conversion) => conversion,
        Err(err) => return Ok(OutcomeKind::ConversionFailed(err)),
    };
    let Some(id) = report.advisory.advisory_id() else {
        return Ok(OutcomeKind::ConversionFailed(ConvertError::Missing {
            field: "id",
        }));
    };
    let relative = record_relative_path(&id, &conversion.record.id);
    let text = osv::to_string_pretty(&conversion.record);
    let change = root.write(&relative, text.as_bytes())?;
    Ok(OutcomeKind::Exported {
        path: root.path().join(relative),
        change,
        notes: conversion.notes,
        record: IndexedRecord {
            modified: modified_text(conversion.record.modified.to_jiff()),
            id: conversion.record.id,
            bytes: text.into_bytes(),
        },
    })
}

/// The ID an advisory file stands for: its `id`, or else its file name.
fn advisory_id_text(report: &FileReport) -> String {
    match &report.advisory.id {
        Some(id) => id.value.clone(),
        None => report
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The record files of the output tree: `OUT/YYYY/*.json`, sorted.
pub fn record_files(out: &Path) -> Result<Vec<PathBuf>> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Read { path, source }
    };
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(source) => {
            return Err(Error::Read {
                path: out.to_path_buf(),
                source,
            });
        }
    };
    for entry in entries {
        let entry = entry.map_err(read_error(out))?;
        let name = entry.file_name();
        let is_year = name
            .to_str()
            .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()));
        if !is_year
            || !entry
                .file_type()
                .map_err(read_error(&entry.path()))?
                .is_dir()
        {
            continue;
        }
        let year_dir = entry.path();
        for record in std::fs::read_dir(&year_dir).map_err(read_error(&year_dir))? {
            let record = record.map_err(read_error(&year_dir))?;
            let path = record.path();
            let is_json = path.extension().is_some_and(|e| e == "json");
            let is_hidden = record
                .file_name()
                .to_str()
                .is_none_or(|n| n.starts_with('.'));
            if is_json && !is_hidden && record.file_type().map_err(read_error(&path))?.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The record files that are the record of no advisory in `known_ids`: named after
/// another ID, or in another year's directory than their ID's.
fn find_orphans(out: &Path, known_ids: &BTreeSet<String>) -> Result<Vec<PathBuf>> {
    let is_orphan = |path: &Path| {
        let Some(id) = path.file_stem().and_then(|s| s.to_str()) else {
            return true;
        };
        let year_dir = path.parent().and_then(Path::file_name);
        let misplaced = id
            .parse::<AdvisoryId>()
            .is_ok_and(|id| year_dir.is_none_or(|dir| dir != id.year().to_string().as_str()));
        !known_ids.contains(id) || misplaced
    };
    Ok(record_files(out)?
        .into_iter()
        .filter(|path| is_orphan(path))
        .collect())
}
