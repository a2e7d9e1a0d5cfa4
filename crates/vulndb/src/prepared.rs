//! The prepared form of a database: what a load of an `all.zip` produces,
//! kept in a cache file so that the next load of the same archive skips
//! inflating, parsing and checking 10,000 records.
//!
//! # Why
//!
//! Loading a 10,000-record `all.zip` inflates, parses and checks every record
//! (about 150 ms of CPU); an audit then reads a few hundred of them. The
//! prepared file holds each record's [`Summary`] (all that indexing and
//! matching read) and its JSON text. Loading it decodes the summaries only;
//! a record's text is parsed when a query reports it.
//!
//! # Layout
//!
//! `MAGIC`; the head's length and its xxh3-64 hash (u64 each, little
//! endian); the head; then the records' JSON texts, back to back. The head
//! ([`crate::encoding`]): [`FORMAT`] (u32), the writer (string), the source's
//! length (u64) and fingerprint (two u64), the newest `modified` (a flag
//! byte and a string), the record count (u32) and for each record its group
//! (u32) and its text's offset (u64), length (u32) and xxh3-64 hash (u64);
//! then the length of the summaries (u64) and the summaries
//! ([`crate::summary`]). A load reads the head only; a record's text is read
//! from the file when the record is first asked for, and checked against its
//! hash.
//!
//! # When it is used
//!
//! Only when everything matches: the magic, the head's hash (a torn or edited
//! file is not used), [`FORMAT`], the version of this crate that wrote it, and
//! the source archive's length and fingerprint ([`identity`]). Otherwise the archive is
//! loaded in full and the file rewritten (through a temporary file and a
//! rename: a reader never sees half a file, and a file is never changed in
//! place). The file is a cache: failing to write it only costs the next load
//! its speed, so write errors are not reported. Texts were checked as OSV
//! records before being written and are parsed again on use; a text whose
//! hash no longer matches, or that no longer parses, is an error naming the
//! record and the file, never a wrong record.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xxhash_rust::xxh3::xxh3_64;

use crate::database::{Database, PreparedRecords};
use crate::encoding::{Reader, put_str, put_u32, put_u64};
use crate::order::Orders;

/// The start of every prepared file.
const MAGIC: &[u8; 8] = b"OSECPRE\x01";

/// The layout version; bump it when the layout or the summary encoding
/// changes, or when a load checks more than before (a prepared copy is only
/// made from an archive that passed every check of its writer). 2: archives
/// naming an entry twice are refused, and copies made before are not trusted.
const FORMAT: u32 = 2;

/// Who wrote a prepared file: files from another version are not read.
const WRITER: &str = concat!("vulndb ", env!("CARGO_PKG_VERSION"));

/// Where a record's JSON text is in a prepared file, and its hash.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredText {
    /// Offset from the start of the texts.
    pub(crate) start: u64,
    pub(crate) len: u32,
    pub(crate) hash: u64,
}

/// The texts of a prepared database: its file, open, and where they start.
#[derive(Debug)]
pub(crate) struct TextFile {
    path: PathBuf,
    file: Mutex<File>,
    start: u64,
}

impl TextFile {
    /// Reads and checks one record's text.
    pub(crate) fn read(&self, text: StoredText) -> Result<Vec<u8>, String> {
        let damaged = |why: String| {
            format!(
                "the prepared copy {} is damaged ({why}): delete it and run again",
                self.path.display()
            )
        };
        let mut bytes = vec![0; text.len as usize];
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| damaged("an earlier read failed".to_owned()))?;
            file.seek(SeekFrom::Start(self.start + text.start))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(|e| damaged(e.to_string()))?;
        }
        if xxh3_64(&bytes) != text.hash {
            return Err(damaged(
                "a record's text does not match its hash".to_owned(),
            ));
        }
        Ok(bytes)
    }
}

/// Where the prepared copy of the archive at `source` lives in `cache_dir`:
/// one file per archive path, replaced when the archive changes.
pub(crate) fn cache_file(cache_dir: &Path, source: &Path) -> PathBuf {
    let absolute = std::path::absolute(source).unwrap_or_else(|_| source.to_owned());
    let key = xxh3_64(absolute.as_os_str().as_encoded_bytes());
    cache_dir.join(format!("prepared-{key:016x}.bin"))
}

/// The length and fingerprint of the archive at `path`, from its metadata:
/// length, modification and change times, inode and device (on Unix; length
/// and modification time elsewhere). Any rewrite of the file (in place, or a
/// new file renamed over it, as `osec db fetch` does) changes them; the
/// change time cannot be set back by hand. Reading the archive to hash its
/// bytes would cost more than the rest of a load from the prepared copy.
pub(crate) fn identity(path: &Path) -> std::io::Result<(u64, u128)> {
    let metadata = std::fs::metadata(path)?;
    let mut facts = Vec::with_capacity(64);
    put_u64(&mut facts, metadata.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        for fact in [
            metadata.mtime(),
            metadata.mtime_nsec(),
            metadata.ctime(),
            metadata.ctime_nsec(),
        ] {
            put_u64(&mut facts, fact as u64);
        }
        put_u64(&mut facts, metadata.ino());
        put_u64(&mut facts, metadata.dev());
    }
    #[cfg(not(unix))]
    {
        let modified = metadata
            .modified()?
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        put_u64(&mut facts, modified.as_secs());
        put_u64(&mut facts, u64::from(modified.subsec_nanos()));
    }
    Ok((metadata.len(), xxhash_rust::xxh3::xxh3_128(&facts)))
}

/// Reads the prepared copy at `file` if it is intact and was made by this
/// version from a source of this length and hash; `None` otherwise.
pub(crate) fn read(
    file: &Path,
    source_name: &str,
    (source_len, source_hash): (u64, u128),
    orders: &Orders,
) -> Option<Database> {
    let mut handle = File::open(file).ok()?;
    let mut fixed = [0u8; 24];
    handle.read_exact(&mut fixed).ok()?;
    let mut reader = Reader::new(&fixed);
    if reader.bytes(MAGIC.len())? != MAGIC {
        return None;
    }
    let head_len = reader.u64()?;
    let head_hash = reader.u64()?;
    // A damaged length must not make the load allocate more than the file holds.
    if head_len > handle.metadata().ok()?.len() {
        return None;
    }
    let mut head = vec![0; usize::try_from(head_len).ok()?];
    handle.read_exact(&mut head).ok()?;
    if xxh3_64(&head) != head_hash {
        return None;
    }
    let mut reader = Reader::new(&head);
    if reader.u32()? != FORMAT
        || reader.str()? != WRITER
        || reader.u64()? != source_len
        || (reader.u64()?, reader.u64()?) != split(source_hash)
    {
        return None;
    }
    let last_modified = match reader.byte()? {
        0 => None,
        _ => Some(reader.str()?.parse::<osv::Timestamp>().ok()?),
    };
    let count = reader.u32()? as usize;
    let mut groups = Vec::with_capacity(count.min(head.len() / 24));
    let mut texts = Vec::with_capacity(groups.capacity());
    for _ in 0..count {
        groups.push(reader.u32()?);
        texts.push(StoredText {
            start: reader.u64()?,
            len: reader.u32()?,
            hash: reader.u64()?,
        });
    }
    let summaries_len = usize::try_from(reader.u64()?).ok()?;
    let summaries_start = reader.position();
    if summaries_start.checked_add(summaries_len)? != head.len() {
        return None;
    }
    let records = PreparedRecords {
        summaries: head,
        summaries_start,
        groups,
        texts,
    };
    let texts = TextFile {
        path: file.to_owned(),
        file: Mutex::new(handle),
        start: 24 + head_len,
    };
    Database::build_prepared(
        source_name.to_owned(),
        records,
        orders.clone(),
        last_modified,
        texts,
    )
    .ok()
}

/// A 128-bit hash as two u64, high first.
fn split(hash: u128) -> (u64, u64) {
    ((hash >> 64) as u64, hash as u64)
}

/// Writes the prepared copy of `db`, loaded from a source of this length and
/// hash whose records' JSON texts are `texts` (one per record, in load
/// order), to `file`, then removes the prepared copies beside it that have
/// not been written for [`UNUSED_DAYS`]. Best effort: errors are ignored
/// (see the module documentation).
pub(crate) fn write(file: &Path, db: &Database, source: (u64, u128), texts: &[&[u8]]) {
    let _ = try_write(file, db, source, texts);
    prune(file);
}

/// Prepared copies older than this are removed when another is written: the
/// copies of archives loaded once (`--db /tmp/x.zip`) do not pile up. A copy
/// still in use is simply prepared again.
const UNUSED_DAYS: u64 = 30;

fn prune(written: &Path) {
    let Some(dir) = written.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let limit = std::time::Duration::from_secs(UNUSED_DAYS * 86_400);
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > limit);
        if old && name.starts_with("prepared-") && name.ends_with(".bin") && path != written {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn try_write(
    file: &Path,
    db: &Database,
    (source_len, source_hash): (u64, u128),
    texts: &[&[u8]],
) -> std::io::Result<()> {
    let (summaries, groups) = db.summaries();
    let mut head = Vec::with_capacity(summaries.len() + texts.len() * 24 + 256);
    put_u32(&mut head, FORMAT);
    put_str(&mut head, WRITER);
    put_u64(&mut head, source_len);
    let (high, low) = split(source_hash);
    put_u64(&mut head, high);
    put_u64(&mut head, low);
    match db.last_modified() {
        Some(newest) => {
            head.push(1);
            put_str(&mut head, newest.as_str());
        }
        None => head.push(0),
    }
    put_u32(
        &mut head,
        u32::try_from(texts.len()).map_err(std::io::Error::other)?,
    );
    let mut start = 0u64;
    for (group, text) in groups.zip(texts) {
        let len = u32::try_from(text.len()).map_err(std::io::Error::other)?;
        put_u32(&mut head, group);
        put_u64(&mut head, start);
        put_u32(&mut head, len);
        put_u64(&mut head, xxh3_64(text));
        start += u64::from(len);
    }
    put_u64(&mut head, summaries.len() as u64);
    head.extend_from_slice(summaries);

    safe_fs::write_file_with(file, |out| {
        out.write_all(MAGIC)?;
        out.write_all(&(head.len() as u64).to_le_bytes())?;
        out.write_all(&xxh3_64(&head).to_le_bytes())?;
        out.write_all(&head)?;
        for text in texts {
            out.write_all(text)?;
        }
        Ok(())
    })?;
    Ok(())
}
