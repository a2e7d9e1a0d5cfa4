//! `osec opam …`: the opam file format.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use opam_file::SourceFile;
use opam_file::diagnostic::{self, Diagnostic};
use rayon::prelude::*;

use super::opam_model;
use crate::file_reader::FileReader;

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
        #[arg(required_unless_present = "files_from")]
        paths: Vec<PathBuf>,
        /// Also check the files named in LIST, one path per line (`-`: standard
        /// input), whatever their names; for example the output of `find`.
        #[arg(long, value_name = "LIST")]
        files_from: Option<PathBuf>,
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
        OpamCommand::Check {
            paths,
            files_from,
            format,
        } => check(&paths, files_from.as_deref(), format),
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

/// Whether a file name is one `check` parses.
fn is_opam_file_name(name: &str) -> bool {
    name == "opam" || name.ends_with(".opam")
}

/// One file to check.
enum Input {
    /// A file on disk, read when it is checked.
    File(PathBuf),
    /// A file already read (an entry of an archive): the name to show and its bytes.
    Bytes { name: String, bytes: Vec<u8> },
}

/// A file that failed to parse, with its diagnostics.
type Failure = (SourceFile, Vec<Diagnostic>);

/// Collects the opam files under `path`: the file itself, a directory walked
/// recursively (in sorted order), or the entries of a `.tar.gz`.
fn collect(path: &Path, inputs: &mut Vec<Input>) -> anyhow::Result<()> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if metadata.is_dir() {
        inputs.extend(walk(path)?.into_iter().map(Input::File));
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
                inputs.push(Input::Bytes {
                    name: format!("{}:{entry_name}", path.display()),
                    bytes,
                });
            }
        }
    } else {
        inputs.push(Input::File(path.to_path_buf()));
    }
    Ok(())
}

/// The opam files under the directory `dir`, recursively, in the order of a
/// depth-first walk with each directory's entries sorted by name (symbolic links are
/// not followed). Subdirectories are listed in parallel: on opam-repository, opening
/// and listing its 23,000 directories costs the kernel more than reading the files.
fn walk(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let cannot = || format!("cannot walk {}", dir.display());
    let mut entries = std::fs::read_dir(dir)
        .and_then(|entries| entries.collect::<std::io::Result<Vec<_>>>())
        .with_context(cannot)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    let parts = entries
        .par_iter()
        .map(|entry| {
            let file_type = entry.file_type().with_context(cannot)?;
            if file_type.is_dir() {
                walk(&entry.path())
            } else if file_type.is_file() && is_opam_file_name(&entry.file_name().to_string_lossy())
            {
                Ok(vec![entry.path()])
            } else {
                Ok(Vec::new())
            }
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(parts.concat())
}

/// Adds the files named in `list`, one per line (`-` is standard input).
fn collect_list(list: &Path, inputs: &mut Vec<Input>) -> anyhow::Result<()> {
    let text = if list == Path::new("-") {
        let mut text = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut text)
            .context("cannot read the list of files from standard input")?;
        text
    } else {
        read(list)?
    };
    let text = String::from_utf8(text)
        .with_context(|| format!("the list of files {} is not UTF-8", list.display()))?;
    inputs.extend(
        text.lines()
            .filter(|line| !line.is_empty())
            .map(|line| Input::File(PathBuf::from(line))),
    );
    Ok(())
}

/// Parses the inputs of one batch, in order; `None` for each that parses. The files
/// among them are read together (see [`FileReader`]).
fn check_batch(inputs: &[Input], reader: &mut FileReader) -> Vec<anyhow::Result<Option<Failure>>> {
    let paths: Vec<&Path> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::File(path) => Some(path.as_path()),
            Input::Bytes { .. } => None,
        })
        .collect();
    reader.read_batch(&paths);
    let mut files = 0..;
    inputs
        .iter()
        .map(|input| match input {
            Input::File(path) => {
                let index = files.next().unwrap_or_default();
                let bytes = reader.file(index, path)?;
                Ok(check_one(input, bytes))
            }
            Input::Bytes { bytes, .. } => Ok(check_one(input, bytes)),
        })
        .collect()
}

/// Parses one input whose bytes are `bytes`; `None` when it parses. A [`SourceFile`]
/// (which copies the text and indexes its lines) is only built for a file that fails.
fn check_one(input: &Input, bytes: &[u8]) -> Option<Failure> {
    let Err(error) = opam_file::parse(bytes) else {
        return None;
    };
    let name = match input {
        Input::File(path) => path.display().to_string(),
        Input::Bytes { name, .. } => name.clone(),
    };
    Some((
        SourceFile::new(name, bytes),
        vec![Diagnostic::from_parse_error(&error)],
    ))
}

fn check(paths: &[PathBuf], files_from: Option<&Path>, format: Format) -> anyhow::Result<ExitCode> {
    let mut inputs = Vec::new();
    let collected = paths
        .iter()
        .try_for_each(|path| collect(path, &mut inputs))
        .and_then(|()| files_from.map_or(Ok(()), |list| collect_list(list, &mut inputs)));
    if let Err(error) = collected {
        eprintln!("error: {}", safe_fs::escape_control(&format!("{error:#}")));
        return Ok(ExitCode::from(2));
    }
    // Reading and parsing run together on every thread, a batch of files at a time,
    // with one reader per thread (`map_init` would make one per piece of work that
    // rayon splits off: eight rings even on one thread). `collect` keeps the inputs'
    // order, so the output does not depend on the scheduling.
    thread_local! {
        static READER: RefCell<FileReader> = RefCell::new(FileReader::new());
    }
    let results: Vec<anyhow::Result<Failure>> = inputs
        .par_chunks(FileReader::BATCH)
        .map(|batch| READER.with_borrow_mut(|reader| check_batch(batch, reader)))
        .flatten_iter()
        .filter_map(Result::transpose)
        .collect();
    let mut failures = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(failure) => failures.push(failure),
            Err(error) => {
                eprintln!("error: {}", safe_fs::escape_control(&format!("{error:#}")));
                return Ok(ExitCode::from(2));
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Human => {
            for (source, diagnostics) in &mut failures {
                // File and tar entry names may hold control characters, and the
                // quoted lines C1 controls (the renderer shows the others as symbols).
                source.path = safe_fs::escape_control(&source.path).into_owned();
                source.text = safe_fs::mask_c1_controls(&source.text).into_owned();
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
