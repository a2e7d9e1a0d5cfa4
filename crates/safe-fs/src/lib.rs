//! Reading and writing files safely, for every osec crate that touches files given
//! by a user or found in a tree: advisories, lock files, output trees, caches.
//!
//! **Owns:** bounded reads of regular files ([`read_bounded`],
//! [`read_bounded_to_string`]: FIFOs, sockets, devices and directories refused
//! without blocking, a size limit checked before and enforced during the read);
//! atomic writes ([`OutputRoot`], [`write_file`], [`rewrite`]: temporary file, fsync,
//! rename; no symbolic link followed under the output directory; the mode of the
//! replaced file or the umask's; read-only files left alone; leftovers of
//! interrupted runs removed; only when the bytes change); file names made safe to
//! print for people ([`escape_control`], [`display_path`]).
//! **Does not own:** what the files mean (each format's crate), walking trees of
//! inputs (`advisory::tree`, `opam-model`), printing (the `osec` binary).
//!
//! Errors ([`Error`]) name the file, say whether it was being read or written, and
//! what to do; [`Error::kind`] gives the reason alone.
//!
//! ```
//! # fn main() -> Result<(), safe_fs::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let out_dir = dir.path().join("out");
//! let out = safe_fs::OutputRoot::open(&out_dir)?;
//! let change = out.write("2026/OSEC-2026-01.json".as_ref(), b"{}\n")?;
//! assert_eq!(change, safe_fs::FileChange::Created);
//! let bytes = safe_fs::read_bounded(&out_dir.join("2026/OSEC-2026-01.json"), safe_fs::DEFAULT_READ_LIMIT)?;
//! assert_eq!(bytes, b"{}\n");
//! assert_eq!(out.write("2026/OSEC-2026-01.json".as_ref(), b"{}\n")?, safe_fs::FileChange::Unchanged);
//! # Ok(()) }
//! ```
//!
//! # Limitations
//! - Unix only (it uses `openat`, `O_NOFOLLOW`, `flock` and permission bits).
//! - A replaced file gets the owner of the process that writes it, not its previous
//!   owner; hard links to the old file keep the old bytes.
//! - [`read_bounded`] follows symbolic links: a path given to read is the user's
//!   choice. Only writes refuse links, and only below their output directory.
//! - A leftover temporary file is removed by the next write into its directory,
//!   not by reads.

#![forbid(unsafe_code)]

mod display;
mod error;
mod read;
mod write;

pub use display::{display_path, escape_control, escape_control_keeping_lines, mask_c1_controls};
pub use error::{Error, ErrorKind, FileKind, Operation, Result};
pub use read::{DEFAULT_READ_LIMIT, read_bounded, read_bounded_to_string};
pub use write::{FileChange, OutputRoot, TEMP_PREFIX, rewrite, write_file, write_file_with};
