//! `osec site build [--repo DIR]... [--base-url URL] [--source-url URL] ADVISORIES OUT`:
//! the database as a static web site with an Atom feed.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::lint::released_versions;
use anyhow::Context as _;
use clap::Subcommand;
use opam_model::RepositorySpec;
use publish::SiteOptions;

use super::exit_if;

/// Subcommands of `osec site`.
#[derive(Debug, Subcommand)]
pub(crate) enum SiteCommand {
    /// Write the site to OUT: index.html, a page per advisory and per package,
    /// osv/ID.json, packages/NAME.json and feed.xml. It works from file:// and from
    /// any static host. Exit status 1 when an advisory fails lint or conversion (it is
    /// left out; the rest of the site is built).
    Build(BuildArgs),
}

/// Arguments of `osec site build`.
#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    /// An opam repository (a directory, a .tar.gz, or DIR@REV for a git revision):
    /// pages then list the affected releases one by one. Repeat for several. Without,
    /// pages show the constraint.
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<RepositorySpec>,
    /// Where the site will be served, e.g. https://example.org/advisories/. The Atom
    /// feed's links and entry IDs are absolute under it; without it, its links are
    /// relative to the feed and entry IDs are the advisories' links in
    /// ocaml/security-advisories.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The URL under which the advisory files are browsed, e.g.
    /// https://github.com/ocaml/security-advisories/blob/main/advisories/ (a file's
    /// path relative to ADVISORIES is appended). Default: each record's human_link.
    #[arg(long, value_name = "URL")]
    source_url: Option<String>,
    /// The site's title.
    #[arg(long, default_value = publish::site::DEFAULT_TITLE)]
    title: String,
    /// How many advisories the feed holds (the most recently modified).
    #[arg(long, value_name = "N", default_value_t = publish::site::DEFAULT_FEED_ENTRIES)]
    feed_entries: usize,
    /// The advisories: a directory searched for OSEC-*.md, or files.
    advisories: PathBuf,
    /// The output directory.
    out: PathBuf,
}

pub(crate) fn run(command: SiteCommand) -> anyhow::Result<ExitCode> {
    match command {
        SiteCommand::Build(args) => run_build(args),
    }
}

fn run_build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let released = if args.repos.is_empty() {
        None
    } else {
        let advisories = advisory::tree::read_advisories(std::slice::from_ref(&args.advisories))?;
        released_versions(&args.repos, &advisories)
            .context("cannot read the --repo repositories")?
    };
    let options = SiteOptions {
        released: released.as_ref(),
        now: jiff::Timestamp::now(),
        base_url: args.base_url,
        source_url: args.source_url,
        title: args.title,
        feed_entries: args.feed_entries,
    };
    let report = publish::build_site(&[args.advisories], &args.out, &options)?;
    eprint!("{}", report.render(&args.out));
    Ok(exit_if(!report.is_complete(), 1))
}
