//! The crate's error type: what stops a command before it can say anything about the
//! packages (the repository, a revision or the advisories cannot be read, a file
//! cannot be written). Problems of single opam files are findings, not errors (see
//! [`crate::Rule::UnparsableOpamFile`], [`crate::Notice`], [`crate::Unreadable`]).

use std::path::PathBuf;

/// Everything that stops a check.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path is not a git repository (or cannot be opened as one).
    #[error(
        "{}: not a git repository ({message}); give the directory of a clone of opam-repository (its worktree or its .git directory)",
        path.display()
    )]
    NotARepository {
        /// The path given.
        path: PathBuf,
        /// What gix said.
        message: String,
    },
    /// A revision does not name a commit of the repository.
    #[error(
        "{}: unknown revision {revision:?} ({message}); give a branch, a tag, a commit hash or an expression such as HEAD~3",
        path.display()
    )]
    UnknownRevision {
        /// The repository.
        path: PathBuf,
        /// The revision as given.
        revision: String,
        /// What gix said.
        message: String,
    },
    /// A revision cannot be resolved, or its objects read, and the clone is shallow:
    /// the history probably stops before it.
    #[error(
        "{}: revision {revision:?} is not in this shallow clone ({message}); fetch the missing history with `git fetch --unshallow` (or `git fetch --deepen=N`)",
        path.display()
    )]
    ShallowHistory {
        /// The repository.
        path: PathBuf,
        /// The revision as given.
        revision: String,
        /// What gix said.
        message: String,
    },
    /// The tree of a revision has no `packages/` directory.
    #[error(
        "{}: revision {revision:?} has no packages/ directory: not an opam repository at that revision",
        path.display()
    )]
    NoPackages {
        /// The repository.
        path: PathBuf,
        /// The revision as given.
        revision: String,
    },
    /// Directories under `packages/` are nested deeper than any opam repository's.
    #[error(
        "{}: {tree} is nested too deeply to be an opam repository's package directory",
        path.display()
    )]
    TooDeep {
        /// The repository.
        path: PathBuf,
        /// The directory, from the repository root.
        tree: String,
    },
    /// An object of the repository could not be read (a corrupt or partial clone).
    #[error(
        "{}: cannot read {what} ({message}); the clone may be corrupt or partial (`git fsck`, or fetch again without --filter)",
        path.display()
    )]
    Git {
        /// The repository.
        path: PathBuf,
        /// The object, with the path it was read for.
        what: String,
        /// What gix said.
        message: String,
    },
    /// `repo annotate` edits files in place: its repository must be a directory.
    #[error(
        "{}: not a directory; `osec repo annotate` edits opam files in place, so give the directory of a checkout of the repository (a .tar.gz or DIR@REV can only be read: extract or check it out first)",
        path.display()
    )]
    NotADirectory {
        /// The repository as given.
        path: PathBuf,
    },
    /// A repository given with `--repo` cannot be opened or indexed.
    #[error("cannot read the repository {repository}: {source}")]
    Repository {
        /// The repository as given.
        repository: String,
        /// Why.
        source: opam_model::Error,
    },
    /// The advisories cannot be found or read.
    #[error(transparent)]
    Advisories(#[from] advisory::Error),
    /// No advisory file under the paths given: nothing could be checked or edited.
    #[error(
        "no advisory (OSEC-*.md) under {}; give the directory of ocaml/security-advisories or advisory files",
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NoAdvisories {
        /// The paths given.
        paths: Vec<PathBuf>,
    },
    /// An opam file could not be written (the files written before it keep their
    /// new bytes; running the command again finishes the work).
    #[error(transparent)]
    Write(#[from] safe_fs::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
