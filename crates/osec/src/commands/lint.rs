//! `osec lint [PATH...] [--repo DIR]... [--format human|json|sarif]`: check advisories,
//! and the reservation placeholders among them (`ADV029`).
//! Exit 1 on errors; 2 when a file could not be read as UTF-8 text (`ADV028`, reported
//! like any finding, the other files still checked).

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::{OutputFormat, lint_paths, render, totals};
use opam_model::RepositorySpec;

use super::{exit_if, print_stdout};

/// Arguments of `osec lint`.
#[derive(Debug, clap::Args)]
pub(crate) struct LintArgs {
    /// Advisory files, or directories searched for `OSEC-*.md` [default: .]
    paths: Vec<PathBuf>,
    /// An opam repository for the package checks: a directory, a .tar.gz, or DIR@REV
    /// (a git revision); repeat for several.
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<RepositorySpec>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
}

pub(crate) fn run(args: LintArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let reports = lint_paths(&paths, &args.repos, jiff::Timestamp::now())?;
    print_stdout(&render(&reports, args.format))?;
    Ok(if reports.iter().any(|r| r.is_unreadable()) {
        ExitCode::from(2)
    } else {
        exit_if(totals(&reports).errors > 0, 1)
    })
}
