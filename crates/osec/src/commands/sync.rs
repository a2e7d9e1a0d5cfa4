//! `osec sync --osv DIR|ZIP ADVISORIES [--write]`: the database against another OSV
//! source (`advisory::sync`): records about opam packages it lacks, aliases its
//! advisories lack; `--write` adds the aliases in place. Exit 0 when nothing is
//! missing (after `--write`), 1 when something is, 2 on an error.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::sync::{compare, write_aliases};
use anyhow::Context as _;
use safe_fs::display_path;

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
    let mut advisories = Vec::new();
    for (path, read) in advisory::tree::read_advisories(std::slice::from_ref(&args.advisories))? {
        let text = String::from_utf8(read?).map_err(|_| {
            anyhow::anyhow!("{}: not UTF-8 text (run `osec lint`)", display_path(&path))
        })?;
        let parsed = advisory::parse(&text);
        if !parsed.problems.is_empty() {
            anyhow::bail!(
                "{}: does not read as an advisory (run `osec lint`)",
                display_path(&path)
            );
        }
        advisories.push((path, parsed.advisory));
    }
    let report = compare(&advisories, &records);
    for missing in &report.missing {
        let aliases = if missing.aliases.is_empty() {
            String::new()
        } else {
            format!(" ({})", missing.aliases.join(", "))
        };
        println!(
            "missing: {}{aliases} about {}: {}",
            missing.id,
            missing.packages.join(", "),
            missing.summary.as_deref().unwrap_or("no summary")
        );
    }
    for lacking in &report.aliases {
        if args.write {
            write_aliases(lacking)?;
        }
        println!(
            "{}: {} {} {} (from {})",
            display_path(&lacking.path),
            lacking.id,
            if args.write { "now has" } else { "lacks" },
            lacking.aliases.join(", "),
            lacking.from.join(", ")
        );
    }
    eprintln!(
        "{} record(s) about opam packages compared: {} missing, {} advisor{} {}",
        report.compared,
        report.missing.len(),
        report.aliases.len(),
        if report.aliases.len() == 1 {
            "y"
        } else {
            "ies"
        },
        if args.write {
            "given aliases"
        } else {
            "lacking aliases"
        },
    );
    let remaining = !report.missing.is_empty() || (!args.write && !report.aliases.is_empty());
    Ok(if remaining {
        if !report.missing.is_empty() {
            eprintln!("draft the missing records with `osec import`");
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
