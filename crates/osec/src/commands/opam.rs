//! `osec opam …`: the opam file format.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use super::opam_model;

/// Subcommands of `osec opam`.
#[derive(Debug, Subcommand)]
pub(crate) enum OpamCommand {
    /// Print a file's syntax tree with opam's positions (the oracle's `dump ast`).
    Ast {
        /// The opam file.
        file: PathBuf,
    },
    /// Compare two versions in opam's order: prints `A < B`, `A = B` or `A > B`.
    Compare(opam_model::CompareArgs),
    /// List the versions of a package in repositories that satisfy a constraint,
    /// in opam's order.
    Versions(opam_model::VersionsArgs),
}

pub(crate) fn run(cmd: OpamCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        OpamCommand::Ast { file } => ast(&file),
        OpamCommand::Compare(args) => opam_model::compare(args),
        OpamCommand::Versions(args) => opam_model::versions(args),
    }
}

fn read(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn ast(path: &PathBuf) -> anyhow::Result<ExitCode> {
    let src = read(path)?;
    let (text, code) = match opam_file::dump::dump_ast_of_source(&src) {
        Ok(text) => (text, ExitCode::SUCCESS),
        Err(text) => (text, ExitCode::FAILURE),
    };
    std::io::stdout().lock().write_all(&text)?;
    Ok(code)
}
