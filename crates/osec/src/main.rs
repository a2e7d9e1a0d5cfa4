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
    /// OSV records for osv.dev: the generated tree, all.zip, modified_id.csv.
    #[command(subcommand)]
    Osv(commands::osv::OsvCommand),
    /// The database as a static web site with an Atom feed.
    #[command(subcommand)]
    Site(commands::site::SiteCommand),
    /// Check a switch or lock file against the advisories (offline).
    Audit(commands::audit::AuditArgs),
    /// The vulnerability database: refresh it (the only use of the network), show its age.
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// opam-repository policy: released sources never change (check-immutable),
    /// advisories in opam files (annotate), packages stuck on affected versions
    /// (exposure).
    #[command(subcommand)]
    Repo(commands::repo::RepoCommand),
}

fn main() -> ExitCode {
    fast_alloc::without_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Opam(cmd) => commands::opam::run(cmd),
        Command::Purl(cmd) => commands::purl::run(cmd),
        Command::Lint(args) => commands::lint::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Osv(cmd) => commands::osv::run(cmd),
        Command::Site(cmd) => commands::site::run(cmd),
        Command::Audit(args) => commands::audit::run(args),
        Command::Db(cmd) => commands::db::run(cmd, cli.offline),
        Command::Repo(cmd) => commands::repo::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // Paths and names in the message come from input: no control
            // characters reach the terminal (the message's own lines stay).
            let message = format!("{err:#}");
            eprintln!("error: {}", safe_fs::escape_control_keeping_lines(&message));
            ExitCode::from(2)
        }
    }
}

/// `osec … | head` closes the pipe early: that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
