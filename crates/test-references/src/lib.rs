//! Where osec's differential tests find their references, and what a test does when
//! one is missing. A dev-dependency only: no osec library depends on it.
//!
//! **Owns:** the location of the shared reference data ([`data_dir`]: `OSEC_DATA`,
//! by default `<workspace>/../shared/data`) and of the installed oracle
//! ([`oracle_dir`]: `OSEC_ORACLE_DIR`, by default `/tmp/osec-oracle`), and the one
//! way a test gives up for want of them ([`skip`]).
//! **Does not own:** the comparisons themselves (each crate's tests).
//!
//! A test that cannot compare with its reference must not pass silently: `cargo test`
//! hides what a passing test printed. So [`skip`]
//! - panics when `OSEC_REQUIRE_REFERENCES=1` (`.ci/run` sets it: CI cannot be green
//!   without the reference comparisons having run);
//! - otherwise appends one line to the file named by `OSEC_SKIP_LOG`, if set (`.ci/run`
//!   prints that file at its end), and says so on standard error.
//!
//! ```
//! let Some(data) = test_references::require_data("my_test", "opam-repository.tar.gz") else {
//!     return; // skipped, and recorded as skipped
//! };
//! assert!(data.join("opam-repository.tar.gz").is_file());
//! ```
#![forbid(unsafe_code)]
// Printing a skipped test's reason is this crate's job.
#![allow(clippy::print_stderr)]

use std::fmt::Display;
use std::io::Write;
use std::path::PathBuf;

/// The environment variable that turns a skip into a failure.
pub const REQUIRE: &str = "OSEC_REQUIRE_REFERENCES";

/// The environment variable naming the file skips are appended to.
pub const SKIP_LOG: &str = "OSEC_SKIP_LOG";

/// The shared reference data: `$OSEC_DATA`, or `<workspace>/../shared/data`.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("OSEC_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The installed oracle (`install.sh` of `shared/oracle`): `$OSEC_ORACLE_DIR`, or
/// `/tmp/osec-oracle`, where `.ci/run` installs it.
pub fn oracle_dir() -> PathBuf {
    match std::env::var_os("OSEC_ORACLE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from("/tmp/osec-oracle"),
    }
}

/// [`data_dir`] when `entry` exists in it; otherwise the test is skipped ([`skip`])
/// and this returns `None`.
pub fn require_data(test: &str, entry: &str) -> Option<PathBuf> {
    let dir = data_dir();
    if dir.join(entry).exists() {
        Some(dir)
    } else {
        skip(
            test,
            format_args!(
                "no {entry} in the reference data at {} (set OSEC_DATA)",
                dir.display()
            ),
        );
        None
    }
}

/// The oracle's program `name` (such as `dump`) when it is installed; otherwise the
/// test is skipped ([`skip`]) and this returns `None`.
pub fn require_oracle(test: &str, name: &str) -> Option<PathBuf> {
    let program = oracle_dir().join(name);
    if program.is_file() {
        Some(program)
    } else {
        skip(
            test,
            format_args!(
                "the oracle's {} is not installed (shared/oracle/install.sh, OSEC_ORACLE_DIR)",
                program.display()
            ),
        );
        None
    }
}

/// Records that `test` did not compare with its reference because of `missing`.
///
/// # Panics
/// When `OSEC_REQUIRE_REFERENCES=1`: under CI a missing reference is a failure.
pub fn skip(test: &str, missing: impl Display) {
    let line = format!("{test}: skipped, {missing}");
    if std::env::var_os(REQUIRE).is_some_and(|value| value == "1") {
        panic!("{line} ({REQUIRE}=1: the reference comparisons must run)");
    }
    eprintln!("{line}");
    if let Some(log) = std::env::var_os(SKIP_LOG) {
        // Appends are whole lines under the size of a pipe buffer, so parallel tests
        // do not interleave within a line.
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut file| file.write_all(format!("{line}\n").as_bytes()));
        if let Err(error) = written {
            panic!("{test}: cannot record the skip in {log:?}: {error}");
        }
    }
}
