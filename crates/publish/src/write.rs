//! Writing a file outside an output tree atomically, and only when its bytes change.

use std::path::Path;

use safe_fs::FileChange;

use crate::error::Result;

/// Makes `path` hold `bytes` through [`safe_fs::write_file`]: nothing is done when
/// it already does; otherwise a temporary file in the same directory is renamed over
/// it (its mode kept, or the umask's for a new file). Missing parent directories are
/// created. The export writes its tree through [`safe_fs::OutputRoot`] instead.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<FileChange> {
    Ok(safe_fs::write_file(path, bytes)?)
}
