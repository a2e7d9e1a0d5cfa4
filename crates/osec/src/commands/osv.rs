//! `osec osv export|publish [--repo DIR]... [--no-versions] ADVISORIES OUT`: the OSV
//! records of the database, for osv.dev and mirrors.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::{OutputFormat, render};
use clap::Subcommand;
use opam_model::RepositorySpec;
use publish::{ExportOptions, ExportReport, FileChange, Outcome, OutcomeKind, Progress};
use safe_fs::{display_path, escape_control};

use super::lint::released_versions;

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
    let released = released_versions(&args.repos, &sources)?;
    let options = ExportOptions {
        released: released.as_ref(),
        with_versions: !args.no_versions,
        now: jiff::Timestamp::now(),
    };
    let progress = Bar::new(args.quiet);
    let report = publish::export_sources(sources, &args.out, &options, &progress)?;
    let mut stderr = std::io::stderr().lock();
    print_report(&report, &mut stderr)?;
    if with_index {
        let index = publish::write_index(&args.out, &report)?;
        for (path, change) in [&index.zip, &index.csv] {
            writeln!(
                stderr,
                "{} {} ({} records)",
                change_word(*change),
                display_path(path),
                index.records
            )?;
        }
    }
    Ok(if report.is_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(report: &ExportReport, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    print_outcomes(&report.outcomes, "not exported", out)?;
    for orphan in &report.orphans {
        writeln!(
            out,
            "warning: {} is the record of no advisory (its advisory was removed, or it is a copy in \
             another year's directory); it was not removed and is not indexed (withdraw an advisory \
             with its `withdrawn` field instead, or delete the file by hand)",
            display_path(orphan)
        )?;
    }
    let failed = report.outcomes.len() - report.exported();
    writeln!(
        out,
        "exported {} of {} advisories ({} changed){}",
        report.exported(),
        report.outcomes.len(),
        report.changed(),
        if failed > 0 {
            format!(", {failed} not exported")
        } else {
            String::new()
        }
    )?;
    Ok(())
}

/// The problems of single advisories: lint diagnostics, conversion errors and
/// warnings, each advisory that was `left_out` ("not exported") named.
pub(crate) fn print_outcomes(
    outcomes: &[Outcome],
    left_out: &str,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let skipped: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match &o.kind {
            OutcomeKind::LintFailed(lint) => Some(lint.as_ref().clone()),
            _ => None,
        })
        .collect();
    if !skipped.is_empty() {
        out.write_all(render(&skipped, OutputFormat::Human).as_bytes())?;
    }
    for outcome in outcomes {
        let source = display_path(&outcome.source);
        match &outcome.kind {
            OutcomeKind::Exported { notes, .. } => {
                for note in notes {
                    writeln!(out, "warning: {source}: {}", escape_control(note))?;
                }
            }
            OutcomeKind::LintFailed(_) => writeln!(
                out,
                "error: {source} has lint errors (shown above): {left_out}"
            )?,
            OutcomeKind::ConversionFailed(err) => writeln!(
                out,
                "error: {source}: {}: {left_out}",
                escape_control(&err.to_string())
            )?,
            _ => writeln!(out, "error: {source}: {left_out}")?,
        }
    }
    Ok(())
}

fn change_word(change: FileChange) -> &'static str {
    match change {
        FileChange::Created => "created",
        FileChange::Updated => "updated",
        FileChange::Unchanged => "unchanged",
    }
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
