//! The released versions of packages in one or more repositories: what `osec lint`,
//! the OSV export and `osec opam versions` ask of `--repo`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::{Repository, RepositorySpec, RepositoryStack, insert_version, io_error};
use crate::error::Error;
use crate::formula::VersionFormula;
use crate::name::PackageName;
use crate::package::Package;
use crate::version::Version;

/// The released versions of packages, from all the repositories given: a version in
/// any of them counts (opam-repository-archive keeps versions that opam-repository
/// dropped). Versions are in opam's order and compared with opam's equality: of
/// `1.0` and `1.00`, which opam considers the same version, only the first found is
/// listed (the first repository's, and within one repository the one whose
/// directory sorts first, as [`Repository`] indexes them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleasedVersions {
    by_name: BTreeMap<PackageName, Vec<Version>>,
}

impl ReleasedVersions {
    /// No packages yet.
    pub fn new() -> ReleasedVersions {
        ReleasedVersions::default()
    }

    /// Records that `version` of `name` was released, unless a version equal to it
    /// in opam's order already was.
    pub fn add(&mut self, name: &PackageName, version: &Version) {
        let versions = self.by_name.entry(name.clone()).or_default();
        insert_version(versions, version.clone());
    }

    /// Every version of every package of the repositories of `stack`.
    pub fn of_stack(stack: &RepositoryStack) -> ReleasedVersions {
        let mut released = ReleasedVersions::new();
        for layer in stack.layers() {
            released.add_repository(layer, None);
        }
        released
    }

    /// The released versions of the packages `names` in the repositories of `specs`
    /// (highest priority first), reading as little as it can.
    ///
    /// A directory is first looked up where opam-repository keeps a package,
    /// `packages/NAME/NAME.VERSION/opam`: a few directory reads instead of indexing
    /// tens of thousands. Tarballs and git revisions are indexed whole. When a package
    /// is found in none of the repositories so, the directories are indexed whole
    /// too, so that packages kept elsewhere under `packages/` are still found.
    pub fn for_packages(
        specs: &[RepositorySpec],
        names: &BTreeSet<PackageName>,
    ) -> Result<ReleasedVersions, Error> {
        let mut layers = Vec::with_capacity(specs.len());
        for spec in specs {
            layers.push(match spec {
                RepositorySpec::Path(path) if path.is_dir() => {
                    let packages = path.join("packages");
                    fs::metadata(&packages).map_err(|source| io_error(&packages, source))?;
                    Layer::Directory(path.clone())
                }
                spec => Layer::Indexed(Box::new(spec.open()?)),
            });
        }
        let mut released = ReleasedVersions::of_layers(&layers, names);
        if names
            .iter()
            .any(|name| !released.by_name.contains_key(name))
        {
            for layer in &mut layers {
                if let Layer::Directory(path) = layer {
                    *layer = Layer::Indexed(Box::new(Repository::from_directory(path)?));
                }
            }
            released = ReleasedVersions::of_layers(&layers, names);
        }
        Ok(released)
    }

    fn of_layers(layers: &[Layer], names: &BTreeSet<PackageName>) -> ReleasedVersions {
        let mut released = ReleasedVersions::new();
        for layer in layers {
            match layer {
                Layer::Directory(root) => {
                    for name in names {
                        for version in standard_layout_versions(root, name) {
                            released.add(name, &version);
                        }
                    }
                }
                Layer::Indexed(repository) => released.add_repository(repository, Some(names)),
            }
        }
        released
    }

    /// Adds the versions of `repository`, of every package or only of `names`.
    fn add_repository(&mut self, repository: &Repository, names: Option<&BTreeSet<PackageName>>) {
        for name in repository.names() {
            if names.is_none_or(|names| names.contains(name)) {
                for version in repository.versions(name) {
                    self.add(name, version);
                }
            }
        }
    }

    /// The versions of `name`, in opam's order; `None` if no repository has it.
    pub fn versions(&self, name: &PackageName) -> Option<&[Version]> {
        self.by_name.get(name).map(Vec::as_slice)
    }

    /// The versions of `name` that satisfy `constraint`, in opam's order.
    pub fn matching_versions<'a>(
        &'a self,
        name: &PackageName,
        constraint: &'a VersionFormula,
    ) -> impl Iterator<Item = &'a Version> {
        self.versions(name)
            .unwrap_or_default()
            .iter()
            .filter(move |version| constraint.matches(version))
    }

    /// The packages known, in opam's order.
    pub fn names(&self) -> impl Iterator<Item = &PackageName> {
        self.by_name.keys()
    }
}

/// A repository as [`ReleasedVersions::for_packages`] reads it.
enum Layer {
    /// A directory, looked up at the standard place of each package.
    Directory(PathBuf),
    /// A repository indexed whole (boxed: a repository is large, a path small).
    Indexed(Box<Repository>),
}

/// The versions `V` of the directories `root/packages/NAME/NAME.V` that hold an
/// `opam` file, in the order of their names (none if `root/packages/NAME` cannot be
/// read). A directory whose name is not `NAME.VERSION` is left out, as the index
/// leaves it out.
fn standard_layout_versions(root: &Path, name: &PackageName) -> Vec<Version> {
    let Ok(entries) = fs::read_dir(root.join("packages").join(name.as_str())) else {
        return Vec::new();
    };
    let mut dirs: Vec<(String, PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            Some((entry.file_name().into_string().ok()?, entry.path()))
        })
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter_map(|(dir_name, path)| {
            let package = Package::parse(&dir_name).ok()?;
            (package.name == *name && path.join("opam").is_file()).then_some(package.version)
        })
        .collect()
}
