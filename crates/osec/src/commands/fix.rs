//! `osec fix [PATH] [--lock FILE] [--repo DIR]... [--dry-run] [--bounds]`: the
//! upgrade plans applied to lock files (`audit::fix`), then audited again. A
//! switch gets the `opam install` command to run. Exit 0 when nothing is left, 1
//! when findings remain, 2 on error, 3 when there was nothing to audit.

use std::path::PathBuf;
use std::process::ExitCode;

use audit::fix::{FixOutcome, FixRequest};

use super::db::DbArgs;
use super::{exit_if, print_stdout};

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
    #[command(flatten)]
    db: DbArgs,
}

pub(crate) fn run(args: FixArgs) -> anyhow::Result<ExitCode> {
    let opam_root = super::audit::opam_root();
    let inputs = audit::Inputs {
        path: args.path,
        lock: args.lock,
        opam_root: opam_root.clone(),
        ..audit::Inputs::default()
    };
    let audit = audit::Request::new(
        inputs,
        args.db.choice(),
        audit::Repositories::given_or_opam_root(args.repos, opam_root),
        jiff::Timestamp::now(),
        env!("CARGO_PKG_VERSION"),
    );
    let request = FixRequest {
        audit,
        dry_run: args.dry_run,
        bounds: args.bounds,
    };
    match audit::fix::fix(&request)? {
        FixOutcome::NothingScanned(reason) => {
            eprintln!("osec fix: {reason}");
            Ok(ExitCode::from(3))
        }
        FixOutcome::Fixed(fixed) => {
            print_stdout(&fixed.render(args.dry_run))?;
            Ok(exit_if(fixed.is_vulnerable(), 1))
        }
    }
}
