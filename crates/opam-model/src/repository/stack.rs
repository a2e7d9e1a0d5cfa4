//! Several repositories layered, the first taking precedence.

use std::path::Path;

use super::{Problem, Repository, RepositorySpec, insert_version};
use crate::definition::PackageDefinition;
use crate::error::Error;
use crate::formula::VersionFormula;
use crate::name::PackageName;
use crate::package::Package;
use crate::version::Version;

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

    /// Opens the repositories of `--repo` arguments, highest priority first, each
    /// indexed whole ([`RepositorySpec::open`]).
    pub fn open(specs: &[RepositorySpec]) -> Result<RepositoryStack, Error> {
        let layers = specs
            .iter()
            .map(RepositorySpec::open)
            .collect::<Result<_, _>>()?;
        Ok(RepositoryStack::new(layers))
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

    /// The versions of `name` in any layer, in opam's order, each once: of versions
    /// that opam considers equal (`1.0`, `1.00`), the one of the first layer that has
    /// one is listed, as [`super::ReleasedVersions`] does.
    pub fn versions(&self, name: &PackageName) -> Vec<&Version> {
        let mut versions: Vec<&Version> = Vec::new();
        for layer in &self.layers {
            for version in layer.versions(name) {
                insert_version(&mut versions, version);
            }
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
    pub fn definition(&self, package: &Package) -> Option<Result<&PackageDefinition, &Error>> {
        self.provider(package)?.definition(package)
    }

    /// The indexing problems of every layer, with the layer's location.
    pub fn problems(&self) -> impl Iterator<Item = (&Path, &Problem)> {
        self.layers
            .iter()
            .flat_map(|r| r.problems().iter().map(move |p| (r.location(), p)))
    }

    /// The indexing problems as `warning:` lines naming each file (what commands
    /// reading `--repo` say about files they could not use).
    pub fn warnings(&self) -> String {
        self.problems()
            .map(|(location, problem)| {
                format!(
                    "warning: {}: {}\n",
                    location.join(&problem.path).display(),
                    problem.error
                )
            })
            .collect()
    }
}
