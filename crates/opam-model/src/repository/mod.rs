//! opam repositories: an index of package names to versions, read from a directory,
//! a `.tar.gz`, or a git revision, with each version's opam file parsed on demand.
//!
//! The layout is opam's: `packages/…/NAME.VERSION/opam`, at any depth under
//! `packages/` (usually `packages/NAME/NAME.VERSION/opam`). A `--repo` argument is a
//! [`RepositorySpec`]. Several repositories are layered with [`RepositoryStack`]: for
//! a package present in more than one, the first repository wins, as opam does with
//! its repository priority list. [`ReleasedVersions`] is what lint and the OSV export
//! ask of them: the versions of a few packages, with opam's equality.

mod released;
mod spec;
mod stack;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::definition::PackageDefinition;
use crate::error::Error;
use crate::formula::VersionFormula;
use crate::name::PackageName;
use crate::package::Package;
use crate::read::{MAX_FILE_SIZE, TarEntry, Walk, read_file, read_tarball, walk};
use crate::version::Version;
pub use released::ReleasedVersions;
pub use spec::RepositorySpec;
pub use stack::RepositoryStack;

/// A file of a repository that could not be used, and why.
#[derive(Debug)]
pub struct Problem {
    /// The file or directory, relative to the repository root.
    pub path: PathBuf,
    /// What is wrong with it.
    pub error: Error,
}

impl std::fmt::Display for Problem {
    /// `path: error`, without repeating the path when the error already names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.error {
            Error::OpamFile { path, .. } | Error::TooLarge { path, .. } if *path == self.path => {
                write!(f, "{}", self.error)
            }
            error => write!(f, "{}: {error}", self.path.display()),
        }
    }
}

/// Where the bytes of an opam file are.
#[derive(Debug)]
enum OpamSource {
    /// A file on disk, read when first needed.
    File(PathBuf),
    /// Bytes already in memory (from a tarball).
    Bytes(Box<[u8]>),
    /// A git blob, read when first needed.
    GitBlob(gix::ObjectId),
}

/// One version of a package in a repository.
#[derive(Debug)]
struct Entry {
    /// The opam file, relative to the repository root.
    path: PathBuf,
    source: OpamSource,
    definition: OnceLock<Result<PackageDefinition, Error>>,
}

/// One opam repository.
#[derive(Debug)]
pub struct Repository {
    location: PathBuf,
    packages: BTreeMap<PackageName, BTreeMap<Version, Entry>>,
    problems: Vec<Problem>,
    git: Option<gix::ThreadSafeRepository>,
}

impl Repository {
    /// Opens a repository from a directory, or from a `.tar.gz`/`.tgz` file.
    pub fn open(path: &Path) -> Result<Repository, Error> {
        let metadata = fs::metadata(path).map_err(|source| io_error(path, source))?;
        if metadata.is_dir() {
            Repository::from_directory(path)
        } else {
            Repository::from_tarball(path)
        }
    }

    /// Indexes a repository checked out in `root`; opam files are read when needed.
    pub fn from_directory(root: &Path) -> Result<Repository, Error> {
        let mut repository = Repository::empty(root);
        let packages = root.join("packages");
        fs::metadata(&packages).map_err(|source| io_error(&packages, source))?;
        let package_dirs = Walk {
            package_file: Some("opam"),
            take: |_| false,
        };
        for opam in walk(&packages, &package_dirs)? {
            let relative = opam.strip_prefix(root).unwrap_or(&opam).to_owned();
            if let Some(package_dir) = package_dir_name(&relative) {
                repository.add(&package_dir, relative, OpamSource::File(opam));
            }
        }
        Ok(repository)
    }

    /// Reads a repository from a gzip-compressed tar file (such as a GitHub archive,
    /// whose paths start with one extra directory).
    pub fn from_tarball(path: &Path) -> Result<Repository, Error> {
        let file = fs::File::open(path).map_err(|source| io_error(path, source))?;
        Repository::from_tarball_reader(path, std::io::BufReader::new(file))
    }

    /// Reads a repository from gzip-compressed tar data; `location` names it in
    /// messages. An opam file larger than [`MAX_FILE_SIZE`] is left out and reported
    /// ([`Repository::problems`]).
    pub fn from_tarball_reader(location: &Path, reader: impl Read) -> Result<Repository, Error> {
        let mut repository = Repository::empty(location);
        let opam_files = read_tarball(location, reader, MAX_FILE_SIZE, |path| {
            if path.file_name()? == "opam" {
                path_under_root(path)
            } else {
                None
            }
        })?;
        // As in a directory, a package directory is not searched for more packages
        // (an `opam` under its `files/` is not one).
        let package_dirs: HashSet<PathBuf> = opam_files
            .iter()
            .filter_map(|file| file.path.parent().map(Path::to_owned))
            .collect();
        for TarEntry {
            path: relative,
            bytes,
        } in opam_files
        {
            let Some(dir) = relative.parent() else {
                continue;
            };
            if dir
                .ancestors()
                .skip(1)
                .any(|ancestor| package_dirs.contains(ancestor))
            {
                continue;
            }
            let Some(package_dir) = package_dir_name(&relative) else {
                continue;
            };
            match bytes {
                Some(bytes) => repository.add(&package_dir, relative, OpamSource::Bytes(bytes)),
                None => {
                    let error = Error::TooLarge {
                        path: relative.clone(),
                        limit: MAX_FILE_SIZE,
                    };
                    repository.problems.push(Problem {
                        path: relative,
                        error,
                    });
                }
            }
        }
        repository.problems.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(repository)
    }

    /// Reads a repository at a revision (`HEAD`, a branch, a tag, a commit) of the
    /// git repository at `path` (bare or not), without a checkout.
    pub fn from_git(path: &Path, revision: &str) -> Result<Repository, Error> {
        let git_error = |message: String| Error::Git {
            path: path.to_owned(),
            message,
        };
        let git = gix::open(path).map_err(|e| git_error(e.to_string()))?;
        let packages = {
            let commit = git
                .rev_parse_single(revision)
                .map_err(|e| git_error(format!("revision {revision:?}: {e}")))?
                .object()
                .map_err(|e| git_error(e.to_string()))?
                .peel_to_commit()
                .map_err(|e| git_error(format!("revision {revision:?}: {e}")))?;
            let tree = commit.tree().map_err(|e| git_error(e.to_string()))?;
            tree.find_entry("packages")
                .ok_or_else(|| {
                    git_error(format!("revision {revision:?} has no `packages` directory"))
                })?
                .object_id()
        };
        let mut repository = Repository::empty(path);
        repository
            .index_git_tree(&git, packages, PathBuf::from("packages"))
            .map_err(git_error)?;
        repository.git = Some(git.into_sync());
        Ok(repository)
    }

    fn empty(location: &Path) -> Repository {
        Repository {
            location: location.to_owned(),
            packages: BTreeMap::new(),
            problems: Vec::new(),
            git: None,
        }
    }

    fn index_git_tree(
        &mut self,
        git: &gix::Repository,
        tree_id: gix::ObjectId,
        relative_dir: PathBuf,
    ) -> Result<(), String> {
        let tree = git.find_tree(tree_id).map_err(|e| e.to_string())?;
        let decoded = tree.decode().map_err(|e| e.to_string())?;
        let mut subtrees = Vec::new();
        let mut opam_blob = None;
        for entry in &decoded.entries {
            if entry.mode.is_tree() {
                subtrees.push((entry.filename.to_string(), entry.oid.to_owned()));
            } else if entry.mode.is_blob() && entry.filename == "opam" {
                opam_blob = Some(entry.oid.to_owned());
            }
        }
        if let Some(blob) = opam_blob {
            let path = relative_dir.join("opam");
            if let Some(package_dir) = package_dir_name(&path) {
                self.add(&package_dir, path, OpamSource::GitBlob(blob));
            }
            return Ok(());
        }
        for (name, oid) in subtrees {
            self.index_git_tree(git, oid, relative_dir.join(name))?;
        }
        Ok(())
    }

    /// Records the opam file `path` of the package directory named `package_dir`.
    fn add(&mut self, package_dir: &str, path: PathBuf, source: OpamSource) {
        let package = match Package::parse(package_dir) {
            Ok(package) => package,
            Err(error) => {
                self.problems.push(Problem { path, error });
                return;
            }
        };
        let versions = self.packages.entry(package.name).or_default();
        let entry = Entry {
            path,
            source,
            definition: OnceLock::new(),
        };
        // Of versions that compare equal (`1.0`, `1.00`), the one whose path sorts
        // first is used, whatever order the files were read in.
        let replaces = match versions.get(&package.version) {
            None => {
                versions.insert(package.version, entry);
                return;
            }
            Some(existing) => entry.path < existing.path,
        };
        let ignored = if replaces {
            // Remove the old key too: the map keeps the text of the version used.
            let old = versions.remove(&package.version);
            versions.insert(package.version.clone(), entry);
            match old {
                Some(old) => old,
                None => return,
            }
        } else {
            entry
        };
        let used = versions
            .get(&package.version)
            .map(|e| e.path.clone())
            .unwrap_or_default();
        self.problems.push(Problem {
            path: ignored.path,
            error: Error::DuplicateVersion { used },
        });
        self.problems.sort_by(|a, b| a.path.cmp(&b.path));
    }

    /// The directory, tarball or git repository this was read from.
    pub fn location(&self) -> &Path {
        &self.location
    }

    /// The package names, in opam's order.
    pub fn names(&self) -> impl Iterator<Item = &PackageName> {
        self.packages.keys()
    }

    /// The versions of a package, in opam's order (empty for an unknown name).
    pub fn versions(&self, name: &PackageName) -> impl DoubleEndedIterator<Item = &Version> {
        self.packages
            .get(name)
            .into_iter()
            .flat_map(|versions| versions.keys())
    }

    /// The versions of `name` that satisfy `constraint`, in opam's order.
    pub fn matching_versions<'a>(
        &'a self,
        name: &PackageName,
        constraint: &'a VersionFormula,
    ) -> impl Iterator<Item = &'a Version> {
        self.versions(name)
            .filter(move |version| constraint.matches(version))
    }

    /// How many package versions the repository holds.
    pub fn len(&self) -> usize {
        self.packages.values().map(BTreeMap::len).sum()
    }

    /// Whether the repository holds no package.
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// Whether the repository has this package at this version.
    pub fn contains(&self, package: &Package) -> bool {
        self.entry(package).is_some()
    }

    /// Files and directories that could not be indexed: names that are not
    /// `NAME.VERSION`, and versions defined twice (`1.0` and `1.00` are the same
    /// version). The packages that were indexed are still usable.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The opam file of a package, relative to the repository root.
    pub fn opam_path(&self, package: &Package) -> Option<&Path> {
        self.entry(package).map(|entry| entry.path.as_path())
    }

    /// The parsed opam file of a package, parsed on first use and then kept;
    /// `None` if the repository doesn't have the package.
    pub fn definition(&self, package: &Package) -> Option<Result<&PackageDefinition, &Error>> {
        Some(self.definition_of(self.entry(package)?))
    }

    /// Parses every opam file and returns those that fail: the path of each,
    /// relative to the repository root, with its error.
    pub fn broken_files(&self) -> Vec<(&Path, &Error)> {
        let mut broken = Vec::new();
        for versions in self.packages.values() {
            for entry in versions.values() {
                if let Err(error) = self.definition_of(entry) {
                    broken.push((entry.path.as_path(), error));
                }
            }
        }
        broken
    }

    fn entry(&self, package: &Package) -> Option<&Entry> {
        self.packages.get(&package.name)?.get(&package.version)
    }

    fn definition_of<'a>(&self, entry: &'a Entry) -> Result<&'a PackageDefinition, &'a Error> {
        entry
            .definition
            .get_or_init(|| {
                self.read(&entry.source)
                    .and_then(|bytes| PackageDefinition::parse(&bytes, &entry.path))
            })
            .as_ref()
    }

    fn read<'a>(&self, source: &'a OpamSource) -> Result<Cow<'a, [u8]>, Error> {
        match source {
            OpamSource::File(path) => read_file(path, MAX_FILE_SIZE).map(Cow::Owned),
            OpamSource::Bytes(bytes) => Ok(Cow::Borrowed(bytes)),
            OpamSource::GitBlob(id) => {
                let git_error = |message: String| Error::Git {
                    path: self.location.clone(),
                    message,
                };
                let git = self
                    .git
                    .as_ref()
                    .ok_or_else(|| git_error("no git repository to read from".to_owned()))?
                    .to_thread_local();
                let blob = git.find_blob(*id).map_err(|e| git_error(e.to_string()))?;
                Ok(Cow::Owned(blob.data.clone()))
            }
        }
    }
}

/// Inserts `version` into `versions`, which are in opam's order, unless a version
/// equal to it in that order (`1.0`, `1.00`) is there already: the first one added
/// is kept. Every list of versions taken from several repositories is merged so.
fn insert_version<V: std::borrow::Borrow<Version>>(versions: &mut Vec<V>, version: V) {
    if let Err(at) = versions.binary_search_by(|v| v.borrow().cmp(version.borrow())) {
        versions.insert(at, version);
    }
}

/// The name of the directory that holds the opam file at `path`: `NAME.VERSION`.
fn package_dir_name(path: &Path) -> Option<String> {
    let dir = path.parent()?.file_name()?.to_str()?;
    Some(dir.to_owned())
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// The path of a tarball entry relative to the repository root: tarballs made from
/// the root start with `packages/`, GitHub archives with one more directory.
fn path_under_root(path: &Path) -> Option<PathBuf> {
    let components: Vec<_> = path.components().collect();
    let start = match components.as_slice() {
        [first, ..] if first.as_os_str() == "packages" => 0,
        [_, second, ..] if second.as_os_str() == "packages" => 1,
        _ => return None,
    };
    Some(components.get(start..)?.iter().collect())
}
