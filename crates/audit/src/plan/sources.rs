//! Where a plan reads dependencies and versions: the switch's own opam files, the
//! project's opam file beside a lock file, the repositories (`--repo`, or those of
//! the opam root).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use opam_model::{Formula, Junction, PackageConstraint, RepositorySpec, RepositoryStack, Version};

use super::{evaluate_depends, package_of};
use crate::input::Inventory;

/// The dependencies of package versions, read once each: local files first (for
/// the installed versions of a switch, and the project of a lock file), then the
/// repositories.
#[derive(Debug, Default)]
pub struct Definitions {
    /// A switch directory (holding `.opam-switch/packages/`).
    switch: Option<PathBuf>,
    /// The project of a lock file and its `NAME.opam`.
    project: Option<(String, PathBuf)>,
    /// The dependencies read so far, by `(name, version)`; `None` when neither a
    /// local file nor a repository has that version.
    cache: RefCell<HashMap<(String, String), Option<Depends>>>,
}

/// A package version's `depends:`, filters evaluated for an install with tests and docs.
type Depends = Formula<PackageConstraint>;

impl Definitions {
    /// The repositories only (exports, dune and esy locks).
    pub fn repositories_only() -> Definitions {
        Definitions::default()
    }

    /// A switch: installed versions from its own opam files.
    pub fn switch(dir: &Path) -> Definitions {
        Definitions {
            switch: Some(dir.to_owned()),
            ..Definitions::default()
        }
    }

    /// A lock file's project, whose dependencies are in its `NAME.opam`.
    pub fn project(opam: Option<(String, PathBuf)>) -> Definitions {
        Definitions {
            project: opam,
            ..Definitions::default()
        }
    }

    /// The dependencies of `name` at `version`, filters evaluated; `None` when no
    /// file defines it (or it cannot be read: the plan then sees no constraint).
    pub(crate) fn depends(
        &self,
        repositories: &RepositoryStack,
        inventory: &Inventory,
        name: &str,
        version: &Version,
    ) -> Option<Formula<PackageConstraint>> {
        let key = (name.to_owned(), version.to_string());
        if let Some(known) = self.cache.borrow().get(&key) {
            return known.clone();
        }
        let read = self.read(repositories, inventory, name, version);
        self.cache.borrow_mut().insert(key, read.clone());
        read
    }

    fn read(
        &self,
        repositories: &RepositoryStack,
        inventory: &Inventory,
        name: &str,
        version: &Version,
    ) -> Option<Formula<PackageConstraint>> {
        if let Some((project, path)) = &self.project
            && project == name
        {
            return depends_of_file(path, name, version);
        }
        let installed = inventory
            .package(name)
            .is_some_and(|p| Version::parse(&p.version).ok().as_ref() == Some(version));
        if let Some(dir) = &self.switch
            && installed
        {
            let path = dir
                .join(".opam-switch/packages")
                .join(format!("{name}.{version}"))
                .join("opam");
            if let Some(depends) = depends_of_file(&path, name, version) {
                return Some(depends);
            }
        }
        let package = package_of(name, version)?;
        let definition = repositories.definition(&package)?.ok()?;
        let depends = definition.depends().ok()?;
        Some(evaluate_depends(&depends, name, version))
    }
}

/// `depends:` of the opam file at `path`, evaluated for `name` at `version`.
fn depends_of_file(
    path: &Path,
    name: &str,
    version: &Version,
) -> Option<Formula<PackageConstraint>> {
    let bytes = safe_read(path)?;
    let file = opam_file::parse(&bytes).ok()?;
    let value = file.items.iter().find_map(|item| match &item.kind {
        opam_file::ItemKind::Variable(field, value) if field.value == "depends" => Some(value),
        _ => None,
    });
    let depends = match value {
        Some(value) => opam_model::DependencyFormula::from_value(value, Junction::And).ok()?,
        None => Formula::Empty,
    };
    Some(evaluate_depends(&depends, name, version))
}

fn safe_read(path: &Path) -> Option<Vec<u8>> {
    safe_fs::read_bounded(path, opam_model::MAX_FILE_SIZE).ok()
}

/// The repositories of an opam root, highest priority first: the names listed in
/// `ROOT/config`'s `repositories:` field, each read from `ROOT/repo/NAME` (a
/// directory) or `ROOT/repo/NAME.tar.gz` (opam keeps a repository as a tarball
/// when it is set to). A root without that field, or a listed repository found in
/// neither form, is an error naming the file.
pub fn opam_root_repositories(root: &Path) -> Result<Vec<RepositorySpec>, RootError> {
    let config = root.join("config");
    let bytes = safe_fs::read_bounded(&config, opam_model::MAX_FILE_SIZE).map_err(|source| {
        RootError::Config {
            path: config.clone(),
            message: source.to_string(),
        }
    })?;
    let file = opam_file::parse(&bytes).map_err(|e| RootError::Config {
        path: config.clone(),
        message: e.to_string(),
    })?;
    let value = file
        .items
        .iter()
        .find_map(|item| match &item.kind {
            opam_file::ItemKind::Variable(field, value) if field.value == "repositories" => {
                Some(value)
            }
            _ => None,
        })
        .ok_or_else(|| RootError::Config {
            path: config.clone(),
            message: "no `repositories:` field: this opam root has no repository".to_owned(),
        })?;
    let values = match &value.kind {
        opam_file::ValueKind::List(list) => list.value.iter().collect(),
        _ => vec![value],
    };
    let mut specs = Vec::new();
    for value in values {
        // `"name"`, or `"name" {"url"}` in some opam versions.
        let name_value = match &value.kind {
            opam_file::ValueKind::Option(name, _) => name.as_ref(),
            _ => value,
        };
        let Some(name) = name_value.as_str() else {
            continue;
        };
        let dir = root.join("repo").join(name);
        let tarball = root.join("repo").join(format!("{name}.tar.gz"));
        if dir.join("packages").is_dir() {
            specs.push(RepositorySpec::Path(dir));
        } else if tarball.is_file() {
            specs.push(RepositorySpec::Path(tarball));
        } else {
            return Err(RootError::Missing {
                name: name.to_owned(),
                dir,
                tarball,
            });
        }
    }
    Ok(specs)
}

/// The opam root's repositories could not be found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootError {
    /// `ROOT/config` is missing or unreadable.
    #[error("{}: {message} (give the repositories with --repo)", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A listed repository is in neither form.
    #[error("repository `{name}` of the opam root is neither {} nor {}: run `opam update`, or give the repositories with --repo", dir.display(), tarball.display())]
    Missing {
        /// Its name.
        name: String,
        /// Where a directory would be.
        dir: PathBuf,
        /// Where a tarball would be.
        tarball: PathBuf,
    },
}
