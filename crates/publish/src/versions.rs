//! Released versions from opam repositories, as the conversion asks for them.

use std::cmp::Ordering;

use advisory::lint::PackageVersions;
use opam_model::{PackageName, RepositoryStack, compare_versions};

/// The released versions of packages in one or more repositories (opam-repository
/// and opam-repository-archive, say): a version in any of them counts; versions
/// equal in opam's order (`1.0`, `1.00`) are listed once, as the first repository
/// writes it.
#[derive(Debug)]
pub struct RepositoryVersions<'a> {
    stack: &'a RepositoryStack,
}

impl<'a> RepositoryVersions<'a> {
    /// The versions of the repositories of `stack`.
    pub fn new(stack: &'a RepositoryStack) -> RepositoryVersions<'a> {
        RepositoryVersions { stack }
    }
}

impl PackageVersions for RepositoryVersions<'_> {
    fn versions(&self, package: &str) -> Option<Vec<String>> {
        let name = PackageName::parse(package).ok()?;
        let versions = self.stack.versions(&name);
        if versions.is_empty() {
            return None;
        }
        Some(
            versions
                .into_iter()
                .map(|v| v.as_str().to_owned())
                .collect(),
        )
    }

    fn compare(&self, a: &str, b: &str) -> Ordering {
        compare_versions(a, b)
    }
}
