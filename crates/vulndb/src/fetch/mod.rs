//! The verified download behind `osec db fetch` (feature `fetch`): the only
//! code in osec that uses the network.
//!
//! [`fetch`] needs an [`Online`] permit, which only [`Online::permit`] makes,
//! and which it refuses under `--offline`; the HTTP code (a private module)
//! cannot be reached without one. A library built without this feature has
//! no HTTP code at all.
//!
//! A download replaces the cache ([`crate::cache`]) only once it is complete
//! (its length checked against `Content-Length`), arrived within the
//! [`Timeouts`], matches any checksum the server states, and loads as a valid
//! OSV database within the [`Limits`]: no duplicate entry or ID, and a record
//! about the required ecosystem. Anything else leaves the previous database
//! and its metadata byte for byte as they were.

mod http;
mod integrity;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;

use crate::cache::{self, CacheReadError, Metadata};
use crate::{Error, Limits, Loader};

pub use http::HttpError;
pub use integrity::ChecksumError;

/// Where `osec db fetch` downloads from by default: the opam ecosystem's archive as
/// osv.dev publishes it.
pub const DEFAULT_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/opam/all.zip";

/// Permission to use the network: only [`Online::permit`] makes one.
#[derive(Debug)]
pub struct Online(());

impl Online {
    /// A permit, unless `offline`.
    pub fn permit(offline: bool) -> Option<Online> {
        (!offline).then_some(Online(()))
    }
}

/// How long a download may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The longest wait for the connection or for the next bytes (default
    /// [`Timeouts::DEFAULT_IDLE`]).
    pub idle: Duration,
    /// The longest the whole exchange may take, body included (default
    /// [`Timeouts::DEFAULT_TOTAL`]): a server that sends a byte a second
    /// fails here.
    pub total: Duration,
}

impl Timeouts {
    /// 10 seconds.
    pub const DEFAULT_IDLE: Duration = Duration::from_secs(10);
    /// 30 seconds: osv.dev's opam `all.zip` (a few hundred kilobytes) needs a
    /// fraction of that on a slow connection.
    pub const DEFAULT_TOTAL: Duration = Duration::from_secs(30);
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            idle: Timeouts::DEFAULT_IDLE,
            total: Timeouts::DEFAULT_TOTAL,
        }
    }
}

/// What to download and what it must be.
#[derive(Debug, Clone)]
pub struct Request {
    url: String,
    timeouts: Timeouts,
    limits: Limits,
    ecosystem: Option<String>,
}

/// What a fetch did.
#[derive(Debug)]
pub enum Fetched {
    /// The server confirmed the cached copy current (304); its metadata now
    /// says so.
    UpToDate {
        /// The cached zip.
        path: PathBuf,
        /// Its metadata, as written.
        metadata: Metadata,
    },
    /// A new copy replaced the cache.
    Replaced {
        /// The cached zip.
        path: PathBuf,
        /// Its metadata, as written.
        metadata: Metadata,
        /// The size of the download.
        bytes: usize,
        /// Whether the server stated checksums (all of them matched).
        checksums_stated: bool,
    },
}

/// What `osec db fetch` prints: what was fetched, or that nothing had to be.
impl std::fmt::Display for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fetched::UpToDate { path, metadata } => write!(
                f,
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
                write!(
                    f,
                    "fetched {} records from {} ({bytes} bytes, {checked})\nwrote {} (sha256 {})",
                    metadata.records,
                    metadata.url,
                    path.display(),
                    metadata.sha256
                )
            }
        }
    }
}

/// What `osec audit` keeps using when a fetch fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// The cached database.
    Cache(PathBuf),
    /// The embedded snapshot (there is no cache).
    Embedded,
}

impl std::fmt::Display for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kept::Cache(path) => write!(
                f,
                "nothing was changed: `osec audit` keeps using {}",
                path.display()
            ),
            Kept::Embedded => {
                f.write_str("nothing was changed: `osec audit` keeps using the embedded database")
            }
        }
    }
}

/// Why a download is not a database to keep.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Unverified {
    /// A stated checksum is malformed or does not match.
    #[error(transparent)]
    Checksum(#[from] ChecksumError),
    /// It does not load as an OSV database (within the limits).
    #[error(transparent)]
    Database(#[from] Error),
    /// It loads, but holds no record about the required ecosystem.
    #[error("it holds {records} records, none about an {ecosystem} package (ecosystems: {found})")]
    NoRecordsFor {
        /// The ecosystem required.
        ecosystem: String,
        /// How many records it holds.
        records: usize,
        /// The ecosystems it has records for, comma-separated, or `none`.
        found: String,
    },
}

/// Why a fetch failed. Every failure leaves the cache as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not http:// or https://.
    #[error("{url}: not an http:// or https:// URL; pass --url with an all.zip URL")]
    NotHttp {
        /// The URL.
        url: String,
    },
    /// The cached database exists but cannot be read.
    #[error(transparent)]
    Cache(#[from] CacheReadError),
    /// The download failed.
    #[error("{url}: {error}\n  {kept}; {}", advice(error))]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        error: HttpError,
        /// What stays in use.
        kept: Kept,
    },
    /// A 304 answer to a request that sent no ETag.
    #[error(
        "{url}: the server answered 304 Not Modified to a request without If-None-Match\n  {kept}; the server is misbehaving, try another --url"
    )]
    UnaskedNotModified {
        /// The URL.
        url: String,
        /// What stays in use.
        kept: Kept,
    },
    /// The download is not a database to keep.
    #[error(
        "{url}: the download does not verify: {problem}\n  {kept}; try again, and if it persists check that --url points to an osv.dev-style all.zip"
    )]
    Unverified {
        /// The URL.
        url: String,
        /// What is wrong with it.
        problem: Box<Unverified>,
        /// What stays in use.
        kept: Kept,
    },
    /// Writing the cache failed; the previous file is intact.
    #[error(
        "writing {} (check that the cache directory is writable)",
        path.display()
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: safe_fs::Error,
    },
}

fn advice(error: &HttpError) -> &'static str {
    if error.is_transient() {
        "check the connection (and any proxy), then try again"
    } else {
        "check the URL given with --url"
    }
}

impl Request {
    /// A download of `url`, with the default [`Timeouts`] and [`Limits`], of
    /// any ecosystem. Only http:// and https:// URLs are accepted.
    pub fn new(url: &str) -> Result<Request, FetchError> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(FetchError::NotHttp {
                url: url.to_owned(),
            });
        }
        Ok(Request {
            url: url.to_owned(),
            timeouts: Timeouts::default(),
            limits: Limits::default(),
            ecosystem: None,
        })
    }

    /// Within these timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Request {
        self.timeouts = timeouts;
        self
    }

    /// The archive is loaded (to check it) within these limits.
    pub fn with_limits(mut self, limits: Limits) -> Request {
        self.limits = limits;
        self
    }

    /// The archive must hold a record about `ecosystem`.
    pub fn require_ecosystem(mut self, ecosystem: impl Into<String>) -> Request {
        self.ecosystem = Some(ecosystem.into());
        self
    }

    /// The warning to give before downloading over plain http:// from another
    /// machine: the content is checked, its origin is not authenticated.
    pub fn warning(&self) -> Option<String> {
        (self.url.starts_with("http://") && !is_loopback(&self.url)).then(|| {
            format!(
                "{} is not encrypted: the download is checked as an OSV database, \
                 but its origin is not authenticated; prefer https://",
                self.url
            )
        })
    }
}

/// Downloads `request`'s URL into the cache directory `dir` (revalidating the
/// cached copy by its ETag when it came from the same URL), and replaces the
/// cached database only once the download verifies (see the module docs).
pub fn fetch(permit: &Online, request: &Request, dir: &Path) -> Result<Fetched, FetchError> {
    let url = request.url.as_str();
    let previous = cache::read_cached(dir)?;
    let kept = match &previous {
        Some(cached) => Kept::Cache(cached.path.clone()),
        None => Kept::Embedded,
    };
    // Revalidate only a copy whose metadata describes it and that came from this URL.
    let known = previous
        .as_ref()
        .and_then(|cached| cached.metadata.as_ref().ok())
        .filter(|metadata| metadata.url == url);
    let answer = http::get(
        permit,
        url,
        known.and_then(|m| m.etag.as_deref()),
        request.timeouts,
    )
    .map_err(|error| FetchError::Download {
        url: url.to_owned(),
        error,
        kept: kept.clone(),
    })?;
    let now = Timestamp::now();
    let now = now.round(jiff::Unit::Second).unwrap_or(now);
    let download = match answer {
        http::Answer::NotModified => {
            let (Some(cached), Some(metadata)) = (&previous, known) else {
                return Err(FetchError::UnaskedNotModified {
                    url: url.to_owned(),
                    kept,
                });
            };
            let metadata = Metadata {
                checked_at: now,
                ..metadata.clone()
            };
            write(
                &dir.join(cache::METADATA_FILE),
                metadata.to_json().as_bytes(),
            )?;
            return Ok(Fetched::UpToDate {
                path: cached.path.clone(),
                metadata,
            });
        }
        http::Answer::Body(download) => download,
    };
    let unverified = |problem: Unverified| FetchError::Unverified {
        url: url.to_owned(),
        problem: Box::new(problem),
        kept: kept.clone(),
    };
    let goog_hash: Vec<&str> = download.goog_hash.iter().map(String::as_str).collect();
    let stated = integrity::Stated::from_headers(&goog_hash, download.content_md5.as_deref())
        .map_err(|e| unverified(e.into()))?;
    stated
        .check(&download.bytes)
        .map_err(|e| unverified(e.into()))?;
    let db = Loader::new()
        .with_limits(request.limits)
        .load_zip_bytes(&download.bytes, archive_name(url))
        .map_err(|e| unverified(e.into()))?;
    if let Some(ecosystem) = &request.ecosystem
        && !db.has_ecosystem(ecosystem)
    {
        return Err(unverified(Unverified::NoRecordsFor {
            ecosystem: ecosystem.clone(),
            records: db.len(),
            found: crate::source::ecosystems_text(&db),
        }));
    }
    let path = dir.join(cache::DATABASE_FILE);
    let metadata = Metadata {
        url: url.to_owned(),
        etag: download.etag,
        last_modified: download.last_modified,
        fetched_at: now,
        checked_at: now,
        sha256: cache::sha256_hex(&download.bytes),
        records: db.len(),
    };
    write(&path, &download.bytes)?;
    write(
        &dir.join(cache::METADATA_FILE),
        metadata.to_json().as_bytes(),
    )?;
    Ok(Fetched::Replaced {
        path,
        metadata,
        bytes: download.bytes.len(),
        checksums_stated: !stated.is_empty(),
    })
}

/// The archive's file name, for messages (the URL starts them already).
fn archive_name(url: &str) -> &str {
    url.split(['?', '#'])
        .next()
        .and_then(|path| path.rsplit('/').next())
        .filter(|name| !name.is_empty())
        .unwrap_or("download")
}

/// Makes `path` hold `bytes` (nothing is done when it already does) through a
/// temporary file in the same directory, fsync and rename, so an interrupted
/// run leaves the previous file intact. Missing directories are created.
fn write(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    safe_fs::write_file(path, bytes)
        .map(drop)
        .map_err(|source| FetchError::Write {
            path: path.to_owned(),
            source,
        })
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

    #[test]
    fn offline_gives_no_permit() {
        assert!(Online::permit(true).is_none());
        assert!(Online::permit(false).is_some());
    }
}
