//! The released versions of packages, gathered from one or more opam repositories, in
//! the shape the repository rules need ([`PackageVersions`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::PackageVersions;

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

    /// The number of packages known.
    pub fn package_count(&self) -> usize {
        self.by_package.len()
    }
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
}
