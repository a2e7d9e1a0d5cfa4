//! `osec`: the command line. Only argument parsing and wiring; the work is in the
//! libraries (see DESIGN.md): `osec audit` builds an `audit::Request` and renders the
//! `audit::Outcome`; `osec db` opens the database through `vulndb::source` (as audit
//! does) and downloads it through `vulndb::fetch`, whose `Online` permit this crate
//! makes in one place, from `--offline`; reading many opam files (the io_uring batch)
//! and opening `--repo` arguments are opam-model's. The binary chooses the global
//! allocator (crate `fast-alloc`), which only a program may do. Exit codes: 0 success,
//! 1 findings or failed checks, 2 error (3 for `audit` when nothing was scanned).

#![forbid(unsafe_code)]
// The binary is the one place that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator (see the `fast-alloc` crate).
#[global_allocator]
static GLOBAL: fast_alloc::Mimalloc = fast_alloc::Mimalloc;

/// The security toolchain of the OCaml/opam ecosystem.
#[derive(Debug, Parser)]
#[command(name = "osec", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Never use the network: `osec db fetch`, the only command that does, refuses to
    /// run. Every other command works offline anyway. OSEC_OFFLINE=1 (any value but
    /// empty, 0, false, no, off) does the same.
    #[arg(
        long,
        global = true,
        env = "OSEC_OFFLINE",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    offline: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read, check and print opam files exactly as opam does.
    #[command(subcommand)]
    Opam(commands::opam::OpamCommand),
    /// Package URLs (ECMA-427): canonical form, components, building.
    #[command(subcommand)]
    Purl(commands::purl::PurlCommand),
    /// Check advisories: header fields, IDs, dates, CVSS, formats; packages with --repo.
    Lint(commands::lint::LintArgs),
    /// Rewrite advisory headers in the canonical layout (in place, atomically).
    Fmt(commands::fmt::FmtArgs),
    /// The next free advisory ID of a database (published and reserved IDs counted).
    NextId(commands::ids::IdArgs),
    /// Reserve the next free advisory ID: a placeholder under advisories/reserved/YYYY/.
    Reserve(commands::ids::IdArgs),
    /// Draft a new advisory with the next free ID, in canonical layout.
    New(commands::new::NewArgs),
    /// Draft advisories from OSV or CVE JSON 5 records (backporting).
    Import(commands::import::ImportArgs),
    /// The announcement of an advisory: e-mail for the announce list, or Markdown.
    Announce(commands::announce::AnnounceArgs),
    /// A vulnerability report skeleton for the security team, every item asked for.
    Report(commands::report::ReportArgs),
    /// Records and aliases another OSV source has that the database lacks.
    Sync(commands::sync::SyncArgs),
    /// OSV records for osv.dev: the generated tree, all.zip, modified_id.csv.
    #[command(subcommand)]
    Osv(commands::osv::OsvCommand),
    /// The database as a static web site with an Atom feed.
    #[command(subcommand)]
    Site(commands::site::SiteCommand),
    /// Check a switch or lock file against the advisories (offline).
    Audit(commands::audit::AuditArgs),
    /// Apply the upgrade plans to lock files, then audit again (a switch gets the
    /// `opam install` command).
    Fix(commands::fix::FixArgs),
    /// opam integration: a pre-install hook that warns about (or, with --deny,
    /// refuses) versions an advisory affects.
    #[command(subcommand)]
    Hook(commands::hook::HookCommand),
    /// The vulnerability database: refresh it (the only use of the network), show its age.
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// opam-repository policy: released sources never change (check-immutable),
    /// advisories in opam files (annotate), packages stuck on affected versions
    /// (exposure).
    #[command(subcommand)]
    Repo(commands::repo::RepoCommand),
    /// The osv.dev v1 HTTP API over OSV databases of any ecosystem, or advisories.
    Serve(commands::serve::ServeArgs),
}

fn main() -> ExitCode {
    fast_alloc::without_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Opam(cmd) => commands::opam::run(cmd),
        Command::Purl(cmd) => commands::purl::run(cmd),
        Command::Lint(args) => commands::lint::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::NextId(args) => commands::ids::run_next_id(args),
        Command::Reserve(args) => commands::ids::run_reserve(args),
        Command::New(args) => commands::new::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Announce(args) => commands::announce::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Sync(args) => commands::sync::run(args),
        Command::Osv(cmd) => commands::osv::run(cmd),
        Command::Site(cmd) => commands::site::run(cmd),
        Command::Audit(args) => commands::audit::run(args),
        Command::Fix(args) => commands::fix::run(args),
        Command::Hook(cmd) => commands::hook::run(cmd),
        Command::Db(cmd) => commands::db::run(cmd, cli.offline),
        Command::Repo(cmd) => commands::repo::run(cmd),
        Command::Serve(args) => commands::serve::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // Paths and names in the message come from input: no control
            // characters reach the terminal (the message's own lines stay).
            let message = error_message(&err);
            eprintln!("error: {}", safe_fs::escape_control_keeping_lines(&message));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, `: `-separated. Library errors often end their own
/// message with their cause's (`cannot read X: {source}`): a cause the message
/// already ends with is not said again.
fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain().map(ToString::to_string) {
        if !message.ends_with(&cause) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&cause);
        }
    }
    message
}

/// `osec … | head` closes the pipe early: that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
