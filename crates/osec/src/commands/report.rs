//! `osec report --package NAME [--versions TEXT] [--cvss VECTOR] [--cwe CWE-N]...`: the
//! skeleton of a vulnerability report for the security team (`advisory::report`),
//! printed.

use std::process::ExitCode;

use advisory::report::{ReportRequest, report_skeleton};

/// Arguments of `osec report`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// The opam package the issue is in.
    #[arg(long)]
    package: String,
    /// The versions found affected, in your words.
    #[arg(long, value_name = "TEXT")]
    versions: Option<String>,
    /// The CVSS vector; the report gives its score.
    #[arg(long, value_name = "VECTOR")]
    cvss: Option<String>,
    /// A CWE identifier, CWE-N (repeatable).
    #[arg(long = "cwe", value_name = "CWE-N")]
    cwes: Vec<String>,
}

pub(crate) fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let request = ReportRequest {
        package: args.package,
        versions: args.versions,
        cvss: args.cvss,
        cwes: args.cwes,
    };
    print!("{}", report_skeleton(&request)?);
    Ok(ExitCode::SUCCESS)
}
