//! Advisory files on disk: finding them under directories, reading them, and writing a
//! file atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Whether a file name is that of an advisory: `OSEC-*.md`.
pub fn is_advisory_file_name(name: &str) -> bool {
    name.starts_with("OSEC-") && name.ends_with(".md")
}

/// The advisory files named by `paths`: a file is taken as given, a directory is
/// searched recursively for `OSEC-*.md` (hidden directories skipped). The result is
/// sorted and without duplicates.
pub fn find_advisories(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { path: path.clone() },
            _ => Error::Read {
                path: path.clone(),
                source,
            },
        })?;
        if metadata.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push(path.clone());
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(read_error)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if file_type.is_dir() {
            if !name.starts_with('.') {
                walk(&path, found)?;
            }
        } else if is_advisory_file_name(name) {
            found.push(path);
        }
    }
    Ok(())
}

/// Reads a file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| Error::NotText {
        path: path.to_path_buf(),
    })
}

/// Replaces the content of `path` with `text` atomically: the text goes to a temporary
/// file in the same directory, which is then renamed over `path`. An interrupted run
/// leaves either the old or the new file. The file's permissions are kept.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".osec-fmt-")
        .tempfile_in(dir)
        .map_err(write_error)?;
    temp.write_all(text.as_bytes()).map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        temp.as_file()
            .set_permissions(metadata.permissions())
            .map_err(write_error)?;
    }
    temp.persist(path).map_err(|err| write_error(err.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_advisories_recursively_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("advisories/2026")).unwrap();
        std::fs::create_dir_all(root.join("advisories/.git")).unwrap();
        std::fs::write(root.join("advisories/2026/OSEC-2026-02.md"), "").unwrap();
        std::fs::write(root.join("advisories/2026/OSEC-2026-01.md"), "").unwrap();
        std::fs::write(root.join("advisories/2026/README.md"), "").unwrap();
        std::fs::write(root.join("advisories/.git/OSEC-2026-09.md"), "").unwrap();
        let found = find_advisories(&[root.to_path_buf()]).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["OSEC-2026-01.md", "OSEC-2026-02.md"]);
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let err = find_advisories(&[PathBuf::from("/nonexistent/osec")]).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/osec"), "{err}");
    }

    #[test]
    fn writes_atomically_and_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("OSEC-2026-01.md");
        std::fs::write(&file, "old").unwrap();
        write_atomically(&file, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
