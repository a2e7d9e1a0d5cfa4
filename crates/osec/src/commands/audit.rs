//! `osec audit [PATH] [--switch NAME|DIR] [--export FILE] [--lock FILE] [--db DIR|ZIP]
//! [--format …] [--severity-threshold LEVEL] [--ignore ID] [--config osec.toml]
//! [--no-dev] [--include-pinned] [--offline]`. Exit 0 clean, 1 vulnerable, 2 error,
//! 3 nothing to scan. Audit never uses the network (only `osec db fetch` can, see
//! `commands::db`), so the global `--offline` needs nothing here.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use audit::input::{self, Input};
use audit::policy::{Ignore, Policy};
use audit::report::{DatabaseInfo, Format, Report};
use audit::scan::{ScanOptions, Severity, scan};

/// The OSV snapshot of the OCaml advisories built into the binary
/// (regenerate with `scripts/update-embedded-db.sh`).
pub(crate) static EMBEDDED_DB: &[u8] = include_bytes!("../../data/opam-all.zip");

/// Arguments of `osec audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    /// The project or switch to audit (searched for _opam/, *.opam.locked, dune.lock/,
    /// esy.lock/, else the constraints of its *.opam files), or one such file; ignored
    /// when --switch, --export or --lock is given.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// An opam switch: a directory, or a switch name in $OPAMROOT.
    #[arg(long, value_name = "NAME|DIR")]
    switch: Option<String>,
    /// A file written by `opam switch export`.
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,
    /// A lock file: *.opam.locked, a dune.lock directory, or esy.lock/index.json.
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// An OSV database: a directory of records or an osv.dev all.zip (default: the
    /// cached all.zip, else the embedded snapshot; see `osec db status`).
    #[arg(long, value_name = "DIR|ZIP")]
    db: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: FormatArg,
    /// Findings below this level do not fail the run.
    #[arg(long, value_name = "LEVEL", default_value = "none")]
    severity_threshold: Severity,
    /// Ignore a vulnerability (ID or alias); repeatable.
    #[arg(long, value_name = "ID")]
    ignore: Vec<String>,
    /// The policy file (default: osec.toml in PATH, when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Skip findings reached only through test, doc or dev dependencies.
    #[arg(long)]
    no_dev: bool,
    /// Match pinned packages against the public database too.
    #[arg(long)]
    include_pinned: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Sarif,
    Markdown,
    Cyclonedx,
}

pub(crate) fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let inputs = inputs(&args)?;
    if inputs.is_empty() {
        return Ok(ExitCode::from(3));
    }
    let in_use = super::db::open(args.db.as_deref())?;
    let db = &in_use.db;
    let policy = policy(&args)?;
    // Ignores expire by the UTC date: the same answer on every machine, and no
    // time-zone database to load (which cost more than a prepared database load).
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let database = DatabaseInfo {
        source: db.source().to_owned(),
        records: db.len(),
        last_modified: db.last_modified().map(|t| t.to_string()),
    };
    let mut report = Report::new(env!("CARGO_PKG_VERSION"), database, policy.threshold);
    let options = ScanOptions {
        include_pinned: args.include_pinned,
    };
    for input in &inputs {
        let inventory = input.read().with_context(|| format!("reading {input}"))?;
        if inventory.is_empty() && inventory.requirements().is_empty() {
            continue;
        }
        let result = scan(&inventory, db, options)?;
        let decision = policy.apply(result.findings.clone(), &today);
        report.push(result, decision);
    }
    if report.inputs.is_empty() {
        eprintln!(
            "osec audit: the inputs found list no installed or locked package and no dependency"
        );
        return Ok(ExitCode::from(3));
    }
    let format = match args.format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Cyclonedx => Format::CycloneDx,
    };
    let stdout = std::io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    out.write_all(report.render(format, colour).as_bytes())?;
    out.flush()?;
    if let Some(warning) = in_use.stale_warning(jiff::Timestamp::now()) {
        eprintln!("warning: {warning}");
    }
    if format != Format::Table {
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
    }
    // The process ends next: freeing 10,000 records one by one would cost
    // more than the rest of a run against a prepared database.
    std::mem::forget(in_use);
    Ok(if report.is_vulnerable() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn inputs(args: &AuditArgs) -> anyhow::Result<Vec<Input>> {
    let mut named = Vec::new();
    if let Some(switch) = &args.switch {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let opamroot = std::env::var("OPAMROOT").ok();
        let root = input::default_opam_root(opamroot.as_deref(), home.as_deref())
            .context("no opam root: set OPAMROOT or HOME, or give the switch directory")?;
        named.push(Input::switch(switch, &root)?);
    }
    if let Some(export) = &args.export {
        named.push(Input::export(export));
    }
    if let Some(lock) = &args.lock {
        named.push(Input::lock(lock));
    }
    if !named.is_empty() {
        return Ok(named);
    }
    if !args.path.exists() {
        anyhow::bail!("{}: no such file or directory", args.path.display());
    }
    let found = match input::detect(&args.path) {
        Ok(found) => found,
        Err(err @ input::Error::NothingFound { .. }) => {
            eprintln!("osec audit: {err}");
            return Ok(Vec::new());
        }
        Err(err) => return Err(err.into()),
    };
    // What is installed or locked is what runs: when a switch or lock file is there,
    // the project's plain *.opam files (whose constraints the lock satisfies) are not
    // checked again; name one (`osec audit FILE.opam`) to check its constraints.
    if found.iter().any(|i| !matches!(i, Input::OpamFile { .. })) {
        return Ok(found
            .into_iter()
            .filter(|i| !matches!(i, Input::OpamFile { .. }))
            .collect());
    }
    Ok(found)
}

fn policy(args: &AuditArgs) -> anyhow::Result<Policy> {
    let config = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let dir = if args.path.is_dir() {
                args.path.clone()
            } else {
                PathBuf::from(".")
            };
            Some(dir.join("osec.toml")).filter(|p| p.is_file())
        }
    };
    let mut ignores = match config {
        Some(path) => Policy::read_config(&path)?,
        None => Vec::new(),
    };
    ignores.extend(args.ignore.iter().map(|id| Ignore {
        id: id.clone(),
        reason: "ignored on the command line".to_owned(),
        until: None,
    }));
    Ok(Policy {
        ignores,
        threshold: args.severity_threshold,
        skip_development: args.no_dev,
    })
}
