//! Every package version of the repositories with what installing it takes, and the
//! versions that can only be installed with an affected version of a package.
//!
//! Each version's `depends` is resolved as opam's solver resolves it (`build` and
//! `post` dependencies, no `with-test`, `with-doc`, `with-dev-setup` or `dev`; the
//! version's own `name` and `version` defined), and each dependency to the versions
//! it admits: those its constraint matches, that its `conflicts` do not exclude and
//! whose `available` is not false. A filter over a variable osec can't know (`os`,
//! `arch`, `ocaml:version`) is taken as true in `depends` (the dependency counts: a
//! package stuck on some platform is listed) and as false in `conflicts` (a conflict
//! only some platforms have does not count).
//!
//! A version *needs* an affected version when its `depends` can be satisfied by the
//! versions it admits, but not by those that don't need one themselves; the affected
//! versions need one by definition. This is a fixed point, reached from the affected
//! package through the reverse dependencies only: a version is looked at again when
//! one of the versions its dependencies admit starts needing one.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use opam_model::{
    DependencyFlags, Formula, Package, PackageConstraint, PackageDefinition, PackageName,
    RepositoryStack, VariableScope, VariableValue, Version, VersionFormula,
};
use rayon::prelude::*;

/// A package version that could not be read: its dependencies are unknown, so it is
/// taken as installable without an affected version (it can't make a package look
/// stuck), and reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The package version.
    pub package: Package,
    /// Its opam file, relative to its repository.
    pub path: PathBuf,
    /// The repository, as given.
    pub repository: String,
    /// What is wrong.
    pub message: String,
}

/// One dependency of a version: the package and the versions it admits.
#[derive(Debug)]
pub(crate) struct Requirement {
    /// The package's index; `None` when no repository has it.
    pub(crate) name: Option<usize>,
    /// The indices of the versions admitted, in the package's order.
    pub(crate) admits: Vec<usize>,
}

/// One package version.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) version: Version,
    /// The repository (its index in the stack) that provides it.
    pub(crate) layer: usize,
    /// `available` is not false.
    pub(crate) available: bool,
    /// `depends`, each atom resolved.
    pub(crate) depends: Formula<Requirement>,
    /// Its `depends` can be satisfied by what its dependencies admit.
    pub(crate) installable: bool,
}

/// The package versions of a stack of repositories.
#[derive(Debug)]
pub(crate) struct Universe {
    /// Package names in opam's order.
    pub(crate) names: Vec<PackageName>,
    /// Per name, its versions in opam's order.
    pub(crate) nodes: Vec<Vec<Node>>,
    /// Per name, the versions (name index, version index) whose `depends` mention it.
    reverse: Vec<Vec<(usize, usize)>>,
    /// The versions that could not be read.
    pub(crate) unreadable: Vec<Unreadable>,
}

/// A version as read, before its dependencies are resolved.
struct Parsed {
    layer: usize,
    available: bool,
    depends: Formula<PackageConstraint>,
    conflicts: Vec<PackageConstraint>,
    problem: Option<Unreadable>,
}

impl Universe {
    /// Reads every version of every repository of `stack` (the first repository
    /// that has a version provides it), on every core.
    pub(crate) fn build(stack: &RepositoryStack) -> Universe {
        let names: Vec<PackageName> = stack.names().into_iter().cloned().collect();
        let position: HashMap<&PackageName, usize> =
            names.iter().enumerate().map(|(i, n)| (n, i)).collect();
        let packages: Vec<Package> = names
            .iter()
            .flat_map(|name| {
                stack
                    .versions(name)
                    .into_iter()
                    .map(|version| Package::new(name.clone(), version.clone()))
            })
            .collect();
        // The repositories parse each file on first use, one thread at a time (a git
        // repository can't be shared between threads); what the definitions say is
        // then read on every core.
        let definitions: Vec<Definition<'_>> = packages
            .iter()
            .map(|package| definition(stack, package))
            .collect();
        let parsed: Vec<Parsed> = packages
            .par_iter()
            .zip(&definitions)
            .map(|(package, definition)| parse(package, definition))
            .collect();

        // Versions of each name, and which are available, for resolving atoms.
        let mut versions: Vec<Vec<(Version, bool)>> = vec![Vec::new(); names.len()];
        for (package, parsed) in packages.iter().zip(&parsed) {
            if let Some(&n) = position.get(&package.name) {
                versions[n].push((package.version.clone(), parsed.available));
            }
        }
        let resolved: Vec<Formula<Requirement>> = parsed
            .par_iter()
            .map(|parsed| {
                parsed.depends.map(&mut |atom: &PackageConstraint| {
                    Formula::Atom(resolve(atom, &parsed.conflicts, &position, &versions))
                })
            })
            .collect();

        let mut nodes: Vec<Vec<Node>> = names.iter().map(|_| Vec::new()).collect();
        let mut reverse: Vec<Vec<(usize, usize)>> = vec![Vec::new(); names.len()];
        let mut unreadable = Vec::new();
        for ((package, parsed), depends) in packages.into_iter().zip(parsed).zip(resolved) {
            let Some(&n) = position.get(&package.name) else {
                continue;
            };
            let index = nodes[n].len();
            let mentioned: BTreeSet<usize> =
                depends.atoms().iter().filter_map(|r| r.name).collect();
            for m in mentioned {
                reverse[m].push((n, index));
            }
            unreadable.extend(parsed.problem);
            nodes[n].push(Node {
                version: package.version,
                layer: parsed.layer,
                available: parsed.available,
                depends,
                installable: parsed.available,
            });
        }
        let mut universe = Universe {
            names,
            nodes,
            reverse,
            unreadable,
        };
        universe.find_installable();
        universe
    }

    /// Takes `installable` away from the versions whose `depends` can't be satisfied
    /// by installable versions, until none is left (they start as the available ones):
    /// a version whose only admitted dependency is broken is itself broken, whatever
    /// the advisory.
    fn find_installable(&mut self) {
        let mut queue = Vec::new();
        let mut queued = vec![false; self.names.len()];
        for n in 0..self.nodes.len() {
            for i in 0..self.nodes[n].len() {
                self.recheck(n, i, &mut queue, &mut queued);
            }
        }
        while let Some(name) = queue.pop() {
            queued[name] = false;
            for k in 0..self.reverse[name].len() {
                let (n, i) = self.reverse[name][k];
                self.recheck(n, i, &mut queue, &mut queued);
            }
        }
    }

    /// Whether version `i` of name `n` is still installable; when it no longer is,
    /// its name is queued for its reverse dependencies to be checked again.
    fn recheck(&mut self, n: usize, i: usize, queue: &mut Vec<usize>, queued: &mut [bool]) {
        let node = &self.nodes[n][i];
        if !node.installable {
            return;
        }
        let satisfiable = node
            .depends
            .eval(&mut |requirement| self.admitted(requirement).next().is_some());
        if !satisfiable {
            self.nodes[n][i].installable = false;
            if !queued[n] {
                queued[n] = true;
                queue.push(n);
            }
        }
    }

    /// The index of a package name.
    pub(crate) fn position(&self, name: &PackageName) -> Option<usize> {
        self.names.binary_search(name).ok()
    }

    /// Which versions can only be installed with a version of package `vulnerable`
    /// for which `affected` holds: per name, per version.
    pub(crate) fn needing(
        &self,
        vulnerable: usize,
        affected: impl Fn(&Version) -> bool,
    ) -> Vec<Vec<bool>> {
        let mut needs: Vec<Vec<bool>> = self.nodes.iter().map(|v| vec![false; v.len()]).collect();
        if let (Some(flags), Some(nodes)) = (needs.get_mut(vulnerable), self.nodes.get(vulnerable))
        {
            for (flag, node) in flags.iter_mut().zip(nodes) {
                *flag = affected(&node.version);
            }
        }
        let mut queue = vec![vulnerable];
        let mut queued = vec![false; self.names.len()];
        if let Some(q) = queued.get_mut(vulnerable) {
            *q = true;
        }
        while let Some(name) = queue.pop() {
            if let Some(q) = queued.get_mut(name) {
                *q = false;
            }
            for &(n, i) in self.reverse.get(name).into_iter().flatten() {
                if n == vulnerable || needs[n][i] {
                    continue;
                }
                let node = &self.nodes[n][i];
                if !node.installable {
                    continue;
                }
                let free = node
                    .depends
                    .eval(&mut |requirement| self.admits_free(requirement, &needs));
                if !free {
                    needs[n][i] = true;
                    if !queued[n] {
                        queued[n] = true;
                        queue.push(n);
                    }
                }
            }
        }
        needs
    }

    /// Whether the requirement admits an installable version that does not need an
    /// affected one.
    pub(crate) fn admits_free(&self, requirement: &Requirement, needs: &[Vec<bool>]) -> bool {
        let Some(name) = requirement.name else {
            return false;
        };
        requirement.admits.iter().any(|&i| {
            !needs[name][i] && self.nodes[name].get(i).is_some_and(|node| node.installable)
        })
    }

    /// The installable versions a requirement admits.
    pub(crate) fn admitted<'a>(
        &'a self,
        requirement: &'a Requirement,
    ) -> impl Iterator<Item = (usize, &'a Node)> + 'a {
        let nodes = requirement.name.and_then(|n| self.nodes.get(n));
        requirement.admits.iter().filter_map(move |&i| {
            let node = nodes?.get(i)?;
            node.installable.then_some((i, node))
        })
    }
}

/// A version's opam file as its repository parsed it.
struct Definition<'a> {
    /// The repository (its index in the stack).
    layer: usize,
    /// The repository, as its location.
    repository: String,
    /// The opam file, relative to the repository.
    path: PathBuf,
    /// The parsed file, or why it could not be.
    parsed: Result<&'a PackageDefinition, String>,
}

fn definition<'a>(stack: &'a RepositoryStack, package: &Package) -> Definition<'a> {
    let layer = stack
        .layers()
        .iter()
        .position(|r| r.contains(package))
        .unwrap_or_default();
    let repository = stack.layers().get(layer);
    Definition {
        layer,
        repository: repository
            .map(|r| r.location().display().to_string())
            .unwrap_or_default(),
        path: repository
            .and_then(|r| r.opam_path(package))
            .map(PathBuf::from)
            .unwrap_or_default(),
        parsed: match repository.and_then(|r| r.definition(package)) {
            Some(Ok(definition)) => Ok(definition),
            Some(Err(error)) => Err(error.to_string()),
            None => Err("no opam file".into()),
        },
    }
}

/// Reads one version: its availability, dependencies and conflicts with its own
/// `name` and `version` defined.
fn parse(package: &Package, definition: &Definition<'_>) -> Parsed {
    let failed = |message: String| Parsed {
        layer: definition.layer,
        available: true,
        depends: Formula::Empty,
        conflicts: Vec::new(),
        problem: Some(Unreadable {
            package: package.clone(),
            path: definition.path.clone(),
            repository: definition.repository.clone(),
            message,
        }),
    };
    let opam = match &definition.parsed {
        Ok(opam) => opam,
        Err(message) => return failed(message.clone()),
    };
    let env = |scope: VariableScope<'_>, variable: &str| match (scope, variable) {
        (VariableScope::Global | VariableScope::SelfPackage, "name") => {
            Some(VariableValue::String(package.name.as_str().to_owned()))
        }
        (VariableScope::Global | VariableScope::SelfPackage, "version") => {
            Some(VariableValue::String(package.version.as_str().to_owned()))
        }
        _ => None,
    };
    let flags = DependencyFlags {
        post: true,
        ..DependencyFlags::default()
    };
    let read = || -> Result<Parsed, opam_model::Error> {
        let available = opam.available()?.eval_to_bool(&env, true);
        let depends = opam.depends()?.filter_deps(&flags, &env, true);
        let conflicts = opam.conflicts()?.filter_deps(&flags, &env, false);
        Ok(Parsed {
            layer: definition.layer,
            available,
            depends,
            conflicts: conflicts.atoms().into_iter().cloned().collect(),
            problem: None,
        })
    };
    read().unwrap_or_else(|error| failed(error.to_string()))
}

/// The versions a dependency admits.
fn resolve(
    atom: &PackageConstraint,
    conflicts: &[PackageConstraint],
    position: &HashMap<&PackageName, usize>,
    versions: &[Vec<(Version, bool)>],
) -> Requirement {
    let Some(&name) = position.get(&atom.name) else {
        return Requirement {
            name: None,
            admits: Vec::new(),
        };
    };
    let excluded: Vec<&VersionFormula> = conflicts
        .iter()
        .filter(|c| c.name == atom.name)
        .map(|c| &c.constraint)
        .collect();
    let admits = versions
        .get(name)
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, (version, available))| {
            *available
                && atom.constraint.matches(version)
                && !excluded.iter().any(|c| c.matches(version))
        })
        .map(|(i, _)| i)
        .collect();
    Requirement {
        name: Some(name),
        admits,
    }
}
