//! The benchmarks' input: every opam file of opam-repository.tar.gz, in memory.

use std::io::Read;
use std::path::{Path, PathBuf};

/// `(path in the archive, bytes)` of every `opam`/`*.opam` file of
/// `$OSEC_DATA/opam-repository.tar.gz` (default `../shared/data`), or `None`
/// when the data is absent.
pub(crate) fn corpus() -> Option<Vec<(String, Vec<u8>)>> {
    let data = std::env::var_os("OSEC_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let file = std::fs::File::open(data.join("opam-repository.tar.gz")).ok()?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = Vec::new();
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        let name = entry.path().ok()?.to_string_lossy().into_owned();
        let base = name.rsplit('/').next().unwrap_or_default();
        if entry.header().entry_type().is_file() && (base == "opam" || base.ends_with(".opam")) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).ok()?;
            files.push((name, bytes));
        }
    }
    Some(files)
}
