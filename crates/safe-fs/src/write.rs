//! Atomic writes under an output directory.
//!
//! Every write goes to a temporary file in the target's directory, is flushed to
//! disk, then renamed over the target: a reader, or a run interrupted at any point,
//! sees the old file or the new one, never half of one.
//!
//! Paths under the output directory are walked one directory at a time with
//! `openat(O_NOFOLLOW)`: a symbolic link there (a year directory pointing elsewhere,
//! a record replaced by a link) is refused with [`ErrorKind::Symlink`], never
//! followed, even if it appears while osec runs. The output directory itself may be
//! reached through links: it is what the user named.
//!
//! A replaced file keeps its permission bits; a new file gets those of the umask
//! (0644 under the usual 022), as files written by other tools do. A file without
//! its owner's write permission is not replaced ([`ErrorKind::ReadOnly`]).
//!
//! Temporary files are named [`TEMP_PREFIX`]`…` and locked (`flock`) while they are
//! written. The first write into a directory removes the unlocked ones: those left
//! by a run that was killed.

use std::collections::BTreeSet;
use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io::{BufWriter, Read as _, Write};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{Error, ErrorKind, FileKind, Operation, Result};

/// The start of the name of every temporary file: a file of that name in an output
/// directory is a leftover of an interrupted write, and is removed.
pub const TEMP_PREFIX: &str = ".osec-tmp-";

/// What a write did to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// The file did not exist and was created.
    Created,
    /// The file existed with other bytes and was replaced.
    Updated,
    /// The file already had these bytes; it was not touched.
    Unchanged,
}

/// An output directory, written under safely.
///
/// Every write goes to a temporary file in the target's directory, is flushed to
/// disk, then renamed over the target: a reader, or a run interrupted at any point,
/// sees the old file or the new one, never half of one. Paths below the directory
/// are walked with `openat(O_NOFOLLOW)`: a symbolic link there is refused
/// ([`ErrorKind::Symlink`]), never followed, even one swapped in while osec runs; the
/// directory itself may be reached through links. A replaced file keeps its
/// permission bits, a new one gets the umask's; a file without its owner's write
/// permission is not replaced ([`ErrorKind::ReadOnly`]). Temporary files are named
/// [`TEMP_PREFIX`]`…` and locked while written; the first write into a directory
/// removes the unlocked ones, left by a run that was killed.
#[derive(Debug)]
pub struct OutputRoot {
    path: PathBuf,
    dir: OwnedFd,
    /// The directories (relative to the root) whose leftovers were removed already.
    cleaned: Mutex<BTreeSet<PathBuf>>,
}

/// A file to write: its directory, opened, and its name there.
struct Target<'a> {
    dir: OwnedFd,
    /// The directory, relative to the root.
    dir_relative: PathBuf,
    name: &'a OsStr,
    /// The whole path, for messages.
    path: PathBuf,
}

impl OutputRoot {
    /// Opens the directory `path`, creating it (and its parents) if it is missing.
    pub fn open(path: &Path) -> Result<OutputRoot> {
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, Operation::Write, e))?;
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let dir = rustix::fs::open(path, flags, Mode::empty())
            .map_err(|e| Error::io(path, Operation::Write, e))?;
        Ok(OutputRoot {
            path: path.to_path_buf(),
            dir,
            cleaned: Mutex::new(BTreeSet::new()),
        })
    }

    /// The directory, as given to [`OutputRoot::open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the file at `relative` (a path below the root, such as `2026/ID.json`)
    /// hold `bytes`, creating missing directories. Nothing is written when the file
    /// already holds these bytes (it keeps its time, and may then be read-only).
    pub fn write(&self, relative: &Path, bytes: &[u8]) -> Result<FileChange> {
        let target = self.target(relative)?;
        let existing = existing_file(&target, &self.path)?;
        let change = match &existing {
            None => FileChange::Created,
            Some(existing) if existing.holds(bytes, &target.path)? => {
                return Ok(FileChange::Unchanged);
            }
            Some(_) => FileChange::Updated,
        };
        let mode = existing.map(|existing| existing.mode);
        self.replace(&target, mode, |out| out.write_all(bytes))?;
        Ok(change)
    }

    /// Replaces (or creates) the file at `relative` with what `fill` writes into a
    /// buffered writer; nothing changes if `fill` fails.
    pub fn write_with(
        &self,
        relative: &Path,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let target = self.target(relative)?;
        let mode = existing_file(&target, &self.path)?.map(|existing| existing.mode);
        self.replace(&target, mode, fill)
    }

    /// Opens the directory of `relative`, one component at a time, creating missing
    /// ones and following no link.
    fn target<'a>(&self, relative: &'a Path) -> Result<Target<'a>> {
        let path = self.path.join(relative);
        let mut names = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(name) => names.push(name),
                _ => return Err(Error::new(&path, Operation::Write, ErrorKind::OutsideRoot)),
            }
        }
        let Some((name, dirs)) = names.split_last() else {
            return Err(Error::new(&path, Operation::Write, ErrorKind::OutsideRoot));
        };
        let mut dir = self
            .dir
            .try_clone()
            .map_err(|e| Error::io(&self.path, Operation::Write, e))?;
        let mut dir_relative = PathBuf::new();
        for &component in dirs {
            dir_relative.push(component);
            dir = self.open_subdirectory(&dir, component, &dir_relative, &path)?;
        }
        Ok(Target {
            dir,
            dir_relative,
            name,
            path,
        })
    }

    /// Opens the directory `name` in `parent` (`relative` to the root), creating it
    /// if missing; errors name `target`, the file to write.
    fn open_subdirectory(
        &self,
        parent: &OwnedFd,
        name: &OsStr,
        relative: &Path,
        target: &Path,
    ) -> Result<OwnedFd> {
        let io = |e: Errno| Error::io(target, Operation::Write, e);
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let opened = match rustix::fs::openat(parent, name, flags, Mode::empty()) {
            Err(Errno::NOENT) => {
                match rustix::fs::mkdirat(parent, name, Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(io(e)),
                }
                rustix::fs::openat(parent, name, flags, Mode::empty())
            }
            other => other,
        };
        match opened {
            Ok(dir) => Ok(dir),
            // O_NOFOLLOW on a link fails with ELOOP; O_DIRECTORY on anything else
            // with ENOTDIR. Say which.
            Err(e @ (Errno::LOOP | Errno::NOTDIR)) => {
                let is_link = rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW)
                    .is_ok_and(|stat| FileKind::of_mode(stat.st_mode) == Some(FileKind::Symlink));
                Err(if is_link {
                    Error::new(
                        target,
                        Operation::Write,
                        ErrorKind::Symlink {
                            link: self.path.join(relative),
                            root: self.path.clone(),
                        },
                    )
                } else {
                    io(e)
                })
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Writes a temporary file beside the target with what `fill` writes, gives it
    /// `mode` (the replaced file's), flushes it to disk and renames it over the
    /// target. The temporary file is removed if anything fails.
    fn replace(
        &self,
        target: &Target<'_>,
        mode: Option<u32>,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        if let Some(mode) = mode
            && mode & 0o200 == 0
        {
            return Err(Error::new(
                &target.path,
                Operation::Write,
                ErrorKind::ReadOnly { mode },
            ));
        }
        self.remove_leftovers_once(target);
        let (temp_name, temp) =
            create_temp(&target.dir).map_err(|e| Error::io(&target.path, Operation::Write, e))?;
        let written = (|| -> std::io::Result<()> {
            if let Some(mode) = mode {
                rustix::fs::fchmod(&temp, Mode::from_raw_mode(mode))?;
            }
            let file = File::from(temp);
            let mut out = BufWriter::new(&file);
            fill(&mut out)?;
            out.flush()?;
            drop(out);
            file.sync_all()?;
            rustix::fs::renameat(&target.dir, &temp_name, &target.dir, target.name)?;
            Ok(())
        })();
        if let Err(error) = written {
            let _ = rustix::fs::unlinkat(&target.dir, &temp_name, AtFlags::empty());
            return Err(Error::io(&target.path, Operation::Write, error));
        }
        // The rename reaches the disk with the directory. The file is whole either
        // way, so a file system that cannot sync directories is not an error.
        let _ = rustix::fs::fsync(&target.dir);
        Ok(())
    }

    fn remove_leftovers_once(&self, target: &Target<'_>) {
        let first = self
            .cleaned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(target.dir_relative.clone());
        if first {
            remove_leftovers(&target.dir);
        }
    }
}

/// The file a write replaces.
struct Existing {
    file: File,
    size: u64,
    /// Its permission bits.
    mode: u32,
}

impl Existing {
    fn holds(&self, bytes: &[u8], path: &Path) -> Result<bool> {
        if self.size != bytes.len() as u64 {
            return Ok(false);
        }
        let mut content = Vec::with_capacity(bytes.len());
        (&self.file)
            .take(bytes.len() as u64 + 1)
            .read_to_end(&mut content)
            .map_err(|e| Error::io(path, Operation::Read, e))?;
        Ok(content == bytes)
    }
}

/// The regular file at the target, if there is one; a link or anything else there
/// is an error.
fn existing_file(target: &Target<'_>, root: &Path) -> Result<Option<Existing>> {
    let fail = |kind| Error::new(&target.path, Operation::Write, kind);
    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let stat = match rustix::fs::statat(&target.dir, target.name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => stat,
        Err(Errno::NOENT) => return Ok(None),
        Err(e) => return Err(Error::io(&target.path, Operation::Write, e)),
    };
    let symlink = || {
        fail(ErrorKind::Symlink {
            link: target.path.clone(),
            root: root.to_path_buf(),
        })
    };
    match FileKind::of_mode(stat.st_mode) {
        None => {}
        Some(FileKind::Symlink) => return Err(symlink()),
        Some(kind) => return Err(fail(ErrorKind::NotRegular(kind))),
    }
    // Checked again on the opened file: the entry may have changed since.
    let fd = match rustix::fs::openat(&target.dir, target.name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::LOOP) => return Err(symlink()),
        Err(e) => return Err(Error::io(&target.path, Operation::Write, e)),
    };
    let stat = rustix::fs::fstat(&fd).map_err(|e| Error::io(&target.path, Operation::Write, e))?;
    if let Some(kind) = FileKind::of_mode(stat.st_mode) {
        return Err(fail(ErrorKind::NotRegular(kind)));
    }
    Ok(Some(Existing {
        file: File::from(fd),
        size: u64::try_from(stat.st_size).unwrap_or(0),
        mode: stat.st_mode & 0o7777,
    }))
}

/// Creates a new temporary file in `dir`, readable and writable as the umask allows,
/// and locks it: [`remove_leftovers`] leaves locked files alone.
fn create_temp(dir: &OwnedFd) -> std::io::Result<(CString, OwnedFd)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    loop {
        let name = format!(
            "{TEMP_PREFIX}{}-{}-{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let name = CString::new(name).map_err(std::io::Error::other)?;
        match rustix::fs::openat(dir, name.as_c_str(), flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => {
                rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive)?;
                return Ok((name, fd));
            }
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Removes the temporary files in `dir` that no running write holds: leftovers of
/// an interrupted run. Best effort: a leftover that cannot be removed only takes
/// room.
fn remove_leftovers(dir: &OwnedFd) {
    let Ok(entries) = rustix::fs::Dir::read_from(dir) else {
        return;
    };
    let leftovers: Vec<CString> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_owned())
        .filter(|name| name.as_bytes().starts_with(TEMP_PREFIX.as_bytes()))
        .collect();
    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    for name in leftovers {
        let Ok(fd) = rustix::fs::openat(dir, name.as_c_str(), flags, Mode::empty()) else {
            continue;
        };
        let regular =
            rustix::fs::fstat(&fd).is_ok_and(|stat| FileKind::of_mode(stat.st_mode).is_none());
        if regular && rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive).is_ok() {
            let _ = rustix::fs::unlinkat(dir, name.as_c_str(), AtFlags::empty());
        }
    }
}

/// Makes the file `path` hold `bytes`, as [`OutputRoot::write`] does with the
/// file's directory as the root (created if missing). The directory may be reached
/// through links; the file itself must not be one.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<FileChange> {
    let (dir, name) = split(path)?;
    OutputRoot::open(dir)
        .map_err(|e| e.with_path(path))?
        .write(Path::new(name), bytes)
}

/// Replaces the file `path` with what `fill` writes, as [`OutputRoot::write_with`]
/// does with the file's directory as the root (created if missing).
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let (dir, name) = split(path)?;
    OutputRoot::open(dir)
        .map_err(|e| e.with_path(path))?
        .write_with(Path::new(name), fill)
}

/// Rewrites the existing file `path` in place with `bytes` (nothing is written if
/// they are equal), as an editor saves a file: atomically, keeping its mode, and
/// refusing a read-only file. A symbolic link is followed to the file it names,
/// which is the file rewritten: the link stays a link.
pub fn rewrite(path: &Path, bytes: &[u8]) -> Result<FileChange> {
    let is_link = std::fs::symlink_metadata(path)
        .map_err(|e| Error::io(path, Operation::Write, e))?
        .file_type()
        .is_symlink();
    let real = if is_link {
        std::fs::canonicalize(path).map_err(|e| Error::io(path, Operation::Write, e))?
    } else {
        path.to_path_buf()
    };
    write_file(&real, bytes)
}

/// A file's directory (`.` for a bare name) and name.
fn split(path: &Path) -> Result<(&Path, &OsStr)> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::new(path, Operation::Write, ErrorKind::OutsideRoot))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Ok((dir, name))
}
