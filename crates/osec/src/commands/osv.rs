//! `osec osv export|publish [--repo DIR]... [--no-versions] ADVISORIES OUT`: the OSV
//! records of the database, for osv.dev and mirrors.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::released_versions;
use anyhow::Context as _;
use clap::Subcommand;
use opam_model::RepositorySpec;
use publish::{ExportOptions, Progress};

use super::exit_if;

/// Subcommands of `osec osv`.
#[derive(Debug, Subcommand)]
pub(crate) enum OsvCommand {
    /// Write one OSV record per advisory to OUT/YYYY/ID.json (only files whose bytes
    /// change are rewritten). Exit status 1 when an advisory fails lint or conversion.
    Export(ExportArgs),
    /// Export, then write OUT/all.zip and OUT/modified_id.csv as osv.dev serves them.
    Publish(ExportArgs),
}

/// Arguments of `osec osv export` and `osec osv publish`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// An opam repository for the `versions` lists: a directory, a .tar.gz, or DIR@REV
    /// (a git revision); repeat for several (opam-repository and
    /// opam-repository-archive).
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<RepositorySpec>,
    /// Leave the `versions` lists out.
    #[arg(long)]
    no_versions: bool,
    /// Don't show progress.
    #[arg(short, long)]
    quiet: bool,
    /// The advisories: a directory searched for OSEC-*.md, or files.
    advisories: PathBuf,
    /// The output directory.
    out: PathBuf,
}

pub(crate) fn run(command: OsvCommand) -> anyhow::Result<ExitCode> {
    match command {
        OsvCommand::Export(args) => run_export(&args, false),
        OsvCommand::Publish(args) => run_export(&args, true),
    }
}

fn run_export(args: &ExportArgs, with_index: bool) -> anyhow::Result<ExitCode> {
    if args.repos.is_empty() && !args.no_versions {
        anyhow::bail!(
            "the `versions` lists need the package repositories: give --repo DIR (repeatable, directories \
             or .tar.gz), or --no-versions"
        );
    }
    let sources = advisory::tree::read_advisories(std::slice::from_ref(&args.advisories))?;
    let released =
        released_versions(&args.repos, &sources).context("cannot read the --repo repositories")?;
    let options = ExportOptions {
        released: released.as_ref(),
        with_versions: !args.no_versions,
        now: jiff::Timestamp::now(),
    };
    let progress = Bar::new(args.quiet);
    let report = publish::export_sources(sources, &args.out, &options, &progress)?;
    eprint!("{}", report.render());
    if with_index {
        eprint!("{}", publish::write_index(&args.out, &report)?.render());
    }
    Ok(exit_if(!report.is_complete(), 1))
}

/// A progress bar on standard error, drawn only on a terminal.
struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new(0)
        };
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.bar
            .set_length(u64::try_from(total).unwrap_or(u64::MAX));
        self.bar.set_message("exporting");
    }

    fn advance(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
