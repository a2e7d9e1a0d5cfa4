//! Integration tests of opam-model, one module a topic.

// Tests tell plainly when they are skipped.
#![allow(clippy::print_stderr)]

/// Filter and dependency-formula evaluation against opam's own.
mod evaluation;
/// `--repo` arguments and the released versions read from them.
mod released;
/// Reading repositories from directories, tarballs and git.
mod repository;
/// Version order against opam's own, on every package of both repositories.
mod version_order;

use std::path::PathBuf;

/// The crate's test data directory.
pub(crate) fn test_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The shared reference data (`OSEC_DATA`, default `<workspace>/../shared/data`), if
/// present; prints plainly that the test is skipped otherwise.
pub(crate) fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("OSEC_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if dir.join("opam-repository.tar.gz").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped {test}: no reference data at {} (set OSEC_DATA)",
            dir.display()
        );
        None
    }
}
