//! `osec fmt [--check] [PATH...]`: rewrite advisory headers in canonical layout.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::format::format_advisory;
use advisory::tree::{find_advisories, read_text, write_atomically};

/// Arguments of `osec fmt`.
#[derive(Debug, clap::Args)]
pub(crate) struct FmtArgs {
    /// Change nothing; exit 1 if a file is not in canonical layout.
    #[arg(long)]
    check: bool,
    /// Advisory files, or directories searched for `OSEC-*.md` [default: .]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: FmtArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut unformatted = 0usize;
    let mut failed = 0usize;
    for path in find_advisories(&paths)? {
        let text = read_text(&path)?;
        let formatted = match format_advisory(&text) {
            Ok(formatted) => formatted,
            Err(err) => {
                let index = opam_file::LineIndex::new(&text);
                let (line, column) = index.line_column(&text, err.span().start);
                eprintln!(
                    "error: {}:{line}:{column}: {err}; run `osec lint` for details",
                    path.display()
                );
                failed += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if args.check {
            println!("{} would be reformatted", path.display());
        } else {
            write_atomically(&path, &formatted)?;
            println!("{} reformatted", path.display());
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else if args.check && unformatted > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
