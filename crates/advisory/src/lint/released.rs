//! The released versions of packages, gathered from one or more opam repositories, in
//! the shape the repository rules need ([`PackageVersions`]).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::PackageVersions;
use crate::error::{Error, Result};

/// Every released version of every package, from all the repositories given: a
/// version in any of them counts (opam-repository-archive keeps versions that
/// opam-repository dropped). Versions compare in opam's order.
#[derive(Debug, Clone, Default)]
pub struct ReleasedVersions {
    by_package: BTreeMap<String, Vec<String>>,
}

impl ReleasedVersions {
    /// No packages yet.
    pub fn new() -> ReleasedVersions {
        ReleasedVersions::default()
    }

    /// Records that `version` of `package` was released.
    pub fn add(&mut self, package: &str, version: &str) {
        let versions = self.by_package.entry(package.to_owned()).or_default();
        if !versions.iter().any(|v| v == version) {
            versions.push(version.to_owned());
        }
    }

    /// Every version of every package of `repository`.
    pub fn add_repository(&mut self, repository: &opam_model::Repository) {
        for name in repository.names() {
            for version in repository.versions(name) {
                self.add(name.as_str(), version.as_str());
            }
        }
    }

    /// The released versions of `packages` in the repositories at `paths` (directories
    /// or `.tar.gz` files).
    ///
    /// In a directory, a package is first looked up where opam-repository keeps it,
    /// `packages/NAME/NAME.VERSION/opam`: a few directory reads instead of indexing
    /// tens of thousands. Tarballs, and directories when a package is found nowhere at
    /// that place, are indexed completely by opam-model, so packages kept elsewhere
    /// under `packages/` are still found.
    pub fn for_packages(
        paths: &[PathBuf],
        packages: &BTreeSet<String>,
    ) -> Result<ReleasedVersions> {
        let mut released = ReleasedVersions::new();
        let mut directories = Vec::new();
        for path in paths {
            let metadata = std::fs::metadata(path).map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => Error::NotFound { path: path.clone() },
                _ => Error::Read {
                    path: path.clone(),
                    source,
                },
            })?;
            if metadata.is_dir() {
                let root = path.join("packages");
                if !root.is_dir() {
                    return Err(Error::Read {
                        path: root,
                        source: std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "no packages directory",
                        ),
                    });
                }
                for package in packages {
                    for version in standard_layout_versions(&root, package) {
                        released.add(package, &version);
                    }
                }
                directories.push(path);
            } else {
                released.add_repository(&open_repository(path)?);
            }
        }
        if packages
            .iter()
            .any(|p| !released.by_package.contains_key(p))
        {
            for path in directories {
                released.add_repository(&open_repository(path)?);
            }
        }
        Ok(released)
    }

    /// The number of packages known.
    pub fn package_count(&self) -> usize {
        self.by_package.len()
    }
}

fn open_repository(path: &Path) -> Result<opam_model::Repository> {
    opam_model::Repository::open(path).map_err(|source| Error::Repository {
        path: path.to_path_buf(),
        source: Box::new(source),
    })
}

/// The versions `V` of the directories `root/PACKAGE/PACKAGE.V` that hold an `opam`
/// file; none if `root/PACKAGE` cannot be read.
fn standard_layout_versions(root: &Path, package: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(package)) else {
        return Vec::new();
    };
    let prefix = format!("{package}.");
    entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .strip_prefix(&prefix)
                .filter(|v| !v.is_empty())?
                .to_owned();
            entry.path().join("opam").is_file().then_some(version)
        })
        .collect()
}

impl PackageVersions for ReleasedVersions {
    fn versions(&self, package: &str) -> Option<Vec<String>> {
        self.by_package.get(package).cloned()
    }

    fn compare(&self, a: &str, b: &str) -> Ordering {
        opam_model::compare_versions(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_versions_and_uses_opam_order() {
        let mut released = ReleasedVersions::new();
        released.add("ocaml", "4.14.2");
        released.add("ocaml", "4.14.2");
        released.add("ocaml", "5.0.0~beta1");
        assert_eq!(released.versions("ocaml").unwrap().len(), 2);
        assert_eq!(released.versions("dune"), None);
        assert_eq!(released.compare("5.0.0~beta1", "5.0.0"), Ordering::Less);
        assert_eq!(released.compare("4.14.10", "4.14.9"), Ordering::Greater);
    }

    fn repository(dir: &Path, files: &[&str]) -> PathBuf {
        for file in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "opam-version: \"2.0\"\n").unwrap();
        }
        dir.to_path_buf()
    }

    #[test]
    fn reads_the_standard_layout_of_several_repositories() {
        let dir = tempfile::tempdir().unwrap();
        let main = repository(
            &dir.path().join("main"),
            &["packages/a/a.1.0/opam", "packages/a/a.2.0/opam"],
        );
        let archive = repository(
            &dir.path().join("archive"),
            &["packages/a/a.0.9/opam", "packages/a/a.0.8/README"],
        );
        let wanted = BTreeSet::from(["a".to_owned()]);
        let released = ReleasedVersions::for_packages(&[main, archive], &wanted).unwrap();
        let mut versions = released.versions("a").unwrap();
        versions.sort();
        assert_eq!(versions, ["0.9", "1.0", "2.0"]);
    }

    #[test]
    fn falls_back_to_a_full_index_for_packages_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let main = repository(
            &dir.path().join("main"),
            &["packages/group/b.3.0/opam", "packages/a/a.1.0/opam"],
        );
        let wanted = BTreeSet::from(["a".to_owned(), "b".to_owned(), "zzz".to_owned()]);
        let released = ReleasedVersions::for_packages(&[main], &wanted).unwrap();
        assert_eq!(released.versions("b").unwrap(), ["3.0"]);
        assert_eq!(released.versions("zzz"), None);
    }

    #[test]
    fn a_directory_without_packages_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = ReleasedVersions::for_packages(&[dir.path().to_path_buf()], &BTreeSet::new())
            .unwrap_err();
        assert!(err.to_string().contains("packages"), "{err}");
    }
}
