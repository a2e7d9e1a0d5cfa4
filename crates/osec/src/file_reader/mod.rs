//! Reading many small files with few system calls, for `osec opam check`.
//!
//! Checking opam-repository reads 18,793 files of about 1.4 KB each, and the kernel's
//! share of that (open, read, read to see the end, close: four system calls a file)
//! was as large as the parse itself. On Linux a [`FileReader`] hands the kernel a
//! batch of [`FileReader::BATCH`] files at once through io_uring (see [`uring`]),
//! which took about a quarter off the kernel time on opam-repository. Where io_uring
//! is missing or refused (older kernels, container policies that block it, other
//! systems), and for any file the batch could not read whole, it reads with plain
//! system calls, which also produce the error messages: the batch is only ever a
//! faster way to the same bytes.

#[cfg(target_os = "linux")]
mod uring;

use std::io::Read;
use std::path::Path;

use anyhow::Context;

/// Reads files, a batch at a time, into buffers it keeps from batch to batch.
pub(crate) struct FileReader {
    /// The io_uring reader, when the system has one that works.
    #[cfg(target_os = "linux")]
    ring: Option<uring::Ring>,
    /// The buffer of the plain reads.
    buffer: Vec<u8>,
}

impl FileReader {
    /// How many files [`FileReader::read_batch`] takes at most.
    pub(crate) const BATCH: usize = 32;

    /// A reader; io_uring is set up here, once, if the system allows it.
    pub(crate) fn new() -> FileReader {
        FileReader {
            #[cfg(target_os = "linux")]
            ring: uring::Ring::new(Self::BATCH),
            buffer: Vec::new(),
        }
    }

    /// Reads the files at `paths` (at most [`FileReader::BATCH`]) ahead of
    /// [`FileReader::file`], in one exchange with the kernel when io_uring works.
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

    /// The bytes of `path`, the `index`th path of the last [`FileReader::read_batch`]:
    /// from the batch when it read the whole file, else read now (also when `path`
    /// is not the one read at `index`).
    pub(crate) fn file(&mut self, index: usize, path: &Path) -> anyhow::Result<&[u8]> {
        #[cfg(target_os = "linux")]
        if self.ring.as_ref().is_some_and(|ring| ring.has(index, path)) {
            return Ok(self.ring.as_ref().map_or(&[], |ring| ring.bytes(index)));
        }
        let len = read_into(path, &mut self.buffer)?;
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
        Ok(&self.buffer[..len])
    }
}

/// Reads the whole file at `path` into `buffer`, returning its length: `buffer[..len]`
/// is the text. The buffer is reused from file to file, so checking a repository
/// makes no allocation per file for reading; the bytes past the length are stale.
///
/// Unlike `std::fs::read` this asks the kernel for no size first (`read_to_end` on a
/// `File` does `statx` and `lseek`): open, read until a read returns nothing, close.
fn read_into(path: &Path, buffer: &mut Vec<u8>) -> anyhow::Result<usize> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut len = 0;
    loop {
        if len == buffer.len() {
            buffer.resize((2 * buffer.len()).max(64 * 1024), 0);
        }
        match file.read(&mut buffer[len..]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of the sizes that matter to a batch: empty, small, one byte short of the
    /// batch's buffer, exactly its size, larger; a directory and a missing file.
    fn fixtures(dir: &Path) -> Vec<std::path::PathBuf> {
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
        reader: &mut FileReader,
        paths: &[std::path::PathBuf],
    ) -> Vec<Result<Vec<u8>, String>> {
        let mut out = Vec::new();
        for batch in paths.chunks(3) {
            let refs: Vec<&Path> = batch.iter().map(std::path::PathBuf::as_path).collect();
            reader.read_batch(&refs);
            for (index, path) in batch.iter().enumerate() {
                out.push(
                    reader
                        .file(index, path)
                        .map(<[u8]>::to_vec)
                        .map_err(|error| format!("{error:#}")),
                );
            }
        }
        out
    }

    #[test]
    fn a_batch_gives_what_plain_reads_give_for_every_kind_of_file() {
        let dir = tempfile::tempdir().unwrap();
        let paths = fixtures(dir.path());
        let expected: Vec<Result<Vec<u8>, String>> = paths
            .iter()
            .map(|path| {
                let mut buffer = Vec::new();
                read_into(path, &mut buffer)
                    .map(|len| buffer[..len].to_vec())
                    .map_err(|error| format!("{error:#}"))
            })
            .collect();
        for (path, result) in paths.iter().zip(&expected) {
            if path.ends_with("missing") || path.ends_with("a-directory") {
                let message = result.as_ref().unwrap_err();
                assert!(message.starts_with(&format!("cannot read {}", path.display())));
            } else {
                assert_eq!(result.as_ref().unwrap(), &std::fs::read(path).unwrap());
            }
        }
        // Twice with the same reader: the buffers are reused from batch to batch.
        let mut reader = FileReader::new();
        assert_eq!(read_all(&mut reader, &paths), expected);
        assert_eq!(read_all(&mut reader, &paths), expected);
    }

    /// Where the system has io_uring, the batch itself reads the small files (not
    /// the plain reader behind it), and leaves the rest to the plain reader.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_ring_reads_whole_files_that_fit_and_only_those() {
        let Some(mut ring) = uring::Ring::new(8) else {
            eprintln!("skipped: io_uring is not available here");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let paths = fixtures(dir.path());
        let refs: Vec<&Path> = paths.iter().map(std::path::PathBuf::as_path).collect();
        assert!(ring.read(&refs));
        if ring.never_without_waiting(0) {
            eprintln!("skipped: this filesystem cannot be read without waiting");
            return;
        }
        let read: Vec<bool> = paths
            .iter()
            .enumerate()
            .map(|(index, path)| ring.has(index, path))
            .collect();
        // empty, small, just-under: read; exact, large, directory, missing: not.
        assert_eq!(read, [true, true, true, false, false, false, false]);
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
