//! `osec fmt [--check] [PATH...]`: rewrite advisory headers in canonical layout.
//!
//! Each file is rewritten atomically with its mode kept; a read-only file is not
//! rewritten; a symbolic link is followed and the file it names is rewritten, the
//! link staying a link. A file that cannot be read, is not UTF-8, does not parse or
//! cannot be written is reported and skipped; the others are still formatted, and
//! the run exits 2.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::format::format_advisory;
use advisory::tree::{find_advisories, read_advisory_text};
use safe_fs::{display_path, escape_control};

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
        let text = match read_advisory_text(&path) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
                continue;
            }
        };
        let formatted = match format_advisory(&text) {
            Ok(formatted) => formatted,
            Err(err) => {
                let index = opam_file::LineIndex::new(&text);
                let (line, column) = index.line_column(&text, err.span().start);
                eprintln!(
                    "error: {}:{line}:{column}: {}; run `osec lint` for details",
                    display_path(&path),
                    escape_control(&err.to_string())
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
            println!("{} would be reformatted", display_path(&path));
        } else if let Err(err) = safe_fs::rewrite(&path, formatted.as_bytes()) {
            eprintln!("error: {err}");
            failed += 1;
        } else {
            println!("{} reformatted", display_path(&path));
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
