//! `osec sync --osv DIR|ZIP ADVISORIES [--write]`: the database against another OSV
//! source (`advisory::sync`): records about opam packages it lacks, aliases its
//! advisories lack; `--write` adds the aliases in place. Exit 0 when nothing is
//! missing (after `--write`), 1 when something is, 2 on an error.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::sync::{compare, read_advisories, write_aliases};
use anyhow::Context as _;
use safe_fs::display_path;

use super::exit_if;

/// Arguments of `osec sync`.
#[derive(Debug, clap::Args)]
pub(crate) struct SyncArgs {
    /// The other source: a directory of OSV records or an `all.zip`.
    #[arg(long = "osv", value_name = "DIR|ZIP")]
    osv: PathBuf,
    /// The advisories (a directory, searched recursively).
    advisories: PathBuf,
    /// Add the missing aliases to the advisory files (every other byte kept).
    #[arg(long)]
    write: bool,
}

pub(crate) fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let other = vulndb::Loader::new()
        .load_path(&args.osv)
        .with_context(|| format!("cannot read the OSV source {}", display_path(&args.osv)))?;
    let records = other.records()?;
    let report = compare(&read_advisories(&args.advisories)?, &records);
    for missing in &report.missing {
        println!("{missing}");
    }
    for lacking in &report.aliases {
        if args.write {
            write_aliases(lacking)?;
        }
        println!("{}", lacking.describe(args.write));
    }
    eprint!("{}", report.summary(args.write));
    let remaining = !report.missing.is_empty() || (!args.write && !report.aliases.is_empty());
    Ok(exit_if(remaining, 1))
}
