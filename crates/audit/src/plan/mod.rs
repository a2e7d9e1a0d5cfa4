//! Upgrade plans: for each vulnerable package, the smallest released version that
//! no advisory affects, and what else must move for the installed packages to allow
//! it.
//!
//! [`plan`] starts from the installed (or locked) versions and raises the
//! vulnerable package to its target. Then, until nothing changes:
//!
//! - every installed package whose dependencies (its `depends:`, filters evaluated
//!   with every flag but `dev` set, its own `version` and `name` known) do not
//!   allow a raised version *holds it back*: it is raised to its smallest later
//!   release that allows it and that no advisory affects ([`Reason::Frees`]);
//! - every raised package's own dependencies must allow the versions around it: a
//!   dependency they exclude is raised to its smallest later release that they
//!   allow ([`Reason::Required`]).
//!
//! Versions only go up, one package at a time, smallest first: the plan is the
//! least change that frees the fix, not the newest versions. When no release of a
//! holder allows the target, the plan says which package holds it back and by
//! which constraint ([`Outcome::HeldBack`]); when a raised package needs a version
//! no release satisfies, it says so ([`Outcome::Unsatisfiable`]).
//!
//! Dependencies come from the switch's own opam files for installed versions
//! (`.opam-switch/packages/NAME.VERSION/opam`), from the project's `NAME.opam`
//! beside a lock file for the project itself, and from the repositories for
//! everything else ([`Definitions`]). Versions come from the repositories only.
//!
//! Limitations: conflicts, `available:` and packages a new version adds to the
//! dependencies (not installed yet) are not considered; opam's solver decides
//! those when the plan is installed.

mod sources;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use opam_model::{
    DependencyFlags, Formula, Package, PackageConstraint, PackageName, RepositoryStack,
    VariableScope, VariableValue, Version, VersionConstraint,
};
use serde::Serialize;

use crate::input::{Input, Inventory};
use crate::scan::Finding;

pub use sources::{Definitions, opam_root_repositories};

/// How many package raises one plan may make before it gives up (a plan on a
/// real switch moves a handful; the bound keeps a cycle from running forever).
const MAX_STEPS: usize = 200;

/// What to do about one vulnerable package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The vulnerable package.
    pub package: String,
    /// Its installed (or locked) version.
    pub installed_version: String,
    /// The vulnerabilities found on it, sorted.
    pub vulnerabilities: Vec<String>,
    /// What the plan found.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What the reader should know besides (a locked version no repository has…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The result of planning.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// These upgrades, together, fix the package: the first raises the package
    /// itself to `target`.
    Upgrade {
        /// The smallest release no advisory affects.
        target: String,
        /// Every package to raise, in the order found.
        upgrades: Vec<Upgrade>,
    },
    /// An installed package allows no fixed version, and none of its releases does.
    HeldBack {
        /// The smallest release no advisory affects.
        target: String,
        /// The package that holds it back.
        holder: Constraint,
        /// The upgrades found before the plan stopped.
        upgrades: Vec<Upgrade>,
    },
    /// A package the plan raises needs a version that no release satisfies.
    Unsatisfiable {
        /// The smallest release no advisory affects.
        target: String,
        /// The requirement no release satisfies.
        requirement: Constraint,
        /// The upgrades found before the plan stopped.
        upgrades: Vec<Upgrade>,
    },
    /// Every release later than the installed one is affected too (or there is none).
    NoFixedRelease {
        /// The latest release the repositories have, if any.
        latest: Option<String>,
    },
    /// The package is in none of the repositories.
    NotInRepositories,
}

/// One package to raise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upgrade {
    /// The package.
    pub package: String,
    /// Its installed version.
    pub from: String,
    /// The version to install.
    pub to: String,
    /// Why.
    #[serde(flatten)]
    pub reason: Reason,
}

/// Why a package is raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// It is the vulnerable package: the new version fixes these.
    Fixes {
        /// The vulnerabilities.
        vulnerabilities: Vec<String>,
    },
    /// Its installed version holds back another package's new version, which this
    /// version allows.
    Frees {
        /// The constraint of the installed version that holds the other back.
        held_by: Constraint,
    },
    /// A raised package needs a later version of it.
    Required {
        /// The constraint of the raised package.
        by: Constraint,
    },
}

/// A package version's constraint on another package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Constraint {
    /// The package whose dependency it is.
    pub package: String,
    /// Its version.
    pub version: String,
    /// The package depended on.
    pub on: String,
    /// The versions allowed, in opam syntax (`= "6.2.2"`, `>= "1.0" & < "2.0"`).
    pub allows: String,
}

impl fmt::Display for Constraint {
    /// `cohttp-lwt-unix 6.2.2 requires cohttp {= "6.2.2"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} requires {} {{{}}}",
            self.package, self.version, self.on, self.allows
        )
    }
}

impl Plan {
    /// The upgrades to make, when the plan found them all.
    pub fn upgrades(&self) -> Option<&[Upgrade]> {
        match &self.outcome {
            Outcome::Upgrade { upgrades, .. } => Some(upgrades),
            _ => None,
        }
    }

    /// The plan in one line for people: `upgrade cohttp 6.2.2 → 6.3.0, with
    /// cohttp-lwt-unix 6.2.2 → 6.3.0 (… requires cohttp {= "6.2.2"})`.
    pub fn summary(&self) -> String {
        let steps = |upgrades: &[Upgrade]| -> String {
            upgrades
                .iter()
                .map(|u| match &u.reason {
                    Reason::Fixes { .. } => format!("{} {} → {}", u.package, u.from, u.to),
                    Reason::Frees { held_by } => format!(
                        "{} {} → {} ({held_by}; {} allows {} {})",
                        u.package,
                        u.from,
                        u.to,
                        u.to,
                        held_by.on,
                        self.target_of(&held_by.on)
                    ),
                    Reason::Required { by } => {
                        format!("{} {} → {} ({by})", u.package, u.from, u.to)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.outcome {
            Outcome::Upgrade { upgrades, .. } => match upgrades.split_first() {
                Some((first, [])) => format!("upgrade {}", steps(std::slice::from_ref(first))),
                Some((first, rest)) => format!(
                    "upgrade {}, with {}",
                    steps(std::slice::from_ref(first)),
                    steps(rest)
                ),
                None => "nothing to upgrade".to_owned(),
            },
            Outcome::HeldBack { target, holder, .. } => format!(
                "{} {target} fixes it, but {holder} and no release of {} allows {} {target}",
                self.package, holder.package, self.package
            ),
            Outcome::Unsatisfiable {
                target,
                requirement,
                ..
            } => format!(
                "{} {target} fixes it, but {requirement} and no release of {} satisfies it",
                self.package, requirement.on
            ),
            Outcome::NoFixedRelease {
                latest: Some(latest),
            } => format!(
                "no release fixes it: every release of {} after {} up to the latest, {latest}, is affected",
                self.package, self.installed_version
            ),
            Outcome::NoFixedRelease { latest: None } => format!(
                "no release fixes it: the repositories have no release of {} after {}",
                self.package, self.installed_version
            ),
            Outcome::NotInRepositories => format!(
                "{} is in none of the repositories: give the one that publishes it with --repo",
                self.package
            ),
        }
    }

    /// The version a package is raised to in this plan (the installed one if none).
    fn target_of(&self, package: &str) -> &str {
        self.upgrades_so_far()
            .iter()
            .find(|u| u.package == package)
            .map_or(self.installed_version.as_str(), |u| u.to.as_str())
    }

    fn upgrades_so_far(&self) -> &[Upgrade] {
        match &self.outcome {
            Outcome::Upgrade { upgrades, .. }
            | Outcome::HeldBack { upgrades, .. }
            | Outcome::Unsatisfiable { upgrades, .. } => upgrades,
            Outcome::NoFixedRelease { .. } | Outcome::NotInRepositories => &[],
        }
    }
}

/// The package versions an `opam install` of the plans needs, `NAME.VERSION`, each
/// package once at the highest version any plan asks for, sorted by name.
pub fn install_targets<'a>(plans: impl IntoIterator<Item = &'a Plan>) -> Vec<String> {
    let mut targets: BTreeMap<&str, &str> = BTreeMap::new();
    for upgrade in plans.into_iter().filter_map(Plan::upgrades).flatten() {
        let entry = targets.entry(&upgrade.package).or_insert(&upgrade.to);
        if opam_model::compare_versions(&upgrade.to, entry).is_gt() {
            *entry = &upgrade.to;
        }
    }
    targets
        .into_iter()
        .map(|(name, version)| format!("{name}.{version}"))
        .collect()
}

/// Why no plan could be made for an input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The database could not be read while checking a candidate version.
    #[error(transparent)]
    Database(#[from] vulndb::Error),
}

/// The plans for the vulnerable packages of `findings` (each package once, in name
/// order), from `inventory`'s installed versions, the dependencies of
/// `definitions` and the versions of `repositories`, checking candidates against
/// `db`. A plain `*.opam` file's findings (constraints, nothing installed) get none.
pub fn plan(
    inventory: &Inventory,
    findings: &[Finding],
    db: &vulndb::Database,
    repositories: &RepositoryStack,
    definitions: &Definitions,
) -> Result<Vec<Plan>, PlanError> {
    let mut vulnerable: BTreeMap<&str, (&str, Vec<String>)> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.constraint.is_none()) {
        let entry = vulnerable
            .entry(&finding.package)
            .or_insert((&finding.installed_version, Vec::new()));
        if !entry.1.contains(&finding.id) {
            entry.1.push(finding.id.clone());
        }
    }
    let planner = Planner {
        inventory,
        db,
        repositories,
        definitions,
    };
    vulnerable
        .into_iter()
        .map(|(package, (version, mut ids))| {
            ids.sort();
            planner.plan_one(package, version, ids)
        })
        .collect()
}

struct Planner<'a> {
    inventory: &'a Inventory,
    db: &'a vulndb::Database,
    repositories: &'a RepositoryStack,
    definitions: &'a Definitions,
}

/// The versions of the plan so far: the installed ones, with the raises.
struct Assignment<'a> {
    installed: &'a Inventory,
    raised: BTreeMap<String, Version>,
}

impl Assignment<'_> {
    /// Moves `package` to `to`, records the upgrade and queues the package, whose own
    /// dependents and dependencies are checked next.
    fn raise(
        &mut self,
        package: String,
        from: String,
        to: Version,
        reason: Reason,
        upgrades: &mut Vec<Upgrade>,
        queue: &mut Vec<String>,
    ) {
        upgrades.push(Upgrade {
            package: package.clone(),
            from,
            to: to.to_string(),
            reason,
        });
        self.raised.insert(package.clone(), to);
        queue.push(package);
    }

    fn version_of(&self, name: &str) -> Option<Version> {
        if let Some(version) = self.raised.get(name) {
            return Some(version.clone());
        }
        let package = self.installed.package(name)?;
        Version::parse(&package.version).ok()
    }
}

impl Planner<'_> {
    fn plan_one(
        &self,
        package: &str,
        installed: &str,
        ids: Vec<String>,
    ) -> Result<Plan, PlanError> {
        let mut plan = Plan {
            package: package.to_owned(),
            installed_version: installed.to_owned(),
            vulnerabilities: ids.clone(),
            outcome: Outcome::NotInRepositories,
            notes: Vec::new(),
        };
        let (Ok(name), Ok(current)) = (PackageName::parse(package), Version::parse(installed))
        else {
            plan.notes.push(format!(
                "{package} {installed} is not an opam package version"
            ));
            return Ok(plan);
        };
        let releases = self.repositories.versions(&name);
        let Some(latest) = releases.last() else {
            return Ok(plan);
        };
        if !releases.contains(&&current) {
            plan.notes.push(format!(
                "{package} {installed} is not a release of any repository: a lock file edited by hand, or a pinned version?"
            ));
        }
        let Some(target) = self.first_unaffected(&name, &current, |_| true)? else {
            plan.outcome = Outcome::NoFixedRelease {
                latest: (**latest > current).then(|| latest.to_string()),
            };
            return Ok(plan);
        };
        let mut assignment = Assignment {
            installed: self.inventory,
            raised: BTreeMap::from([(package.to_owned(), target.clone())]),
        };
        let mut upgrades = vec![Upgrade {
            package: package.to_owned(),
            from: installed.to_owned(),
            to: target.to_string(),
            reason: Reason::Fixes {
                vulnerabilities: ids,
            },
        }];
        let mut queue = vec![package.to_owned()];
        while let Some(raised) = queue.pop() {
            if upgrades.len() > MAX_STEPS {
                plan.notes
                    .push(format!("the plan stopped after {MAX_STEPS} upgrades"));
                break;
            }
            let step = self
                .free_dependents(&raised, &mut assignment, &mut upgrades, &mut queue)
                .and_then(|()| {
                    self.meet_dependencies(&raised, &mut assignment, &mut upgrades, &mut queue)
                });
            match step {
                Ok(()) => {}
                Err(Stop::Held(holder)) => {
                    plan.outcome = Outcome::HeldBack {
                        target: target.to_string(),
                        holder,
                        upgrades,
                    };
                    return Ok(plan);
                }
                Err(Stop::Unsatisfiable(requirement)) => {
                    plan.outcome = Outcome::Unsatisfiable {
                        target: target.to_string(),
                        requirement,
                        upgrades,
                    };
                    return Ok(plan);
                }
                Err(Stop::Database(err)) => return Err(err.into()),
            }
        }
        plan.outcome = Outcome::Upgrade {
            target: target.to_string(),
            upgrades,
        };
        Ok(plan)
    }

    /// The smallest release of `name` after `after` that `accept`s and that no
    /// advisory affects.
    fn first_unaffected(
        &self,
        name: &PackageName,
        after: &Version,
        accept: impl Fn(&Version) -> bool,
    ) -> Result<Option<Version>, vulndb::Error> {
        for version in self.repositories.versions(name) {
            if version <= after || !accept(version) {
                continue;
            }
            let query = vulndb::Query::opam(name.as_str(), version.as_str());
            if self.db.query(&query)?.is_empty() {
                return Ok(Some(version.clone()));
            }
        }
        Ok(None)
    }

    /// Raises every installed package whose dependencies exclude `raised`'s new
    /// version to its first release that allows it.
    fn free_dependents(
        &self,
        raised: &str,
        assignment: &mut Assignment<'_>,
        upgrades: &mut Vec<Upgrade>,
        queue: &mut Vec<String>,
    ) -> Result<(), Stop> {
        let Some(raised_version) = assignment.version_of(raised) else {
            return Ok(());
        };
        let dependents: Vec<(String, Version)> = self
            .inventory
            .packages()
            .filter(|p| p.name != raised)
            .filter_map(|p| Some((p.name.clone(), assignment.version_of(&p.name)?)))
            .collect();
        for (dependent, version) in dependents {
            let Some(allows) = self.constraint_on(&dependent, &version, raised) else {
                continue;
            };
            if allows.matches(&raised_version) {
                continue;
            }
            let held_by = Constraint {
                package: dependent.clone(),
                version: version.to_string(),
                on: raised.to_owned(),
                allows: formula_text(&allows),
            };
            let Ok(name) = PackageName::parse(&dependent) else {
                return Err(Stop::Held(held_by));
            };
            let freeing = self
                .first_unaffected(&name, &version, |candidate| {
                    self.constraint_on(&dependent, candidate, raised)
                        .is_none_or(|c| c.matches(&raised_version))
                })
                .map_err(Stop::Database)?;
            let Some(freeing) = freeing else {
                return Err(Stop::Held(held_by));
            };
            let from = self.installed_text(&dependent, &version);
            let reason = Reason::Frees { held_by };
            assignment.raise(dependent, from, freeing, reason, upgrades, queue);
        }
        Ok(())
    }

    /// Raises every installed dependency that `raised`'s new version excludes.
    fn meet_dependencies(
        &self,
        raised: &str,
        assignment: &mut Assignment<'_>,
        upgrades: &mut Vec<Upgrade>,
        queue: &mut Vec<String>,
    ) -> Result<(), Stop> {
        let Some(raised_version) = assignment.version_of(raised) else {
            return Ok(());
        };
        let Some(depends) =
            self.definitions
                .depends(self.repositories, self.inventory, raised, &raised_version)
        else {
            return Ok(());
        };
        let names: Vec<String> = self
            .inventory
            .packages()
            .filter(|p| p.name != raised)
            .map(|p| p.name.clone())
            .collect();
        for dependency in names {
            let Some(current) = assignment.version_of(&dependency) else {
                continue;
            };
            let Some(allows) = constraint_in(&depends, &dependency) else {
                continue;
            };
            if allows.matches(&current) {
                continue;
            }
            let by = Constraint {
                package: raised.to_owned(),
                version: raised_version.to_string(),
                on: dependency.clone(),
                allows: formula_text(&allows),
            };
            let Ok(name) = PackageName::parse(&dependency) else {
                return Err(Stop::Unsatisfiable(by));
            };
            // A required version may itself be affected: the first allowed release
            // wins, and the audit after the fix reports it if so.
            let next = self
                .repositories
                .versions(&name)
                .into_iter()
                .find(|v| **v > current && allows.matches(v))
                .cloned();
            let Some(next) = next else {
                return Err(Stop::Unsatisfiable(by));
            };
            let from = self.installed_text(&dependency, &current);
            let reason = Reason::Required { by };
            assignment.raise(dependency, from, next, reason, upgrades, queue);
        }
        Ok(())
    }

    /// The versions of `on` that `package` at `version` allows, when it depends on it.
    fn constraint_on(
        &self,
        package: &str,
        version: &Version,
        on: &str,
    ) -> Option<Formula<VersionConstraint>> {
        let depends =
            self.definitions
                .depends(self.repositories, self.inventory, package, version)?;
        constraint_in(&depends, on)
    }

    /// The installed version's text, as the input writes it.
    fn installed_text(&self, name: &str, fallback: &Version) -> String {
        self.inventory
            .package(name)
            .map_or_else(|| fallback.to_string(), |p| p.version.clone())
    }
}

/// Why raising stopped.
enum Stop {
    Held(Constraint),
    Unsatisfiable(Constraint),
    Database(vulndb::Error),
}

/// The dependency formula of a package version with its filters evaluated: every
/// flag but `dev` and `with-dev-setup` set, the package's `name` and `version`
/// known, other variables undefined (their filters kept).
pub(crate) fn evaluate_depends(
    depends: &opam_model::DependencyFormula,
    name: &str,
    version: &Version,
) -> Formula<PackageConstraint> {
    let flags = DependencyFlags {
        build: true,
        post: true,
        test: true,
        doc: true,
        dev_setup: false,
        dev: false,
    };
    let version = version.to_string();
    let env = |scope: VariableScope<'_>, variable: &str| match (scope, variable) {
        (VariableScope::Global | VariableScope::SelfPackage, "version") => {
            Some(VariableValue::String(version.clone()))
        }
        (VariableScope::Global | VariableScope::SelfPackage, "name") => {
            Some(VariableValue::String(name.to_owned()))
        }
        _ => None,
    };
    depends.filter_deps(&flags, &env, true)
}

/// The constraint a dependency formula puts on `on`, or `None` when it does not
/// name it. Atoms of other packages count as satisfied, so an alternative that
/// does not name `on` (`("ocaml" {< "4.04.1"} | "result")`) puts no constraint on
/// it: the answer errs towards allowing, and opam's solver has the last word.
fn constraint_in(
    depends: &Formula<PackageConstraint>,
    on: &str,
) -> Option<Formula<VersionConstraint>> {
    let named = depends.atoms().iter().any(|atom| atom.name.as_str() == on);
    named.then(|| restrict(depends, on))
}

/// The formula with only the atoms naming `on` kept (see [`constraint_in`]).
fn restrict(formula: &Formula<PackageConstraint>, on: &str) -> Formula<VersionConstraint> {
    match formula {
        Formula::Empty => Formula::Empty,
        Formula::Atom(atom) if atom.name.as_str() == on => match &atom.constraint {
            compound @ (Formula::And(..) | Formula::Or(..)) => {
                Formula::Block(Box::new(compound.clone()))
            }
            simple => simple.clone(),
        },
        Formula::Atom(_) => Formula::Empty,
        Formula::Block(inner) => match restrict(inner, on) {
            Formula::Empty => Formula::Empty,
            kept => Formula::Block(Box::new(kept)),
        },
        Formula::And(terms) => terms.iter().fold(Formula::Empty, |all, term| {
            Formula::and(all, restrict(term, on))
        }),
        // An alternative that does not name `on` leaves it free.
        Formula::Or(terms) => {
            let mut any = Formula::Empty;
            for term in terms {
                match restrict(term, on) {
                    Formula::Empty => return Formula::Empty,
                    kept => any = Formula::or(any, kept),
                }
            }
            any
        }
    }
}

/// A version formula in opam syntax, without braces: `>= "1.0" & < "2.0"`.
fn formula_text(formula: &Formula<VersionConstraint>) -> String {
    match formula {
        Formula::Empty => String::new(),
        Formula::Atom(constraint) => constraint.to_string(),
        Formula::Block(inner) => format!("({})", formula_text(inner)),
        Formula::And(terms) => joined(terms, " & "),
        Formula::Or(terms) => joined(terms, " | "),
    }
}

/// The terms of a chain in opam syntax, `separator` between every two.
fn joined(terms: &[Formula<VersionConstraint>], separator: &str) -> String {
    terms
        .iter()
        .map(formula_text)
        .collect::<Vec<_>>()
        .join(separator)
}

/// Where the dependencies of installed packages are read besides the repositories.
pub(crate) fn local_definitions(input: &Input, inventory: &Inventory) -> Definitions {
    match input {
        Input::Switch { dir } => Definitions::switch(dir),
        Input::OpamLock { file } => {
            let project = inventory.roots().next().map(|p| p.name.clone());
            let opam = project.and_then(|name| {
                let path = file
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join(format!("{name}.opam"));
                path.is_file().then_some((name, path))
            });
            Definitions::project(opam)
        }
        _ => Definitions::repositories_only(),
    }
}

/// The files a plan's repositories were read from, for messages.
pub fn locations(repositories: &RepositoryStack) -> Vec<PathBuf> {
    repositories
        .layers()
        .iter()
        .map(|r| r.location().to_owned())
        .collect()
}

/// `package` at `version` as an opam package, when both are valid.
fn package_of(name: &str, version: &Version) -> Option<Package> {
    Some(Package::new(
        PackageName::parse(name).ok()?,
        version.clone(),
    ))
}
