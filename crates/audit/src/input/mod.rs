//! Inputs of an audit: finding them ([`detect`], [`Input::switch`], [`Input::lock`]) and
//! reading each into an [`Inventory`] ([`Input::read`]).
//!
//! | input | found as (see [`detect`]) | graph |
//! |---|---|---|
//! | opam switch | `_opam/`, `--switch NAME\|DIR` | installed packages' `depends`/`depopts` with their flags |
//! | `opam switch export` | `opam.export`, `*.export`, `--export FILE` | the `package` sections (all with `--full`, pinned ones otherwise) |
//! | `opam lock` | `*.opam.locked`, `*.opam.SUFFIX` (`--lock-suffix`), `opam.locked` | the project → every locked package, flags kept |
//! | dune | `dune.lock/` (any directory holding `lock.dune`) | `.pkg` `depends`; roots and flags from `dune-project` when present |
//! | dune dev tool | `dev-tools.locks/TOOL/` | as `dune.lock/`, the tool as root; every finding development-only |
//! | esy | `esy.lock/`, `*.esy.lock/` (`index.json`) | `dependencies` (normal) and `devDependencies` (dev) |
//! | plain opam file | `*.opam`, `opam` | none: `depends`/`depopts` entries as [`Inventory::requirements`] |
//!
//! Besides its packages, a reader gives where each is written ([`Inventory::location`])
//! and [`Note`]s on what it read differently from the file's name or could not take into
//! account.

mod detect;
mod dune_lock;
mod error;
mod esy;
mod formula;
mod inventory;
mod note;
mod opam_lock;
mod opam_state;
mod sexp;

use std::fmt;
use std::path::{Path, PathBuf};

pub use detect::detect;
pub use error::{Error, Position, Result};
pub use inventory::{
    DepKind, Dependency, DependencyPath, InstalledPackage, Inventory, Registry, Requirement,
};
pub use note::{Location, Note, NoteKind};

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
    /// The lock directory of a development tool, `dev-tools.locks/TOOL/` (`dune tools`).
    DuneDevTool {
        /// The `dev-tools.locks/TOOL/` directory.
        dir: PathBuf,
        /// The tool: the directory's name (`ocamlformat`, `ocaml-lsp-server`).
        tool: String,
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
            Input::Switch { dir } | Input::DuneLock { dir } | Input::DuneDevTool { dir, .. } => dir,
            Input::Export { file }
            | Input::OpamLock { file }
            | Input::EsyLock { file }
            | Input::OpamFile { file } => file,
        }
    }

    /// A short name of the kind of input, for reports: `opam-switch`, `opam-export`,
    /// `opam-lock`, `dune-lock`, `dune-dev-tool`, `esy-lock`, `opam-file`.
    pub fn kind(&self) -> &'static str {
        match self {
            Input::Switch { .. } => "opam-switch",
            Input::Export { .. } => "opam-export",
            Input::OpamLock { .. } => "opam-lock",
            Input::DuneLock { .. } => "dune-lock",
            Input::DuneDevTool { .. } => "dune-dev-tool",
            Input::EsyLock { .. } => "esy-lock",
            Input::OpamFile { .. } => "opam-file",
        }
    }

    /// The development tool whose lock directory this is (`dev-tools.locks/TOOL/`):
    /// everything it locks is needed to develop the project, not to use it.
    pub fn dev_tool(&self) -> Option<&str> {
        match self {
            Input::DuneDevTool { tool, .. } => Some(tool),
            _ => None,
        }
    }

    /// Reads the input. The inventory's [`Inventory::input`] may differ from `self`
    /// when the content says what the name did not (a `*.opam.locked` that pins
    /// nothing is read as a plain opam file), with a [`Note`] saying so.
    pub fn read(&self) -> Result<Inventory> {
        match self {
            Input::Switch { dir } => opam_state::read_switch(self.clone(), dir),
            Input::Export { file } => opam_state::read_export(self.clone(), file),
            Input::OpamLock { file } => opam_lock::read_locked(self.clone(), file),
            Input::DuneLock { dir } => dune_lock::read_dune_lock(self.clone(), dir, None),
            Input::DuneDevTool { dir, tool } => {
                dune_lock::read_dune_lock(self.clone(), dir, Some(tool))
            }
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

    /// `--lock FILE`: a dune lock directory (a `dev-tools.locks/TOOL/` one is a dev
    /// tool's), an esy `index.json` (or the `esy.lock` directory holding it), or an
    /// opam-syntax file read as what its name, else its content, says it is (see
    /// [`detect`]): a lock, a switch export, or a plain opam file (whose constraints
    /// are checked).
    pub fn lock(path: &Path) -> Input {
        if path.is_dir() {
            let esy_index = path.join("index.json");
            if esy_index.is_file() && !path.join("lock.dune").exists() {
                return Input::EsyLock { file: esy_index };
            }
            return detect::dune_lock_dir(path);
        }
        detect::classify_file(path)
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
