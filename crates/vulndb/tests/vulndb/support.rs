//! Fixtures: the published records and zip archives built from files.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The published records of the OCaml database (kept in the osv crate).
pub(crate) fn published_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../osv/tests/data/generated-osv")
}

/// Every `*.json` under `dir`, as (path relative to `dir`, bytes), sorted.
pub(crate) fn json_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .replace('\\', "/");
                files.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A zip archive holding `files`, deflated, like osv.dev's `all.zip`.
pub(crate) fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A minimal valid record.
pub(crate) fn minimal(id: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2026-01-01T00:00:00Z",
  "affected": [{{"package": {{"ecosystem": "opam", "name": "pkg"}}, "versions": ["1.0"]}}]}}"#
    )
}

/// Writes `files` (relative path, text) under a fresh temporary directory.
pub(crate) fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A zip archive whose entries `first` and `second` (names of one length) are
/// then both named `first`, as a hostile archive would be (zip writers refuse
/// to write one): the name is replaced in the local headers and the central
/// directory alike.
pub(crate) fn zip_with_one_name_twice(
    first: &str,
    second: &str,
    files: &[(String, Vec<u8>)],
) -> Vec<u8> {
    assert_eq!(first.len(), second.len());
    let bytes = zip_of(files);
    let (from, to) = (second.as_bytes(), first.as_bytes());
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at..].starts_with(from) {
            out.extend_from_slice(to);
            at += from.len();
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    out
}

/// A minimal valid record of a package of another ecosystem.
pub(crate) fn minimal_in(id: &str, ecosystem: &str) -> String {
    minimal(id).replace("\"opam\"", &format!("\"{ecosystem}\""))
}
