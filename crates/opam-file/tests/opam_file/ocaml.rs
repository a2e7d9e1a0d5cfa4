//! OCaml programs that the differential tests build and run as their reference.

use std::path::PathBuf;

/// Builds an OCaml program `source` linked with `package` (via `ocamlfind`) into
/// `$TMPDIR/<dir>/<name>`, once; `None` when OCaml is not installed.
pub(crate) fn driver(dir: &str, name: &str, package: &str, source: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(dir);
    let driver = dir.join(name);
    if driver.exists() {
        return Some(driver);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let id = std::process::id();
    let source_path = dir.join(format!("{name}_{id}.ml"));
    std::fs::write(&source_path, source).ok()?;
    let built = dir.join(format!("{name}_{id}"));
    let status = std::process::Command::new("ocamlfind")
        .args(["ocamlopt", "-package", package, "-linkpkg"])
        .arg(&source_path)
        .arg("-o")
        .arg(&built)
        .current_dir(&dir)
        .output()
        .ok()?
        .status;
    if !status.success() {
        return None;
    }
    std::fs::rename(&built, &driver).ok()?;
    Some(driver)
}
