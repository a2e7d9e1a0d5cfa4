//! `osec opam …`: the opam file format.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ::opam_model::{CheckFormat, CheckReport, MAX_FILE_SIZE, OpamFiles};
use anyhow::Context;
use clap::Subcommand;
use opam_file::SourceFile;
use opam_file::diagnostic::{self, Diagnostic};

use super::{exit_if, opam_model, print_stdout};

/// Subcommands of `osec opam`.
#[derive(Debug, Subcommand)]
pub(crate) enum OpamCommand {
    /// Print a file's syntax tree with opam's positions (the oracle's `dump ast`).
    ///
    /// Exit status 0 when the file parsed, 1 when opam would reject it.
    Ast {
        /// The opam file.
        file: PathBuf,
    },
    /// Print a file as opam's printers do.
    Print {
        /// opam's normalised form (`OpamPrinter.FullPos.Normalise`), as used for
        /// signatures and `opam show --normalise`.
        #[arg(long)]
        normalise: bool,
        /// The opam file.
        file: PathBuf,
    },
    /// Parse every `opam` and `*.opam` file under the paths (directories are walked,
    /// `.tar.gz` archives are read) and report the files opam would reject.
    ///
    /// Exit status 0 when all parsed, 1 when some failed, 2 when a path or a file
    /// can't be read (each such file is named; the others are still checked).
    Check {
        /// Files, directories or `.tar.gz` archives of a repository.
        #[arg(required_unless_present = "files_from")]
        paths: Vec<PathBuf>,
        /// Also check the files named in LIST, one path per line (`-`: standard
        /// input), whatever their names; for example the output of `find`.
        #[arg(long, value_name = "LIST")]
        files_from: Option<PathBuf>,
        /// How to report failures.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Refuse files larger than BYTES (opam-repository's largest is 26 KB).
        #[arg(long, value_name = "BYTES", default_value_t = MAX_FILE_SIZE)]
        max_file_size: u64,
    },
    /// Compare two versions in opam's order: prints `A < B`, `A = B` or `A > B`.
    Compare(opam_model::CompareArgs),
    /// List the versions of a package in repositories that satisfy a constraint,
    /// in opam's order.
    Versions(opam_model::VersionsArgs),
}

pub(crate) fn run(cmd: OpamCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        OpamCommand::Ast { file } => ast(&file),
        OpamCommand::Print { normalise, file } => print(&file, normalise),
        OpamCommand::Check {
            paths,
            files_from,
            format,
            max_file_size,
        } => check(&paths, files_from.as_deref(), format, max_file_size),
        OpamCommand::Compare(args) => opam_model::compare(args),
        OpamCommand::Versions(args) => opam_model::versions(args),
    }
}

/// Reads the file that `ast` and `print` show (one file the user names: no limit).
fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn ast(path: &Path) -> anyhow::Result<ExitCode> {
    let src = read(path)?;
    let (text, code) = match opam_file::dump::dump_ast_of_source(&src) {
        Ok(text) => (text, ExitCode::SUCCESS),
        Err(text) => (text, ExitCode::FAILURE),
    };
    std::io::stdout().lock().write_all(&text)?;
    Ok(code)
}

fn print(path: &Path, normalise: bool) -> anyhow::Result<ExitCode> {
    let src = read(path)?;
    let file = match opam_file::parse(&src) {
        Ok(file) => file,
        Err(error) => {
            let source = SourceFile::new(path.display().to_string(), &src);
            let diagnostics = [Diagnostic::from_parse_error(&error)];
            eprint!("{}", diagnostic::render_human(&source, &diagnostics));
            return Ok(ExitCode::FAILURE);
        }
    };
    let text = if normalise {
        opam_file::print::normalise::normalise(&file)
            .with_context(|| format!("cannot normalise {}", path.display()))?
    } else {
        opam_file::print::standard::opamfile(&file)
            .with_context(|| format!("cannot print {}", path.display()))?
    };
    std::io::stdout().lock().write_all(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The files to check: those under `paths`, then those of the list.
fn collect(
    paths: &[PathBuf],
    files_from: Option<&Path>,
    max_file_size: u64,
) -> anyhow::Result<OpamFiles> {
    let mut files = OpamFiles::new(max_file_size);
    for path in paths {
        files.add_path(path)?;
    }
    match files_from {
        Some(list) if list == Path::new("-") => files.add_list(list, std::io::stdin().lock())?,
        Some(list) => {
            let reader = std::fs::File::open(list)
                .with_context(|| format!("cannot read {}", list.display()))?;
            files.add_list(list, reader)?;
        }
        None => {}
    }
    Ok(files)
}

fn check(
    paths: &[PathBuf],
    files_from: Option<&Path>,
    format: CheckFormat,
    max_file_size: u64,
) -> anyhow::Result<ExitCode> {
    let files = collect(paths, files_from, max_file_size)?;
    let report = CheckReport::of(&files);
    eprint!("{}", report.unreadable_text());
    print_stdout(&report.render(format, &super::SARIF_TOOL))?;
    Ok(if report.unreadable.is_empty() {
        exit_if(!report.failures.is_empty(), 1)
    } else {
        ExitCode::from(2)
    })
}
