//! Integration tests of safe-fs, one module per topic. Regression tests for
//! issue 14 ("hostile inputs, resource limits and safe writes") are named after the
//! behaviour they pin.

/// Bounded reads: special files, sizes, UTF-8.
mod read;

/// Atomic writes under an output directory: links, modes, leftovers.
mod write;

use std::path::Path;

/// The mode a new file gets under this process's umask, learned the way any
/// tool creates a file (0666 masked by the umask).
pub(crate) fn umask_mode(dir: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    let probe = dir.join("umask-probe");
    std::fs::write(&probe, "").unwrap();
    let mode = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o7777;
    std::fs::remove_file(probe).unwrap();
    mode
}

pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

pub(crate) fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Makes a FIFO at `path` with `mkfifo(1)` (std cannot, and the crate forbids unsafe).
pub(crate) fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `f` on another thread and fails the test if it has not returned after 10 s
/// (a read that blocks on a FIFO would otherwise hang the test run).
pub(crate) fn within_10_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    receive
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("still blocked after 10 s")
}
