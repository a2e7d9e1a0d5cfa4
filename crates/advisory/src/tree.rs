//! Advisory files on disk: finding them under directories and reading them (through
//! `safe-fs`, which also writes them back: [`safe_fs::rewrite`]).

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

/// The most bytes read from one advisory file: [`safe_fs::DEFAULT_READ_LIMIT`]
/// (16 MiB). The largest real advisory is about 10 KiB.
pub const ADVISORY_READ_LIMIT: u64 = safe_fs::DEFAULT_READ_LIMIT;

/// The bytes of an advisory file: a regular file (links followed) of at most
/// [`ADVISORY_READ_LIMIT`] bytes. A FIFO or device named like an advisory is refused
/// without blocking. [`crate::lint::lint_read`] takes the result as it is, error or
/// not.
pub fn read_advisory(path: &Path) -> safe_fs::Result<Vec<u8>> {
    safe_fs::read_bounded(path, ADVISORY_READ_LIMIT)
}

/// The advisory files named by `paths` ([`find_advisories`]), each with its bytes or
/// why it could not be read ([`read_advisory`]), in path order: what
/// [`crate::lint::lint_read`] and [`crate::lint::affected_packages`] take. Only
/// finding the files can fail as a whole; one unreadable file never hides the others.
pub fn read_advisories(paths: &[PathBuf]) -> Result<Vec<(PathBuf, safe_fs::Result<Vec<u8>>)>> {
    Ok(find_advisories(paths)?
        .into_iter()
        .map(|path| {
            let read = read_advisory(&path);
            (path, read)
        })
        .collect())
}

/// The text of an advisory file: [`read_advisory`], then UTF-8; an error names the
/// line and column of the first byte that is not.
pub fn read_advisory_text(path: &Path) -> safe_fs::Result<String> {
    safe_fs::read_bounded_to_string(path, ADVISORY_READ_LIMIT)
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
    fn a_fifo_named_like_an_advisory_is_found_and_refused_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("OSEC-2026-01.md");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            find_advisories(&[dir.path().to_path_buf()]).unwrap(),
            std::slice::from_ref(&fifo)
        );
        let err = read_advisory(&fifo).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
    }
}
