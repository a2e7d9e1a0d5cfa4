//! Reading the opam files of a gzip-compressed tar archive, shared by
//! `osec opam check` and repository indexing.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::read_error;
use crate::error::Error;

/// One file taken from an archive.
pub(crate) struct TarEntry {
    /// Its path in the archive.
    pub(crate) path: PathBuf,
    /// Its bytes; `None` when it is larger than the limit (and was skipped unread).
    pub(crate) bytes: Option<Box<[u8]>>,
}

/// The regular files of the archive whose path `take` accepts, in archive order;
/// `location` names the archive in messages. An entry larger than `max_file_size`
/// is skipped without being read (its header gives the size).
pub(crate) fn read_tarball(
    location: &Path,
    reader: impl Read,
    max_file_size: u64,
    mut take: impl FnMut(&Path) -> bool,
) -> Result<Vec<TarEntry>, Error> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let entries = archive
        .entries()
        .map_err(|source| read_error(location, source))?;
    let mut taken = Vec::new();
    for entry in entries {
        let mut entry = entry.map_err(|source| read_error(location, source))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(|source| read_error(location, source))?
            .into_owned();
        if !take(&path) {
            continue;
        }
        let size = entry.size();
        if size > max_file_size {
            taken.push(TarEntry { path, bytes: None });
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        // The header's size bounds the read already; `take` guards against a reader
        // that would give more.
        entry
            .by_ref()
            .take(max_file_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| read_error(&location.join(&path), source))?;
        taken.push(TarEntry {
            path,
            bytes: Some(bytes.into_boxed_slice()),
        });
    }
    Ok(taken)
}
