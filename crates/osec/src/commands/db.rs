//! `osec db fetch [--url URL]` and `osec db status [--db DIR|ZIP]`.
//!
//! Which database `osec audit` uses: `--db` when given; else the cache that
//! `osec db fetch` keeps (`$XDG_CACHE_HOME/osec/opam-all.zip`, else
//! `~/.cache/osec/opam-all.zip`, see [`cache`]) when present; else the snapshot
//! embedded in the binary.
//!
//! `db fetch` is the only command that uses the network ([`http`] is private to this
//! module and needs a permit that `--offline` withholds). A download replaces the cache
//! only once it is complete, matches any checksum the server states, and loads as a
//! valid OSV database of at least one record; anything else leaves the previous
//! database and its metadata byte for byte as they were, and exits 2.
//!
//! How old a database is ([`cache::Age`], one rule for `db status` and `audit`): for the
//! cache, the time since `db fetch` last downloaded it or the server confirmed it
//! current (a 304); for the embedded snapshot, a `--db`, or a cache without metadata,
//! the time since its newest record was modified (a snapshot is at least that old).
//! Past 90 days, both commands warn.

mod cache;
mod http;
mod integrity;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use jiff::Timestamp;

use self::cache::{Age, AgeBasis, Cached, Metadata};

/// Where `osec db fetch` downloads from by default: the opam ecosystem's archive as
/// osv.dev publishes it.
const DEFAULT_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/opam/all.zip";

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
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL)]
    url: String,
}

/// Arguments of `osec db status`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    /// Describe this database (a directory of records or an all.zip) instead of the
    /// default one, as `osec audit --db` would use it.
    #[arg(long, value_name = "DIR|ZIP")]
    db: Option<PathBuf>,
}

pub(crate) fn run(command: DbCommand, offline: bool) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Fetch(args) => fetch(&args.url, offline),
        DbCommand::Status(args) => status(args.db.as_deref()),
    }
}

/// A loaded database and where it came from.
pub(crate) struct InUse {
    /// The database.
    pub(crate) db: vulndb::Database,
    origin: Origin,
}

enum Origin {
    Embedded,
    Cache {
        path: PathBuf,
        metadata: Result<Metadata, String>,
    },
    Given(PathBuf),
}

impl InUse {
    /// How old the database is (see the module docs); `None` when it has no dates.
    pub(crate) fn age(&self) -> Option<Age> {
        if let Origin::Cache {
            metadata: Ok(metadata),
            ..
        } = &self.origin
        {
            return Some(Age {
                since: metadata.checked_at,
                basis: AgeBasis::Checked,
            });
        }
        self.db.last_modified().map(|newest| Age {
            since: newest.to_jiff(),
            basis: AgeBasis::NewestRecord,
        })
    }

    /// The warning to print when the database is older than 90 days at `now`.
    pub(crate) fn stale_warning(&self, now: Timestamp) -> Option<String> {
        self.age()?.stale_warning(now)
    }
}

/// The loader for database files: it keeps a prepared copy of each zip archive in
/// the cache directory, so that loading an unchanged `all.zip` again reads record
/// summaries instead of parsing every record (see `vulndb::Loader::with_cache_dir`).
fn loader() -> vulndb::Loader {
    let loader = vulndb::Loader::new();
    match cache::cache_dir() {
        Some(dir) => loader.with_cache_dir(dir),
        None => loader,
    }
}

/// Loads the database `osec audit` uses: `given` (its `--db`), else the cache, else
/// the embedded snapshot.
pub(crate) fn open(given: Option<&Path>) -> anyhow::Result<InUse> {
    if let Some(path) = given {
        let db = loader()
            .load_path(path)
            .with_context(|| format!("loading the database {}", path.display()))?;
        return Ok(InUse {
            db,
            origin: Origin::Given(path.to_owned()),
        });
    }
    if let Some(cached) = cache::cache_dir()
        .map(|dir| cache::read_cached(&dir))
        .transpose()?
        .flatten()
    {
        let Cached { path, metadata } = cached;
        let db = loader().load_zip_file(&path).with_context(|| {
            format!(
                "loading the cached database {} (run `osec db fetch` to replace it, or \
                     delete it to use the embedded one)",
                path.display()
            )
        })?;
        return Ok(InUse {
            db,
            origin: Origin::Cache { path, metadata },
        });
    }
    let db = vulndb::Loader::new()
        .load_zip_bytes(super::audit::EMBEDDED_DB, vulndb::EMBEDDED)
        .context("loading the embedded database")?;
    Ok(InUse {
        db,
        origin: Origin::Embedded,
    })
}

fn status(given: Option<&Path>) -> anyhow::Result<ExitCode> {
    let in_use = open(given)?;
    let now = Timestamp::now();
    let db = &in_use.db;
    match &in_use.origin {
        Origin::Embedded => println!("database: {}", vulndb::EMBEDDED),
        Origin::Cache { path, .. } => println!("database: {} (cache)", path.display()),
        Origin::Given(path) => println!("database: {} (--db)", path.display()),
    }
    println!("records: {}", db.len());
    match db.last_modified() {
        Some(newest) => {
            let days = Age {
                since: newest.to_jiff(),
                basis: AgeBasis::NewestRecord,
            }
            .days(now);
            println!("newest record: {newest} ({days} days ago)");
        }
        None => println!("newest record: unknown"),
    }
    if let Origin::Cache { metadata, .. } = &in_use.origin {
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
    match in_use.age() {
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

fn fetch(url: &str, offline: bool) -> anyhow::Result<ExitCode> {
    let Some(permit) = http::Online::permit(offline) else {
        anyhow::bail!(
            "`osec db fetch` needs the network, which --offline (or OSEC_OFFLINE) forbids; \
             nothing was changed. Run it without --offline and with OSEC_OFFLINE unset or 0"
        );
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        anyhow::bail!("{url}: not an http:// or https:// URL; pass --url with an all.zip URL");
    }
    if url.starts_with("http://") && !is_loopback(url) {
        eprintln!(
            "warning: {url} is not encrypted: the download is checked as an OSV database, \
             but its origin is not authenticated; prefer https://"
        );
    }
    let dir = cache::cache_dir().context(
        "no cache directory: set XDG_CACHE_HOME or HOME so that `osec db fetch` can store \
         the database",
    )?;
    let previous = cache::read_cached(&dir)?;
    let unchanged = match &previous {
        Some(cached) => format!(
            "nothing was changed: `osec audit` keeps using {}",
            cached.path.display()
        ),
        None => "nothing was changed: `osec audit` keeps using the embedded database".to_owned(),
    };
    // Revalidate only a copy whose metadata describes it and that came from this URL.
    let known = previous
        .as_ref()
        .and_then(|cached| cached.metadata.as_ref().ok())
        .filter(|metadata| metadata.url == url);
    let answer = http::get(&permit, url, known.and_then(|m| m.etag.as_deref())).map_err(|err| {
        let advice = if err.is_transient() {
            "check the connection (and any proxy), then try again"
        } else {
            "check the URL given with --url"
        };
        anyhow::anyhow!("{url}: {err}\n  {unchanged}; {advice}")
    })?;
    let now = Timestamp::now();
    let now = now.round(jiff::Unit::Second).unwrap_or(now);
    let download = match answer {
        http::Answer::NotModified => {
            let (Some(cached), Some(metadata)) = (&previous, known) else {
                anyhow::bail!(
                    "{url}: the server answered 304 Not Modified to a request without \
                     If-None-Match\n  {unchanged}; the server is misbehaving, try another --url"
                );
            };
            let metadata = Metadata {
                checked_at: now,
                ..metadata.clone()
            };
            write(
                &dir.join(cache::METADATA_FILE),
                metadata.to_json().as_bytes(),
            )?;
            println!(
                "up to date: {} ({} records, unchanged on the server since it was fetched at {})",
                cached.path.display(),
                metadata.records,
                metadata.fetched_at
            );
            return Ok(ExitCode::SUCCESS);
        }
        http::Answer::Body(download) => download,
    };
    let verify_error = |problem: String| {
        anyhow::anyhow!(
            "{url}: the download does not verify: {problem}\n  {unchanged}; try again, and if \
             it persists check that --url points to an osv.dev-style all.zip"
        )
    };
    let goog_hash: Vec<&str> = download.goog_hash.iter().map(String::as_str).collect();
    let stated = integrity::Stated::from_headers(&goog_hash, download.content_md5.as_deref())
        .map_err(verify_error)?;
    stated.check(&download.bytes).map_err(verify_error)?;
    // Messages name the archive by its file name; the URL starts the error already.
    let name = url
        .split(['?', '#'])
        .next()
        .and_then(|path| path.rsplit('/').next())
        .filter(|name| !name.is_empty())
        .unwrap_or("download");
    let db = vulndb::Loader::new()
        .load_zip_bytes(&download.bytes, name)
        .map_err(|err| verify_error(err.to_string()))?;
    if db.is_empty() {
        return Err(verify_error("it holds no OSV record".to_owned()));
    }
    let path = dir.join(cache::DATABASE_FILE);
    let metadata = Metadata {
        url: url.to_owned(),
        etag: download.etag,
        last_modified: download.last_modified,
        fetched_at: now,
        checked_at: now,
        sha256: integrity::sha256_hex(&download.bytes),
        records: db.len(),
    };
    write(&path, &download.bytes)?;
    write(
        &dir.join(cache::METADATA_FILE),
        metadata.to_json().as_bytes(),
    )?;
    let checked = if stated.is_empty() {
        "no checksum stated by the server"
    } else {
        "checksums match"
    };
    println!(
        "fetched {} records from {url} ({} bytes, {checked})\nwrote {} (sha256 {})",
        db.len(),
        download.bytes.len(),
        path.display(),
        metadata.sha256
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path` through a temporary file, fsync and rename.
fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    publish::write_if_changed(path, bytes).with_context(|| {
        format!(
            "writing {} (check that the cache directory is writable)",
            path.display()
        )
    })?;
    Ok(())
}

/// Whether an http:// URL names this machine (tests, a local mirror).
fn is_loopback(url: &str) -> bool {
    let rest = url.trim_start_matches("http://");
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_are_recognised() {
        for url in [
            "http://127.0.0.1:8080/all.zip",
            "http://localhost/all.zip",
            "http://[::1]:80/x",
            "http://user@127.0.0.2/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "http://example.org/all.zip",
            "http://127.0.0.1.example.org/",
            "http://10.0.0.1/",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
