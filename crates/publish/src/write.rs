//! Writing output files atomically, and only when their bytes change.

use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Result};

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// The file did not exist and was created.
    Created,
    /// The file existed with other bytes and was replaced.
    Updated,
    /// The file already had these bytes; it was not touched.
    Unchanged,
}

/// Makes `path` hold `bytes`: nothing is done when it already does; otherwise the
/// bytes go to a temporary file in the same directory, which is renamed over
/// `path`, so an interrupted run leaves the previous file intact. Missing parent
/// directories are created.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<FileChange> {
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let change = match std::fs::read(path) {
        Ok(existing) if existing == bytes => return Ok(FileChange::Unchanged),
        Ok(_) => FileChange::Updated,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => FileChange::Created,
        Err(source) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(write_error)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".osec-publish-")
        .tempfile_in(dir)
        .map_err(write_error)?;
    temp.write_all(bytes).map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|err| write_error(err.error))?;
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_updates_and_leaves_equal_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("2026/OSEC-2026-01.json");
        assert_eq!(
            write_if_changed(&file, b"one").unwrap(),
            FileChange::Created
        );
        let before = std::fs::metadata(&file).unwrap().modified().unwrap();
        assert_eq!(
            write_if_changed(&file, b"one").unwrap(),
            FileChange::Unchanged
        );
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            before
        );
        assert_eq!(
            write_if_changed(&file, b"two").unwrap(),
            FileChange::Updated
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("2026"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            1,
            "no temporary file is left behind: {names:?}"
        );
    }

    #[test]
    fn a_failed_write_names_the_file_and_keeps_nothing_half_written() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("2026");
        std::fs::write(&blocker, "a file where a directory should be").unwrap();
        let err = write_if_changed(&blocker.join("OSEC-2026-01.json"), b"x").unwrap_err();
        assert!(err.to_string().contains("OSEC-2026-01.json"), "{err}");
    }
}
