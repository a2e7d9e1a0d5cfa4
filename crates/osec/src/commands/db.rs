//! `osec db fetch [--url URL]` and `osec db status [--db DIR|ZIP]`, and the
//! database options `osec audit` shares with them.
//!
//! Choosing the database, its cache, age and download are vulndb's
//! (`vulndb::source`, `vulndb::cache`, `vulndb::fetch`); this file reads the
//! environment (the cache directory), calls them and prints. `db fetch` is the
//! only command that uses the network: `vulndb::fetch::fetch` needs a permit,
//! and the one call of `Online::permit` in osec is here, with `--offline`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Subcommand;
use jiff::Timestamp;
use vulndb::Limits;
use vulndb::fetch::{self, Online, Timeouts};
use vulndb::source::Choice;

/// Subcommands of `osec db`.
#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Download the current database into the cache (ETag revalidation; checked before
    /// it replaces the previous one). The only command that uses the network.
    Fetch(FetchArgs),
    /// Show which database `osec audit` uses, where it came from and its age (a warning
    /// past 90 days).
    Status(DbArgs),
}

/// Arguments of `osec db fetch`.
#[derive(Debug, clap::Args)]
pub(crate) struct FetchArgs {
    /// An osv.dev-style all.zip (https:// or http://).
    #[arg(long, value_name = "URL", default_value = fetch::DEFAULT_URL)]
    url: String,
    /// Give up when the download has not finished after this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = Timeouts::DEFAULT_TOTAL.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    timeout: u64,
    /// Give up when the server sends nothing for this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = Timeouts::DEFAULT_IDLE.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    idle_timeout: u64,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The database a command checks against (`osec audit`, `osec fix`, `osec hook
/// check`, `osec db status`).
#[derive(Debug, clap::Args)]
pub(crate) struct DbArgs {
    /// An OSV database: a directory of records or an osv.dev all.zip (default: the
    /// cached all.zip, else the embedded snapshot; see `osec db status`).
    #[arg(long, value_name = "DIR|ZIP")]
    db: Option<PathBuf>,
    /// Accept a database with no record about an opam package (by default an error:
    /// checking against it would find nothing).
    #[arg(long)]
    allow_empty_db: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

impl DbArgs {
    /// The database these arguments mean (`vulndb::source::Choice::for_opam`).
    pub(crate) fn choice(self) -> Choice {
        Choice::for_opam(
            self.db,
            self.limits.limits(),
            self.allow_empty_db,
            cache_dir(),
        )
    }
}

/// How large a zip database may be (`osec audit`, `osec db status`, `osec db fetch`).
#[derive(Debug, clap::Args)]
pub(crate) struct LimitArgs {
    /// The most bytes the records of a zip database may inflate to (1 GiB); a larger
    /// archive is refused as corrupt or hostile.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_INFLATED_BYTES)]
    max_db_bytes: u64,
    /// The most entries a zip database may hold.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_ENTRIES)]
    max_db_entries: u64,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_inflated_bytes: self.max_db_bytes,
            max_entries: self.max_db_entries,
        }
    }
}

pub(crate) fn run(command: DbCommand, offline: bool) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Fetch(args) => run_fetch(&args, offline),
        DbCommand::Status(args) => {
            let opened = args.choice().open()?;
            let now = Timestamp::now();
            print!("{}", opened.status(now));
            if let Some(warning) = opened.stale_warning(now) {
                eprintln!("warning: {warning}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The cache directory, from `XDG_CACHE_HOME` and `HOME`.
pub(crate) fn cache_dir() -> Option<PathBuf> {
    vulndb::cache::default_dir(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}

fn run_fetch(args: &FetchArgs, offline: bool) -> anyhow::Result<ExitCode> {
    let Some(permit) = Online::permit(offline) else {
        anyhow::bail!(
            "`osec db fetch` needs the network, which --offline (or OSEC_OFFLINE) forbids; \
             nothing was changed. Run it without --offline and with OSEC_OFFLINE unset or 0"
        );
    };
    let request = fetch::Request::new(&args.url)?
        .with_timeouts(Timeouts {
            idle: Duration::from_secs(args.idle_timeout),
            total: Duration::from_secs(args.timeout),
        })
        .with_limits(args.limits.limits())
        .require_ecosystem("opam");
    if let Some(warning) = request.warning() {
        eprintln!("warning: {warning}");
    }
    let dir = cache_dir().context(
        "no cache directory: set XDG_CACHE_HOME or HOME so that `osec db fetch` can store \
         the database",
    )?;
    println!("{}", fetch::fetch(&permit, &request, &dir)?);
    Ok(ExitCode::SUCCESS)
}
