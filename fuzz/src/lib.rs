//! Helpers shared by the fuzz targets.

use std::path::Path;

/// The line that starts a file in a tree written by [`write_tree`].
const SECTION: &[u8] = b"=== ";

/// Writes the files an input describes under `dir`, for the readers that take a
/// directory or several files (an opam switch, a dune lock directory).
///
/// The input is the content of `first` (a path relative to `dir`), then any number
/// of sections, each a line `=== PATH` followed by the content of that file. Paths
/// are relative and made of `[A-Za-z0-9._+-]` components separated by `/`; a section
/// with any other path, or one that cannot be written, is dropped. The seed corpora are real trees in this form.
pub fn write_tree(dir: &Path, data: &[u8], first: &str) -> std::io::Result<()> {
    let mut parts = split_sections(data);
    let first_content = parts.next().unwrap_or_default();
    write_file(dir, first, first_content)?;
    for part in parts {
        let (path, content) = match part.iter().position(|&b| b == b'\n') {
            Some(end) => (&part[..end], &part[end + 1..]),
            None => (part, &b""[..]),
        };
        // A path that collides with another (a file where a directory is) is dropped.
        if let Some(path) = std::str::from_utf8(path).ok().filter(|p| safe_path(p)) {
            let _ = write_file(dir, path, content);
        }
    }
    Ok(())
}

/// The content before the first section line, then each section (its path line and
/// content, without the `=== ` marker).
fn split_sections(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = vec![0];
    if data.starts_with(SECTION) {
        starts.push(0);
    }
    starts.extend(
        data.windows(SECTION.len() + 1)
            .enumerate()
            .filter(|(_, w)| w[0] == b'\n' && &w[1..] == SECTION)
            .map(|(i, _)| i + 1),
    );
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([data.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .enumerate()
        .map(move |(i, (start, end))| {
            let body_start = if i == 0 { start } else { start + SECTION.len() };
            data.get(body_start.min(end)..end).unwrap_or_default()
        })
}

fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|component| {
            !component.is_empty()
                && component != "."
                && component != ".."
                && component
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
        })
}

fn write_file(dir: &Path, relative: &str, content: &[u8]) -> std::io::Result<()> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, content)
}

/// A fresh temporary directory (under `/dev/shm` when it exists, for speed).
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("osec-fuzz-")
            .tempdir_in(shm)
    {
        return dir;
    }
    tempfile::Builder::new()
        .prefix("osec-fuzz-")
        .tempdir()
        .expect("a temporary directory")
}

/// Checks what every audit input promises once read: an inventory whose paths and
/// dependents can be asked for every package.
pub fn exercise_inventory(inventory: &audit::input::Inventory) {
    let _ = inventory.paths();
    for package in inventory.packages() {
        let _ = inventory.path_to(&package.name);
        let _ = inventory.dependents(&package.name);
        let _ = inventory.dependencies(&package.name).count();
    }
    let _ = inventory.requirements().len();
}
