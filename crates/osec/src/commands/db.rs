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
use vulndb::fetch::{self, Fetched, Online, Timeouts};
use vulndb::source::{AgeBasis, Choice, Opened, Origin};

/// Subcommands of `osec db`.
#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Download the current database into the cache (ETag revalidation; checked before
    /// it replaces the previous one). The only command that uses the network.
    Fetch(FetchArgs),
    /// Show which database `osec audit` uses, where it came from and its age (a warning
    /// past 90 days).
    Status(StatusArgs),
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

/// Arguments of `osec db status`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    /// Describe this database (a directory of records or an all.zip) instead of the
    /// default one, as `osec audit --db` would use it.
    #[arg(long, value_name = "DIR|ZIP")]
    db: Option<PathBuf>,
    /// Accept a database with no record about an opam package (by default an
    /// error: checking against it would find nothing).
    #[arg(long)]
    allow_empty_db: bool,
    #[command(flatten)]
    limits: LimitArgs,
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
            status(&choice(args.db, &args.limits, args.allow_empty_db).open()?)
        }
    }
}

/// The database `osec audit` and `osec db status` use: `given` (`--db`), else the
/// cache, else the embedded snapshot; one with opam records unless `allow_empty`.
pub(crate) fn choice(given: Option<PathBuf>, limits: &LimitArgs, allow_empty: bool) -> Choice {
    let mut choice = Choice::new()
        .with_given(given)
        .with_embedded(vulndb::source::EMBEDDED_SNAPSHOT)
        .with_limits(limits.limits());
    if let Some(dir) = cache_dir() {
        choice = choice.with_cache_dir(dir);
    }
    if !allow_empty {
        choice = choice.require_ecosystem("opam");
    }
    choice
}

/// The cache directory, from `XDG_CACHE_HOME` and `HOME`.
pub(crate) fn cache_dir() -> Option<PathBuf> {
    vulndb::cache::default_dir(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}

fn status(opened: &Opened) -> anyhow::Result<ExitCode> {
    let now = Timestamp::now();
    let db = &opened.db;
    match &opened.origin {
        Origin::Embedded => println!("database: {}", vulndb::EMBEDDED),
        Origin::Cache { path, .. } => println!("database: {} (cache)", path.display()),
        Origin::Given(path) => println!("database: {} (--db)", path.display()),
    }
    println!("records: {}", db.len());
    match (db.last_modified(), opened.newest_record_age()) {
        (Some(newest), Some(age)) => {
            println!("newest record: {newest} ({} days ago)", age.days(now));
        }
        _ => println!("newest record: unknown"),
    }
    if let Origin::Cache { metadata, .. } = &opened.origin {
        match metadata {
            Ok(metadata) => {
                println!("fetched: {} from {}", metadata.fetched_at, metadata.url);
                println!("last checked: {}", metadata.checked_at);
                if let Some(etag) = &metadata.etag {
                    println!("etag: {etag}");
                }
                if let Some(last_modified) = &metadata.last_modified {
                    println!("last modified: {last_modified}");
                }
                println!("sha256: {}", metadata.sha256);
            }
            Err(problem) => println!("fetched: unknown ({problem})"),
        }
    }
    match opened.age() {
        Some(age) => {
            let basis = match age.basis {
                AgeBasis::Checked => "since it was last fetched or confirmed current",
                AgeBasis::NewestRecord => "since its newest record",
            };
            println!("age: {} days ({basis})", age.days(now));
            if let Some(warning) = age.stale_warning(now) {
                eprintln!("warning: {warning}");
            }
        }
        None => println!("age: unknown"),
    }
    Ok(ExitCode::SUCCESS)
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
    print_fetched(&fetch::fetch(&permit, &request, &dir)?);
    Ok(ExitCode::SUCCESS)
}

fn print_fetched(fetched: &Fetched) {
    match fetched {
        Fetched::UpToDate { path, metadata } => println!(
            "up to date: {} ({} records, unchanged on the server since it was fetched at {})",
            path.display(),
            metadata.records,
            metadata.fetched_at
        ),
        Fetched::Replaced {
            path,
            metadata,
            bytes,
            checksums_stated,
        } => {
            let checked = if *checksums_stated {
                "checksums match"
            } else {
                "no checksum stated by the server"
            };
            println!(
                "fetched {} records from {} ({bytes} bytes, {checked})\nwrote {} (sha256 {})",
                metadata.records,
                metadata.url,
                path.display(),
                metadata.sha256
            );
        }
    }
}
