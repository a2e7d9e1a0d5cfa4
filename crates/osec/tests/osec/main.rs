//! Tests of the `osec` binary, one module a command group.

/// `osec opam compare` and `osec opam versions`.
mod opam_model;

use std::process::Output;

/// Runs the built `osec` with `args`.
pub(crate) fn osec(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_osec"))
        .args(args)
        .output()
        .expect("run osec")
}
