//! `osec next-id [--year YYYY] [DIR]` and `osec reserve [--year YYYY] [DIR]`: the next
//! free advisory ID of a database, and its reservation (`advisory::ids`).

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::ids::Database;
use safe_fs::display_path;

/// Arguments of `osec next-id` and `osec reserve`.
#[derive(Debug, clap::Args)]
pub(crate) struct IdArgs {
    /// The year of the ID [default: the current year, UTC]
    #[arg(long)]
    year: Option<i32>,
    /// The database: a repository holding `advisories/`, or that directory [default: .]
    #[arg(default_value = ".")]
    dir: PathBuf,
}

/// The current year in UTC: the default year of new IDs and drafts.
pub(crate) fn this_year(now: jiff::Timestamp) -> i32 {
    i32::from(now.to_zoned(jiff::tz::TimeZone::UTC).year())
}

pub(crate) fn run_next_id(args: IdArgs) -> anyhow::Result<ExitCode> {
    let year = args
        .year
        .unwrap_or_else(|| this_year(jiff::Timestamp::now()));
    println!("{}", Database::open(&args.dir).next_id(year)?);
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_reserve(args: IdArgs) -> anyhow::Result<ExitCode> {
    let now = jiff::Timestamp::now();
    let year = args.year.unwrap_or_else(|| this_year(now));
    let reservation = Database::open(&args.dir).reserve(year, now)?;
    println!("{}", reservation.id);
    eprintln!("reserved in {}", display_path(&reservation.path));
    Ok(ExitCode::SUCCESS)
}
