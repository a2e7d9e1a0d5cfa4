//! What an input says is installed: packages, the dependency graph between them, and
//! the path from a root package to any of them.
//!
//! An input may list one package name at several versions (a dune lock directory
//! solved for several platforms, an esy lock, or a hand-edited lock file): every
//! version is kept and audited. The graph and dependency paths are by name.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use super::Input;
use super::note::{Location, Note};

/// The kind of a dependency edge, from the flag that makes it apply.
///
/// The order is the order of preference when one package depends on another in several
/// ways: a normal dependency beats a build one, which beats a test one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DepKind {
    /// Needed to build and run (no flag).
    Normal,
    /// Needed only to build (`{build}`).
    Build,
    /// Installed after the package (`{post}`), as the compiler's `ocaml` package.
    Post,
    /// Needed only to run the tests (`{with-test}`).
    Test,
    /// Needed only to build the documentation (`{with-doc}`).
    Doc,
    /// Needed only for development versions (`{dev}`, esy's `devDependencies`).
    Dev,
    /// Needed only to set up a development environment (`{with-dev-setup}`).
    DevSetup,
}

impl DepKind {
    /// True for test, doc, dev and dev-setup dependencies: what `--no-dev` skips.
    pub fn is_development(self) -> bool {
        matches!(
            self,
            DepKind::Test | DepKind::Doc | DepKind::Dev | DepKind::DevSetup
        )
    }

    /// The name used in reports: the opam flag, or `normal`.
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Build => "build",
            DepKind::Post => "post",
            DepKind::Test => "with-test",
            DepKind::Doc => "with-doc",
            DepKind::Dev => "dev",
            DepKind::DevSetup => "with-dev-setup",
        }
    }
}

impl fmt::Display for DepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a package comes from, as far as the input tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Registry {
    /// An opam package (every opam input; `@opam/…` packages of esy, and esy's `ocaml`
    /// compiler package with its version mapped to opam's).
    Opam,
    /// An npm package of an esy project.
    Npm,
    /// The project's own package, built from the checkout being audited: the subject
    /// of a lock file, a `dune-project` package, esy's root. Not matched against the
    /// database (its version is whatever the checkout declares).
    Project,
}

/// One installed (or locked) package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstalledPackage {
    /// The package name, as opam spells it (`@opam/` removed for esy).
    pub name: String,
    /// The installed version, as the input writes it (`opam:` removed for esy).
    pub version: String,
    /// Pinned, or from a development source: not the package the public repository
    /// publishes under that name and version.
    pub pinned: bool,
    /// Installed on request rather than as a dependency (opam's roots; the project in a
    /// lock file).
    pub root: bool,
    /// Where the name belongs.
    pub registry: Registry,
}

/// An edge of the dependency graph: the package depended on, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dependency<'a> {
    /// The package depended on.
    pub name: &'a str,
    /// How.
    pub kind: DepKind,
}

/// A dependency declared by a plain `*.opam` file: a constraint, not an installed
/// version. The matcher decides which versions it admits.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The package depended on.
    pub name: String,
    /// The constraints inside the braces (version constraints and filters, `Empty`
    /// for none); opam-model's `filter_deps` turns them into version constraints.
    pub constraint: opam_model::FilteredFormula,
    /// The constraints as written in the file, for messages (`>= "5.0"`); empty when none.
    pub constraint_text: String,
    /// How: from the filter flags in the constraints.
    pub kind: DepKind,
    /// 1-based line of the dependency in the file.
    pub line: u32,
    /// The field it is listed in: `depends` or `depopts`.
    pub field: &'static str,
    /// Where the entry starts in the file (its package name).
    pub start: super::Position,
    /// Where it ends: the position just after the closing brace of its constraints
    /// (after the name when there are none).
    pub end: super::Position,
}

/// The way from a root to a package: `myapp → cohttp-lwt-unix → cohttp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyPath {
    /// The packages from the root to the target, both included.
    pub packages: Vec<String>,
    /// The kind of each edge: `kinds[i]` leads from `packages[i]` to `packages[i + 1]`.
    pub kinds: Vec<DepKind>,
    /// True when every path from a root to the target goes through a test, doc, dev or
    /// dev-setup edge: the package is needed only to develop, not to use, the roots.
    pub development_only: bool,
}

impl fmt::Display for DependencyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.packages.iter().enumerate() {
            if i > 0 {
                f.write_str(" → ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// Everything one input says: installed packages, their dependency graph, and (for a
/// plain `*.opam` file) the declared requirements.
#[derive(Debug, Clone)]
pub struct Inventory {
    input: Input,
    /// name → version → package.
    packages: BTreeMap<String, BTreeMap<String, InstalledPackage>>,
    /// Where each (name, version) is written.
    locations: BTreeMap<(String, String), Location>,
    edges: BTreeMap<String, BTreeMap<String, DepKind>>,
    requirements: Vec<Requirement>,
    notes: Vec<Note>,
}

impl Inventory {
    pub(crate) fn new(input: Input) -> Inventory {
        Inventory {
            input,
            packages: BTreeMap::new(),
            locations: BTreeMap::new(),
            edges: BTreeMap::new(),
            requirements: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a package version; the same name and version again replaces it (a root
    /// stays a root).
    pub(crate) fn add_package(&mut self, package: InstalledPackage) {
        let versions = self.packages.entry(package.name.clone()).or_default();
        let root = versions.get(&package.version).is_some_and(|p| p.root);
        let version = package.version.clone();
        let mut package = package;
        package.root |= root;
        versions.insert(version, package);
    }

    /// [`Inventory::add_package`], remembering where the package is written.
    pub(crate) fn add_package_at(&mut self, package: InstalledPackage, location: Location) {
        self.locations
            .insert((package.name.clone(), package.version.clone()), location);
        self.add_package(package);
    }

    /// Marks every version of `name` as a root.
    pub(crate) fn set_root(&mut self, name: &str) {
        for package in self
            .packages
            .get_mut(name)
            .into_iter()
            .flat_map(|v| v.values_mut())
        {
            package.root = true;
        }
    }

    pub(crate) fn add_note(&mut self, note: Note) {
        self.notes.push(note);
    }

    /// Adds an edge; when `from` already depends on `to`, the preferred kind is kept.
    pub(crate) fn add_dependency(&mut self, from: &str, to: &str, kind: DepKind) {
        let targets = self.edges.entry(from.to_owned()).or_default();
        let entry = targets.entry(to.to_owned()).or_insert(kind);
        *entry = (*entry).min(kind);
    }

    pub(crate) fn add_requirement(&mut self, requirement: Requirement) {
        self.requirements.push(requirement);
    }

    /// Drops edges whose ends are not installed packages and self-loops.
    pub(crate) fn prune_edges(&mut self) {
        let packages = &self.packages;
        self.edges.retain(|from, _| packages.contains_key(from));
        for (from, targets) in &mut self.edges {
            targets.retain(|to, _| to != from && packages.contains_key(to));
        }
        self.edges.retain(|_, targets| !targets.is_empty());
    }

    /// The input this inventory was read from.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// The installed packages, by name, then version (as text); a name listed at several
    /// versions comes once per version.
    pub fn packages(&self) -> impl Iterator<Item = &InstalledPackage> {
        self.packages.values().flat_map(BTreeMap::values)
    }

    /// Every version of `name` the input lists (one, unless the input lists it
    /// several times).
    pub fn versions(&self, name: &str) -> impl Iterator<Item = &InstalledPackage> {
        self.packages
            .get(name)
            .into_iter()
            .flat_map(BTreeMap::values)
    }

    /// Where the input writes a package version (the file, line and column of its
    /// entry), when the reader knows it.
    pub fn location(&self, name: &str, version: &str) -> Option<&Location> {
        self.locations.get(&(name.to_owned(), version.to_owned()))
    }

    /// What the reader noticed about the input: how it was read, what it could not
    /// take into account (see [`Note`]).
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// How many package versions are installed.
    pub fn len(&self) -> usize {
        self.packages.values().map(BTreeMap::len).sum()
    }

    /// True when no package is installed (a plain `*.opam` file has requirements only).
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// One installed package: the first of its versions (as text) when the input lists
    /// several (see [`Inventory::versions`]).
    pub fn package(&self, name: &str) -> Option<&InstalledPackage> {
        self.versions(name).next()
    }

    /// The root packages, by name (each name once).
    pub fn roots(&self) -> impl Iterator<Item = &InstalledPackage> {
        self.packages
            .values()
            .filter_map(|versions| versions.values().find(|p| p.root))
    }

    /// The direct dependencies of a package that are installed, by name.
    pub fn dependencies(&self, name: &str) -> impl Iterator<Item = Dependency<'_>> {
        self.edges
            .get(name)
            .into_iter()
            .flatten()
            .map(|(to, kind)| Dependency {
                name: to,
                kind: *kind,
            })
    }

    /// The requirements of a plain `*.opam` file, in file order (empty for other inputs).
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// The shortest path from a root to `name`, preferring paths without test, doc or
    /// dev edges; `None` when `name` is not installed or no root leads to it.
    ///
    /// Among paths of equal length the one through names first in alphabetical order is
    /// chosen, so the answer is deterministic.
    pub fn path_to(&self, name: &str) -> Option<DependencyPath> {
        if !self.packages.contains_key(name) {
            return None;
        }
        let usable = self.shortest_paths(false);
        if let Some(path) = trace(&usable, name, false) {
            return Some(path);
        }
        trace(&self.shortest_paths(true), name, true)
    }

    /// [`Inventory::path_to`] for every package that a root leads to, computed in two
    /// graph walks.
    pub fn paths(&self) -> BTreeMap<&str, DependencyPath> {
        let usable = self.shortest_paths(false);
        let any = self.shortest_paths(true);
        self.packages
            .keys()
            .filter_map(|name| {
                let path = trace(&usable, name, false).or_else(|| trace(&any, name, true))?;
                Some((name.as_str(), path))
            })
            .collect()
    }

    /// Breadth-first search from all roots at once, over normal edges only or over all
    /// edges: for each reached package, the predecessor and edge kind of its shortest path.
    fn shortest_paths(&self, development_edges: bool) -> BTreeMap<&str, Option<(&str, DepKind)>> {
        let mut reached: BTreeMap<&str, Option<(&str, DepKind)>> = BTreeMap::new();
        let mut queue = VecDeque::new();
        for root in self.roots() {
            reached.insert(&root.name, None);
            queue.push_back(root.name.as_str());
        }
        while let Some(from) = queue.pop_front() {
            for dep in self.dependencies(from) {
                if dep.kind.is_development() && !development_edges {
                    continue;
                }
                if !reached.contains_key(dep.name) {
                    reached.insert(dep.name, Some((from, dep.kind)));
                    queue.push_back(dep.name);
                }
            }
        }
        reached
    }

    /// Names of all packages that depend on `name` (for reports listing every parent).
    pub fn dependents(&self, name: &str) -> BTreeSet<&str> {
        self.edges
            .iter()
            .filter(|(_, targets)| targets.contains_key(name))
            .map(|(from, _)| from.as_str())
            .collect()
    }
}

fn trace(
    reached: &BTreeMap<&str, Option<(&str, DepKind)>>,
    target: &str,
    development_only: bool,
) -> Option<DependencyPath> {
    let mut packages = vec![target.to_owned()];
    let mut kinds = Vec::new();
    let mut current = target;
    loop {
        match reached.get(current)? {
            None => break,
            Some((parent, kind)) => {
                packages.push((*parent).to_owned());
                kinds.push(*kind);
                current = parent;
            }
        }
    }
    packages.reverse();
    kinds.reverse();
    Some(DependencyPath {
        packages,
        kinds,
        development_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn inventory(roots: &[&str], edges: &[(&str, &str, DepKind)]) -> Inventory {
        let mut inv = Inventory::new(Input::Export {
            file: PathBuf::from("test"),
        });
        let mut names: BTreeSet<&str> = roots.iter().copied().collect();
        for (a, b, _) in edges {
            names.insert(a);
            names.insert(b);
        }
        for name in names {
            inv.add_package(InstalledPackage {
                name: name.to_owned(),
                version: "1".to_owned(),
                pinned: false,
                root: roots.contains(&name),
                registry: Registry::Opam,
            });
        }
        for (a, b, kind) in edges {
            inv.add_dependency(a, b, *kind);
        }
        inv
    }

    #[test]
    fn prefers_a_longer_normal_path_to_a_shorter_test_path() {
        use DepKind::*;
        let inv = inventory(
            &["app"],
            &[
                ("app", "lwt", Test),
                ("app", "web", Normal),
                ("web", "http", Normal),
                ("http", "lwt", Normal),
            ],
        );
        let path = inv.path_to("lwt").expect("reachable");
        assert_eq!(path.to_string(), "app → web → http → lwt");
        assert_eq!(path.kinds, [Normal, Normal, Normal]);
        assert!(!path.development_only);
    }

    #[test]
    fn marks_packages_reached_only_through_development_edges() {
        use DepKind::*;
        let inv = inventory(
            &["app"],
            &[
                ("app", "tar-unix", Test),
                ("tar-unix", "tar", Normal),
                ("app", "odoc", Doc),
                ("app", "dune", Build),
            ],
        );
        let tar = inv.path_to("tar").expect("reachable");
        assert_eq!(tar.to_string(), "app → tar-unix → tar");
        assert_eq!(tar.kinds, [Test, Normal]);
        assert!(tar.development_only);
        assert!(inv.path_to("odoc").expect("reachable").development_only);
        assert!(
            !inv.path_to("dune").expect("reachable").development_only,
            "build edges are not development"
        );
    }

    #[test]
    fn roots_have_a_one_element_path_and_unknown_packages_none() {
        let inv = inventory(
            &["app"],
            &[
                ("app", "a", DepKind::Normal),
                ("orphan", "a", DepKind::Normal),
            ],
        );
        assert_eq!(
            inv.path_to("app").map(|p| p.packages),
            Some(vec!["app".to_owned()])
        );
        assert_eq!(inv.path_to("orphan"), None, "no root leads to it");
        assert_eq!(inv.path_to("nosuch"), None);
    }

    #[test]
    fn ties_break_alphabetically_and_cycles_terminate() {
        use DepKind::*;
        let inv = inventory(
            &["app"],
            &[
                ("app", "b", Normal),
                ("app", "a", Normal),
                ("a", "x", Normal),
                ("b", "x", Normal),
                ("x", "a", Post),
            ],
        );
        assert_eq!(
            inv.path_to("x").expect("reachable").to_string(),
            "app → a → x"
        );
        let all = inv.paths();
        assert_eq!(all.len(), 4);
        assert_eq!(
            all.get("x").map(ToString::to_string),
            Some("app → a → x".to_owned())
        );
    }

    #[test]
    fn keeps_the_preferred_kind_of_duplicate_edges() {
        let inv = inventory(
            &["app"],
            &[("app", "a", DepKind::Test), ("app", "a", DepKind::Build)],
        );
        let deps: Vec<_> = inv.dependencies("app").collect();
        assert_eq!(
            deps,
            [Dependency {
                name: "a",
                kind: DepKind::Build
            }]
        );
    }
}
