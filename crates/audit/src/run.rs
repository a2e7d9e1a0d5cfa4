//! The whole audit run behind one call: [`run`] takes a [`Request`] (what
//! `osec audit` was told) and gives an [`Outcome`] (the report, the database
//! used, and the verdict that decides the exit code). The command line only
//! builds the request and renders the outcome.
//!
//! One function per phase, in order: find the inputs, open the database, read
//! the policy, scan and decide each input. A PATH that holds nothing to audit
//! stops before the database is opened. Each input is read on its own: one that
//! cannot be read is an error in the report (and exit code 2), the others are
//! still matched and reported.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::input::{self, Input};
use crate::policy::{Ignore, Policy, PolicyError};
use crate::report::{DatabaseInfo, InputError, Report};
use crate::scan::{ScanOptions, Severity, scan};

/// Everything an audit run needs to know.
#[derive(Debug, Clone)]
pub struct Request {
    /// What to audit.
    pub inputs: Inputs,
    /// Which database to match against (`--db`, the cache, the embedded
    /// snapshot; see `vulndb::source`).
    pub database: vulndb::source::Choice,
    /// What the user decided about findings.
    pub policy: PolicyOptions,
    /// Match pinned packages against the public database too.
    pub include_pinned: bool,
    /// The time of the run: ignores expire by its UTC day (the same answer on
    /// every machine, and no time-zone database to load), and the database's
    /// age is counted to it.
    pub now: Timestamp,
    /// The version of the tool, written in the report.
    pub tool_version: String,
}

/// What to audit: the inputs named, or else what is found at `path`.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The project, switch or file to search when nothing is named (`.` on the
    /// command line).
    pub path: PathBuf,
    /// `--switch NAME|DIR`.
    pub switch: Option<String>,
    /// The opam root a switch name is looked up in (see
    /// [`input::default_opam_root`]); needed with `switch`.
    pub opam_root: Option<PathBuf>,
    /// `--export FILE`.
    pub export: Option<PathBuf>,
    /// `--lock FILE`.
    pub lock: Option<PathBuf>,
}

/// The policy as given: a configuration file and the command line's options.
#[derive(Debug, Clone)]
pub struct PolicyOptions {
    /// The policy file; without one, `osec.toml` in [`Inputs::path`] (when a
    /// directory, else in the current directory) is read when present.
    pub config: Option<PathBuf>,
    /// IDs or aliases to ignore (`--ignore`).
    pub ignores: Vec<String>,
    /// Findings below this level do not fail the run.
    pub threshold: Severity,
    /// Leave out findings reached only through test, doc or dev dependencies.
    pub skip_development: bool,
}

/// What a run found.
#[derive(Debug)]
pub enum Outcome {
    /// There was nothing to scan.
    NothingScanned(NothingScanned),
    /// The inputs were matched against the database.
    Audited(Box<Audited>),
}

/// Why nothing was scanned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NothingScanned {
    /// The path holds nothing to audit (the error says what was looked for).
    #[error(transparent)]
    NothingFound(input::Error),
    /// The inputs found list no package and no dependency.
    #[error("the inputs found list no installed or locked package and no dependency")]
    NoPackages,
}

/// The result of matching the inputs.
#[derive(Debug)]
pub struct Audited {
    /// The report, one entry per input, decided by the policy.
    pub report: Report,
    /// The database used, and where it came from.
    pub database: vulndb::source::Opened,
    /// The warning for a database older than `vulndb::source::STALE_AFTER_DAYS`.
    pub stale_database: Option<String>,
}

/// What the run means for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Nothing fails the run (exit 0).
    Clean,
    /// Some finding fails the run (exit 1).
    Vulnerable,
    /// Some input could not be read (exit 2): whatever the others hold, the audit is
    /// not complete. The report names each such input and says why.
    Incomplete,
    /// Nothing was scanned (exit 3).
    NothingScanned,
}

/// Why a run stopped. Every error names the file or database concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// PATH does not exist.
    #[error("{}: no such file or directory", .0.display())]
    NoSuchPath(PathBuf),
    /// A switch name was given and there is no opam root to find it in.
    #[error("no opam root: set OPAMROOT or HOME, or give the switch directory")]
    NoOpamRoot,
    /// A named input was not found, or PATH could not be searched.
    #[error(transparent)]
    Input(#[from] input::Error),
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] vulndb::source::OpenError),
    /// The policy file is unreadable or invalid.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A record of the database could not be read while matching.
    #[error(transparent)]
    Scan(#[from] vulndb::Error),
}

impl Outcome {
    /// Clean, vulnerable, or nothing scanned.
    pub fn verdict(&self) -> Verdict {
        match self {
            Outcome::NothingScanned(_) => Verdict::NothingScanned,
            Outcome::Audited(audited) if !audited.report.errors.is_empty() => Verdict::Incomplete,
            Outcome::Audited(audited) if audited.report.is_vulnerable() => Verdict::Vulnerable,
            Outcome::Audited(_) => Verdict::Clean,
        }
    }
}

/// Audits what `request` names against the database it chooses.
pub fn run(request: &Request) -> Result<Outcome, RunError> {
    let inputs = match find_inputs(&request.inputs)? {
        Found::Inputs(inputs) => inputs,
        Found::Nothing(nothing) => return Ok(Outcome::NothingScanned(nothing)),
    };
    let database = request.database.open()?;
    let policy = read_policy(&request.policy, &request.inputs.path)?;
    let report = scan_inputs(request, &inputs, &database.db, &policy)?;
    if report.inputs.is_empty() && report.errors.is_empty() {
        return Ok(Outcome::NothingScanned(NothingScanned::NoPackages));
    }
    let stale_database = database.stale_warning(request.now);
    Ok(Outcome::Audited(Box::new(Audited {
        report,
        database,
        stale_database,
    })))
}

/// What [`find_inputs`] found.
enum Found {
    Inputs(Vec<Input>),
    /// The path holds nothing to audit: not an error of the run.
    Nothing(NothingScanned),
}

/// The inputs named, or else those found at the path.
fn find_inputs(choice: &Inputs) -> Result<Found, RunError> {
    let mut named = Vec::new();
    if let Some(switch) = &choice.switch {
        let root = choice.opam_root.as_deref().ok_or(RunError::NoOpamRoot)?;
        named.push(Input::switch(switch, root)?);
    }
    if let Some(export) = &choice.export {
        named.push(Input::export(export));
    }
    if let Some(lock) = &choice.lock {
        named.push(Input::lock(lock));
    }
    if !named.is_empty() {
        return Ok(Found::Inputs(named));
    }
    if !choice.path.exists() {
        return Err(RunError::NoSuchPath(choice.path.clone()));
    }
    let found = match input::detect(&choice.path) {
        Ok(found) => found,
        Err(err @ input::Error::NothingFound { .. }) => {
            return Ok(Found::Nothing(NothingScanned::NothingFound(err)));
        }
        Err(err) => return Err(err.into()),
    };
    // What is installed or locked is what runs: when a switch or lock file is there,
    // the project's plain *.opam files (whose constraints the lock satisfies) are not
    // checked again; name one (`osec audit FILE.opam`) to check its constraints.
    if found.iter().any(|i| !matches!(i, Input::OpamFile { .. })) {
        return Ok(Found::Inputs(
            found
                .into_iter()
                .filter(|i| !matches!(i, Input::OpamFile { .. }))
                .collect(),
        ));
    }
    Ok(Found::Inputs(found))
}

/// The policy: the configuration file's ignores, then `--ignore`, the
/// threshold and `--no-dev`.
fn read_policy(options: &PolicyOptions, path: &Path) -> Result<Policy, PolicyError> {
    let config = match &options.config {
        Some(config) => Some(config.clone()),
        None => {
            let dir = if path.is_dir() { path } else { Path::new(".") };
            Some(dir.join("osec.toml")).filter(|p| p.is_file())
        }
    };
    let mut ignores = match config {
        Some(config) => Policy::read_config(&config)?,
        None => Vec::new(),
    };
    ignores.extend(options.ignores.iter().map(|id| Ignore {
        id: id.clone(),
        reason: "ignored on the command line".to_owned(),
        until: None,
    }));
    Ok(Policy {
        ignores,
        threshold: options.threshold,
        skip_development: options.skip_development,
    })
}

/// Reads, matches and decides each input; inputs with no package and no
/// dependency are left out of the report, inputs that cannot be read are its
/// errors.
fn scan_inputs(
    request: &Request,
    inputs: &[Input],
    db: &vulndb::Database,
    policy: &Policy,
) -> Result<Report, RunError> {
    let database = DatabaseInfo {
        source: db.source().to_owned(),
        records: db.len(),
        last_modified: db.last_modified().map(|t| t.to_string()),
    };
    let mut report = Report::new(&request.tool_version, database, policy.threshold);
    let options = ScanOptions {
        include_pinned: request.include_pinned,
    };
    let today = utc_day(request.now);
    for input in inputs {
        let inventory = match input.read() {
            Ok(inventory) => inventory,
            Err(error) => {
                report.errors.push(InputError::new(input, &error));
                continue;
            }
        };
        if inventory.is_empty()
            && inventory.requirements().is_empty()
            && inventory.notes().is_empty()
        {
            continue;
        }
        let result = scan(&inventory, db, options)?;
        let decision = policy.apply(result.findings.clone(), today);
        report.push(result, decision);
    }
    Ok(report)
}

/// The day `now` falls on in UTC.
fn utc_day(now: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(now).date()
}
