//! `repo exposure`: for each advisory, the packages whose latest release can only be
//! installed with an affected version, so that the security team can ask their
//! maintainers to relax or raise the bound.
//!
//! The affected versions are the OSV export's (`versions`, from every repository
//! given). The packages' dependencies are read as [`universe`] says (opam's default
//! flags; `|` alternatives: a package is stuck only when every way of satisfying its
//! `depends` needs an affected version), directly or through other packages: a
//! package whose latest release needs `cohttp-lwt-unix {< "2.0"}` is stuck when every
//! such `cohttp-lwt-unix` needs an affected `cohttp`.

mod render;
mod universe;

use std::path::PathBuf;

use advisory::lint::FileReport;
use opam_file::{Value, ValueKind};
use opam_model::{
    DependencyFormula, Junction, Package, PackageName, ReleasedVersions, RepositorySpec,
    RepositoryStack, Version,
};

use crate::advisories::Advisories;
use crate::error::{Error, Result};
pub use universe::Unreadable;
use universe::{Requirement, Universe};

/// The exposure of the repositories to the advisories.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// The repositories, as given, highest priority first.
    pub repositories: Vec<String>,
    /// How many package versions they hold (each counted once).
    pub versions: usize,
    /// Per advisory without lint errors, in path order.
    pub advisories: Vec<AdvisoryExposure>,
    /// Advisories with lint errors: not used.
    pub rejected: Vec<FileReport>,
    /// Package versions whose opam file could not be read: they are taken as
    /// installable without an affected version (they can't make a package look
    /// stuck), and named here.
    pub unreadable: Vec<Unreadable>,
}

/// One advisory's exposure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryExposure {
    /// Its ID.
    pub id: String,
    /// Its file.
    pub path: PathBuf,
    /// Whether it is withdrawn (it then affects nothing and nobody is stuck).
    pub withdrawn: bool,
    /// Per package of its `affected` field.
    pub packages: Vec<PackageExposure>,
}

/// The exposure to the affected versions of one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageExposure {
    /// The vulnerable package.
    pub name: PackageName,
    /// The advisory's constraint, as opam writes it (`cohttp {< "6.3.0"}`).
    pub constraint: String,
    /// Its released versions the advisory affects, in opam's order.
    pub affected: Vec<Version>,
    /// Its other released versions, in opam's order.
    pub unaffected: Vec<Version>,
    /// The packages whose latest release needs an affected version, in opam's order
    /// of names.
    pub stuck: Vec<StuckPackage>,
}

/// A package whose latest release can only be installed with an affected version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckPackage {
    /// The package at its latest release (the greatest version whose `available` is
    /// not false).
    pub package: Package,
    /// The repository it comes from, as given.
    pub repository: String,
    /// Its opam file's `maintainer` field.
    pub maintainers: Vec<String>,
    /// The dependencies that admit only versions needing an affected one.
    pub blocking: Vec<Blocking>,
}

impl StuckPackage {
    /// Whether it depends on the vulnerable package itself (else only through other
    /// packages).
    pub fn is_direct(&self, vulnerable: &PackageName) -> bool {
        self.blocking.iter().any(|b| b.name == *vulnerable)
    }
}

/// A dependency of a stuck package whose every admitted version needs an affected
/// version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocking {
    /// The package depended on.
    pub name: PackageName,
    /// The elements of `depends` that name it, in opam's normalised syntax (as the
    /// maintainer would edit them): `"cohttp" {>= "2.0" & < "6.0"}`.
    pub requirement: Vec<String>,
    /// The versions it admits (installable ones), all needing an affected version.
    pub admitted: Vec<Version>,
}

/// Computes the exposure of the repositories of `specs` (opam-repository and
/// opam-repository-archive, directories, tarballs or git revisions) to the
/// advisories under `advisories`.
///
/// Errors stop the run: a repository that can't be opened, advisories that can't be
/// found. Advisories with lint errors and unreadable opam files are reported in the
/// result.
pub fn exposure(specs: &[RepositorySpec], advisories: &[PathBuf]) -> Result<Exposure> {
    let mut layers = Vec::with_capacity(specs.len());
    for spec in specs {
        layers.push(spec.open().map_err(|source| Error::Repository {
            repository: spec.to_string(),
            source,
        })?);
    }
    let stack = RepositoryStack::new(layers);
    let released = ReleasedVersions::of_stack(&stack);
    let Advisories { usable, rejected } = Advisories::read(advisories)?;
    let universe = Universe::build(&stack);
    let repository_names: Vec<String> = specs.iter().map(ToString::to_string).collect();

    let advisories = usable
        .iter()
        .map(|advisory| AdvisoryExposure {
            id: advisory.id.clone(),
            path: advisory.path.clone(),
            withdrawn: advisory.is_withdrawn(),
            packages: advisory
                .affected_versions(&released)
                .into_iter()
                .map(|(entry, name, affected)| {
                    let constraint = advisory::to_osv::opam_constraint(
                        &entry.package.value,
                        entry.constraint.as_ref(),
                    );
                    let affected: Vec<Version> = affected.into_iter().cloned().collect();
                    let unaffected = released
                        .versions(&name)
                        .unwrap_or_default()
                        .iter()
                        .filter(|v| !affected.contains(v))
                        .cloned()
                        .collect();
                    let stuck =
                        stuck_packages(&stack, &universe, &repository_names, &name, &affected);
                    PackageExposure {
                        name,
                        constraint,
                        affected,
                        unaffected,
                        stuck,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(Exposure {
        repositories: repository_names,
        versions: universe.nodes.iter().map(Vec::len).sum(),
        advisories,
        rejected,
        unreadable: universe.unreadable,
    })
}

/// The packages whose latest release needs one of the `affected` versions of
/// `vulnerable`.
fn stuck_packages(
    stack: &RepositoryStack,
    universe: &Universe,
    repository_names: &[String],
    vulnerable: &PackageName,
    affected: &[Version],
) -> Vec<StuckPackage> {
    let Some(vulnerable_index) = universe.position(vulnerable) else {
        return Vec::new();
    };
    if affected.is_empty() {
        return Vec::new();
    }
    let needs = universe.needing(vulnerable_index, |version| affected.contains(version));
    let mut stuck = Vec::new();
    for (n, versions) in universe.nodes.iter().enumerate() {
        if n == vulnerable_index {
            continue;
        }
        let Some((latest, node)) = versions
            .iter()
            .enumerate()
            .rev()
            .find(|(_, node)| node.available)
        else {
            continue;
        };
        if !needs[n][latest] {
            continue;
        }
        let Some(name) = universe.names.get(n) else {
            continue;
        };
        let package = Package::new(name.clone(), node.version.clone());
        let blocked: Vec<&Requirement> = node
            .depends
            .atoms()
            .into_iter()
            .filter(|r| universe.admitted(r).next().is_some() && !universe.admits_free(r, &needs))
            .collect();
        let mut blocking: Vec<Blocking> = Vec::new();
        for requirement in blocked {
            let Some(dependency) = requirement.name.and_then(|d| universe.names.get(d)) else {
                continue;
            };
            let admitted: Vec<Version> = universe
                .admitted(requirement)
                .map(|(_, node)| node.version.clone())
                .collect();
            match blocking.iter_mut().find(|b| b.name == *dependency) {
                Some(existing) => {
                    for version in admitted {
                        if !existing.admitted.contains(&version) {
                            existing.admitted.push(version);
                        }
                    }
                    existing.admitted.sort();
                }
                None => blocking.push(Blocking {
                    name: dependency.clone(),
                    requirement: Vec::new(),
                    admitted,
                }),
            }
        }
        let definition = stack.definition(&package).and_then(Result::ok);
        if let Some(depends) = definition.and_then(|d| d.field("depends")) {
            for entry in &mut blocking {
                entry.requirement = requirement_texts(depends, &entry.name);
            }
        }
        stuck.push(StuckPackage {
            repository: repository_names
                .get(node.layer)
                .cloned()
                .unwrap_or_default(),
            maintainers: definition
                .and_then(|d| d.field("maintainer"))
                .map(strings)
                .unwrap_or_default(),
            package,
            blocking,
        });
    }
    stuck
}

/// The top-level elements of a `depends` value that mention `name`, printed in
/// opam's normalised syntax.
fn requirement_texts(depends: &Value, name: &PackageName) -> Vec<String> {
    let items = match &depends.kind {
        ValueKind::List(items) => items.value.as_slice(),
        _ => std::slice::from_ref(depends),
    };
    items
        .iter()
        .filter(|item| {
            DependencyFormula::from_value(item, Junction::And).is_ok_and(|formula| {
                formula
                    .atoms()
                    .iter()
                    .any(|dependency| dependency.name == *name)
            })
        })
        .map(|item| {
            let mut out = Vec::new();
            opam_file::print::normalise::print_value(&mut out, item);
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect()
}

/// The strings of a value that is a string or a list of strings.
fn strings(value: &Value) -> Vec<String> {
    let items = match &value.kind {
        ValueKind::List(items) => items.value.as_slice(),
        _ => std::slice::from_ref(value),
    };
    items
        .iter()
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// The output formats of [`Exposure::render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum ExposureFormat {
    /// Text for people.
    Human,
    /// One JSON document (schema osec-repo-exposure/1).
    // The contract is in the crate docs.
    Json,
    /// Markdown: a section per advisory with a table of packages.
    // For an issue or an e-mail to maintainers.
    Markdown,
}

impl Exposure {
    /// The exposure in `format`; the same input gives the same bytes.
    pub fn render(&self, format: ExposureFormat) -> String {
        match format {
            ExposureFormat::Human => render::human(self),
            ExposureFormat::Json => render::json(self),
            ExposureFormat::Markdown => render::markdown(self),
        }
    }

    /// Whether something could not be used: advisories with lint errors, unreadable
    /// opam files. The result is then incomplete (the command exits 2).
    pub fn is_incomplete(&self) -> bool {
        !self.rejected.is_empty() || !self.unreadable.is_empty()
    }
}
