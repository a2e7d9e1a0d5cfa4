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

/// osec's cache directory (`$XDG_CACHE_HOME/osec`, else `~/.cache/osec`).
fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("osec"))
}

/// The cached database file, whether or not it exists.
pub(crate) fn cache_file() -> Option<PathBuf> {
    Some(cache_dir()?.join("opam-all.zip"))
}

/// The loader for database files: it keeps prepared copies of zip archives in
/// the cache directory, so that loading an unchanged `all.zip` again decodes
/// record summaries instead of parsing every record.
pub(crate) fn loader() -> vulndb::Loader {
    let loader = vulndb::Loader::new();
    match cache_dir() {
        Some(dir) => loader.with_cache_dir(dir),
        None => loader,
    }
}

/// Loads the database `osec audit` uses by default: the cache, else the embedded one.
pub(crate) fn default_database() -> anyhow::Result<vulndb::Database> {
    match cache_file().filter(|p| p.is_file()) {
        Some(path) => loader().load_path(&path).with_context(|| {
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
