//! `all.zip` and `modified_id.csv`, in the layout osv.dev serves for every ecosystem
//! (`gs://osv-vulnerabilities/<ECOSYSTEM>/`), built from the records an export wrote:
//! exactly those, never a stale or misplaced file of the output tree.
//!
//! As osv.dev's exporter writes them: `all.zip` holds one `ID.json` per record at its
//! root, sorted by ID; `modified_id.csv` has one line `<modified>,<ID>` per record, no
//! header, the time in RFC 3339 UTC with the fraction only when there is one, sorted
//! by that text newest first, then by ID. Both are deterministic here: the same
//! records give the same bytes (zip entries carry a fixed time, 1980-01-01).

use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};

use safe_fs::{FileChange, OutputRoot, display_path};
use zip::write::SimpleFileOptions;

use crate::error::{Error, Result};
use crate::export::ExportReport;

/// The name of the archive of every record.
pub const ALL_ZIP: &str = "all.zip";
/// The name of the index of modification times.
pub const MODIFIED_ID_CSV: &str = "modified_id.csv";

/// One exported record, as the index files list it.
#[derive(Debug, Clone)]
pub struct IndexedRecord {
    /// The record's `id`.
    pub id: String,
    /// Its `modified` time, as `modified_id.csv` writes it.
    pub modified: String,
    /// Its file's bytes.
    pub bytes: Vec<u8>,
}

/// What `write_index` wrote.
#[derive(Debug, Clone)]
pub struct IndexReport {
    /// How many records the archive and the index hold.
    pub records: usize,
    /// `OUT/all.zip` and what happened to it.
    pub zip: (PathBuf, FileChange),
    /// `OUT/modified_id.csv` and what happened to it.
    pub csv: (PathBuf, FileChange),
}

impl IndexReport {
    /// What `osec osv publish` says of the two files: created, updated or
    /// unchanged, and the number of records, one line each.
    pub fn render(&self) -> String {
        [&self.zip, &self.csv]
            .into_iter()
            .map(|(path, change)| {
                let word = match change {
                    FileChange::Created => "created",
                    FileChange::Updated => "updated",
                    FileChange::Unchanged => "unchanged",
                };
                format!("{word} {} ({} records)\n", display_path(path), self.records)
            })
            .collect()
    }
}

/// Writes `OUT/all.zip` and `OUT/modified_id.csv` for the records `export` wrote
/// (or found unchanged), each atomically and only when its bytes change. Records of
/// advisories that failed, orphans and stale copies in the tree are left out.
pub fn write_index(out: &Path, export: &ExportReport) -> Result<IndexReport> {
    let records: Vec<IndexedRecord> = export.records().cloned().collect();
    let root = OutputRoot::open(out)?;
    let zip_path = out.join(ALL_ZIP);
    let zip = zip_archive(&records).map_err(|message| Error::Zip {
        path: zip_path.clone(),
        message,
    })?;
    let zip_change = root.write(Path::new(ALL_ZIP), &zip)?;
    let csv_path = out.join(MODIFIED_ID_CSV);
    let csv_change = root.write(
        Path::new(MODIFIED_ID_CSV),
        modified_id_csv(&records).as_bytes(),
    )?;
    Ok(IndexReport {
        records: records.len(),
        zip: (zip_path, zip_change),
        csv: (csv_path, csv_change),
    })
}

/// `all.zip`: one deflated `ID.json` per record, sorted by ID, with a fixed time.
pub fn zip_archive(records: &[IndexedRecord]) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&IndexedRecord> = records.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for record in sorted {
        writer
            .start_file(format!("{}.json", record.id), options)
            .map_err(|e| e.to_string())?;
        writer.write_all(&record.bytes).map_err(|e| e.to_string())?;
    }
    let cursor = writer.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

/// `modified_id.csv`: `<modified>,<ID>` lines, newest first, then by ID.
pub fn modified_id_csv(records: &[IndexedRecord]) -> String {
    let mut rows: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.modified.as_str(), r.id.as_str()))
        .collect();
    rows.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.1.cmp(b.1)));
    let mut text = String::new();
    for (modified, id) in rows {
        text.push_str(&csv_field(modified));
        text.push(',');
        text.push_str(&csv_field(id));
        text.push('\n');
    }
    text
}

/// A time as Go's `time.RFC3339Nano` writes it in UTC: seconds, then a fraction
/// without trailing zeros when there is one, then `Z`.
pub fn modified_text(instant: jiff::Timestamp) -> String {
    let seconds = instant.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = instant.subsec_nanosecond();
    if nanos == 0 {
        format!("{seconds}Z")
    } else {
        let fraction = format!("{nanos:09}");
        format!("{seconds}.{}Z", fraction.trim_end_matches('0'))
    }
}

/// A CSV field, quoted as RFC 4180 asks when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, modified: &str) -> IndexedRecord {
        IndexedRecord {
            id: id.into(),
            modified: modified.into(),
            bytes: format!("{{\"id\": \"{id}\"}}\n").into_bytes(),
        }
    }

    #[test]
    fn csv_is_newest_first_then_by_id() {
        let records = [
            record("OSEC-2026-02", "2026-01-01T00:00:00Z"),
            record("OSEC-2026-01", "2026-03-01T00:00:00Z"),
            record("OSEC-2025-01", "2026-01-01T00:00:00Z"),
        ];
        assert_eq!(
            modified_id_csv(&records),
            "2026-03-01T00:00:00Z,OSEC-2026-01\n2026-01-01T00:00:00Z,OSEC-2025-01\n2026-01-01T00:00:00Z,OSEC-2026-02\n"
        );
    }

    #[test]
    fn modified_text_trims_the_fraction_like_rfc3339nano() {
        let t: jiff::Timestamp = "2026-02-27T09:30:00Z".parse().unwrap();
        assert_eq!(modified_text(t), "2026-02-27T09:30:00Z");
        let t: jiff::Timestamp = "2026-02-27T10:30:00.250+01:00".parse().unwrap();
        assert_eq!(modified_text(t), "2026-02-27T09:30:00.25Z");
    }

    #[test]
    fn csv_fields_with_commas_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\","), "\"say \"\"hi\"\",\"");
        assert_eq!(csv_field("OSEC-2026-01"), "OSEC-2026-01");
    }

    #[test]
    fn zip_is_deterministic_and_sorted() {
        let a = [record("OSEC-2026-02", "x"), record("OSEC-2026-01", "y")];
        let b = [record("OSEC-2026-01", "y"), record("OSEC-2026-02", "x")];
        let zip_a = zip_archive(&a).unwrap();
        assert_eq!(zip_a, zip_archive(&b).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(zip_a)).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(names, ["OSEC-2026-01.json", "OSEC-2026-02.json"]);
        let entry = archive.by_index(0).unwrap();
        assert_eq!(entry.last_modified(), Some(zip::DateTime::default()));
    }
}
