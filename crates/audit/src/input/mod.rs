//! Inputs of an audit: finding them ([`detect`], [`Input::switch`], [`Input::lock`]) and
//! reading each into an [`Inventory`] ([`Input::read`]).
//!
//! | input | found as | graph |
//! |---|---|---|
//! | opam switch | `_opam/` under PATH, `--switch NAME\|DIR` | installed packages' `depends`/`depopts` with their flags |
//! | `opam switch export` | `--export FILE` | the `package` sections (all with `--full`, pinned ones otherwise) |
//! | `opam lock` | `*.opam.locked` | the project → every locked package, flags kept |
//! | dune | `dune.lock/` | `.pkg` `depends`; roots and flags from `dune-project` when present |
//! | esy | `esy.lock/index.json` | `dependencies` (normal) and `devDependencies` (dev) |
//! | plain opam file | `*.opam`, `opam` | none: `depends`/`depopts` entries as [`Inventory::requirements`] |

mod dune_lock;
mod error;
mod esy;
mod formula;
mod inventory;
mod opam_lock;
mod opam_state;
mod sexp;

use std::fmt;
use std::path::{Path, PathBuf};

pub use error::{Error, Position, Result};
pub use inventory::{
    DepKind, Dependency, DependencyPath, InstalledPackage, Inventory, Registry, Requirement,
};

/// One thing that can be audited, found on disk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Input {
    /// An opam switch: `dir` holds `.opam-switch/` (a project's `_opam/`, or
    /// `$OPAMROOT/NAME`).
    Switch {
        /// The switch directory.
        dir: PathBuf,
    },
    /// A file written by `opam switch export [--full]`.
    Export {
        /// The file.
        file: PathBuf,
    },
    /// A `*.opam.locked` file written by `opam lock`.
    OpamLock {
        /// The file.
        file: PathBuf,
    },
    /// A dune package-management lock directory.
    DuneLock {
        /// The `dune.lock/` directory.
        dir: PathBuf,
    },
    /// An esy lock file.
    EsyLock {
        /// The `esy.lock/index.json` file.
        file: PathBuf,
    },
    /// A plain opam file: constraints, nothing installed.
    OpamFile {
        /// The file.
        file: PathBuf,
    },
}

impl Input {
    /// The file or directory read.
    pub fn path(&self) -> &Path {
        match self {
            Input::Switch { dir } | Input::DuneLock { dir } => dir,
            Input::Export { file }
            | Input::OpamLock { file }
            | Input::EsyLock { file }
            | Input::OpamFile { file } => file,
        }
    }

    /// A short name of the kind of input, for reports: `opam-switch`, `opam-export`,
    /// `opam-lock`, `dune-lock`, `esy-lock`, `opam-file`.
    pub fn kind(&self) -> &'static str {
        match self {
            Input::Switch { .. } => "opam-switch",
            Input::Export { .. } => "opam-export",
            Input::OpamLock { .. } => "opam-lock",
            Input::DuneLock { .. } => "dune-lock",
            Input::EsyLock { .. } => "esy-lock",
            Input::OpamFile { .. } => "opam-file",
        }
    }

    /// Reads the input.
    pub fn read(&self) -> Result<Inventory> {
        match self {
            Input::Switch { dir } => opam_state::read_switch(self.clone(), dir),
            Input::Export { file } => opam_state::read_export(self.clone(), file),
            Input::OpamLock { file } => opam_lock::read_locked(self.clone(), file),
            Input::DuneLock { dir } => dune_lock::read_dune_lock(self.clone(), dir),
            Input::EsyLock { file } => esy::read_esy_lock(self.clone(), file),
            Input::OpamFile { file } => opam_lock::read_opam(self.clone(), file),
        }
    }

    /// `--switch NAME|DIR`: a directory holding `.opam-switch/` or `_opam/`, else the
    /// switch NAME of the opam root (`$OPAMROOT/NAME`, see [`default_opam_root`]).
    pub fn switch(name_or_dir: &str, opam_root: &Path) -> Result<Input> {
        let as_dir = PathBuf::from(name_or_dir);
        if let Some(dir) = switch_dir(&as_dir) {
            return Ok(Input::Switch { dir });
        }
        let in_root = opam_root.join(name_or_dir);
        if in_root.join(".opam-switch").is_dir() {
            return Ok(Input::Switch { dir: in_root });
        }
        Err(Error::SwitchNotFound {
            name: name_or_dir.to_owned(),
            as_dir,
            in_root,
        })
    }

    /// `--export FILE`.
    pub fn export(file: &Path) -> Input {
        Input::Export {
            file: file.to_path_buf(),
        }
    }

    /// `--lock FILE`: a `dune.lock` directory, an esy `index.json` (or the `esy.lock`
    /// directory holding it), a plain `*.opam` file (its constraints are checked), or
    /// else an opam lock file.
    pub fn lock(path: &Path) -> Input {
        if path.is_dir() {
            let esy_index = path.join("index.json");
            if esy_index.is_file() && !path.join("lock.dune").exists() {
                return Input::EsyLock { file: esy_index };
            }
            return Input::DuneLock {
                dir: path.to_path_buf(),
            };
        }
        if path.file_name().is_some_and(|f| f == "index.json") {
            return Input::EsyLock {
                file: path.to_path_buf(),
            };
        }
        // `--lock foo.opam`: not a lock (those end in `.opam.locked`), so what it can
        // be checked for is its constraints.
        if path.extension().is_some_and(|e| e == "opam") {
            return Input::OpamFile {
                file: path.to_path_buf(),
            };
        }
        Input::OpamLock {
            file: path.to_path_buf(),
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.path().display())
    }
}

/// The switch directory for `dir`: `dir` itself when it holds `.opam-switch/`, or its
/// `_opam/`.
fn switch_dir(dir: &Path) -> Option<PathBuf> {
    if dir.join(".opam-switch").is_dir() {
        return Some(dir.to_path_buf());
    }
    let local = dir.join("_opam");
    local.join(".opam-switch").is_dir().then_some(local)
}

/// The opam root as opam finds it: `$OPAMROOT`, else `~/.opam`. The caller passes the
/// environment's values (the library reads no environment variable).
pub fn default_opam_root(opamroot: Option<&str>, home: Option<&Path>) -> Option<PathBuf> {
    match opamroot {
        Some(root) if !root.is_empty() => Some(PathBuf::from(root)),
        _ => home.map(|h| h.join(".opam")),
    }
}

/// Every input found at `path`, in a fixed order: the local switch, lock files, dune
/// and esy lock directories, then plain opam files. A file is classified by its name
/// (`*.opam.locked`, `index.json`, `*.opam` or `opam`; anything else is read as an
/// `opam switch export` file).
///
/// An error when `path` cannot be read, or [`Error::NothingFound`] when it holds
/// nothing to audit.
pub fn detect(path: &Path) -> Result<Vec<Input>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        let name = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        let input = if name.ends_with(".opam.locked") {
            Input::OpamLock {
                file: path.to_path_buf(),
            }
        } else if name == "index.json" {
            Input::EsyLock {
                file: path.to_path_buf(),
            }
        } else if name.ends_with(".opam") || name == "opam" {
            Input::OpamFile {
                file: path.to_path_buf(),
            }
        } else {
            Input::Export {
                file: path.to_path_buf(),
            }
        };
        return Ok(vec![input]);
    }
    let mut found = Vec::new();
    if let Some(dir) = switch_dir(path) {
        found.push(Input::Switch { dir });
    }
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    found.extend(
        names
            .iter()
            .filter(|n| n.ends_with(".opam.locked"))
            .map(|n| Input::OpamLock { file: path.join(n) }),
    );
    let dune_lock = path.join("dune.lock");
    if dune_lock.is_dir() {
        found.push(Input::DuneLock { dir: dune_lock });
    }
    let esy_index = path.join("esy.lock").join("index.json");
    if esy_index.is_file() {
        found.push(Input::EsyLock { file: esy_index });
    }
    found.extend(
        names
            .iter()
            .filter(|n| n.ends_with(".opam") || n.as_str() == "opam")
            .map(|n| Input::OpamFile { file: path.join(n) }),
    );
    if found.is_empty() {
        return Err(Error::NothingFound {
            path: path.to_path_buf(),
        });
    }
    Ok(found)
}
