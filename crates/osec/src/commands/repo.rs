//! `osec repo …`: opam-repository policy (the work is in repo-policy).
//!
//! `check-immutable --repo DIR BASE HEAD`: released sources never change between two
//! git revisions. Exit 0 clean (warnings allowed), 1 on violations, 2 on errors.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use repo_policy::{Format, check_immutable};

/// The subcommands of `osec repo`.
#[derive(Debug, Subcommand)]
pub(crate) enum RepoCommand {
    /// Check that no released package's source changed between two git revisions
    /// (opam-repository policy): url checksums and src, extra-source, extra-files,
    /// patches, substs, files/, source-editing build commands; new versions need
    /// sha256 or sha512. Exit 1 on violations.
    CheckImmutable(CheckImmutableArgs),
}

/// Arguments of `osec repo check-immutable`.
#[derive(Debug, Args)]
pub(crate) struct CheckImmutableArgs {
    /// A git clone of opam-repository (worktree or bare); nothing is checked out.
    #[arg(long = "repo", value_name = "DIR")]
    repo: PathBuf,
    /// The revision to compare against: a branch, tag, hash or expression (HEAD~3).
    #[arg(value_name = "BASE")]
    base: String,
    /// The revision to check.
    #[arg(value_name = "HEAD")]
    head: String,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
}

/// The values of `--format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    /// rustc-style text for people.
    Human,
    /// One JSON document (schema osec-repo-check-immutable/1).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// A Markdown summary for a pull-request comment.
    Markdown,
}

impl From<CheckFormat> for Format {
    fn from(format: CheckFormat) -> Format {
        match format {
            CheckFormat::Human => Format::Human,
            CheckFormat::Json => Format::Json,
            CheckFormat::Sarif => Format::Sarif,
            CheckFormat::Markdown => Format::Markdown,
        }
    }
}

pub(crate) fn run(command: RepoCommand) -> anyhow::Result<ExitCode> {
    match command {
        RepoCommand::CheckImmutable(args) => check(args),
    }
}

fn check(args: CheckImmutableArgs) -> anyhow::Result<ExitCode> {
    let report = check_immutable(&args.repo, &args.base, &args.head)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(report.render(args.format.into()).as_bytes())?;
    stdout.flush()?;
    Ok(if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
