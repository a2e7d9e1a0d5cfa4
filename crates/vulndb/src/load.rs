//! Reading records from a directory tree, an osv.dev `all.zip`, or bytes
//! compiled into the program.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use osv::{VersionOrder, Vulnerability};

use crate::order::Orders;
use crate::{Database, Error, Limits, Result, prepared};

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
    /// Where prepared copies of zip archives are kept, if anywhere.
    cache_dir: Option<PathBuf>,
    /// What a zip archive may hold.
    limits: Limits,
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
        Loader {
            orders,
            cache_dir: None,
            limits: Limits::default(),
        }
    }

    /// Loads zip archives within `limits` instead of the defaults
    /// ([`Limits::default`]): an archive beyond them is an error.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Keeps a prepared copy of each zip archive loaded from a file in
    /// `dir`, and loads from it while the archive is unchanged: the next load
    /// of a 10,000-record `all.zip` then decodes record summaries instead of
    /// inflating, parsing and checking every record, and parses a record
    /// only when a query reports it. Directories and in-memory archives are
    /// always read in full.
    pub fn with_cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
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
    /// With a cache directory ([`Loader::with_cache_dir`]), uses and
    /// refreshes the archive's prepared copy there.
    pub fn load_zip_file(&self, path: &Path) -> Result<Database> {
        let io_error = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let name = path.display().to_string();
        let Some(cache_dir) = &self.cache_dir else {
            let bytes = std::fs::read(path).map_err(io_error)?;
            return self.load_zip_bytes(&bytes, &name);
        };
        let prepared_file = prepared::cache_file(cache_dir, path);
        let identity = prepared::identity(path).map_err(io_error)?;
        if let Some(db) = prepared::read(&prepared_file, &name, identity, &self.orders) {
            return Ok(db);
        }
        let bytes = std::fs::read(path).map_err(io_error)?;
        let (db, texts) = self.read_zip(&bytes, &name)?;
        let texts: Vec<&[u8]> = texts
            .ranges
            .iter()
            .map(|range| texts.bytes.get(range.clone()).unwrap_or_default())
            .collect();
        prepared::write(&prepared_file, &db, identity, &texts);
        Ok(db)
    }

    /// Loads an osv.dev-style `all.zip` held in memory (the embedded
    /// snapshot, a download). `name` names the archive in messages. Every
    /// `*.json` entry is a record; other entries are ignored.
    pub fn load_zip_bytes(&self, bytes: &[u8], name: &str) -> Result<Database> {
        self.read_zip(bytes, name).map(|(db, _)| db)
    }

    /// Loads an archive, keeping each record's JSON text (for a prepared copy).
    fn read_zip(&self, bytes: &[u8], name: &str) -> Result<(Database, Texts)> {
        let zip_error = |e: zip::result::ZipError| Error::Zip {
            archive: name.to_owned(),
            message: e.to_string(),
        };
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(zip_error)?;
        if archive.has_duplicate_names() {
            return Err(duplicate_entry(bytes, name));
        }
        let count = archive.len() as u64;
        if count > self.limits.max_entries {
            return Err(Error::TooManyEntries {
                archive: name.to_owned(),
                entries: count,
                limit: self.limits.max_entries,
            });
        }
        let mut entries: Vec<(String, usize)> = Vec::new();
        // Each record's inflated length is checked against its declared size
        // below, so the declared sizes bound what the load holds in memory:
        // their total is checked before anything is inflated.
        let mut declared = 0u64;
        for index in 0..archive.len() {
            let entry = archive.by_index_data(index).map_err(zip_error)?;
            let entry_name = entry.name().map_err(zip_error)?;
            if entry_name.ends_with(".json") {
                declared = declared.saturating_add(entry.size());
                entries.push((entry_name.into_owned(), index));
            }
        }
        if declared > self.limits.max_inflated_bytes {
            return Err(Error::InflatedTooLarge {
                archive: name.to_owned(),
                size: declared,
                limit: self.limits.max_inflated_bytes,
            });
        }
        entries.sort();
        let validator = self.orders.validator();
        let mut records = Vec::with_capacity(entries.len());
        let mut inflater = Inflater::new();
        let mut compressed = Vec::new();
        let mut text = Vec::new();
        let mut texts = Texts::default();
        for (entry_name, index) in entries {
            let origin = format!("{name}!{entry_name}");
            // Raw: the compressed bytes, inflated below with one reused state.
            let mut file = archive.by_index_raw(index).map_err(zip_error)?;
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
            let (method, size, crc) = (file.compression(), file.size(), file.crc32());
            compressed.clear();
            // The declared size may lie: read at most one byte past the limit.
            (&mut file)
                .take(MAX_RECORD_BYTES + 1)
                .read_to_end(&mut compressed)
                .map_err(|e| Error::Zip {
                    archive: origin.clone(),
                    message: e.to_string(),
                })?;
            drop(file);
            let corrupt = |message: String| Error::Zip {
                archive: origin.clone(),
                message,
            };
            // `size` is at most MAX_RECORD_BYTES, so it fits in usize.
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            let bytes: &[u8] = match method {
                zip::CompressionMethod::Stored => &compressed,
                zip::CompressionMethod::Deflated => {
                    inflater
                        .inflate(&compressed, size, &mut text)
                        .map_err(corrupt)?;
                    &text
                }
                other => {
                    return Err(corrupt(format!(
                        "compressed with {other}; osv.dev archives use deflate: \
                         re-create the archive with deflate or store"
                    )));
                }
            };
            if bytes.len() != size {
                return Err(corrupt(format!(
                    "{} bytes where the archive declares {size}: the archive is corrupt",
                    bytes.len()
                )));
            }
            if crc32fast::hash(bytes) != crc {
                return Err(corrupt(
                    "CRC-32 mismatch: the archive is corrupt (download it again)".to_owned(),
                ));
            }
            let record = read_record(&validator, &origin, bytes)?;
            records.push((origin, record));
            texts.push(bytes);
        }
        let db = Database::build(name.to_owned(), records, self.orders.clone())?;
        Ok((db, texts))
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

/// The JSON texts of an archive's records, back to back.
#[derive(Default)]
struct Texts {
    bytes: Vec<u8>,
    ranges: Vec<std::ops::Range<usize>>,
}

impl Texts {
    fn push(&mut self, text: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(text);
        self.ranges.push(start..self.bytes.len());
    }
}

/// A raw-deflate decompressor reused for every entry of an archive: making a
/// fresh one per entry (as `zip`'s reader does) allocates and clears its window
/// each time, which was half the time of loading a 10,000-record `all.zip`.
struct Inflater {
    state: flate2::Decompress,
}

impl Inflater {
    fn new() -> Self {
        Inflater {
            state: flate2::Decompress::new(false),
        }
    }

    /// Inflates `input` into `out` (cleared first), expecting `size` bytes.
    /// Stops one byte past `size`, so a lying header cannot make it grow.
    fn inflate(&mut self, input: &[u8], size: usize, out: &mut Vec<u8>) -> Result<(), String> {
        self.state.reset(false);
        out.clear();
        out.reserve(size.saturating_add(1));
        match self
            .state
            .decompress_vec(input, out, flate2::FlushDecompress::Finish)
        {
            Ok(flate2::Status::StreamEnd) => Ok(()),
            Ok(_) => Err(format!(
                "the compressed data ends early or holds more than the declared {size} bytes: \
                 the archive is corrupt"
            )),
            Err(e) => Err(format!(
                "invalid deflate data ({e}): the archive is corrupt"
            )),
        }
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

/// The error for an archive whose central directory lists one name twice
/// (which zip readers resolve differently: the zip crate keeps the last,
/// other tools the first). Walks the directory to name the entry and both
/// positions; an archive too damaged for that walk gets a plain zip error.
fn duplicate_entry(bytes: &[u8], archive: &str) -> Error {
    match first_duplicate_name(bytes) {
        Some((name, first, second)) => Error::DuplicateEntry {
            archive: archive.to_owned(),
            name,
            first,
            second,
        },
        None => Error::Zip {
            archive: archive.to_owned(),
            message: "the central directory lists an entry name twice: the archive is \
                      ambiguous; re-create it with each file once"
                .to_owned(),
        },
    }
}

/// The first name the central directory lists twice, with the 1-based
/// positions of both entries. Reads the end-of-central-directory record
/// (not zip64's: an archive that needs zip64 is far beyond any OSV database).
fn first_duplicate_name(bytes: &[u8]) -> Option<(String, usize, usize)> {
    const END: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    let u16_at = |at: usize| -> Option<usize> {
        let b = bytes.get(at..at.checked_add(2)?)?;
        Some(usize::from(u16::from_le_bytes([*b.first()?, *b.get(1)?])))
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(b)).ok()
    };
    let end = bytes.windows(END.len()).rposition(|w| w == END)?;
    let count = u16_at(end + 10)?;
    // The directory ends where its end record starts (data prepended to the
    // archive shifts both alike).
    let mut at = end.checked_sub(u32_at(end + 12)?)?;
    let mut seen: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for position in 1..=count {
        if bytes.get(at..at + ENTRY.len())? != ENTRY {
            return None;
        }
        let name_len = u16_at(at + 28)?;
        let extra_len = u16_at(at + 30)?;
        let comment_len = u16_at(at + 32)?;
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        if let Some(first) = seen.insert(name, position) {
            return Some((String::from_utf8_lossy(name).into_owned(), first, position));
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
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
