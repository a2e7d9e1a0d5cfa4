//! `osec fix`: the upgrade plans applied. A `*.opam.locked` file gets the planned
//! versions in place of the locked ones (only the version strings change, by
//! `opam_file::Document` edits); with `bounds`, the project's `NAME.opam` beside it
//! gets its `>=` lower bounds raised to them. A switch is not changed: the outcome
//! holds the `opam install` command that applies its plans.
//!
//! Safety: each new text is written to a temporary file first, read back as a lock
//! file and matched against the database; only then does it replace the original
//! (temp file + rename, `safe_fs::rewrite`). A file that would not read back is
//! never written, and an interrupted fix leaves the original as it was. The audit
//! after the fix (on the new texts, also in a dry run) says what is left.

use std::path::{Path, PathBuf};

use opam_file::{Document, RelOp, Value, ValueKind};
use opam_model::Version;

use crate::input::Input;
use crate::plan::{Plan, install_targets};
use crate::report::Report;
use crate::run::{Audited, Outcome, Request, RunError, run};

/// What `osec fix` was told.
#[derive(Debug, Clone)]
pub struct FixRequest {
    /// The audit to plan from (`--repo` in its repositories).
    pub audit: Request,
    /// Show the changes without writing them.
    pub dry_run: bool,
    /// Raise the `>=` lower bounds of the project's `NAME.opam` beside each lock
    /// file too.
    pub bounds: bool,
}

/// One file changed (or to change, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    /// The file.
    pub path: PathBuf,
    /// Each change: package, old version, new version.
    pub changes: Vec<(String, String, String)>,
    /// Whether it was written.
    pub written: bool,
}

/// What a fix did.
#[derive(Debug)]
pub struct Fixed {
    /// The audit before the fix, with its plans.
    pub before: Audited,
    /// The files changed.
    pub edits: Vec<FileEdit>,
    /// `opam install …` for each switch with plans (not run).
    pub commands: Vec<String>,
    /// Inputs osec cannot edit (dune, esy, exports), with what to do instead.
    pub skipped: Vec<String>,
    /// The audit after the fix (of the new texts), when there was something to fix.
    pub after: Option<Report>,
}

/// What a fix found.
#[derive(Debug)]
pub enum FixOutcome {
    /// Nothing to audit (see [`Outcome::NothingScanned`]).
    NothingScanned(crate::run::NothingScanned),
    /// The audit, the edits and the audit after them.
    Fixed(Box<Fixed>),
}

/// Why a fix stopped before writing anything more.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixError {
    /// The audit could not run.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A file to edit could not be read or edited.
    #[error("{}: {message}", path.display())]
    Edit {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The edited text did not read back as a lock file: the original is untouched.
    #[error("{}: the fixed text does not read back ({source}); the file was not changed", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::input::Error,
    },
    /// Writing failed; the original is untouched (the write is atomic).
    #[error(transparent)]
    Write(#[from] safe_fs::Error),
}

/// Audits, applies the plans to lock files (and lower bounds), and audits again.
pub fn fix(request: &FixRequest) -> Result<FixOutcome, FixError> {
    let before = match run(&request.audit)? {
        Outcome::NothingScanned(nothing) => return Ok(FixOutcome::NothingScanned(nothing)),
        Outcome::Audited(audited) => *audited,
    };
    let mut edits = Vec::new();
    let mut commands = Vec::new();
    let mut skipped = Vec::new();
    let mut after_request = request.audit.clone();
    after_request.inputs = crate::run::Inputs {
        path: request.audit.inputs.path.clone(),
        ..crate::run::Inputs::default()
    };
    let mut staged: Vec<(PathBuf, Vec<u8>, FileEdit)> = Vec::new();
    for input in &before.report.inputs {
        let targets = install_targets(&input.plans);
        if targets.is_empty() {
            continue;
        }
        let path = PathBuf::from(&input.path);
        match input.kind {
            "opam-lock" => {
                let (bytes, edit) = edit_lock(&path, &input.plans)?;
                verify(&path, &bytes, |file| Input::OpamLock { file })?;
                if request.bounds {
                    staged.extend(raise_bounds(&path, &input.plans)?);
                }
                staged.push((path, bytes, edit));
            }
            "opam-switch" => commands.push(format!("opam install {}", targets.join(" "))),
            kind => skipped.push(format!(
                "{} ({kind}): osec edits opam lock files only; install {} and regenerate it",
                input.path,
                targets.join(" ")
            )),
        }
    }
    let mut after_files = Vec::new();
    for (path, bytes, mut edit) in staged {
        if !request.dry_run {
            safe_fs::rewrite(&path, &bytes)?;
            edit.written = true;
        }
        if path.to_string_lossy().ends_with(".opam.locked") {
            after_files.push((path.clone(), bytes));
        }
        edits.push(edit);
    }
    let after = after_audit(&after_request, &after_files)?;
    Ok(FixOutcome::Fixed(Box::new(Fixed {
        before,
        edits,
        commands,
        skipped,
        after,
    })))
}

/// The lock file with each planned package's `{= "VERSION"}` set to the plan's.
fn edit_lock(path: &Path, plans: &[Plan]) -> Result<(Vec<u8>, FileEdit), FixError> {
    let edit_error = |message: String| FixError::Edit {
        path: path.to_owned(),
        message,
    };
    let bytes = safe_fs::read_bounded(path, opam_model::MAX_FILE_SIZE)?;
    let mut document = Document::parse(bytes).map_err(|e| edit_error(e.to_string()))?;
    let mut changes = Vec::new();
    for target in install_targets(plans) {
        let Some((name, version)) = target.split_once('.') else {
            continue;
        };
        let Some(span) = locked_version_span(&document, name) else {
            continue;
        };
        let old = document
            .to_bytes()
            .get(span.range())
            .map(|b| String::from_utf8_lossy(b).trim_matches('"').to_owned())
            .unwrap_or_default();
        document
            .replace_value(span, &Value::string(version))
            .map_err(|e| edit_error(e.to_string()))?;
        changes.push((name.to_owned(), old, version.to_owned()));
    }
    let edit = FileEdit {
        path: path.to_owned(),
        changes,
        written: false,
    };
    Ok((document.to_bytes().to_vec(), edit))
}

/// The span of the version string of `name`'s `{= "VERSION"}` in `depends:`.
fn locked_version_span(document: &Document, name: &str) -> Option<opam_file::Span> {
    let depends = document.field(opam_file::Scope::File, "depends")?;
    let ValueKind::List(list) = &depends.kind else {
        return None;
    };
    list.value.iter().find_map(|entry| {
        let ValueKind::Option(package, constraints) = &entry.kind else {
            return None;
        };
        if package.as_str() != Some(name) {
            return None;
        }
        constraints
            .value
            .iter()
            .find_map(|c| relop_version(c, RelOp::Eq))
    })
}

/// The version string of the first `OP "VERSION"` in a constraint.
fn relop_version(value: &Value, op: RelOp) -> Option<opam_file::Span> {
    match &value.kind {
        ValueKind::PrefixRelop(found, version)
            if found.value == op && version.as_str().is_some() =>
        {
            Some(version.span)
        }
        ValueKind::Logop(chain) => chain.operands.iter().find_map(|v| relop_version(v, op)),
        ValueKind::Group(list) => list.value.iter().find_map(|v| relop_version(v, op)),
        _ => None,
    }
}

/// The project's `NAME.opam` beside the lock file with its `>=` bounds on planned
/// packages raised to the planned versions (`None` entries when there is nothing
/// to raise or no such file).
fn raise_bounds(
    lock: &Path,
    plans: &[Plan],
) -> Result<Option<(PathBuf, Vec<u8>, FileEdit)>, FixError> {
    let Some(opam) = lock
        .to_str()
        .and_then(|p| p.strip_suffix(".locked"))
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    else {
        return Ok(None);
    };
    let edit_error = |message: String| FixError::Edit {
        path: opam.clone(),
        message,
    };
    let bytes = safe_fs::read_bounded(&opam, opam_model::MAX_FILE_SIZE)?;
    let mut document = Document::parse(bytes).map_err(|e| edit_error(e.to_string()))?;
    let mut changes = Vec::new();
    for target in install_targets(plans) {
        let Some((name, version)) = target.split_once('.') else {
            continue;
        };
        let Some(span) = lower_bound_span(&document, name) else {
            continue;
        };
        let old = document
            .to_bytes()
            .get(span.range())
            .map(|b| String::from_utf8_lossy(b).trim_matches('"').to_owned())
            .unwrap_or_default();
        let raise = matches!(
            (Version::parse(&old), Version::parse(version)),
            (Ok(old), Ok(new)) if old < new
        );
        if raise {
            document
                .replace_value(span, &Value::string(version))
                .map_err(|e| edit_error(e.to_string()))?;
            changes.push((name.to_owned(), old, version.to_owned()));
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let bytes = document.to_bytes().to_vec();
    verify(&opam, &bytes, |file| Input::OpamFile { file })?;
    let edit = FileEdit {
        path: opam.clone(),
        changes,
        written: false,
    };
    Ok(Some((opam, bytes, edit)))
}

/// The version string of `name`'s `>= "VERSION"` in `depends:`.
fn lower_bound_span(document: &Document, name: &str) -> Option<opam_file::Span> {
    let depends = document.field(opam_file::Scope::File, "depends")?;
    let ValueKind::List(list) = &depends.kind else {
        return None;
    };
    list.value.iter().find_map(|entry| {
        let ValueKind::Option(package, constraints) = &entry.kind else {
            return None;
        };
        if package.as_str() != Some(name) {
            return None;
        }
        constraints
            .value
            .iter()
            .find_map(|c| relop_version(c, RelOp::Geq))
    })
}

/// Reads `bytes` back as `path` would be read (`input` of a copy), from a
/// temporary file: an edit that breaks the file is refused before anything is
/// written.
fn verify(path: &Path, bytes: &[u8], input: impl Fn(PathBuf) -> Input) -> Result<(), FixError> {
    let dir = tempfile_dir(path)?;
    let copy = dir.path().join(path.file_name().unwrap_or_default());
    std::fs::write(&copy, bytes).map_err(|e| FixError::Edit {
        path: copy.clone(),
        message: e.to_string(),
    })?;
    input(copy)
        .read()
        .map(|_| ())
        .map_err(|source| FixError::Unreadable {
            path: path.to_owned(),
            source,
        })
}

/// A private temporary directory, removed when dropped.
fn tempfile_dir(path: &Path) -> Result<TempDir, FixError> {
    TempDir::new().map_err(|e| FixError::Edit {
        path: path.to_owned(),
        message: format!("cannot make a temporary directory: {e}"),
    })
}

/// The audit of the fixed lock files, read from temporary copies (the same bytes
/// that were written, or would be in a dry run); `None` when no lock was fixed.
fn after_audit(
    request: &Request,
    files: &[(PathBuf, Vec<u8>)],
) -> Result<Option<Report>, FixError> {
    let mut report: Option<Report> = None;
    for (path, bytes) in files {
        let dir = tempfile_dir(path)?;
        let copy = dir.path().join(path.file_name().unwrap_or_default());
        std::fs::write(&copy, bytes).map_err(|e| FixError::Edit {
            path: copy.clone(),
            message: e.to_string(),
        })?;
        let mut one = request.clone();
        one.inputs.lock = Some(copy.clone());
        let Outcome::Audited(audited) = run(&one)? else {
            continue;
        };
        let mut audited_report = audited.report;
        for input in &mut audited_report.inputs {
            input.path = path.display().to_string();
        }
        match &mut report {
            Some(all) => all.inputs.extend(audited_report.inputs),
            None => report = Some(audited_report),
        }
    }
    Ok(report)
}

/// A directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let unique = format!(
            "osec-fix-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir(&path)?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Fixed {
    /// Whether findings are left: in the audit after the fix, or (for switches,
    /// whose command osec does not run) in the audit before it.
    pub fn is_vulnerable(&self) -> bool {
        match &self.after {
            Some(after) => after.is_vulnerable() || !self.commands.is_empty(),
            None => self.before.report.is_vulnerable(),
        }
    }

    /// The outcome for people: each file changed, each command to run, each input
    /// left alone, then the audit after the fix as a table.
    pub fn render(&self, dry_run: bool) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for edit in &self.edits {
            let verb = if edit.written { "fixed" } else { "would fix" };
            let _ = writeln!(out, "{verb} {}:", edit.path.display());
            for (package, old, new) in &edit.changes {
                let _ = writeln!(out, "  {package} {old} → {new}");
            }
        }
        for command in &self.commands {
            let _ = writeln!(out, "to fix the switch, run: {command}");
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "not edited: {skipped}");
        }
        for input in &self.before.report.inputs {
            for plan in input.plans.iter().filter(|p| p.upgrades().is_none()) {
                let _ = writeln!(
                    out,
                    "no fix for {} {}: {}",
                    plan.package,
                    plan.installed_version,
                    plan.summary()
                );
            }
        }
        match &self.after {
            Some(after) => {
                let what = if dry_run {
                    "after the fix (dry run, nothing written)"
                } else {
                    "after the fix"
                };
                let _ = writeln!(out, "audit {what}:");
                out.push_str(&after.render(crate::report::Format::Table, false));
            }
            None if self.edits.is_empty() && self.commands.is_empty() => {
                if let Some(note) = &self.before.report.plan_note {
                    let _ = writeln!(out, "{note}");
                }
                out.push_str(
                    &self
                        .before
                        .report
                        .render(crate::report::Format::Table, false),
                );
            }
            None => {}
        }
        out
    }
}
