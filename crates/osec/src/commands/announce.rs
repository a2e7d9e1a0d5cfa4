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
    /// `email`: a Subject line and a plain-text body wrapped at 72 columns, for the
    /// announce list; `markdown`: the same for a forum post.
    #[arg(long, value_enum, default_value = "email")]
    format: Format,
    /// The database: a repository holding `advisories/`, or that directory.
    #[arg(long, default_value = ".", value_name = "DIR")]
    db: PathBuf,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Email,
    Markdown,
}

pub(crate) fn run(args: AnnounceArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Format::Email => AnnounceFormat::Email,
        Format::Markdown => AnnounceFormat::Markdown,
    };
    let path = Database::open(&args.db).advisory_path(args.id);
    print!("{}", announce_file(&path, format)?.render(format));
    Ok(ExitCode::SUCCESS)
}
