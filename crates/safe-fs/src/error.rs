//! The crate's error type: what went wrong, with the file it concerns.

use std::path::{Path, PathBuf};

use crate::display::display_path;

/// A file could not be read or written. Its message names the file (with control
/// characters escaped, see [`crate::escape_control`]) and says what to do.
#[derive(Debug, thiserror::Error)]
#[error("cannot {operation} {}: {kind}", display_path(path))]
pub struct Error {
    path: PathBuf,
    operation: Operation,
    // Not a `#[source]`: the message already holds it, and a chain printed with
    // `{:#}` would repeat it.
    kind: ErrorKind,
}

impl Error {
    pub(crate) fn new(path: &Path, operation: Operation, kind: ErrorKind) -> Error {
        Error {
            path: path.to_path_buf(),
            operation,
            kind,
        }
    }

    pub(crate) fn io(
        path: &Path,
        operation: Operation,
        source: impl Into<std::io::Error>,
    ) -> Error {
        Error::new(path, operation, ErrorKind::Io(source.into()))
    }

    /// The same error about `path`: a file whose directory could not be made.
    pub(crate) fn with_path(self, path: &Path) -> Error {
        Error {
            path: path.to_path_buf(),
            ..self
        }
    }

    /// The file concerned.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was being read or written.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// What went wrong, without the path: "it is a FIFO (named pipe), not a regular
    /// file", for callers that show the path elsewhere.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

/// Turns the error into an I/O error of the closest kind, for callers whose own
/// errors are I/O errors. The message keeps the path.
impl From<Error> for std::io::Error {
    fn from(error: Error) -> std::io::Error {
        let kind = match &error.kind {
            ErrorKind::Io(source) => source.kind(),
            ErrorKind::TooLarge { .. } => std::io::ErrorKind::FileTooLarge,
            ErrorKind::NotUtf8 { .. } => std::io::ErrorKind::InvalidData,
            ErrorKind::ReadOnly { .. } => std::io::ErrorKind::PermissionDenied,
            _ => std::io::ErrorKind::InvalidInput,
        };
        std::io::Error::new(kind, error)
    }
}

/// Whether a file was being read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Reading.
    Read,
    /// Writing.
    Write,
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Operation::Read => "read",
            Operation::Write => "write",
        })
    }
}

/// What went wrong reading or writing a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The system refused (permission denied, no such file, disk full…).
    #[error("{0}")]
    Io(std::io::Error),
    /// The path names something that is not a regular file; it was not opened for
    /// reading (a FIFO would block, a device would never end).
    #[error("it is a {0}, not a regular file; give the path of a regular file")]
    NotRegular(FileKind),
    /// The file is larger than the limit of this read.
    #[error(
        "it is larger than {limit} bytes, the most osec reads from such a file; check that this is the file you meant"
    )]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error(
        "it is not UTF-8 text: line {line}, column {column} holds a byte that starts no UTF-8 character; save the file as UTF-8"
    )]
    NotUtf8 {
        /// The byte offset of the first invalid sequence.
        offset: usize,
        /// Its line, from 1.
        line: usize,
        /// Its column, from 1, in characters.
        column: usize,
    },
    /// A symbolic link sits where a write would pass through or replace it.
    #[error(
        "{} is a symbolic link, and osec follows none under the output directory {}; remove the link, or write to another directory",
        display_path(link),
        display_path(root)
    )]
    Symlink {
        /// The link.
        link: PathBuf,
        /// The output directory.
        root: PathBuf,
    },
    /// The file to replace is read-only.
    #[error("it is read-only (mode {mode:04o}); make it writable (chmod u+w) if it should change")]
    ReadOnly {
        /// Its permission bits.
        mode: u32,
    },
    /// The path to write is not a plain path inside the output directory (it is
    /// empty, absolute, or has `..` or `.` components).
    #[error("it is not a path inside the output directory")]
    OutsideRoot,
}

/// The kind of a file that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A FIFO (named pipe).
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharacterDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A symbolic link (only seen where links are not followed).
    Symlink,
    /// Anything else the system reports.
    Other,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "directory",
            FileKind::Fifo => "FIFO (named pipe)",
            FileKind::Socket => "socket",
            FileKind::CharacterDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Symlink => "symbolic link",
            FileKind::Other => "special file",
        })
    }
}

impl FileKind {
    /// The kind of a file that is not regular, or `None` for a regular file.
    pub(crate) fn of_std(file_type: std::fs::FileType) -> Option<FileKind> {
        use std::os::unix::fs::FileTypeExt as _;
        Some(if file_type.is_file() {
            return None;
        } else if file_type.is_dir() {
            FileKind::Directory
        } else if file_type.is_symlink() {
            FileKind::Symlink
        } else if file_type.is_fifo() {
            FileKind::Fifo
        } else if file_type.is_socket() {
            FileKind::Socket
        } else if file_type.is_char_device() {
            FileKind::CharacterDevice
        } else if file_type.is_block_device() {
            FileKind::BlockDevice
        } else {
            FileKind::Other
        })
    }

    /// The same for a mode from `fstat`/`fstatat`.
    pub(crate) fn of_mode(mode: rustix::fs::RawMode) -> Option<FileKind> {
        use rustix::fs::FileType;
        Some(match FileType::from_raw_mode(mode) {
            FileType::RegularFile => return None,
            FileType::Directory => FileKind::Directory,
            FileType::Symlink => FileKind::Symlink,
            FileType::Fifo => FileKind::Fifo,
            FileType::Socket => FileKind::Socket,
            FileType::CharacterDevice => FileKind::CharacterDevice,
            FileType::BlockDevice => FileKind::BlockDevice,
            FileType::Unknown => FileKind::Other,
        })
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
