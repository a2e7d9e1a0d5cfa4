//! `osec new --package NAME --constraint C [...] [DIR]`: a draft advisory with the next
//! free ID (`advisory::draft`), written to `advisories/YYYY/ID.md` or printed.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::AdvisoryId;
use advisory::draft::{NewAdvisory, create_draft, preview_draft};
use advisory::ids::Database;
use safe_fs::display_path;

use super::ids::this_year;

/// Arguments of `osec new`.
#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    /// The affected opam package.
    #[arg(long)]
    package: String,
    /// Its affected versions, as in an opam file: '{< "1.2.3"}' (braces optional).
    #[arg(long)]
    constraint: String,
    /// The one-line summary (else the draft marks it as text to write).
    #[arg(long)]
    summary: Option<String>,
    /// A CVE identifier of the vulnerability (repeatable).
    #[arg(long = "cve", value_name = "ID")]
    cves: Vec<String>,
    /// A CWE identifier, CWE-N (repeatable).
    #[arg(long = "cwe", value_name = "CWE-N")]
    cwes: Vec<String>,
    /// The CVSS vector (2.0, 3.x or 4.0); the score is computed from it.
    #[arg(long, value_name = "VECTOR")]
    cvss: Option<String>,
    /// A commit that fixes it: REPO@COMMIT, the full commit ID (repeatable).
    #[arg(long, value_name = "REPO@COMMIT")]
    fixed: Vec<String>,
    /// A credit: ROLE:NAME, ROLE as in OSV (reporter, finder, remediation_developer, …).
    #[arg(long = "credit", value_name = "ROLE:NAME")]
    credits: Vec<String>,
    /// An affected function or module, Module.value (repeatable).
    #[arg(long = "binding", value_name = "Module.value")]
    bindings: Vec<String>,
    /// The year of the new ID [default: the current year, UTC]
    #[arg(long)]
    year: Option<i32>,
    /// Use this ID (one reserved with `osec reserve`) instead of the next free one.
    #[arg(long)]
    id: Option<AdvisoryId>,
    /// Print the draft instead of writing it (no ID is claimed).
    #[arg(long)]
    stdout: bool,
    /// The database: a repository holding `advisories/`, or that directory [default: .]
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub(crate) fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let now = jiff::Timestamp::now();
    let year = args.year.unwrap_or_else(|| this_year(now));
    let db = Database::open(&args.dir);
    let spec = NewAdvisory {
        package: args.package,
        constraint: args.constraint,
        summary: args.summary,
        cves: args.cves,
        cwes: args.cwes,
        cvss: args.cvss,
        fixed: args.fixed,
        credits: args.credits,
        bindings: args.bindings,
    };
    let render = |id| spec.render(id, now);
    if args.stdout {
        print!("{}", preview_draft(&db, args.id, year, render)?);
        return Ok(ExitCode::SUCCESS);
    }
    let (id, path) = create_draft(&db, args.id, year, now, render)?;
    println!("{}", display_path(&path));
    eprintln!("{id}: write the text marked TODO(draft), then check it with `osec lint`");
    Ok(ExitCode::SUCCESS)
}
