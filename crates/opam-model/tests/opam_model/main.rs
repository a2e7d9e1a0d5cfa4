//! Integration tests of opam-model, one module a topic.

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

/// The shared reference data, if present; the test is recorded as skipped otherwise
/// (a failure under CI, see crate `test-references`).
pub(crate) fn shared_data(test: &str) -> Option<PathBuf> {
    test_references::require_data(test, "opam-repository.tar.gz")
}
