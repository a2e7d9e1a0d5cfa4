//! The io_uring batch of [`super::batch::BatchReader`] (Linux 5.19 or later).
//!
//! Each file of a batch is four linked requests on a direct descriptor, a slot of
//! the ring's own file table, so no file descriptor is ever installed in the process:
//!
//! 1. `openat` the path into slot *i*, without waiting (`O_NONBLOCK`: a FIFO with no
//!    writer would otherwise hold the batch forever), linked: if it fails, the rest
//!    is cancelled;
//! 2. `read` up to [`BUFFER`] bytes into buffer *i*, from the file position;
//! 3. `read` one more byte, which must find the end of the file (as the last `read`
//!    of a plain loop does; a short first read is not taken to mean the end);
//! 4. `close` slot *i*.
//!
//! Steps 2 to 4 are hard links: a short read (the usual case) does not cancel what
//! follows. The whole batch is submitted and awaited with one system call. A file
//! counts as read only when the first read returned between 1 and [`BUFFER`] - 1 bytes
//! and the second returned none; anything else (an error, an empty file, a larger
//! file, a path with a NUL byte) is left to the plain reader, which reports errors as
//! usual. The batch cannot tell a regular file from a FIFO or a device, which the
//! plain reader refuses; those read nothing without waiting (a FIFO without a
//! writer, `/dev/null`) or fill the buffer (`/dev/zero`), so they go to the plain
//! reader too. Only a FIFO whose writer already wrote less than [`BUFFER`] bytes and
//! closed it would be read by the batch, as a file of those bytes.
//!
//! The reads ask not to wait (`RWF_NOWAIT`). A read the kernel cannot serve at once
//! (a file not in the page cache, or a filesystem such as tmpfs that cannot read
//! without blocking) would otherwise go to a pool of kernel threads, which made a
//! check of files on tmpfs twice as slow as plain reads. With the flag it fails
//! instead, and the plain reader reads the file:
//!
//! - `EAGAIN`: not now (pages not cached yet, or marked for read-ahead, which only a
//!   plain read triggers). Only that file is read plainly.
//! - `EOPNOTSUPP`: never, on this file's filesystem (tmpfs; a directory too). When
//!   the plain read of such a file succeeds, the files are on a filesystem that io_uring
//!   only serves with its kernel threads, and the reader gives the ring up
//!   ([`Ring::never_without_waiting`]).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use io_uring::{IoUring, opcode, squeue::Flags, types};

/// The largest file a batch reads; larger ones (none in opam-repository, whose
/// biggest opam file is 26 KB) are read by the plain reader.
const BUFFER: usize = 64 * 1024;

/// The four requests of one file, as the low bits of their `user_data`.
const OPEN: u64 = 0;
const READ: u64 = 1;
const PROBE: u64 = 2;
const CLOSE: u64 = 3;
const REQUESTS: usize = 4;

/// What the last batch did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Read whole: its length.
    Read(usize),
    /// Not read, because its filesystem cannot read without waiting.
    NeverWithoutWaiting,
    /// Not read, for any other reason.
    NotRead,
}

/// An io_uring with a file table of `slots` slots and a buffer per slot.
pub(super) struct Ring {
    ring: IoUring,
    slots: usize,
    /// Room for `slots * BUFFER` bytes: slot *i* reads into the `BUFFER` bytes from
    /// `i * BUFFER`. Left uninitialised (the length stays 0): zeroing it would touch
    /// 2 MiB of fresh pages per ring to read files of 1.4 KB on average. Only the
    /// bytes the kernel wrote are ever looked at.
    buffers: Vec<u8>,
    /// A byte per slot for the second read, which should read nothing.
    probes: Vec<u8>,
    /// The paths of the batch in flight, kept alive until its requests complete.
    paths: Vec<CString>,
    /// What each request of the last batch returned, `REQUESTS` per slot.
    results: Vec<i32>,
    /// What the last batch did with each of its files.
    statuses: Vec<Status>,
}

impl Ring {
    /// A ring for batches of up to `slots` files, or `None` where io_uring is not
    /// there or lacks what the batch needs (direct descriptors, linked file
    /// assignment and reads at the file position: Linux 5.19 or later).
    pub(super) fn new(slots: usize) -> Option<Ring> {
        let entries = u32::try_from(slots * REQUESTS).ok()?;
        let ring = IoUring::new(entries).ok()?;
        let params = ring.params();
        if !(params.is_feature_linked_file() && params.is_feature_rw_cur_pos()) {
            return None;
        }
        // Sparse registration came with Linux 5.19: it succeeding implies the rest.
        ring.submitter()
            .register_files_sparse(u32::try_from(slots).ok()?)
            .ok()?;
        Some(Ring {
            ring,
            slots,
            buffers: Vec::with_capacity(slots * BUFFER),
            probes: vec![0; slots],
            paths: Vec::with_capacity(slots),
            results: Vec::with_capacity(slots * REQUESTS),
            statuses: Vec::with_capacity(slots),
        })
    }

    /// Reads `paths` (at most `slots` of them) as one batch. `false` when the ring
    /// failed as a whole: requests may then still be in flight, writing into the
    /// buffers and reading the paths, so the ring must be given up without being
    /// dropped (see [`super::batch::BatchReader::read_batch`]).
    pub(super) fn read(&mut self, paths: &[&Path]) -> bool {
        self.statuses.clear();
        self.statuses.resize(paths.len(), Status::NotRead);
        if paths.len() > self.slots {
            return true;
        }
        self.paths.clear();
        // A path with a NUL byte cannot be opened: an empty one fails the same way.
        self.paths.extend(
            paths
                .iter()
                .map(|path| CString::new(path.as_os_str().as_bytes()).unwrap_or_default()),
        );
        self.results.clear();
        self.results.resize(paths.len() * REQUESTS, i32::MIN);
        if !(self.submit() && self.wait()) {
            return false;
        }
        for (slot, status) in self.statuses.iter_mut().enumerate() {
            let result = |request: u64| self.results[slot * REQUESTS + request as usize];
            *status = match usize::try_from(result(READ)) {
                Ok(len) if len > 0 && len < BUFFER && result(PROBE) == 0 => Status::Read(len),
                Err(_) if result(READ) == -libc::EOPNOTSUPP => Status::NeverWithoutWaiting,
                _ => Status::NotRead,
            };
        }
        true
    }

    /// Whether the `index`th file of the last batch is `path` and was read whole.
    pub(super) fn has(&self, index: usize, path: &Path) -> bool {
        matches!(self.statuses.get(index), Some(Status::Read(_)))
            && self.paths[index].as_bytes() == path.as_os_str().as_bytes()
    }

    /// Whether the `index`th file of the last batch was not read because its
    /// filesystem cannot read without waiting (or because it is a directory, which
    /// fails the same way).
    pub(super) fn never_without_waiting(&self, index: usize) -> bool {
        self.statuses.get(index) == Some(&Status::NeverWithoutWaiting)
    }

    /// The bytes of the `index`th file of the last batch (empty if it was not read).
    pub(super) fn bytes(&self, index: usize) -> &[u8] {
        match self.statuses.get(index) {
            // SAFETY: `len < BUFFER` bytes from `index * BUFFER` are inside the
            // buffers' allocation, and the kernel's completed read wrote them all.
            Some(Status::Read(len)) => unsafe {
                std::slice::from_raw_parts(self.buffers.as_ptr().add(index * BUFFER), *len)
            },
            _ => &[],
        }
    }

    /// Queues the four requests of every path of the batch.
    fn submit(&mut self) -> bool {
        let mut queue = self.ring.submission();
        for (slot, path) in self.paths.iter().enumerate() {
            let (Ok(index), Ok(target)) = (
                u32::try_from(slot),
                types::DestinationSlot::try_from_slot_target(slot as u32),
            ) else {
                return false;
            };
            let file = types::Fixed(index);
            let tag = (slot as u64) * REQUESTS as u64;
            // In bounds: `slot < slots`, and the allocation holds `slots * BUFFER`.
            let buffer = self.buffers.as_mut_ptr().wrapping_add(slot * BUFFER);
            let probe = self.probes[slot..].as_mut_ptr();
            // No O_CLOEXEC: a direct descriptor is never in the process's table, and
            // the kernel refuses the flag for one.
            let requests = [
                opcode::OpenAt::new(types::Fd(libc::AT_FDCWD), path.as_ptr())
                    .flags(libc::O_RDONLY | libc::O_NONBLOCK)
                    .file_index(Some(target))
                    .build()
                    .flags(Flags::IO_LINK)
                    .user_data(tag + OPEN),
                opcode::Read::new(file, buffer, BUFFER as u32)
                    .offset(u64::MAX)
                    .rw_flags(libc::RWF_NOWAIT)
                    .build()
                    .flags(Flags::IO_HARDLINK)
                    .user_data(tag + READ),
                opcode::Read::new(file, probe, 1)
                    .offset(u64::MAX)
                    .rw_flags(libc::RWF_NOWAIT)
                    .build()
                    .flags(Flags::IO_HARDLINK)
                    .user_data(tag + PROBE),
                opcode::Close::new(file).build().user_data(tag + CLOSE),
            ];
            // SAFETY: the path, the buffer and the probe byte belong to `self` and
            // are neither freed nor touched until `wait` has seen every request of
            // the batch complete (or the ring and its memory are given up).
            if unsafe { queue.push_multiple(&requests) }.is_err() {
                return false;
            }
        }
        true
    }

    /// Submits the queued requests and waits for all of them to complete, recording
    /// their results.
    fn wait(&mut self) -> bool {
        let expected = self.results.len();
        let mut seen = 0;
        while seen < expected {
            match self.ring.submit_and_wait(expected - seen) {
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
            for entry in self.ring.completion() {
                let Some(result) = usize::try_from(entry.user_data())
                    .ok()
                    .and_then(|tag| self.results.get_mut(tag))
                else {
                    return false;
                };
                *result = entry.result();
                seen += 1;
            }
        }
        true
    }
}
