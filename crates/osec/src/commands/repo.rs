//! `osec repo …`: opam-repository policy (the work is in repo-policy).
//!
//! `check-immutable --repo DIR BASE HEAD`: released sources never change between two
//! git revisions. Exit 0 clean (warnings allowed), 1 on violations, 2 on errors.
//! `annotate --repo DIR ADVISORIES`: advisory IDs (and marks) in the opam files of
//! affected versions. Exit 0 done, 1 with `--check` when files would change, 2 when a
//! file or an advisory could not be used.
//! `exposure --repo DIR… ADVISORIES`: packages whose latest release needs an affected
//! version. Exit 0, or 2 when an advisory or an opam file could not be used.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::render_rejected;
use clap::{Args, Subcommand};
use opam_model::RepositorySpec;
use repo_policy::{AnnotateOptions, ExposureFormat, Format, Mark, annotate, check_immutable};

use super::{exit_if, print_stdout};

/// The subcommands of `osec repo`.
#[derive(Debug, Subcommand)]
pub(crate) enum RepoCommand {
    /// Check that no released package's source changed between two git revisions
    /// (opam-repository policy): url checksums and src, extra-source, extra-files,
    /// patches, substs, files/, source-editing build commands; new versions need
    /// sha256 or sha512. Exit 1 on violations.
    CheckImmutable(CheckImmutableArgs),
    /// Add `x-security-advisories: ["OSEC-…"]` to the opam file of every version the
    /// advisories affect (the versions the OSV export lists), keeping every other
    /// byte; with --mark, also mark affected versions that have a fixed successor.
    /// Run again, it changes nothing. Exit 1 with --check when files would change,
    /// 2 when an advisory or a file could not be used.
    Annotate(AnnotateArgs),
    /// List, per advisory, the packages whose latest release can only be installed
    /// with an affected version, and their maintainers. Exit 2 when an advisory or
    /// an opam file could not be used.
    Exposure(ExposureArgs),
}

/// Arguments of `osec repo annotate`.
#[derive(Debug, Args)]
pub(crate) struct AnnotateArgs {
    /// The checkout of opam-repository to edit (a directory: a .tar.gz or DIR@REV
    /// can't be edited).
    #[arg(long = "repo", value_name = "DIR")]
    repo: PathBuf,
    /// Also mark the affected versions that have a fixed successor:
    /// `flags: avoid-version`, or `available: false & (…)`.
    #[arg(long, value_enum, value_name = "MARK", conflicts_with = "remove")]
    mark: Option<Mark>,
    /// Take the advisories' IDs out again, with the marks osec added.
    #[arg(long)]
    remove: bool,
    /// Change nothing: show what would change, exit 1 if anything would.
    #[arg(long)]
    check: bool,
    /// The advisories: directories searched for OSEC-*.md, or files.
    #[arg(value_name = "ADVISORIES", required = true)]
    advisories: Vec<PathBuf>,
}

/// Arguments of `osec repo exposure`.
#[derive(Debug, Args)]
pub(crate) struct ExposureArgs {
    /// An opam repository: a directory, a .tar.gz, or DIR@REV; repeat for several
    /// (opam-repository, then opam-repository-archive).
    #[arg(long = "repo", value_name = "DIR", required = true)]
    repos: Vec<RepositorySpec>,
    /// The advisories: directories searched for OSEC-*.md, or files.
    #[arg(value_name = "ADVISORIES", required = true)]
    advisories: Vec<PathBuf>,
    /// How to print the exposure.
    #[arg(long, value_enum, default_value_t = ExposureFormat::Human)]
    format: ExposureFormat,
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
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub(crate) fn run(command: RepoCommand) -> anyhow::Result<ExitCode> {
    match command {
        RepoCommand::CheckImmutable(args) => check(args),
        RepoCommand::Annotate(args) => run_annotate(args),
        RepoCommand::Exposure(args) => run_exposure(args),
    }
}

fn run_annotate(args: AnnotateArgs) -> anyhow::Result<ExitCode> {
    let options = AnnotateOptions {
        mark: args.mark,
        remove: args.remove,
    };
    let plan = annotate(&args.repo, &args.advisories, options)?;
    eprint!("{}", render_rejected(&plan.rejected));
    if !args.check {
        plan.write()?;
    }
    print_stdout(&plan.render(!args.check))?;
    Ok(if plan.errors() > 0 {
        ExitCode::from(2)
    } else {
        exit_if(args.check && !plan.edits.is_empty(), 1)
    })
}

fn run_exposure(args: ExposureArgs) -> anyhow::Result<ExitCode> {
    let exposure = repo_policy::exposure(&args.repos, &args.advisories)?;
    eprint!("{}", render_rejected(&exposure.rejected));
    print_stdout(&exposure.render(args.format))?;
    Ok(exit_if(exposure.is_incomplete(), 2))
}

fn check(args: CheckImmutableArgs) -> anyhow::Result<ExitCode> {
    let report = check_immutable(&args.repo, &args.base, &args.head)?;
    print_stdout(&report.render(args.format))?;
    Ok(exit_if(report.errors() > 0, 1))
}
