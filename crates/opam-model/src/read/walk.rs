//! The directory walk shared by `osec opam check` (every opam file under a directory)
//! and repository indexing (every package directory under `packages/`).

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::read_error;
use crate::error::Error;

/// What a walk looks for.
pub(crate) struct Walk {
    /// A directory below the root that holds a regular file of this name (symbolic
    /// links followed) is a package directory: that file is taken and the directory
    /// is not listed (its `files/` are not searched). One `stat` per directory instead
    /// of a listing: on opam-repository that halves the system calls of an index.
    pub(crate) package_file: Option<&'static str>,
    /// The files of a listed directory that are taken, by name (regular files only).
    pub(crate) take: fn(&str) -> bool,
}

/// The files under the directory `dir` that `walk` takes, in the order of a
/// depth-first walk with each directory's entries sorted by name (symbolic links are
/// not followed). Subdirectories are listed in parallel: on opam-repository, opening
/// and listing its 23,000 directories costs the kernel more than reading the files.
pub(crate) fn walk(dir: &Path, how: &Walk) -> Result<Vec<PathBuf>, Error> {
    let mut entries = fs::read_dir(dir)
        .and_then(|entries| entries.collect::<std::io::Result<Vec<_>>>())
        .map_err(|source| read_error(dir, source))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    let parts = entries
        .par_iter()
        .map(|entry| {
            let path = entry.path();
            let file_type = entry
                .file_type()
                .map_err(|source| read_error(&path, source))?;
            if file_type.is_dir() {
                if let Some(name) = how.package_file {
                    let file = path.join(name);
                    if fs::metadata(&file).is_ok_and(|m| m.is_file()) {
                        return Ok(vec![file]);
                    }
                }
                walk(&path, how)
            } else if file_type.is_file() && (how.take)(&entry.file_name().to_string_lossy()) {
                Ok(vec![path])
            } else {
                Ok(Vec::new())
            }
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(parts.concat())
}
