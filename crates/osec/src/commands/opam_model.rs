//! `osec opam compare` and `osec opam versions`: opam's version order and the
//! versions of a package in repositories (the work is in opam-model).

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use opam_model::{
    PackageName, ReleasedVersions, RepositorySpec, RepositoryStack, Version, VersionFormula,
    order_text,
};

use super::{exit_if, print_stdout};

/// Arguments of `osec opam compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The first version.
    a: String,
    /// The second version.
    b: String,
}

/// Arguments of `osec opam versions`.
#[derive(Debug, Args)]
pub(crate) struct VersionsArgs {
    /// An opam repository: a directory, a `.tar.gz`, or `DIR@REV` (a git revision);
    /// repeat for several, the first taking precedence (as opam-repository over
    /// opam-repository-archive).
    #[arg(long = "repo", value_name = "DIR", required = true)]
    repos: Vec<RepositorySpec>,
    /// The package name.
    name: String,
    /// A version constraint in opam syntax, with or without braces, such as
    /// '>= "5" & < "5.4.1"' or '{< "4.14.3" | >= "5"}'; all versions without it.
    constraint: Option<String>,
}

/// Prints `A < B`, `A = B` or `A > B` in opam's version order.
pub(crate) fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let (a, b) = (Version::parse(&args.a)?, Version::parse(&args.b)?);
    writeln!(std::io::stdout().lock(), "{}", order_text(&a, &b))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the versions of a package satisfying a constraint, one a line, in opam's
/// order. Exit 1 when none does; problems of the repositories go to stderr.
pub(crate) fn versions(args: VersionsArgs) -> anyhow::Result<ExitCode> {
    let name = PackageName::parse(&args.name)?;
    let constraint = match &args.constraint {
        Some(text) => VersionFormula::parse_text(text)?,
        None => VersionFormula::Empty,
    };
    let stack =
        RepositoryStack::open(&args.repos).context("cannot read the --repo repositories")?;
    eprint!("{}", stack.warnings());
    let released = ReleasedVersions::of_stack(&stack);
    if released.versions(&name).is_none() {
        eprintln!("error: no package {name} in the given repositories");
        return Ok(ExitCode::from(1));
    }
    let matching: String = released
        .matching_versions(&name, &constraint)
        .map(|version| format!("{version}\n"))
        .collect();
    print_stdout(&matching)?;
    Ok(exit_if(matching.is_empty(), 1))
}
