//! `osec db status`: which database `osec audit` uses, and how old it is. The database
//! is the cached `all.zip` (`$XDG_CACHE_HOME/osec/opam-all.zip`, else
//! `~/.cache/osec/opam-all.zip`) when present, else the snapshot embedded in the binary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

/// A database older than this many days gets a warning.
pub(crate) const STALE_AFTER_DAYS: i64 = 90;

/// Subcommands of `osec db`.
#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Show which database `osec audit` uses, its size and age (a warning past 90 days).
    Status,
}

pub(crate) fn run(command: DbCommand) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Status => status(),
    }
}

/// The cached database file, whether or not it exists.
pub(crate) fn cache_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("osec").join("opam-all.zip"))
}

/// Loads the database `osec audit` uses by default: the cache, else the embedded one.
pub(crate) fn default_database() -> anyhow::Result<vulndb::Database> {
    match cache_file().filter(|p| p.is_file()) {
        Some(path) => vulndb::Database::open(&path).with_context(|| {
            format!(
                "loading the cached database {} (delete it to use the embedded one)",
                path.display()
            )
        }),
        None => vulndb::Loader::new()
            .load_zip_bytes(super::audit::EMBEDDED_DB, vulndb::EMBEDDED)
            .context("loading the embedded database"),
    }
}

/// Days since the newest record was modified.
pub(crate) fn age_days(db: &vulndb::Database) -> Option<i64> {
    let newest = db.last_modified()?.to_jiff();
    let seconds = jiff::Timestamp::now().as_second() - newest.as_second();
    Some(seconds / 86_400)
}

fn status() -> anyhow::Result<ExitCode> {
    let db = default_database()?;
    println!("database: {}", db.source());
    println!("records: {}", db.len());
    match (db.last_modified(), age_days(&db)) {
        (Some(newest), Some(days)) => {
            println!("newest record: {newest} ({days} days ago)");
            if days > STALE_AFTER_DAYS {
                eprintln!(
                    "warning: the database is {days} days old (more than {STALE_AFTER_DAYS}): \
                     refresh it, or use --db with a recent all.zip"
                );
            }
        }
        _ => println!("newest record: unknown"),
    }
    Ok(ExitCode::SUCCESS)
}
