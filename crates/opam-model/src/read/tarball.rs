//! Reading the opam files of a gzip-compressed tar archive, shared by
//! `osec opam check` and repository indexing.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::read_error;
use crate::error::Error;

/// One file taken from an archive.
pub(crate) struct TarEntry {
    /// Its path, as the caller's `select` gave it.
    pub(crate) path: PathBuf,
    /// Its bytes; `None` when it is larger than the limit (and was skipped unread).
    pub(crate) bytes: Option<Box<[u8]>>,
}

/// The regular files of the archive that `select` takes, in archive order: `select`
/// is given each file's path in the archive and returns the path to keep for it, or
/// `None` to leave it. `location` names the archive in messages. An entry larger
/// than `max_file_size` is skipped without being read (its header gives the size).
pub(crate) fn read_tarball(
    location: &Path,
    reader: impl Read,
    max_file_size: u64,
    mut select: impl FnMut(&Path) -> Option<PathBuf>,
) -> Result<Vec<TarEntry>, Error> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let entries = archive
        .entries()
        .map_err(|source| read_error(location, source))?;
    let mut taken = Vec::new();
    for entry in entries {
        let mut entry = entry.map_err(|source| read_error(location, source))?;
        // A sparse file (GNU tar writes one for a file with holes) is a file too: its
        // header gives the size of the data stored, not of the file, which the read
        // below bounds.
        let entry_type = entry.header().entry_type();
        if !(entry_type.is_file() || entry_type.is_gnu_sparse()) {
            continue;
        }
        let in_archive = entry
            .path()
            .map_err(|source| read_error(location, source))?;
        let Some(path) = select(&in_archive) else {
            continue;
        };
        let error_path = location.join(&in_archive);
        let size = entry.size();
        if size > max_file_size {
            taken.push(TarEntry { path, bytes: None });
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        entry
            .by_ref()
            .take(max_file_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| read_error(&error_path, source))?;
        let too_large = usize::try_from(max_file_size).is_ok_and(|max| bytes.len() > max);
        taken.push(TarEntry {
            path,
            bytes: (!too_large).then(|| bytes.into_boxed_slice()),
        });
    }
    Ok(taken)
}
