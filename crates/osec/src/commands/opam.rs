//! `osec opam …`: the opam file format.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use opam_file::SourceFile;
use opam_file::diagnostic::{self, Diagnostic};
use rayon::prelude::*;

use super::opam_model;

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
    /// Exit status 0 when all parsed, 1 when some failed, 2 when a path can't be read.
    Check {
        /// Files, directories or `.tar.gz` archives of a repository.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How to report failures.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Compare two versions in opam's order: prints `A < B`, `A = B` or `A > B`.
    Compare(opam_model::CompareArgs),
    /// List the versions of a package in repositories that satisfy a constraint,
    /// in opam's order.
    Versions(opam_model::VersionsArgs),
}

/// Output formats of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// rustc-style text.
    Human,
    /// One JSON object per line.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

pub(crate) fn run(cmd: OpamCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        OpamCommand::Ast { file } => ast(&file),
        OpamCommand::Print { normalise, file } => print(&file, normalise),
        OpamCommand::Check { paths, format } => check(&paths, format),
        OpamCommand::Compare(args) => opam_model::compare(args),
        OpamCommand::Versions(args) => opam_model::versions(args),
    }
}

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
    if !normalise {
        anyhow::bail!("standard printer not yet available (use --normalise)");
    }
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
    let text = opam_file::print::normalise::normalise(&file)
        .with_context(|| format!("cannot normalise {}", path.display()))?;
    std::io::stdout().lock().write_all(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Whether a file name is one `check` parses.
fn is_opam_file_name(name: &str) -> bool {
    name == "opam" || name.ends_with(".opam")
}

/// One file to check: the name to show and its bytes.
struct Input {
    name: String,
    bytes: Vec<u8>,
}

/// Collects the opam files under `path`: the file itself, a directory walked
/// recursively (in sorted order), or the entries of a `.tar.gz`.
fn collect(path: &Path, inputs: &mut Vec<Input>) -> anyhow::Result<()> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if metadata.is_dir() {
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot walk {}", path.display()))?;
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && is_opam_file_name(&name) {
                inputs.push(Input {
                    name: entry.path().display().to_string(),
                    bytes: read(entry.path())?,
                });
            }
        }
    } else if path.to_string_lossy().ends_with(".tar.gz")
        || path.to_string_lossy().ends_with(".tgz")
    {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        let entries = archive
            .entries()
            .with_context(|| format!("cannot read the archive {}", path.display()))?;
        for entry in entries {
            let mut entry =
                entry.with_context(|| format!("cannot read the archive {}", path.display()))?;
            let entry_name = entry.path()?.to_string_lossy().into_owned();
            let base = entry_name.rsplit('/').next().unwrap_or_default();
            if entry.header().entry_type().is_file() && is_opam_file_name(base) {
                let mut bytes = Vec::new();
                entry
                    .read_to_end(&mut bytes)
                    .with_context(|| format!("cannot read {entry_name} in {}", path.display()))?;
                inputs.push(Input {
                    name: format!("{}:{entry_name}", path.display()),
                    bytes,
                });
            }
        }
    } else {
        inputs.push(Input {
            name: path.display().to_string(),
            bytes: read(path)?,
        });
    }
    Ok(())
}

fn check(paths: &[PathBuf], format: Format) -> anyhow::Result<ExitCode> {
    let mut inputs = Vec::new();
    for path in paths {
        if let Err(error) = collect(path, &mut inputs) {
            eprintln!("error: {error:#}");
            return Ok(ExitCode::from(2));
        }
    }
    let failures: Vec<(SourceFile, Vec<Diagnostic>)> = inputs
        .par_iter()
        .filter_map(|input| {
            opam_file::parse(&input.bytes).err().map(|error| {
                (
                    SourceFile::new(input.name.clone(), &input.bytes),
                    vec![Diagnostic::from_parse_error(&error)],
                )
            })
        })
        .collect();
    let mut out = std::io::stdout().lock();
    match format {
        Format::Human => {
            for (source, diagnostics) in &failures {
                write!(out, "{}", diagnostic::render_human(source, diagnostics))?;
            }
            writeln!(
                out,
                "checked {} files, {} failed",
                inputs.len(),
                failures.len()
            )?;
        }
        Format::Json => {
            for (source, diagnostics) in &failures {
                write!(
                    out,
                    "{}",
                    diagnostic::render_json_lines(source, diagnostics)
                )?;
            }
        }
        Format::Sarif => {
            let files: Vec<(&SourceFile, &[Diagnostic])> =
                failures.iter().map(|(s, d)| (s, d.as_slice())).collect();
            writeln!(
                out,
                "{}",
                diagnostic::sarif("osec", &files, diagnostic::SYNTAX_RULES)
            )?;
        }
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
