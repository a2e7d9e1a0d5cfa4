//! `osec announce OSEC-ID [--format email|markdown] [--db DIR]`: the announcement of a
//! published advisory (`publish::announce`), printed.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::AdvisoryId;
use advisory::ids::Database;
use publish::announce::{AnnounceFormat, announce_file};

/// Arguments of `osec announce`.
#[derive(Debug, clap::Args)]
pub(crate) struct AnnounceArgs {
    /// The advisory to announce.
    id: AdvisoryId,
    /// What to write (a plain-text body is wrapped at 72 columns).
    #[arg(long, value_enum, default_value = "email")]
    format: AnnounceFormat,
    /// The database: a repository holding `advisories/`, or that directory.
    #[arg(long, default_value = ".", value_name = "DIR")]
    db: PathBuf,
}

pub(crate) fn run(args: AnnounceArgs) -> anyhow::Result<ExitCode> {
    let path = Database::open(&args.db).advisory_path(args.id);
    print!("{}", announce_file(&path, args.format)?.render(args.format));
    Ok(ExitCode::SUCCESS)
}
