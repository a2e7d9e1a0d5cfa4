//! Reading many small files with few system calls.
//!
//! Checking opam-repository reads 18,793 files of about 1.4 KB each, and the kernel's
//! share of that (open, read, read to see the end, close: four system calls a file)
//! was as large as the parse itself. On Linux a [`BatchReader`] hands the kernel a
//! batch of [`BatchReader::BATCH`] files at once through io_uring (see
//! [`super::uring`]), which took about a quarter off the kernel time on
//! opam-repository. Where io_uring is missing or refused (older kernels, container
//! policies that block it, other systems), and for any file the batch could not read
//! whole, it reads with plain system calls ([`read_into`]), which also decide what is
//! refused and produce the error messages: the batch is only ever a faster way to the
//! same bytes.

use std::fs::File;
use std::io::Read;
use std::path::Path;

#[cfg(target_os = "linux")]
use super::uring;
use super::{FileKind, read_error};
use crate::error::Error;

/// Reads files, a batch at a time, into buffers it keeps from batch to batch.
pub(crate) struct BatchReader {
    /// The io_uring reader, when the system has one that works.
    #[cfg(target_os = "linux")]
    ring: Option<uring::Ring>,
    /// The buffer of the plain reads.
    buffer: Vec<u8>,
}

impl BatchReader {
    /// How many files [`BatchReader::read_batch`] takes at most.
    pub(crate) const BATCH: usize = 32;

    /// A reader; io_uring is set up here, once, if the system allows it.
    pub(crate) fn new() -> BatchReader {
        BatchReader {
            #[cfg(target_os = "linux")]
            ring: uring::Ring::new(Self::BATCH),
            buffer: Vec::new(),
        }
    }

    /// Reads the files at `paths` (at most [`BatchReader::BATCH`]) ahead of
    /// [`BatchReader::file`], in one exchange with the kernel when io_uring works.
    pub(crate) fn read_batch(&mut self, paths: &[&Path]) {
        debug_assert!(paths.len() <= Self::BATCH);
        #[cfg(target_os = "linux")]
        if let Some(ring) = &mut self.ring
            && !ring.read(paths)
        {
            // The kernel may still write into the ring's buffers: leak them rather
            // than free them, and read plainly from now on.
            std::mem::forget(self.ring.take());
        }
        #[cfg(not(target_os = "linux"))]
        let _ = paths;
    }

    /// The bytes of `path`, the `index`th path of the last [`BatchReader::read_batch`]:
    /// from the batch when it read the whole file, else read now (also when `path`
    /// is not the one read at `index`). A file that is not a regular file, or larger
    /// than `max_size` bytes, is refused.
    pub(crate) fn file(
        &mut self,
        index: usize,
        path: &Path,
        max_size: u64,
    ) -> Result<&[u8], Error> {
        #[cfg(target_os = "linux")]
        if self.ring.as_ref().is_some_and(|ring| ring.has(index, path)) {
            let bytes = self.ring.as_ref().map_or(&[][..], |ring| ring.bytes(index));
            if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_size {
                return Err(Error::TooLarge {
                    path: path.to_owned(),
                    limit: max_size,
                });
            }
            return Ok(bytes);
        }
        let len = read_into(path, &mut self.buffer, max_size)?;
        // A file that the ring could never read without waiting, read plainly: it
        // lives on a filesystem where plain reads serve better (see `uring`). Every
        // request of the batch has completed, so the ring can simply be dropped.
        #[cfg(target_os = "linux")]
        if self
            .ring
            .as_ref()
            .is_some_and(|ring| ring.never_without_waiting(index))
        {
            self.ring = None;
        }
        #[cfg(not(target_os = "linux"))]
        let _ = index;
        Ok(self.buffer.get(..len).unwrap_or_default())
    }
}

/// Reads the whole file at `path`, a regular file of at most `max_size` bytes.
pub(crate) fn read_file(path: &Path, max_size: u64) -> Result<Vec<u8>, Error> {
    let mut buffer = Vec::new();
    let len = read_into(path, &mut buffer, max_size)?;
    buffer.truncate(len);
    Ok(buffer)
}

/// Reads the whole file at `path` into `buffer`, returning its length: `buffer[..len]`
/// is the text. The buffer is reused from file to file, so checking a repository
/// makes no allocation per file for reading; the bytes past the length are stale.
///
/// The file is opened without waiting (a FIFO with no writer would block `open`
/// forever), then refused unless it is a regular file of at most `max_size` bytes.
/// The read stops past `max_size` bytes too, for a file that grows meanwhile or
/// reports no size (as files of `/proc` do).
fn read_into(path: &Path, buffer: &mut Vec<u8>, max_size: u64) -> Result<usize, Error> {
    let mut file = open_without_waiting(path).map_err(|source| read_error(path, source))?;
    let metadata = file.metadata().map_err(|source| read_error(path, source))?;
    if !metadata.is_file() {
        return Err(Error::NotRegularFile {
            path: path.to_owned(),
            kind: FileKind::of(&metadata.file_type()),
        });
    }
    let too_large = || Error::TooLarge {
        path: path.to_owned(),
        limit: max_size,
    };
    if metadata.len() > max_size {
        return Err(too_large());
    }
    let max_len = usize::try_from(max_size).unwrap_or(usize::MAX);
    let mut len = 0;
    loop {
        if len == buffer.len() {
            buffer.resize((2 * buffer.len()).max(64 * 1024), 0);
        }
        let Some(free) = buffer.get_mut(len..) else {
            return Ok(len);
        };
        match file.read(free) {
            Ok(0) => return Ok(len),
            Ok(n) => {
                len += n;
                if len > max_len {
                    return Err(too_large());
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(read_error(path, error)),
        }
    }
}

/// Opens `path` for reading without waiting for a writer (a FIFO) or a device.
/// On a regular file the flag changes nothing.
#[cfg(unix)]
fn open_without_waiting(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_waiting(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of the sizes that matter to a batch: empty, small, one byte short of the
    /// batch's buffer, exactly its size, larger; a directory and a missing file; then,
    /// where the system has them, a FIFO without a writer and two devices.
    fn fixtures(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut paths = sized_files(dir);
        paths.extend(special_files(dir));
        paths
    }

    /// A FIFO nobody writes to (opening it plainly would wait forever), `/dev/zero`
    /// (endless) and `/dev/null` (empty), where they exist.
    fn special_files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut paths = Vec::new();
        let fifo = dir.join("fifo");
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|status| status.success())
        {
            paths.push(fifo);
        }
        for device in ["/dev/zero", "/dev/null"] {
            if Path::new(device).exists() {
                paths.push(device.into());
            }
        }
        paths
    }

    fn sized_files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut paths = Vec::new();
        for (name, len) in [
            ("empty", 0),
            ("small", 1_400),
            ("just-under", 64 * 1024 - 1),
            ("exact", 64 * 1024),
            ("large", 200_000),
        ] {
            let path = dir.join(name);
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(&path, bytes).unwrap();
            paths.push(path);
        }
        std::fs::create_dir(dir.join("a-directory")).unwrap();
        paths.push(dir.join("a-directory"));
        paths.push(dir.join("missing"));
        paths
    }

    /// What a reader gives for each path: the bytes, or the error message.
    fn read_all(
        reader: &mut BatchReader,
        paths: &[std::path::PathBuf],
    ) -> Vec<Result<Vec<u8>, String>> {
        let mut out = Vec::new();
        for batch in paths.chunks(3) {
            let refs: Vec<&Path> = batch.iter().map(std::path::PathBuf::as_path).collect();
            reader.read_batch(&refs);
            for (index, path) in batch.iter().enumerate() {
                out.push(
                    reader
                        .file(index, path, MAX)
                        .map(<[u8]>::to_vec)
                        .map_err(|error| format!("{error:#}")),
                );
            }
        }
        out
    }

    const MAX: u64 = crate::read::MAX_FILE_SIZE;

    #[test]
    fn a_batch_gives_what_plain_reads_give_for_every_kind_of_file() {
        let dir = tempfile::tempdir().unwrap();
        let paths = fixtures(dir.path());
        let expected: Vec<Result<Vec<u8>, String>> = paths
            .iter()
            .map(|path| {
                let mut buffer = Vec::new();
                read_into(path, &mut buffer, MAX)
                    .map(|len| buffer[..len].to_vec())
                    .map_err(|error| format!("{error:#}"))
            })
            .collect();
        for (path, result) in paths.iter().zip(&expected) {
            let name = path.file_name().unwrap().to_str().unwrap();
            let refused = match name {
                "missing" => Some("No such file"),
                "a-directory" => Some("it is a directory, not a regular file"),
                "fifo" => Some("it is a FIFO, not a regular file"),
                "zero" | "null" => Some("it is a character device, not a regular file"),
                _ => None,
            };
            if let Some(reason) = refused {
                let message = result.as_ref().unwrap_err();
                let expected = format!("cannot read {}: ", path.display());
                assert!(message.starts_with(&expected), "{message}");
                assert!(message.contains(reason), "{message}");
            } else {
                assert_eq!(result.as_ref().unwrap(), &std::fs::read(path).unwrap());
            }
        }
        // Twice with the same reader: the buffers are reused from batch to batch.
        let mut reader = BatchReader::new();
        assert_eq!(read_all(&mut reader, &paths), expected);
        assert_eq!(read_all(&mut reader, &paths), expected);
    }

    /// A file larger than the limit is refused, whether the batch read it or not, and
    /// the limit is inclusive.
    #[test]
    fn files_over_the_limit_are_refused_by_both_readers() {
        let dir = tempfile::tempdir().unwrap();
        let paths = sized_files(dir.path());
        let mut reader = BatchReader::new();
        let refs: Vec<&Path> = paths
            .iter()
            .take(5)
            .map(std::path::PathBuf::as_path)
            .collect();
        for limit in [1_400, 64 * 1024] {
            reader.read_batch(&refs);
            for (index, path) in refs.iter().enumerate() {
                let len = std::fs::metadata(path).unwrap().len();
                let batch = reader.file(index, path, limit).map(<[u8]>::len);
                let plain = read_file(path, limit).map(|bytes| bytes.len());
                for result in [
                    batch.map_err(|e| e.to_string()),
                    plain.map_err(|e| e.to_string()),
                ] {
                    if len <= limit {
                        assert_eq!(result, Ok(usize::try_from(len).unwrap()));
                    } else {
                        assert_eq!(
                            result,
                            Err(format!(
                                "cannot read {}: it is larger than {limit} bytes, the limit for an opam file",
                                path.display()
                            ))
                        );
                    }
                }
            }
        }
    }

    /// Where the system has io_uring, the batch itself reads the small files (not
    /// the plain reader behind it), and leaves the rest to the plain reader.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_ring_reads_whole_files_that_fit_and_only_those() {
        let Some(mut ring) = uring::Ring::new(16) else {
            test_references::skip(
                "the_ring_reads_whole_files_that_fit_and_only_those",
                "io_uring is not available here",
            );
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let paths = fixtures(dir.path());
        let refs: Vec<&Path> = paths.iter().map(std::path::PathBuf::as_path).collect();
        assert!(ring.read(&refs));
        if ring.never_without_waiting(0) {
            test_references::skip(
                "the_ring_reads_whole_files_that_fit_and_only_those",
                "this filesystem cannot be read without waiting",
            );
            return;
        }
        let read: Vec<bool> = paths
            .iter()
            .enumerate()
            .map(|(index, path)| ring.has(index, path))
            .collect();
        // small, just-under: read; empty (it might be a FIFO or a device: the plain
        // reader decides), exact, large, directory, missing: not.
        assert_eq!(read[..7], [false, true, true, false, false, false, false]);
        // Nor the FIFO and the devices, which the plain reader refuses.
        assert!(read[7..].iter().all(|read| !read));
        // A directory cannot be read without waiting either; a missing file just fails.
        assert!(ring.never_without_waiting(5) && !ring.never_without_waiting(6));
        for (index, path) in paths.iter().enumerate().take(3) {
            assert_eq!(ring.bytes(index), std::fs::read(path).unwrap());
        }
        // A second batch, shorter, forgets the first one's files.
        assert!(ring.read(&refs[1..2]));
        assert!(ring.has(0, &paths[1]) && !ring.has(1, &paths[2]));
        // A path that is not the one read at that place is not taken for it.
        assert!(!ring.has(0, &paths[0]));
        assert_eq!(ring.bytes(0), std::fs::read(&paths[1]).unwrap());
    }
}
