//! `osec audit [PATH] [--switch NAME|DIR] [--export FILE] [--lock FILE] [--db DIR|ZIP]
//! [--format …] [--severity-threshold LEVEL] [--ignore ID] [--config osec.toml]
//! [--no-dev] [--include-pinned] [--reachability [--src DIR]... [--reachable-only]]
//! [--allow-empty-db] [--offline]`. Exit 0 clean,
//! 1 vulnerable, 2 error (also when one input could not be read: the others are
//! still reported), 3 nothing to scan. The run is `audit::run`; this file
//! builds its request and renders its outcome. Audit never uses the network
//! (only `osec db fetch` can, see `commands::db`), so the global `--offline`
//! needs nothing here.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use audit::report::Format;
use audit::scan::Severity;
use audit::{Outcome, Repositories, Verdict};

use super::db::DbArgs;

/// Arguments of `osec audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    /// The project or switch to audit (searched, and one directory down, for _opam/,
    /// lock files, *.export, dune.lock/, dev-tools.locks/, esy.lock/, else the
    /// constraints of its *.opam files), or one such file or directory, read as what it
    /// is; ignored when --switch, --export or --lock is given.
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
    #[command(flatten)]
    db: DbArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
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
    /// An opam repository for upgrade plans: a directory, a .tar.gz, or DIR@REV
    /// (repeatable, highest priority first; default: the opam root's repositories).
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<opam_model::RepositorySpec>,
    /// Say of each finding whether the project calls the affected functions (called,
    /// not referenced, unknown), reading its OCaml sources and the switch's.
    #[arg(long)]
    reachability: bool,
    /// The project's OCaml sources for --reachability (default: PATH); repeatable.
    #[arg(long, value_name = "DIR", requires = "reachability")]
    src: Vec<PathBuf>,
    /// Hide the findings found not referenced (never the unknown ones), counting them.
    #[arg(long, requires = "reachability")]
    reachable_only: bool,
}

pub(crate) fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let format = args.format;
    let outcome = audit::run(&request(args))?;
    let verdict = outcome.verdict();
    match &outcome {
        Outcome::NothingScanned(reason) => eprintln!("osec audit: {reason}"),
        Outcome::Audited(audited) => {
            let stdout = std::io::stdout();
            let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = stdout.lock();
            out.write_all(audited.report.render(format, colour).as_bytes())?;
            out.flush()?;
            eprint!("{}", audited.notes(format));
        }
    }
    // The process ends next: freeing 10,000 records one by one would cost
    // more than the rest of a run against a prepared database.
    std::mem::forget(outcome);
    Ok(match verdict {
        Verdict::Clean => ExitCode::SUCCESS,
        Verdict::Vulnerable => ExitCode::from(1),
        Verdict::NothingScanned => ExitCode::from(3),
        // `Incomplete`: an input could not be read (the report says which and why).
        _ => ExitCode::from(2),
    })
}

/// The library's request: the arguments, the environment's opam root and the time.
fn request(args: AuditArgs) -> audit::Request {
    let opam_root = opam_root();
    let inputs = audit::Inputs {
        opam_root: opam_root.clone(),
        path: args.path,
        switch: args.switch,
        export: args.export,
        lock: args.lock,
    };
    let repositories = Repositories::given_or_opam_root(args.repos, opam_root);
    let mut request = audit::Request::new(
        inputs,
        args.db.choice(),
        repositories,
        jiff::Timestamp::now(),
        env!("CARGO_PKG_VERSION"),
    );
    request.policy = audit::PolicyOptions {
        config: args.config,
        ignores: args.ignore,
        threshold: args.severity_threshold,
        skip_development: args.no_dev,
    };
    request.include_pinned = args.include_pinned;
    request.reachability = args.reachability.then_some(audit::ReachabilityOptions {
        sources: args.src,
        reachable_only: args.reachable_only,
    });
    request
}

/// The opam root of `$OPAMROOT`, else `~/.opam`.
pub(crate) fn opam_root() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let opamroot = std::env::var("OPAMROOT").ok();
    audit::input::default_opam_root(opamroot.as_deref(), home.as_deref())
}
