//! Reading records from a directory tree, an osv.dev `all.zip`, or bytes
//! compiled into the program.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use osv::{VersionOrder, Vulnerability};

use crate::order::Orders;
use crate::{Database, Error, Result};

/// The largest uncompressed zip entry accepted as one record (OSV records are
/// kilobytes; this only stops a corrupt or hostile archive).
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// What the embedded snapshot is called in messages.
pub const EMBEDDED: &str = "<embedded>";

/// Loads databases: reads every record, checks it (shape and OSV rules, with
/// the version orders given here), and indexes the lot.
///
/// ```no_run
/// # fn hex_order() -> std::sync::Arc<dyn osv::VersionOrder + Send + Sync> { unimplemented!() }
/// let db = vulndb::Loader::new() // SemVer and opam
///     .with_ecosystem_order("Hex", hex_order())
///     .load_path("all.zip".as_ref())?;
/// # Ok::<(), vulndb::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Loader {
    orders: Orders,
}

impl Default for Loader {
    fn default() -> Self {
        Loader::new()
    }
}

impl Loader {
    /// A loader that knows SemVer and opam's order ([`Orders::known`]).
    pub fn new() -> Self {
        Loader::with_orders(Orders::known())
    }

    /// A loader with exactly these orders (`Orders::new()`: SemVer only, so
    /// ECOSYSTEM ranges match through `versions` lists alone).
    pub fn with_orders(orders: Orders) -> Self {
        Loader { orders }
    }

    /// Evaluates (and checks the event order of) ECOSYSTEM ranges of
    /// `ecosystem` with `order`.
    pub fn with_ecosystem_order(
        mut self,
        ecosystem: impl Into<String>,
        order: Arc<dyn VersionOrder + Send + Sync>,
    ) -> Self {
        self.orders.set(ecosystem, order);
        self
    }

    /// Loads a directory tree or a zip archive, whichever `path` is.
    pub fn load_path(&self, path: &Path) -> Result<Database> {
        let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        if metadata.is_dir() {
            self.load_dir(path)
        } else {
            self.load_zip_file(path)
        }
    }

    /// Loads every `*.json` file under `dir` (recursively; hidden entries
    /// such as `.git` are skipped, other files ignored).
    pub fn load_dir(&self, dir: &Path) -> Result<Database> {
        let mut files = Vec::new();
        collect_json_files(dir, &mut files)?;
        files.sort();
        let validator = self.orders.validator();
        let mut records = Vec::with_capacity(files.len());
        for path in files {
            let bytes = std::fs::read(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let origin = path.display().to_string();
            let record = read_record(&validator, &origin, &bytes)?;
            records.push((origin, record));
        }
        Database::build(dir.display().to_string(), records, self.orders.clone())
    }

    /// Loads an osv.dev-style `all.zip` from a file.
    pub fn load_zip_file(&self, path: &Path) -> Result<Database> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        self.load_zip_bytes(&bytes, &path.display().to_string())
    }

    /// Loads an osv.dev-style `all.zip` held in memory (the embedded
    /// snapshot, a download). `name` names the archive in messages. Every
    /// `*.json` entry is a record; other entries are ignored.
    pub fn load_zip_bytes(&self, bytes: &[u8], name: &str) -> Result<Database> {
        let zip_error = |e: zip::result::ZipError| Error::Zip {
            archive: name.to_owned(),
            message: e.to_string(),
        };
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(zip_error)?;
        let mut entries: Vec<(String, usize)> = Vec::new();
        for index in 0..archive.len() {
            let Some(entry_name) = archive.name_for_index(index) else {
                continue;
            };
            let entry_name = entry_name.map_err(zip_error)?;
            if entry_name.ends_with(".json") {
                entries.push((entry_name.into_owned(), index));
            }
        }
        entries.sort();
        let validator = self.orders.validator();
        let mut records = Vec::with_capacity(entries.len());
        let mut buffer = Vec::new();
        for (entry_name, index) in entries {
            let origin = format!("{name}!{entry_name}");
            let mut file = archive.by_index(index).map_err(zip_error)?;
            if file.is_dir() {
                continue;
            }
            if file.size() > MAX_RECORD_BYTES {
                return Err(Error::EntryTooLarge {
                    origin,
                    size: file.size(),
                    limit: MAX_RECORD_BYTES,
                });
            }
            buffer.clear();
            // The declared size may lie: read at most one byte past the limit.
            (&mut file)
                .take(MAX_RECORD_BYTES + 1)
                .read_to_end(&mut buffer)
                .map_err(|e| Error::Zip {
                    archive: origin.clone(),
                    message: e.to_string(),
                })?;
            if buffer.len() as u64 > MAX_RECORD_BYTES {
                return Err(Error::EntryTooLarge {
                    origin,
                    size: buffer.len() as u64,
                    limit: MAX_RECORD_BYTES,
                });
            }
            let record = read_record(&validator, &origin, &buffer)?;
            records.push((origin, record));
        }
        Database::build(name.to_owned(), records, self.orders.clone())
    }

    /// Indexes records already in memory, checking them as a load would.
    /// Each record comes with its origin (used in messages).
    pub fn from_records(
        &self,
        source: &str,
        records: impl IntoIterator<Item = (String, Vulnerability)>,
    ) -> Result<Database> {
        let validator = self.orders.validator();
        let records = records
            .into_iter()
            .map(|(origin, record)| match validator.validate(&record) {
                Ok(()) => Ok((origin, record)),
                Err(invalid) => Err(Error::Invalid { origin, invalid }),
            })
            .collect::<Result<Vec<_>>>()?;
        Database::build(source.to_owned(), records, self.orders.clone())
    }
}

/// Parses and checks one record.
fn read_record(
    validator: &osv::Validator<'_>,
    origin: &str,
    bytes: &[u8],
) -> Result<Vulnerability> {
    let record = osv::from_slice(bytes).map_err(|e| Error::from_osv(origin, e))?;
    validator
        .validate(&record)
        .map_err(|invalid| Error::Invalid {
            origin: origin.to_owned(),
            invalid,
        })?;
    Ok(record)
}

fn collect_json_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let io_error = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if file_type.is_dir() {
            collect_json_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

impl Database {
    /// Loads a directory tree or a zip archive with a default [`Loader`] (SemVer and opam orders).
    pub fn open(path: &Path) -> Result<Database> {
        Loader::new().load_path(path)
    }

    /// Loads every `*.json` record under `dir` with a default [`Loader`] (SemVer and opam orders).
    pub fn from_dir(dir: &Path) -> Result<Database> {
        Loader::new().load_dir(dir)
    }

    /// Loads an osv.dev-style `all.zip` file with a default [`Loader`] (SemVer and opam orders).
    pub fn from_zip_file(path: &Path) -> Result<Database> {
        Loader::new().load_zip_file(path)
    }

    /// Loads an `all.zip` held in memory, such as a snapshot compiled into
    /// the program with `include_bytes!`; messages call it `<embedded>`.
    /// Uses a default [`Loader`] (SemVer and opam orders).
    pub fn from_zip_bytes(bytes: &[u8]) -> Result<Database> {
        Loader::new().load_zip_bytes(bytes, EMBEDDED)
    }
}
