//! `osec serve [--addr ADDR] [--db DIR|ZIP|ADVISORIES]... [--repo DIR]...`: the
//! osv.dev v1 API over the databases given. The server is crate `server`; this file
//! turns the flags into its `Options` and installs the log subscriber (JSON lines or
//! logfmt-style text on stderr, filtered by `RUST_LOG`, default `info`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use opam_model::RepositorySpec;
use server::{DatabaseSpec, Options};
use vulndb::source::Choice;

use super::db::{LimitArgs, cache_dir};

/// Arguments of `osec serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A database to serve: an OSV directory, an osv.dev all.zip (any ecosystem), or a
    /// directory of OSEC advisories. Repeat for several. Without, the database `osec
    /// audit` uses: the cache of `osec db fetch`, else the embedded snapshot.
    #[arg(long = "db", value_name = "DIR|ZIP|ADVISORIES")]
    databases: Vec<PathBuf>,
    /// An opam repository (a directory, a .tar.gz, or DIR@REV): advisories given with
    /// --db are converted with its released versions, so their records list
    /// `versions`. Repeat for several.
    #[arg(long = "repo", value_name = "DIR")]
    repos: Vec<RepositorySpec>,
    /// Seconds between looks for changed database files, which are then reloaded
    /// (0: never; SIGHUP reloads in any case).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    poll: u64,
    /// How the logs on stderr look.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    log_format: LogFormat,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The values of `--log-format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    /// One JSON object a line.
    Json,
    /// key=value text for people.
    Text,
}

pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Json => logs.json().flatten_event(true).init(),
        LogFormat::Text => logs.with_ansi(false).init(),
    }
    let databases = if args.databases.is_empty() {
        let choice = Choice::for_opam(None, args.limits.limits(), true, cache_dir());
        vec![DatabaseSpec::chosen(choice, cache_dir())]
    } else {
        args.databases
            .into_iter()
            .map(|path| DatabaseSpec::path(path).with_limits(args.limits.limits()))
            .collect()
    };
    let mut options = Options::new(args.addr, databases);
    options.repos = args.repos;
    options.poll_interval = (args.poll > 0).then(|| Duration::from_secs(args.poll));
    server::run(options)?;
    Ok(ExitCode::SUCCESS)
}
