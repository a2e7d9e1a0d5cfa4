//! The local copy of the database that `osec db fetch` maintains, and the one rule for
//! how old a database is.
//!
//! The cache directory is `$XDG_CACHE_HOME/osec`, else `~/.cache/osec`. It holds
//! `opam-all.zip` (the downloaded `all.zip`, byte for byte) and `opam-all.meta.json`
//! beside it (where it came from, its ETag, when it was fetched and last confirmed
//! current, its SHA-256 and record count). Both are written atomically, the zip first;
//! the metadata counts only while its SHA-256 matches the zip, so a run interrupted
//! between the two renames leaves a usable cache with unknown provenance, never a
//! mismatched one.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The cached database, in the cache directory.
pub(super) const DATABASE_FILE: &str = "opam-all.zip";
/// The metadata of the cached database, beside it.
pub(super) const METADATA_FILE: &str = "opam-all.meta.json";

/// A database older than this many days gets a warning.
pub(crate) const STALE_AFTER_DAYS: i64 = 90;

/// The cache directory (`$XDG_CACHE_HOME/osec`, else `~/.cache/osec`), whether or
/// not it exists; `None` when neither variable is set.
pub(super) fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".cache"))
        })?;
    Some(base.join("osec"))
}

/// What `osec db fetch` records about the database it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Metadata {
    /// The URL it was downloaded from.
    pub(super) url: String,
    /// The server's `ETag`, sent back as `If-None-Match` on the next fetch.
    pub(super) etag: Option<String>,
    /// The server's `Last-Modified`, as sent.
    pub(super) last_modified: Option<String>,
    /// When these bytes were downloaded.
    pub(super) fetched_at: Timestamp,
    /// When the server last confirmed them current (a download or a 304).
    pub(super) checked_at: Timestamp,
    /// SHA-256 of the zip, lowercase hex.
    pub(super) sha256: String,
    /// How many OSV records it holds.
    pub(super) records: usize,
}

impl Metadata {
    /// The metadata as written: pretty JSON, fields in a fixed order, a final newline.
    pub(super) fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The cached database file as found on disk, with its metadata when that is present,
/// readable and about these very bytes.
#[derive(Debug)]
pub(super) struct Cached {
    /// The zip's path.
    pub(super) path: PathBuf,
    /// Its metadata, or why there is none to trust.
    pub(super) metadata: Result<Metadata, String>,
}

/// Reads the cached database in `dir`; `Ok(None)` when there is none.
pub(super) fn read_cached(dir: &Path) -> anyhow::Result<Option<Cached>> {
    let path = dir.join(DATABASE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(err).with_context(|| {
                format!(
                    "reading the cached database {} (delete it to use the embedded one)",
                    path.display()
                )
            });
        }
    };
    let metadata = read_metadata(&dir.join(METADATA_FILE), &bytes);
    Ok(Some(Cached { path, metadata }))
}

fn read_metadata(path: &Path, zip: &[u8]) -> Result<Metadata, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{} is missing", path.display()));
        }
        Err(err) => return Err(format!("{}: {err}", path.display())),
    };
    let metadata: Metadata = serde_json::from_str(&text)
        .map_err(|err| format!("{}:{}:{}: {err}", path.display(), err.line(), err.column()))?;
    if metadata.sha256 != super::integrity::sha256_hex(zip) {
        return Err(format!(
            "{} describes other bytes than the database beside it",
            path.display()
        ));
    }
    Ok(metadata)
}

/// How old a database is: since when its content is known to be current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Age {
    /// The moment the age counts from.
    pub(crate) since: Timestamp,
    /// What that moment is.
    pub(crate) basis: AgeBasis,
}

/// What a database's age counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgeBasis {
    /// The last time `osec db fetch` downloaded it or the server confirmed it current
    /// (a 304 answer): the cache, with metadata.
    Checked,
    /// The newest record's `modified` time: the embedded snapshot, a `--db`, or a
    /// cache without metadata. A snapshot is at least this old.
    NewestRecord,
}

impl Age {
    /// Whole days from `since` to `now` (0 when `since` is in the future).
    pub(crate) fn days(&self, now: Timestamp) -> i64 {
        (now.as_second() - self.since.as_second()).max(0) / 86_400
    }

    /// The warning `osec db status` and `osec audit` print when the database is older
    /// than [`STALE_AFTER_DAYS`] at `now`.
    pub(crate) fn stale_warning(&self, now: Timestamp) -> Option<String> {
        let days = self.days(now);
        if days <= STALE_AFTER_DAYS {
            return None;
        }
        let since = match self.basis {
            AgeBasis::Checked => "its last fetch",
            AgeBasis::NewestRecord => "its newest record",
        };
        Some(format!(
            "the database is {days} days old (counted from {since}; more than {STALE_AFTER_DAYS}): \
             refresh it with `osec db fetch`, or pass --db with a recent all.zip"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn warns_only_past_ninety_whole_days() {
        let age = Age {
            since: at("2026-01-01T00:00:00Z"),
            basis: AgeBasis::Checked,
        };
        assert_eq!(age.stale_warning(at("2026-04-01T23:59:59Z")), None);
        let warning = age.stale_warning(at("2026-04-02T00:00:00Z")).unwrap();
        assert!(
            warning.starts_with("the database is 91 days old (counted from its last fetch"),
            "{warning}"
        );
    }

    #[test]
    fn a_future_timestamp_is_zero_days_old() {
        let age = Age {
            since: at("2030-01-01T00:00:00Z"),
            basis: AgeBasis::NewestRecord,
        };
        assert_eq!(age.days(at("2026-01-01T00:00:00Z")), 0);
    }

    #[test]
    fn metadata_that_does_not_match_the_zip_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let metadata = Metadata {
            url: "https://example.org/all.zip".to_owned(),
            etag: Some("\"1\"".to_owned()),
            last_modified: None,
            fetched_at: at("2026-01-01T00:00:00Z"),
            checked_at: at("2026-01-02T00:00:00Z"),
            sha256: super::super::integrity::sha256_hex(b"zip"),
            records: 1,
        };
        std::fs::write(dir.path().join(DATABASE_FILE), b"zip").unwrap();
        std::fs::write(dir.path().join(METADATA_FILE), metadata.to_json()).unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert_eq!(cached.metadata, Ok(metadata));
        std::fs::write(dir.path().join(DATABASE_FILE), b"other").unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert!(
            cached
                .metadata
                .unwrap_err()
                .contains("describes other bytes"),
            "mismatch not detected"
        );
        std::fs::write(dir.path().join(METADATA_FILE), "{").unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert!(cached.metadata.unwrap_err().contains(":1:1:"));
    }
}
