//! `osec fix [PATH] [--lock FILE] [--repo DIR]... [--dry-run] [--bounds]`: the
//! upgrade plans applied to lock files (`audit::fix`), then audited again. A
//! switch gets the `opam install` command to run. Exit 0 when nothing is left, 1
//! when findings remain, 2 on error, 3 when there was nothing to audit.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use audit::fix::{FixOutcome, FixRequest};

use super::db::LimitArgs;

/// Arguments of `osec fix`.
#[derive(Debug, clap::Args)]
pub(crate) struct FixArgs {
    /// The project or switch (as `osec audit PATH` finds it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// A lock file (*.opam.locked).
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// An opam repository for versions and dependencies: a directory, a .tar.gz or
    /// DIR@REV (repeatable, highest priority first; default: the opam root's).
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<opam_model::RepositorySpec>,
    /// Show what would change, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also raise the `>=` lower bounds in the project's NAME.opam beside the lock.
    #[arg(long)]
    bounds: bool,
    /// An OSV database (default as for `osec audit`).
    #[arg(long, value_name = "DIR|ZIP")]
    db: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

pub(crate) fn run(args: FixArgs) -> anyhow::Result<ExitCode> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let opamroot = std::env::var("OPAMROOT").ok();
    let opam_root = audit::input::default_opam_root(opamroot.as_deref(), home.as_deref());
    let request = FixRequest {
        audit: audit::Request {
            repositories: super::audit::repositories(args.repos, opam_root.clone()),
            inputs: audit::Inputs {
                path: args.path,
                lock: args.lock,
                opam_root,
                ..audit::Inputs::default()
            },
            database: super::db::choice(args.db, &args.limits, false),
            policy: audit::PolicyOptions {
                config: None,
                ignores: Vec::new(),
                threshold: audit::scan::Severity::None,
                skip_development: false,
            },
            include_pinned: false,
            now: jiff::Timestamp::now(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            reachability: None,
        },
        dry_run: args.dry_run,
        bounds: args.bounds,
    };
    match audit::fix::fix(&request)? {
        FixOutcome::NothingScanned(reason) => {
            eprintln!("osec fix: {reason}");
            Ok(ExitCode::from(3))
        }
        FixOutcome::Fixed(fixed) => {
            let mut out = std::io::stdout().lock();
            out.write_all(fixed.render(args.dry_run).as_bytes())?;
            out.flush()?;
            Ok(if fixed.is_vulnerable() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
