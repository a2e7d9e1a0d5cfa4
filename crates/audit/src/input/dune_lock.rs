//! dune package-management lock directories (`dune.lock/`).
//!
//! `lock.dune` describes the directory; each locked package is one `*.pkg` file of
//! S-expressions. Portable lock directories (those whose `lock.dune` has
//! `(solved_for_platforms …)`, dune ≥ 3.20) name files `<name>.<version>.pkg` and write
//! dependencies per platform, `(depends (all_platforms (a b)))` or
//! `(depends (choice ((CONDITION) (a b)) …))`; older ones name files `<name>.pkg` and
//! write `(depends a b)`. A package is named by the part of its file name before the
//! first dot; its version is the `(version …)` field. `(dev)` marks a package built
//! from a pinned development source.
//!
//! The lock directory does not list the project's own packages. When a `dune-project`
//! sits beside `dune.lock/`, its `(package (name …) (depends …))` stanzas give the roots
//! and the kinds of their direct dependencies (`:with-test`, `:with-doc`, `:build`,
//! `:dev`, `:with-dev-setup`, `:post`); otherwise every locked package that no other
//! locked package depends on is taken as a root. Edges between locked packages carry no
//! flags in the lock directory and are all normal.

use std::path::Path;

use super::Input;
use super::error::{Error, Result, read_text};
use super::inventory::{DepKind, InstalledPackage, Inventory, Registry};
use super::sexp::{self, Sexp};

const LOCK_HELP: &str = "the lock directory is corrupt: regenerate it with `dune pkg lock`";
const PROJECT_HELP: &str = "fix the dune-project file (dune reports the same problem)";

fn parse_sexps(path: &Path, text: &str, help: &'static str) -> Result<Vec<Sexp>> {
    sexp::parse(text).map_err(|e| Error::malformed(path, text, e.offset, e.message, help))
}

/// The arguments of the first top-level field `(name args…)`.
fn field<'a>(sexps: &'a [Sexp], name: &str) -> Option<&'a [Sexp]> {
    sexps.iter().find_map(|s| match s.as_list()? {
        [Sexp::Atom(head, _), rest @ ..] if head == name => Some(rest),
        _ => None,
    })
}

/// Every package name of a `depends` field, in either format, all platforms together.
fn depends_names<'a>(path: &Path, text: &str, args: &'a [Sexp]) -> Result<Vec<&'a str>> {
    let bad = |s: &Sexp, message: &str| {
        Error::malformed(path, text, s.offset(), message.to_owned(), LOCK_HELP)
    };
    let mut names = Vec::new();
    for arg in args {
        match arg {
            Sexp::Atom(name, _) => names.push(name.as_str()),
            Sexp::Quoted(..) => return Err(bad(arg, "expected a package name")),
            Sexp::List(items, _) => match items.as_slice() {
                [Sexp::Atom(head, _), Sexp::List(deps, _)] if head == "all_platforms" => {
                    names.extend(depends_names(path, text, deps)?);
                }
                [Sexp::Atom(head, _), choices @ ..] if head == "choice" => {
                    for choice in choices {
                        match choice.as_list() {
                            Some([_condition, Sexp::List(deps, _)]) => {
                                names.extend(depends_names(path, text, deps)?);
                            }
                            _ => {
                                return Err(bad(
                                    choice,
                                    "expected ((CONDITION) (PACKAGES…)) in `choice`",
                                ));
                            }
                        }
                    }
                }
                _ => {
                    return Err(bad(
                        arg,
                        "expected a package name, `all_platforms` or `choice`",
                    ));
                }
            },
        }
    }
    Ok(names)
}

/// The kind of a dependency written in a dune-project `depends`: from the first flag
/// variable it mentions.
fn dune_project_kind(dep: &Sexp) -> DepKind {
    fn flags(s: &Sexp, out: &mut Vec<DepKind>) {
        match s {
            Sexp::Atom(a, _) => out.extend(match a.as_str() {
                ":build" => Some(DepKind::Build),
                ":post" => Some(DepKind::Post),
                ":with-test" => Some(DepKind::Test),
                ":with-doc" => Some(DepKind::Doc),
                ":dev" => Some(DepKind::Dev),
                ":with-dev-setup" => Some(DepKind::DevSetup),
                _ => None,
            }),
            Sexp::Quoted(..) => {}
            Sexp::List(items, _) => items.iter().for_each(|i| flags(i, out)),
        }
    }
    let mut found = Vec::new();
    if let Some([_name, rest @ ..]) = dep.as_list() {
        rest.iter().for_each(|r| flags(r, &mut found));
    }
    found.into_iter().min().unwrap_or(DepKind::Normal)
}

/// Reads `dir` (a `dune.lock/` directory).
pub(crate) fn read_dune_lock(input: Input, dir: &Path) -> Result<Inventory> {
    let lock_path = dir.join("lock.dune");
    let lock_text = match read_text(&lock_path) {
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Missing {
                path: lock_path,
                what: "the lock directory's metadata file".to_owned(),
                help: LOCK_HELP,
            });
        }
        other => other?,
    };
    parse_sexps(&lock_path, &lock_text, LOCK_HELP)?;

    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pkg") && p.is_file())
        .collect();
    files.sort();

    let mut inventory = Inventory::new(input);
    let mut edges: Vec<(String, String)> = Vec::new();
    for path in files {
        let text = read_text(&path)?;
        let sexps = parse_sexps(&path, &text, LOCK_HELP)?;
        let file_name = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        let stem = file_name.strip_suffix(".pkg").unwrap_or(file_name);
        let (name, version_in_name) = match stem.split_once('.') {
            Some((name, version)) => (name, Some(version)),
            None => (stem, None),
        };
        let version = match field(&sexps, "version") {
            Some([v]) => v
                .as_text()
                .ok_or_else(|| {
                    Error::malformed(
                        &path,
                        &text,
                        v.offset(),
                        "`version` must be an atom",
                        LOCK_HELP,
                    )
                })?
                .to_owned(),
            Some(_) => {
                let at = sexps
                    .iter()
                    .find(|s| field(std::slice::from_ref(s), "version").is_some());
                let offset = at.map_or(0, Sexp::offset);
                return Err(Error::malformed(
                    &path,
                    &text,
                    offset,
                    "expected (version VERSION)",
                    LOCK_HELP,
                ));
            }
            None => version_in_name.unwrap_or("dev").to_owned(),
        };
        inventory.add_package(InstalledPackage {
            name: name.to_owned(),
            version,
            pinned: field(&sexps, "dev").is_some(),
            root: false,
            registry: Registry::Opam,
        });
        if let Some(args) = field(&sexps, "depends") {
            for dep in depends_names(&path, &text, args)? {
                edges.push((name.to_owned(), dep.to_owned()));
            }
        }
    }
    for (from, to) in &edges {
        inventory.add_dependency(from, to, DepKind::Normal);
    }

    let project_path = dir.parent().map(|p| p.join("dune-project"));
    let project_roots = match project_path {
        Some(p) if p.is_file() => read_project_roots(&mut inventory, &p)?,
        _ => 0,
    };
    if project_roots == 0 {
        let depended: std::collections::BTreeSet<&str> =
            edges.iter().map(|(_, to)| to.as_str()).collect();
        let roots: Vec<String> = inventory
            .packages()
            .filter(|p| !depended.contains(p.name.as_str()))
            .map(|p| p.name.clone())
            .collect();
        for name in roots {
            if let Some(p) = inventory.package_mut(&name) {
                p.root = true;
            }
        }
    }
    inventory.prune_edges();
    Ok(inventory)
}

/// Adds the packages of a dune-project as roots; returns how many there were.
fn read_project_roots(inventory: &mut Inventory, path: &Path) -> Result<usize> {
    let text = read_text(path)?;
    let sexps = parse_sexps(path, &text, PROJECT_HELP)?;
    let project_version = field(&sexps, "version")
        .and_then(|v| v.first())
        .and_then(Sexp::as_text);
    let mut count = 0;
    for stanza in &sexps {
        let Some([Sexp::Atom(head, _), fields @ ..]) = stanza.as_list() else {
            continue;
        };
        if head != "package" {
            continue;
        }
        let Some(name) = field(fields, "name")
            .and_then(|n| n.first())
            .and_then(Sexp::as_text)
        else {
            return Err(Error::malformed(
                path,
                &text,
                stanza.offset(),
                "a package stanza needs (name NAME)",
                PROJECT_HELP,
            ));
        };
        let version = field(fields, "version")
            .and_then(|v| v.first())
            .and_then(Sexp::as_text)
            .or(project_version)
            .unwrap_or("dev");
        inventory.add_package(InstalledPackage {
            name: name.to_owned(),
            version: version.to_owned(),
            pinned: false,
            root: true,
            registry: Registry::Opam,
        });
        count += 1;
        for dep in field(fields, "depends").unwrap_or_default() {
            let dep_name = match dep {
                Sexp::Atom(n, _) => Some(n.as_str()),
                Sexp::List(items, _) => items.first().and_then(Sexp::as_text),
                Sexp::Quoted(..) => None,
            };
            if let Some(dep_name) = dep_name {
                inventory.add_dependency(name, dep_name, dune_project_kind(dep));
            }
        }
    }
    Ok(count)
}
