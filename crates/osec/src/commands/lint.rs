//! `osec lint [PATH...] [--repo DIR]... [--format human|json|sarif]`: check advisories.
//! Exit 1 on errors; 2 when a file could not be read as UTF-8 text (`ADV028`, reported
//! like any finding, the other files still checked).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::{LintOptions, OutputFormat, ReleasedVersions, lint_read, render, totals};
use advisory::tree::{find_advisories, read_advisory};

/// Arguments of `osec lint`.
#[derive(Debug, clap::Args)]
pub(crate) struct LintArgs {
    /// Advisory files, or directories searched for `OSEC-*.md` [default: .]
    paths: Vec<PathBuf>,
    /// An opam repository (directory or .tar.gz) for the package checks; repeat for several.
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<PathBuf>,
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
    let files: Vec<_> = find_advisories(&paths)?
        .into_iter()
        .map(|path| {
            let read = read_advisory(&path);
            (path, read)
        })
        .collect();
    let packages: BTreeSet<String> = files
        .iter()
        .filter_map(|(_, read)| std::str::from_utf8(read.as_ref().ok()?).ok())
        .flat_map(|text| advisory::parse(text).advisory.affected)
        .map(|affected| affected.package.value)
        .collect();
    let released = ReleasedVersions::for_packages(&args.repos, &packages)?;
    let options = LintOptions {
        now: jiff::Timestamp::now(),
        packages: if args.repos.is_empty() {
            None
        } else {
            Some(&released)
        },
    };
    let reports = lint_read(files, &options);
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
