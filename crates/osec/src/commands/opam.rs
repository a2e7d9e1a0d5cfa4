//! `osec opam …`: the opam file format.

use std::process::ExitCode;

use clap::Subcommand;

/// Subcommands of `osec opam`.
#[derive(Debug, Subcommand)]
pub(crate) enum OpamCommand {}

pub(crate) fn run(cmd: OpamCommand) -> anyhow::Result<ExitCode> {
    match cmd {}
}
