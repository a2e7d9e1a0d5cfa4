//! opam's printers of the file format.
//!
//! - The exact printer is [`crate::Document::to_bytes`]: a document prints back the
//!   bytes it was parsed from, edits included.
//! - [`normalise`] is `OpamPrinter.FullPos.Normalise`, the deterministic one-line
//!   layout opam uses for signatures and `opam show --normalise`.
//! - [`standard`] is `OpamPrinter.FullPos`'s `Format`-based printer (`opamfile`,
//!   `items`, `value`, `value_list`), byte for byte; [`format`](mod@format) is the port of OCaml's
//!   `Format` layout engine it runs on.

pub mod format;
pub mod normalise;
pub mod standard;

/// Helpers shared by the printers' differential tests.
#[cfg(test)]
pub(crate) mod testutil {
    use std::path::PathBuf;

    /// Builds an OCaml program `source` linked with `package` (via `ocamlfind`) into
    /// `$TMPDIR/<dir>/<name>`, once; `None` when OCaml is not installed.
    pub(crate) fn ocaml_driver(
        dir: &str,
        name: &str,
        package: &str,
        source: &str,
    ) -> Option<PathBuf> {
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
}
