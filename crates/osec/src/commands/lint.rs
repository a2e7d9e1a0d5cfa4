//! `osec lint [PATH...] [--repo DIR]... [--format human|json|sarif]`: check advisories,
//! and the reservation placeholders among them (`ADV029`).
//! Exit 1 on errors; 2 when a file could not be read as UTF-8 text (`ADV028`, reported
//! like any finding, the other files still checked).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::{
    LintOptions, OutputFormat, affected_packages, lint_read, lint_reservations, render, totals,
};
use advisory::tree::read_advisories;
use anyhow::Context as _;
use opam_model::{ReleasedVersions, RepositorySpec};

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
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    format: LintFormat,
}

pub(crate) fn run(args: LintArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let files = read_advisories(&paths)?;
    let reservations = advisory::ids::find_reservations(&paths)?;
    let released = released_versions(&args.repos, &files)?;
    let options = LintOptions {
        now: jiff::Timestamp::now(),
        packages: released.as_ref(),
    };
    let mut reports = lint_read(files, &options);
    let stale = lint_reservations(&reservations, &reports);
    reports.extend(stale);
    let totals = totals(&reports);
    let text = render(&reports, args.format.into());
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(if reports.iter().any(|r| r.is_unreadable()) {
        ExitCode::from(2)
    } else if totals.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The released versions of the packages the advisories name, from the `--repo`
/// repositories; `None` without any. Shared by `lint` and `osv export`.
pub(crate) fn released_versions(
    repos: &[RepositorySpec],
    advisories: &[(PathBuf, safe_fs::Result<Vec<u8>>)],
) -> anyhow::Result<Option<ReleasedVersions>> {
    if repos.is_empty() {
        return Ok(None);
    }
    let released = ReleasedVersions::for_packages(repos, &affected_packages(advisories))
        .context("cannot read the --repo repositories")?;
    Ok(Some(released))
}

/// The values of `--format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LintFormat {
    /// rustc-style text for people.
    Human,
    /// One JSON document with the diagnostics and totals.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

impl From<LintFormat> for OutputFormat {
    fn from(format: LintFormat) -> OutputFormat {
        match format {
            LintFormat::Human => OutputFormat::Human,
            LintFormat::Json => OutputFormat::Json,
            LintFormat::Sarif => OutputFormat::Sarif,
        }
    }
}
