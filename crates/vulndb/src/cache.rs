//! The local copy of the database that `osec db fetch` keeps.
//!
//! The cache directory ([`default_dir`]: `$XDG_CACHE_HOME/osec`, else
//! `~/.cache/osec`) holds [`DATABASE_FILE`] (the downloaded `all.zip`, byte for
//! byte) and [`METADATA_FILE`] beside it ([`Metadata`]: where it came from, its
//! ETag, when it was fetched and last confirmed current, its SHA-256 and record
//! count). Both are written atomically, the zip first; the metadata counts only
//! while its SHA-256 matches the zip, so a run interrupted between the two
//! renames leaves a usable cache with unknown provenance, never a mismatched
//! one. The prepared copies of archives ([`crate::Loader::with_cache_dir`]) live
//! in the same directory.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// The cached database, in the cache directory.
pub const DATABASE_FILE: &str = "opam-all.zip";
/// The metadata of the cached database, beside it.
pub const METADATA_FILE: &str = "opam-all.meta.json";

/// The cache directory (`$XDG_CACHE_HOME/osec`, else `~/.cache/osec`), whether
/// or not it exists, from the values of those two variables (the library reads
/// no environment variable); `None` when neither is set.
pub fn default_dir(xdg_cache_home: Option<&OsStr>, home: Option<&OsStr>) -> Option<PathBuf> {
    let base = xdg_cache_home
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            home.filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".cache"))
        })?;
    Some(base.join("osec"))
}

/// What `osec db fetch` records about the database it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The URL it was downloaded from.
    pub url: String,
    /// The server's `ETag`, sent back as `If-None-Match` on the next fetch.
    pub etag: Option<String>,
    /// The server's `Last-Modified`, as sent.
    pub last_modified: Option<String>,
    /// When these bytes were downloaded.
    pub fetched_at: Timestamp,
    /// When the server last confirmed them current (a download or a 304).
    pub checked_at: Timestamp,
    /// SHA-256 of the zip, lowercase hex.
    pub sha256: String,
    /// How many OSV records it holds.
    pub records: usize,
}

impl Metadata {
    /// The metadata as written: pretty JSON, fields in a fixed order, a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Why the metadata beside the cached database cannot be trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataProblem {
    /// There is none.
    #[error("{} is missing", path.display())]
    Missing {
        /// The metadata file.
        path: PathBuf,
    },
    /// It could not be read.
    #[error("{}: {source}", path.display())]
    Unreadable {
        /// The metadata file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// It is not the JSON `osec db fetch` writes.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The metadata file.
        path: PathBuf,
        /// Line of the problem (from 1).
        line: usize,
        /// Column of the problem (from 1).
        column: usize,
        /// What the JSON reader said.
        message: String,
    },
    /// Its SHA-256 is not the zip's: it describes another download.
    #[error("{} describes other bytes than the database beside it", path.display())]
    OtherBytes {
        /// The metadata file.
        path: PathBuf,
    },
}

/// The cached database file as found on disk, with its metadata when that is present,
/// readable and about these very bytes.
#[derive(Debug)]
pub struct Cached {
    /// The zip's path.
    pub path: PathBuf,
    /// Its metadata, or why there is none to trust.
    pub metadata: Result<Metadata, MetadataProblem>,
}

/// The cached database exists but cannot be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "reading the cached database {} (delete it to use the embedded one)",
    path.display()
)]
pub struct CacheReadError {
    /// The cached zip.
    pub path: PathBuf,
    /// What the system said.
    #[source]
    pub source: std::io::Error,
}

/// Reads the cached database in `dir`; `Ok(None)` when there is none.
pub fn read_cached(dir: &Path) -> Result<Option<Cached>, CacheReadError> {
    let path = dir.join(DATABASE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(CacheReadError { path, source }),
    };
    let metadata = read_metadata(&dir.join(METADATA_FILE), &bytes);
    Ok(Some(Cached { path, metadata }))
}

fn read_metadata(path: &Path, zip: &[u8]) -> Result<Metadata, MetadataProblem> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(MetadataProblem::Missing {
                path: path.to_owned(),
            });
        }
        Err(source) => {
            return Err(MetadataProblem::Unreadable {
                path: path.to_owned(),
                source,
            });
        }
    };
    let metadata: Metadata =
        serde_json::from_str(&text).map_err(|err| MetadataProblem::Invalid {
            path: path.to_owned(),
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        })?;
    if metadata.sha256 != sha256_hex(zip) {
        return Err(MetadataProblem::OtherBytes {
            path: path.to_owned(),
        });
    }
    Ok(metadata)
}

/// SHA-256 of `bytes`, lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn sha256_of_abc_is_the_fips_example() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_directory_is_under_xdg_cache_home_else_home() {
        let dir = |xdg: Option<&str>, home: Option<&str>| {
            default_dir(xdg.map(OsStr::new), home.map(OsStr::new))
        };
        assert_eq!(dir(Some("/x"), Some("/h")), Some(PathBuf::from("/x/osec")));
        assert_eq!(
            dir(Some(""), Some("/h")),
            Some(PathBuf::from("/h/.cache/osec"))
        );
        assert_eq!(dir(None, Some("")), None);
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
            sha256: sha256_hex(b"zip"),
            records: 1,
        };
        std::fs::write(dir.path().join(DATABASE_FILE), b"zip").unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert!(
            matches!(cached.metadata, Err(MetadataProblem::Missing { .. })),
            "{cached:?}"
        );
        std::fs::write(dir.path().join(METADATA_FILE), metadata.to_json()).unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert_eq!(cached.metadata.unwrap(), metadata);
        std::fs::write(dir.path().join(DATABASE_FILE), b"other").unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert!(
            cached
                .metadata
                .unwrap_err()
                .to_string()
                .contains("describes other bytes"),
            "mismatch not detected"
        );
        std::fs::write(dir.path().join(METADATA_FILE), "{").unwrap();
        let cached = read_cached(dir.path()).unwrap().unwrap();
        assert!(cached.metadata.unwrap_err().to_string().contains(":1:1:"));
    }
}
