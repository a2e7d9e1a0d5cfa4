//! Reading many opam files fast: directories, `.tar.gz` archives and lists of files,
//! read in batches (through io_uring on Linux, see [`batch`]) and handed to a parser
//! on every core, in a fixed order.
//!
//! [`OpamFiles`] is what `osec opam check` reads; the directory walk and the archive
//! reader are also how a [`crate::Repository`] is indexed, and a repository's opam
//! files on disk are read with [`read_file`]. Whatever the way in, a file is read
//! only if it is a regular file of at most the size limit ([`MAX_FILE_SIZE`] unless
//! told otherwise): a FIFO, a device or a socket is refused with an error naming it
//! rather than waited on, and a larger file is refused rather than read into memory.

mod batch;
mod tarball;
// The one module with unsafe code: io_uring shares buffers with the kernel.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod uring;
mod walk;

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use batch::BatchReader;
pub(crate) use batch::read_file;
pub(crate) use tarball::{TarEntry, read_tarball};
pub(crate) use walk::{Walk, walk};

/// The largest opam file read, in bytes, unless the caller gives another limit:
/// 16 MiB. opam-repository's largest opam file is 26 KB; the limit is there so that
/// `/dev/zero`, a sparse file or an archive entry that claims gigabytes is refused
/// instead of exhausting memory.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// What a file that is not a regular file is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character device, such as `/dev/zero`.
    CharacterDevice,
    /// A block device.
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The kind of a file that is not a regular file.
    pub(crate) fn of(file_type: &std::fs::FileType) -> FileKind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return FileKind::Fifo;
            } else if file_type.is_char_device() {
                return FileKind::CharacterDevice;
            } else if file_type.is_block_device() {
                return FileKind::BlockDevice;
            } else if file_type.is_socket() {
                return FileKind::Socket;
            }
        }
        if file_type.is_dir() {
            FileKind::Directory
        } else {
            FileKind::Other
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO",
            FileKind::CharacterDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "a special file",
        })
    }
}

/// Whether a file name is one of an opam file: `opam` or `*.opam`.
pub fn is_opam_file_name(name: &str) -> bool {
    name == "opam" || name.ends_with(".opam")
}

/// One opam file to read: a file on disk, or an entry of an archive already read.
#[derive(Debug)]
pub struct OpamInput {
    source: InputSource,
}

#[derive(Debug)]
enum InputSource {
    /// A file on disk, read in a batch with its neighbours. Its name is its path,
    /// made when asked: most files of a check are never named, and formatting 18,000
    /// paths up front cost 4% of `osec opam check`'s instructions.
    File(PathBuf),
    /// An archive entry's bytes, named `ARCHIVE:ENTRY`.
    Entry { name: String, bytes: Box<[u8]> },
    /// An archive entry that was not read because it is larger than the limit; the
    /// path is the archive's joined with the entry's.
    TooLarge { name: String, path: PathBuf },
}

impl OpamInput {
    /// The name to show for the file: its path, or `ARCHIVE:ENTRY` for an entry of an
    /// archive.
    pub fn name(&self) -> Cow<'_, str> {
        match &self.source {
            InputSource::File(path) => path.to_string_lossy(),
            InputSource::Entry { name, .. } | InputSource::TooLarge { name, .. } => {
                Cow::Borrowed(name)
            }
        }
    }
}

/// A list of opam files to read, in the order they were added.
#[derive(Debug)]
pub struct OpamFiles {
    inputs: Vec<OpamInput>,
    max_file_size: u64,
}

impl OpamFiles {
    /// An empty list, whose files are read if they hold at most `max_file_size` bytes
    /// ([`MAX_FILE_SIZE`] is the usual limit).
    pub fn new(max_file_size: u64) -> OpamFiles {
        OpamFiles {
            inputs: Vec::new(),
            max_file_size,
        }
    }

    /// Adds the opam files at `path`: the file itself (whatever its name), every
    /// `opam` and `*.opam` file under a directory (depth first, each directory's
    /// entries sorted by name, symbolic links not followed), or every such entry of a
    /// `.tar.gz`/`.tgz` archive (in archive order). Entries of an archive are read
    /// here; other files when [`OpamFiles::filter_map`] runs.
    pub fn add_path(&mut self, path: &Path) -> Result<(), Error> {
        let metadata = std::fs::metadata(path).map_err(|source| read_error(path, source))?;
        if metadata.is_dir() {
            let found = walk(
                path,
                &Walk {
                    package_file: None,
                    take: is_opam_file_name,
                },
            )?;
            self.inputs.extend(found.into_iter().map(file_input));
        } else if is_tarball_name(path) {
            let file = std::fs::File::open(path).map_err(|source| read_error(path, source))?;
            let entries = read_tarball(
                path,
                std::io::BufReader::new(file),
                self.max_file_size,
                |entry| {
                    let name = entry.file_name()?.to_string_lossy();
                    is_opam_file_name(&name).then(|| entry.to_owned())
                },
            )?;
            self.inputs.extend(entries.into_iter().map(|entry| {
                let name = format!("{}:{}", path.display(), entry.path.display());
                let source = match entry.bytes {
                    Some(bytes) => InputSource::Entry { name, bytes },
                    None => InputSource::TooLarge {
                        name,
                        path: path.join(&entry.path),
                    },
                };
                OpamInput { source }
            }));
        } else {
            self.inputs.push(file_input(path.to_owned()));
        }
        Ok(())
    }

    /// Adds the files named in a list, one path per line (empty lines are skipped),
    /// such as the output of `find`; `list` names the list in messages. The files are
    /// taken whatever their names.
    pub fn add_list(&mut self, list: &Path, mut reader: impl Read) -> Result<(), Error> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|source| read_error(list, source))?;
        let text = String::from_utf8(bytes).map_err(|error| Error::ListNotText {
            path: list.to_owned(),
            offset: error.utf8_error().valid_up_to(),
        })?;
        self.inputs.extend(
            text.lines()
                .filter(|line| !line.is_empty())
                .map(|line| file_input(PathBuf::from(line))),
        );
        Ok(())
    }

    /// How many files the list holds.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// Reads every file and calls `f` with its bytes, on every core, files on disk a
    /// batch at a time with one reader per thread. Returns, in the order of the list,
    /// what `f` returned when it returned something, and the error of every file that
    /// could not be read.
    pub fn filter_map<T, F>(&self, f: F) -> Vec<Result<T, Error>>
    where
        T: Send,
        F: Fn(&OpamInput, &[u8]) -> Option<T> + Sync,
    {
        // One reader per thread (`map_init` would make one per piece of work that
        // rayon splits off: eight rings even on one thread). `collect` keeps the
        // order of the list, so the result does not depend on the scheduling.
        thread_local! {
            static READER: RefCell<BatchReader> = RefCell::new(BatchReader::new());
        }
        self.inputs
            .par_chunks(BatchReader::BATCH)
            .map(|batch| READER.with_borrow_mut(|reader| self.read_batch(batch, reader, &f)))
            .flatten_iter()
            .collect()
    }

    /// Reads one batch and calls `f` on each of its files, in order.
    fn read_batch<T>(
        &self,
        inputs: &[OpamInput],
        reader: &mut BatchReader,
        f: &impl Fn(&OpamInput, &[u8]) -> Option<T>,
    ) -> Vec<Result<T, Error>> {
        let paths: Vec<&Path> = inputs
            .iter()
            .filter_map(|input| match &input.source {
                InputSource::File(path) => Some(path.as_path()),
                _ => None,
            })
            .collect();
        reader.read_batch(&paths);
        let mut files = 0..;
        inputs
            .iter()
            .filter_map(|input| match &input.source {
                InputSource::File(path) => {
                    let index = files.next().unwrap_or_default();
                    match reader.file(index, path, self.max_file_size) {
                        Ok(bytes) => f(input, bytes).map(Ok),
                        Err(error) => Some(Err(error)),
                    }
                }
                InputSource::Entry { bytes, .. } => f(input, bytes).map(Ok),
                InputSource::TooLarge { path, .. } => Some(Err(Error::TooLarge {
                    path: path.clone(),
                    limit: self.max_file_size,
                })),
            })
            .collect()
    }
}

fn file_input(path: PathBuf) -> OpamInput {
    OpamInput {
        source: InputSource::File(path),
    }
}

/// Whether `path` is named like a gzip-compressed tar archive.
pub(crate) fn is_tarball_name(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".tar.gz") || name.ends_with(".tgz")
}

pub(crate) fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_owned(),
        source,
    }
}
