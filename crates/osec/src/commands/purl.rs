//! `osec purl …`: package URLs (ECMA-427), through the `purl` crate.
//!
//! Exit codes: 0 success, 2 invalid package URL or arguments (the error goes
//! to stderr, with the input and a caret under the offending text).

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use purl::Purl;

use super::print_stdout;

/// Subcommands of `osec purl`.
#[derive(Debug, Subcommand)]
pub(crate) enum PurlCommand {
    /// Print the canonical form of a package URL.
    Canonical(ParseArgs),
    /// Print the components of a package URL as JSON (decoded; qualifiers
    /// as an object, or null when there are none).
    Parse(ParseArgs),
    /// Build a package URL from decoded components and print its canonical form.
    Build(BuildArgs),
}

/// A package URL to read.
#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    /// The package URL, such as `pkg:opam/tls@0.17.5`.
    purl: String,
    /// Lowercase uppercase qualifier keys instead of rejecting them.
    #[arg(long)]
    lenient: bool,
}

/// Components of a package URL to build.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The type, such as `opam`.
    #[arg(long = "type", value_name = "TYPE")]
    package_type: String,
    /// The namespace (`/` separates segments).
    #[arg(long)]
    namespace: Option<String>,
    /// The name.
    #[arg(long)]
    name: String,
    /// The version.
    #[arg(long)]
    version: Option<String>,
    /// A qualifier, `KEY=VALUE` (repeatable).
    #[arg(long = "qualifier", value_name = "KEY=VALUE")]
    qualifiers: Vec<String>,
    /// The subpath (`/` separates segments).
    #[arg(long)]
    subpath: Option<String>,
}

pub(crate) fn run(cmd: PurlCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PurlCommand::Canonical(args) => match read(&args) {
            Ok(purl) => print_line(&purl.to_string()),
            Err(code) => Ok(code),
        },
        PurlCommand::Parse(args) => match read(&args) {
            Ok(purl) => print_line(
                &serde_json::to_string_pretty(&purl.components())
                    .context("cannot write the components as JSON")?,
            ),
            Err(code) => Ok(code),
        },
        PurlCommand::Build(args) => build(args),
    }
}

/// Parses the argument, or reports the error and gives the exit code.
fn read(args: &ParseArgs) -> Result<Purl, ExitCode> {
    let parsed = if args.lenient {
        Purl::parse_lenient(&args.purl)
    } else {
        Purl::parse(&args.purl)
    };
    parsed.map_err(|err| {
        eprintln!("{}", err.render_with_input(&args.purl));
        ExitCode::from(2)
    })
}

fn build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let mut builder = Purl::builder(args.package_type, args.name);
    if let Some(namespace) = args.namespace {
        builder = builder.namespace(namespace);
    }
    if let Some(version) = args.version {
        builder = builder.version(version);
    }
    for qualifier in &args.qualifiers {
        let Some((key, value)) = qualifier.split_once('=') else {
            eprintln!(
                "error: --qualifier {qualifier:?} has no `=`\n  = help: write it as KEY=VALUE, such as --qualifier repository_url=https://opam.ocaml.org"
            );
            return Ok(ExitCode::from(2));
        };
        builder = builder.qualifier(key, value);
    }
    if let Some(subpath) = args.subpath {
        builder = builder.subpath(subpath);
    }
    match builder.build() {
        Ok(purl) => print_line(&purl.to_string()),
        Err(err) => {
            eprintln!("error: cannot build a package URL: {err}");
            Ok(ExitCode::from(2))
        }
    }
}

fn print_line(text: &str) -> anyhow::Result<ExitCode> {
    print_stdout(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}
