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
use crate::report::{DatabaseInfo, Format, InputError, Report};
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
    /// Where upgrade plans find versions and dependencies.
    pub repositories: Repositories,
    /// `--reachability`: analyse whether each finding's vulnerable code is used.
    pub reachability: Option<ReachabilityOptions>,
}

impl Request {
    /// A request with no policy file, ignore or threshold, pinned packages left out
    /// and no reachability (what `osec fix` audits with); `osec audit` then sets
    /// the fields its flags give.
    pub fn new(
        inputs: Inputs,
        database: vulndb::source::Choice,
        repositories: Repositories,
        now: Timestamp,
        tool_version: impl Into<String>,
    ) -> Request {
        Request {
            inputs,
            database,
            policy: PolicyOptions {
                config: None,
                ignores: Vec::new(),
                threshold: Severity::None,
                skip_development: false,
            },
            include_pinned: false,
            now,
            tool_version: tool_version.into(),
            repositories,
            reachability: None,
        }
    }
}

/// What `--reachability` was told.
#[derive(Debug, Clone, Default)]
pub struct ReachabilityOptions {
    /// The project's source trees (`--src`). Empty: the audited directory
    /// ([`Inputs::path`]) when it is a directory that is not itself the switch
    /// audited; else none, and a switch's root packages are the entry points (see
    /// [`crate::reach`]).
    pub sources: Vec<PathBuf>,
    /// `--reachable-only`: hide the findings found not referenced (never the unknown
    /// ones); the report counts them, and they do not fail the run.
    pub reachable_only: bool,
}

/// The repositories upgrade plans read (see [`crate::plan`]).
#[derive(Debug, Clone, Default)]
pub enum Repositories {
    /// No plans.
    #[default]
    None,
    /// `--repo` arguments, highest priority first.
    Given(Vec<opam_model::RepositorySpec>),
    /// The repositories of this opam root (`$OPAMROOT`, `~/.opam`); no plans, and
    /// a note saying why, when it has none.
    OpamRoot(PathBuf),
}

impl Repositories {
    /// `--repo` arguments when there are some, else the repositories of the opam
    /// root (when there is one).
    pub fn given_or_opam_root(
        repos: Vec<opam_model::RepositorySpec>,
        opam_root: Option<PathBuf>,
    ) -> Repositories {
        match (repos.is_empty(), opam_root) {
            (false, _) => Repositories::Given(repos),
            (true, Some(root)) => Repositories::OpamRoot(root),
            (true, None) => Repositories::None,
        }
    }
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

impl Audited {
    /// What goes to standard error beside the report in `format`: the database's
    /// age and the unreadable inputs, and (outside the table, which shows them)
    /// the policy's warnings and the count of hidden findings; one line each.
    pub fn notes(&self, format: Format) -> String {
        let mut notes = String::new();
        if let Some(warning) = &self.stale_database {
            notes.push_str(&format!("warning: {warning}\n"));
        }
        if format != Format::Table {
            for warning in &self.report.warnings {
                notes.push_str(&format!("warning: {warning}\n"));
            }
            if let Some(hidden) = self.report.hidden_not_referenced() {
                notes.push_str(&format!(
                    "osec audit: {hidden} not-referenced findings hidden (--reachable-only)\n"
                ));
            }
        }
        for error in &self.report.errors {
            notes.push_str(&format!("osec audit: error: {}\n", error.message));
        }
        notes
    }
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
    /// A `--repo` repository could not be opened.
    #[error("cannot open the --repo repositories")]
    Repositories(#[source] opam_model::Error),
    /// A plan could not be made.
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
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
    let repositories = open_repositories(&request.repositories)?;
    let mut report = scan_inputs(request, &inputs, &database.db, &policy, &repositories)?;
    // Plans are for installed versions: a plain `*.opam` file needs no note.
    if let Err(note) = &repositories
        && report.inputs.iter().any(|input| input.kind != "opam-file")
    {
        report.plan_note = Some(note.clone());
    }
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

/// The repositories to plan with, or why there are none (a note for the report).
/// `--repo` arguments that cannot be opened are an error; an opam root without
/// usable repositories only means no plans.
fn open_repositories(
    choice: &Repositories,
) -> Result<Result<opam_model::RepositoryStack, String>, RunError> {
    let specs = match choice {
        Repositories::None => {
            return Ok(Err(
                "no upgrade plans: no repository given (--repo)".to_owned()
            ));
        }
        Repositories::Given(specs) => specs.clone(),
        Repositories::OpamRoot(root) => match crate::plan::opam_root_repositories(root) {
            Ok(specs) if !specs.is_empty() => specs,
            Ok(_) => {
                return Ok(Err(format!(
                    "no upgrade plans: the opam root {} lists no repository; give one with --repo",
                    root.display()
                )));
            }
            Err(err) => return Ok(Err(format!("no upgrade plans: {err}"))),
        },
    };
    opam_model::RepositoryStack::open(&specs)
        .map(Ok)
        .map_err(RunError::Repositories)
}

/// The policy: the configuration file's ignores, those of an `osv-scanner.toml`
/// beside it, then `--ignore`, the threshold and `--no-dev`.
fn read_policy(options: &PolicyOptions, path: &Path) -> Result<Policy, PolicyError> {
    let dir = if path.is_dir() { path } else { Path::new(".") };
    let config = match &options.config {
        Some(config) => Some(config.clone()),
        None => Some(dir.join("osec.toml")).filter(|p| p.is_file()),
    };
    let mut ignores = match config {
        Some(config) => Policy::read_config(&config)?,
        None => Vec::new(),
    };
    // osv-scanner's own file beside the project counts too, as osv-scanner reads it.
    let osv_scanner = dir.join("osv-scanner.toml");
    if osv_scanner.is_file() {
        ignores.extend(Policy::read_osv_scanner_config(&osv_scanner)?);
    }
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
    repositories: &Result<opam_model::RepositoryStack, String>,
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
        let plans = match repositories {
            Ok(stack) => {
                let definitions = crate::plan::local_definitions(input, &inventory);
                crate::plan::plan(&inventory, &decision.reported, db, stack, &definitions)?
            }
            Err(_) => Vec::new(),
        };
        let reachability = match &request.reachability {
            Some(reach) => {
                let project = project_sources(reach, &request.inputs, inputs);
                let sources = crate::reach::Sources::for_input(input, project);
                let options = ocaml_reach::Options::default();
                let found =
                    crate::reach::analyse(&decision.reported, &inventory, db, &sources, options)?;
                Some((found, reach.reachable_only))
            }
            None => None,
        };
        report.push(result, decision);
        if let Some(last) = report.inputs.last_mut() {
            last.plans = plans;
            if let Some((found, reachable_only)) = reachability {
                last.set_reachability(found, reachable_only);
            }
        }
    }
    Ok(report)
}

/// The project's source trees: `--src`, else the audited directory unless it is the
/// switch itself (whose `lib/` is read as installed packages, not as the project).
fn project_sources(reach: &ReachabilityOptions, choice: &Inputs, inputs: &[Input]) -> Vec<PathBuf> {
    if !reach.sources.is_empty() {
        return reach.sources.clone();
    }
    let named = choice.switch.is_some() || choice.export.is_some() || choice.lock.is_some();
    let is_switch = inputs
        .iter()
        .any(|i| matches!(i, Input::Switch { dir } if dir == &choice.path));
    if named || is_switch || !choice.path.is_dir() {
        return Vec::new();
    }
    vec![choice.path.clone()]
}

/// The day `now` falls on in UTC.
fn utc_day(now: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(now).date()
}
