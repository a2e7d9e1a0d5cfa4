//! Bounded reads of regular files.

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

use crate::error::{Error, ErrorKind, FileKind, Operation, Result};

/// The most [`read_bounded`] callers read by default: 16 MiB. The largest real
/// advisory is about 10 KiB and the largest lock file a few hundred KiB; a caller
/// that needs more passes its own limit.
pub const DEFAULT_READ_LIMIT: u64 = 16 * 1024 * 1024;

/// The bytes of the regular file at `path` (symbolic links followed), at most `limit`
/// of them.
///
/// A FIFO, socket, device or directory is refused without being opened, so that
/// reading never blocks (a FIFO with no writer) and never runs forever (`/dev/zero`).
/// The file is then opened without blocking and checked again through the open
/// handle, so that a path swapped for a FIFO in between is refused as well. A file
/// larger than `limit` is refused before it is read, and the read itself stops
/// after `limit + 1` bytes: a file that grows, or whose size says less than it holds
/// (`/proc`), cannot make the read unbounded.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let fail = |kind| Error::new(path, Operation::Read, kind);
    let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, Operation::Read, e))?;
    if let Some(kind) = FileKind::of_std(metadata.file_type()) {
        return Err(fail(ErrorKind::NotRegular(kind)));
    }
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let file = File::from(
        rustix::fs::open(path, flags, Mode::empty())
            .map_err(|e| Error::io(path, Operation::Read, e))?,
    );
    let metadata = file
        .metadata()
        .map_err(|e| Error::io(path, Operation::Read, e))?;
    if let Some(kind) = FileKind::of_std(metadata.file_type()) {
        return Err(fail(ErrorKind::NotRegular(kind)));
    }
    if metadata.len() > limit {
        return Err(fail(ErrorKind::TooLarge { limit }));
    }
    // The size is at most `limit` here; a wrong size only costs a reallocation.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    (&file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, Operation::Read, e))?;
    if bytes.len() as u64 > limit {
        return Err(fail(ErrorKind::TooLarge { limit }));
    }
    Ok(bytes)
}

/// [`read_bounded`], then the bytes as UTF-8 text; a file that is not UTF-8 is an
/// [`ErrorKind::NotUtf8`] giving the line and column of the first invalid byte.
pub fn read_bounded_to_string(path: &Path, limit: u64) -> Result<String> {
    String::from_utf8(read_bounded(path, limit)?).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let (line, column) = line_column(error.as_bytes(), offset);
        Error::new(
            path,
            Operation::Read,
            ErrorKind::NotUtf8 {
                offset,
                line,
                column,
            },
        )
    })
}

/// The line and column (both from 1, the column in characters) of byte `offset`,
/// where the bytes before `offset` are valid UTF-8.
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let prefix = bytes.get(..offset).unwrap_or(bytes);
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let last_line = prefix.get(line_start..).unwrap_or_default();
    let column = std::str::from_utf8(last_line).map_or(last_line.len(), |s| s.chars().count());
    (line, column + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_from_one() {
        let bytes = b"ab\nc\xc3\xa9d\xff";
        assert_eq!(line_column(bytes, 0), (1, 1));
        assert_eq!(line_column(bytes, 3), (2, 1));
        assert_eq!(line_column(bytes, 7), (2, 4));
    }

    #[test]
    fn the_limit_of_a_read_is_inclusive() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read_bounded(&file, 5).unwrap(), b"12345");
        let err = read_bounded(&file, 4).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::TooLarge { limit: 4 }),
            "{err}"
        );
    }
}
