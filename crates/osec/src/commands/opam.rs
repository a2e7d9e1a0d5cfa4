//! `osec opam …`: the opam file format.

use std::process::ExitCode;

use clap::Subcommand;

use super::opam_model;

/// Subcommands of `osec opam`.
#[derive(Debug, Subcommand)]
pub(crate) enum OpamCommand {
    /// Compare two versions in opam's order: prints `A < B`, `A = B` or `A > B`.
    Compare(opam_model::CompareArgs),
    /// List the versions of a package in repositories that satisfy a constraint,
    /// in opam's order.
    Versions(opam_model::VersionsArgs),
}

pub(crate) fn run(cmd: OpamCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        OpamCommand::Compare(args) => opam_model::compare(args),
        OpamCommand::Versions(args) => opam_model::versions(args),
    }
}
