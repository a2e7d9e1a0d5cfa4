//! Finding the inputs of a project as OCaml projects lay them out ([`detect`]), and
//! reading a file or directory given by name as what it is ([`classify_file`],
//! [`dune_lock_dir`]).

use std::path::{Path, PathBuf};

use super::Input;
use super::error::{Error, Result, read_bytes};
use super::opam_lock::{OpamContent, content_kind, is_lock_name};

/// Directories never searched for inputs one level down: build output, a switch's own
/// files, npm's packages, and the dev tools' lock directories (found as such).
const SKIPPED_DIRECTORIES: [&str; 4] = ["_build", "_opam", "node_modules", "dev-tools.locks"];

/// Every input found at `path`, in a fixed order.
///
/// A file is read as what it is: a name `opam lock` writes ([`is_lock_name`]:
/// `*.opam.locked`, `*.opam.SUFFIX`, `opam.locked`) is a lock, `*.json` an esy lock,
/// `*.export` a switch export; any other name (`opam`, `*.opam`, …) is read as what
/// its fields say (`installed:` an export, every dependency pinned a lock, else a plain
/// opam file).
///
/// A directory that is itself an input is read as one: a switch (`.opam-switch/`), a
/// dune lock directory (`lock.dune`; under `dev-tools.locks/`, a dev tool's),
/// `dev-tools.locks/` (each tool), an esy lock directory (`esy.lock/`, `*.esy.lock/`).
///
/// Any other directory is a project, searched in itself and then in each subdirectory
/// one level down (by name; not hidden ones, `_build`, `_opam`, `node_modules`), for:
/// the local switch `_opam/`, lock files, switch exports (`opam.export`, `*.export`),
/// dune lock directories (`dune.lock/`, any directory holding `lock.dune`),
/// `dev-tools.locks/TOOL/`, esy lock directories; then the project's own plain opam
/// files (`*.opam`, `opam`), in the directory itself only. An input found one level
/// down is named by its path, which names the subdirectory.
///
/// An error when a directory cannot be read, or [`Error::NothingFound`] when `path`
/// holds nothing to audit.
pub fn detect(path: &Path) -> Result<Vec<Input>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![classify_file(path)]);
    }
    if let Some(inputs) = directory_as_inputs(path) {
        return Ok(inputs);
    }
    let mut found = inputs_in(path)?;
    for subdirectory in subdirectories(path)? {
        found.extend(inputs_in(&subdirectory)?);
    }
    found.extend(
        files(path)?
            .into_iter()
            .filter(|(name, _)| name.ends_with(".opam") || name == "opam")
            .map(|(_, file)| Input::OpamFile { file }),
    );
    if found.is_empty() {
        return Err(Error::NothingFound {
            path: path.to_path_buf(),
        });
    }
    Ok(found)
}

/// The input a file is, from its name, else its content (see [`detect`]).
pub(crate) fn classify_file(path: &Path) -> Input {
    let file = path.to_path_buf();
    let name = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    if is_lock_name(name) {
        return Input::OpamLock { file };
    }
    if name.ends_with(".json") {
        return Input::EsyLock { file };
    }
    if name.ends_with(".export") {
        return Input::Export { file };
    }
    // Only a regular file is read to see what it holds (a pipe could block); the
    // reader reports any problem with the file itself.
    let content = path
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|_| read_bytes(path).ok())
        .and_then(|text| content_kind(&text));
    match content {
        Some(OpamContent::Lock) => Input::OpamLock { file },
        Some(OpamContent::Export) => Input::Export { file },
        Some(OpamContent::Definition) => Input::OpamFile { file },
        None if name.ends_with(".opam") || name == "opam" => Input::OpamFile { file },
        None => Input::Export { file },
    }
}

/// A dune lock directory: a dev tool's when it sits in `dev-tools.locks/`.
pub(crate) fn dune_lock_dir(dir: &Path) -> Input {
    let parent_is_tools = dir
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|p| p == "dev-tools.locks");
    let tool = dir.file_name().and_then(|f| f.to_str());
    match tool {
        Some(tool) if parent_is_tools => Input::DuneDevTool {
            dir: dir.to_path_buf(),
            tool: tool.to_owned(),
        },
        _ => Input::DuneLock {
            dir: dir.to_path_buf(),
        },
    }
}

/// The inputs a directory is by itself, when it is one (or `dev-tools.locks/`).
fn directory_as_inputs(dir: &Path) -> Option<Vec<Input>> {
    if dir.join(".opam-switch").is_dir() {
        return Some(vec![Input::Switch {
            dir: dir.to_path_buf(),
        }]);
    }
    if is_dune_lock_dir(dir) {
        return Some(vec![dune_lock_dir(dir)]);
    }
    if is_esy_lock_dir(dir) {
        return Some(vec![Input::EsyLock {
            file: dir.join("index.json"),
        }]);
    }
    if dir.file_name().is_some_and(|f| f == "dev-tools.locks") {
        let tools = dev_tools(dir).ok()?;
        return (!tools.is_empty()).then_some(tools);
    }
    None
}

fn is_dune_lock_dir(dir: &Path) -> bool {
    dir.join("lock.dune").is_file()
}

fn is_esy_lock_dir(dir: &Path) -> bool {
    let named = dir
        .file_name()
        .and_then(|f| f.to_str())
        .is_some_and(|f| f == "esy.lock" || (f.ends_with(".esy.lock") && f.len() > 9));
    named && dir.join("index.json").is_file()
}

/// The installed-state inputs directly in `dir`, in order: the local switch, lock
/// files, switch exports, dune lock directories, dev tools, esy lock directories.
fn inputs_in(dir: &Path) -> Result<Vec<Input>> {
    let mut found = Vec::new();
    let local_switch = dir.join("_opam");
    if local_switch.join(".opam-switch").is_dir() {
        found.push(Input::Switch { dir: local_switch });
    }
    let files = files(dir)?;
    found.extend(
        files
            .iter()
            .filter(|(name, _)| is_lock_name(name))
            .map(|(_, file)| Input::OpamLock { file: file.clone() }),
    );
    found.extend(
        files
            .iter()
            .filter(|(name, _)| name.len() > ".export".len() && name.ends_with(".export"))
            .map(|(_, file)| Input::Export { file: file.clone() }),
    );
    let directories = directories(dir)?;
    found.extend(
        directories
            .iter()
            .filter(|(_, sub)| is_dune_lock_dir(sub))
            .map(|(_, sub)| dune_lock_dir(sub)),
    );
    let tools = dir.join("dev-tools.locks");
    if tools.is_dir() {
        found.extend(dev_tools(&tools)?);
    }
    found.extend(
        directories
            .iter()
            .filter(|(_, sub)| is_esy_lock_dir(sub))
            .map(|(_, sub)| Input::EsyLock {
                file: sub.join("index.json"),
            }),
    );
    Ok(found)
}

/// Each `dev-tools.locks/TOOL/` lock directory.
fn dev_tools(tools: &Path) -> Result<Vec<Input>> {
    Ok(directories(tools)?
        .into_iter()
        .filter(|(_, sub)| is_dune_lock_dir(sub))
        .map(|(_, sub)| dune_lock_dir(&sub))
        .collect())
}

/// The subdirectories of a project searched one level down.
fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(directories(dir)?
        .into_iter()
        .filter(|(name, sub)| {
            !name.starts_with('.')
                && !SKIPPED_DIRECTORIES.contains(&name.as_str())
                && !is_dune_lock_dir(sub)
                && !is_esy_lock_dir(sub)
        })
        .map(|(_, sub)| sub)
        .collect())
}

/// The regular files (or links to them) of `dir` with UTF-8 names, sorted by name.
fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    entries(dir, |p| p.is_file())
}

/// The directories (or links to them) of `dir` with UTF-8 names, sorted by name.
fn directories(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    entries(dir, |p| p.is_dir())
}

fn entries(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<(String, PathBuf)>> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let path = entry.path();
            let name = entry.file_name().into_string().ok()?;
            keep(&path).then_some((name, path))
        })
        .collect();
    out.sort();
    Ok(out)
}
