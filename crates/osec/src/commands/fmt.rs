//! `osec fmt [--check] [PATH...]`: rewrite advisory headers in canonical layout.
//!
//! Each file is rewritten atomically with its mode kept; a read-only file is not
//! rewritten; a symbolic link is followed and the file it names is rewritten, the
//! link staying a link. A file that cannot be read, is not UTF-8, does not parse or
//! cannot be written is reported and skipped; the others are still formatted, and
//! the run exits 2.

use std::path::PathBuf;
use std::process::ExitCode;

use advisory::format::{FileFormat, format_file};
use advisory::tree::find_advisories;
use safe_fs::display_path;

use super::exit_if;

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
        match format_file(&path, args.check) {
            FileFormat::Canonical => {}
            FileFormat::WouldReformat => {
                unformatted += 1;
                println!("{} would be reformatted", display_path(&path));
            }
            FileFormat::Reformatted => println!("{} reformatted", display_path(&path)),
            FileFormat::Failed(message) => {
                failed += 1;
                eprintln!("error: {message}");
            }
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else {
        exit_if(args.check && unformatted > 0, 1)
    })
}
