//! opam repositories: an index of package names to versions, read from a directory,
//! a `.tar.gz`, or a git revision, with each version's opam file parsed on demand.
//!
//! The layout is opam's: `packages/…/NAME.VERSION/opam`, at any depth under
//! `packages/` (usually `packages/NAME/NAME.VERSION/opam`). Several repositories are
//! layered with [`RepositoryStack`]: for a package present in more than one, the
//! first repository wins, as opam does with its repository priority list.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::definition::PackageDefinition;
use crate::error::Error;
use crate::formula::VersionFormula;
use crate::name::PackageName;
use crate::package::Package;
use crate::version::Version;

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
            Error::OpamFile { path, .. } if *path == self.path => write!(f, "{}", self.error),
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
    definition: OnceLock<Result<PackageDefinition, String>>,
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
        let top = subdirectories(&packages)?;
        let found: Vec<Vec<(PathBuf, PathBuf)>> = top
            .par_iter()
            .map(|dir| find_package_dirs(dir))
            .collect::<Result<_, _>>()?;
        for (dir, opam) in found.into_iter().flatten() {
            let relative_dir = dir.strip_prefix(root).unwrap_or(&dir);
            if let Some(package_dir) = relative_dir.file_name().and_then(|n| n.to_str()) {
                let package_dir = package_dir.to_owned();
                let path = relative_dir.join("opam");
                repository.add(&package_dir, path, OpamSource::File(opam));
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
    /// messages.
    pub fn from_tarball_reader(location: &Path, reader: impl Read) -> Result<Repository, Error> {
        let mut repository = Repository::empty(location);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
        let entries = archive
            .entries()
            .map_err(|source| io_error(location, source))?;
        let mut opam_files = Vec::new();
        for entry in entries {
            let mut entry = entry.map_err(|source| io_error(location, source))?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry
                .path()
                .map_err(|source| io_error(location, source))?
                .into_owned();
            let Some(relative) = path_under_root(&path) else {
                continue;
            };
            if relative.file_name().is_none_or(|n| n != "opam") {
                continue;
            }
            let mut bytes = Vec::with_capacity(entry.size().try_into().unwrap_or(0));
            entry
                .read_to_end(&mut bytes)
                .map_err(|source| io_error(&location.join(&path), source))?;
            opam_files.push((relative, bytes));
        }
        // As in a directory, a package directory is not searched for more packages
        // (an `opam` under its `files/` is not one).
        let package_dirs: HashSet<PathBuf> = opam_files
            .iter()
            .filter_map(|(path, _)| path.parent().map(Path::to_owned))
            .collect();
        for (relative, bytes) in opam_files {
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
            let Some(package_dir) = dir.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let package_dir = package_dir.to_owned();
            repository.add(
                &package_dir,
                relative,
                OpamSource::Bytes(bytes.into_boxed_slice()),
            );
        }
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
        if let Some(blob) = opam_blob
            && let Some(package_dir) = relative_dir.file_name().and_then(|n| n.to_str())
        {
            let package_dir = package_dir.to_owned();
            let path = relative_dir.join("opam");
            self.add(&package_dir, path, OpamSource::GitBlob(blob));
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
    pub fn definition(&self, package: &Package) -> Option<Result<&PackageDefinition, Error>> {
        let entry = self.entry(package)?;
        let parsed = entry.definition.get_or_init(|| {
            self.read(&entry.source)
                .and_then(|bytes| PackageDefinition::parse(&bytes))
        });
        Some(parsed.as_ref().map_err(|message| Error::OpamFile {
            path: entry.path.clone(),
            message: message.clone(),
        }))
    }

    /// Parses every opam file and returns those that fail, with their errors.
    pub fn broken_files(&self) -> Vec<Problem> {
        let mut broken = Vec::new();
        for (name, versions) in &self.packages {
            for version in versions.keys() {
                let package = Package::new(name.clone(), version.clone());
                if let Some(Err(error)) = self.definition(&package) {
                    let path = self
                        .opam_path(&package)
                        .map(Path::to_owned)
                        .unwrap_or_default();
                    broken.push(Problem { path, error });
                }
            }
        }
        broken
    }

    fn entry(&self, package: &Package) -> Option<&Entry> {
        self.packages.get(&package.name)?.get(&package.version)
    }

    fn read(&self, source: &OpamSource) -> Result<Vec<u8>, String> {
        match source {
            OpamSource::File(path) => fs::read(path).map_err(|e| e.to_string()),
            OpamSource::Bytes(bytes) => Ok(bytes.to_vec()),
            OpamSource::GitBlob(id) => {
                let git = self
                    .git
                    .as_ref()
                    .ok_or("no git repository to read from")?
                    .to_thread_local();
                let blob = git.find_blob(*id).map_err(|e| e.to_string())?;
                Ok(blob.data.clone())
            }
        }
    }
}

/// The subdirectories of `dir`, sorted.
fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|source| io_error(dir, source))? {
        let entry = entry.map_err(|source| io_error(dir, source))?;
        let file_type = entry
            .file_type()
            .map_err(|source| io_error(&entry.path(), source))?;
        if file_type.is_dir() {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

/// The package directories at or under `dir`, with their opam files: a directory
/// holding a file `opam` is a package directory and is not searched further (its
/// `files/` are not packages); other directories are searched.
fn find_package_dirs(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, Error> {
    let opam = dir.join("opam");
    if fs::metadata(&opam).is_ok_and(|m| m.is_file()) {
        return Ok(vec![(dir.to_owned(), opam)]);
    }
    let mut found = Vec::new();
    for sub in subdirectories(dir)? {
        found.extend(find_package_dirs(&sub)?);
    }
    Ok(found)
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

/// Several repositories, the first taking precedence, as opam layers its
/// repositories (for example opam-repository over opam-repository-archive).
#[derive(Debug, Default)]
pub struct RepositoryStack {
    layers: Vec<Repository>,
}

impl RepositoryStack {
    /// Layers `repositories`, highest priority first.
    pub fn new(repositories: Vec<Repository>) -> RepositoryStack {
        RepositoryStack {
            layers: repositories,
        }
    }

    /// The repositories, highest priority first.
    pub fn layers(&self) -> &[Repository] {
        &self.layers
    }

    /// Every package name of any layer, in opam's order.
    pub fn names(&self) -> Vec<&PackageName> {
        let mut names: Vec<&PackageName> = self.layers.iter().flat_map(Repository::names).collect();
        names.sort();
        names.dedup();
        names
    }

    /// The versions of `name` in any layer, in opam's order, each once.
    pub fn versions(&self, name: &PackageName) -> Vec<&Version> {
        let mut layers_with_name = 0;
        let mut versions: Vec<&Version> = Vec::new();
        for layer in &self.layers {
            if let Some(of_layer) = layer.packages.get(name) {
                layers_with_name += 1;
                versions.extend(of_layer.keys());
            }
        }
        // Each layer's versions are already in order; merging is only needed when
        // several layers have the package.
        if layers_with_name > 1 {
            versions.sort();
            versions.dedup();
        }
        versions
    }

    /// The versions of `name` satisfying `constraint`, in opam's order.
    pub fn matching_versions(
        &self,
        name: &PackageName,
        constraint: &VersionFormula,
    ) -> Vec<&Version> {
        let mut versions = self.versions(name);
        versions.retain(|version| constraint.matches(version));
        versions
    }

    /// The repository that provides `package`: the first one that has it.
    pub fn provider(&self, package: &Package) -> Option<&Repository> {
        self.layers.iter().find(|r| r.contains(package))
    }

    /// The parsed opam file of `package` from the repository that provides it.
    pub fn definition(&self, package: &Package) -> Option<Result<&PackageDefinition, Error>> {
        self.provider(package)?.definition(package)
    }

    /// The indexing problems of every layer, with the layer's location.
    pub fn problems(&self) -> impl Iterator<Item = (&Path, &Problem)> {
        self.layers
            .iter()
            .flat_map(|r| r.problems().iter().map(move |p| (r.location(), p)))
    }
}
