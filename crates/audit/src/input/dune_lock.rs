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
//!
//! A portable lock directory may lock one package at several versions (one per
//! platform): every version is audited. The project's own packages are
//! [`Registry::Project`]: built from the checkout, not matched.
//!
//! `dev-tools.locks/TOOL/` directories (`dune tools`) are lock directories of the same
//! format for one development tool (ocamlformat, ocaml-lsp-server…): the tool is the
//! root, and every finding there is development-only.
//!
//! Fields dune does not write (a newer dune, or an edit by hand) and a `(lang package
//! V)` newer than 0.1 are noted, with the file and line.

use std::collections::BTreeMap;
use std::path::Path;

use super::Input;
use super::error::{Error, Position, Result, read_text};
use super::inventory::{DepKind, InstalledPackage, Inventory, Registry};
use super::note::{Location, Note, NoteKind};
use super::sexp::{self, Sexp};

/// The fields of a locked package (`*.pkg`), as dune 3.12 to 3.24 write them.
const PKG_FIELDS: &[&str] = &[
    "version",
    "build",
    "dune",
    "install",
    "depends",
    "depexts",
    "source",
    "dev",
    "avoid",
    "exported_env",
    "extra_sources",
    "enabled_on_platforms",
];

/// The fields of `lock.dune`.
const LOCK_FIELDS: &[&str] = &[
    "lang",
    "dependency_hash",
    "ocaml",
    "repositories",
    "expanded_solver_variable_bindings",
    "solved_for_platforms",
];

/// The newest `(lang package V)` osec knows.
const PACKAGE_LANG: (u32, u32) = (0, 1);

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

/// dune reads each field of a lock file once ("present too many times" otherwise): a
/// second `(version …)` edited in would make the reading depend on which one osec takes,
/// and could hide a vulnerable version, so the file is refused as dune refuses it.
fn reject_repeated_fields(path: &Path, text: &str, sexps: &[Sexp]) -> Result<()> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for sexp in sexps {
        let Some([Sexp::Atom(head, offset), ..]) = sexp.as_list() else {
            continue;
        };
        if let Some(first) = seen.insert(head.as_str(), *offset) {
            return Err(Error::malformed(
                path,
                text,
                sexp.offset(),
                format!(
                    "`({head} …)` is written twice (first at line {}): dune reads each field \
                     once, so the file was edited by hand",
                    Position::of_offset(text.as_bytes(), first).line
                ),
                LOCK_HELP,
            ));
        }
    }
    Ok(())
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

/// The names of the top-level fields of `sexps` not in `known`, with their offsets.
fn unknown_fields<'a>(sexps: &'a [Sexp], known: &[&str]) -> Vec<(&'a str, usize)> {
    sexps
        .iter()
        .filter_map(|s| match s.as_list()? {
            [Sexp::Atom(head, offset), ..] if !known.contains(&head.as_str()) => {
                Some((head.as_str(), *offset))
            }
            _ => None,
        })
        .collect()
}

/// A note when `(lang package V)` is newer than osec knows.
fn lang_note(path: &Path, text: &str, sexps: &[Sexp]) -> Option<Note> {
    let args = field(sexps, "lang")?;
    let [Sexp::Atom(language, offset), Sexp::Atom(version, _)] = args else {
        return None;
    };
    let parsed = version
        .split_once('.')
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
    if language != "package" || parsed.is_some_and(|v| v <= PACKAGE_LANG) {
        return None;
    }
    Some(Note::new(
        NoteKind::NewerFormat,
        Location::of_offset(path, text.as_bytes(), *offset),
        format!(
            "`(lang {language} {version})` is newer than osec knows (package {}.{}): read \
             as that format; check the findings by hand or update osec",
            PACKAGE_LANG.0, PACKAGE_LANG.1
        ),
    ))
}

/// Reads `dir` (a `dune.lock/` directory, or `dev-tools.locks/TOOL/` for `dev_tool`).
pub(crate) fn read_dune_lock(
    input: Input,
    dir: &Path,
    dev_tool: Option<&str>,
) -> Result<Inventory> {
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
    let lock_sexps = parse_sexps(&lock_path, &lock_text, LOCK_HELP)?;
    let mut notes: Vec<Note> = lang_note(&lock_path, &lock_text, &lock_sexps)
        .into_iter()
        .collect();
    // unknown field → where it is first written
    let mut unknown: BTreeMap<String, Location> = BTreeMap::new();
    for (name, offset) in unknown_fields(&lock_sexps, LOCK_FIELDS) {
        unknown
            .entry(name.to_owned())
            .or_insert_with(|| Location::of_offset(&lock_path, lock_text.as_bytes(), offset));
    }

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
        reject_repeated_fields(&path, &text, &sexps)?;
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
        let version_at = sexps
            .iter()
            .find(|s| field(std::slice::from_ref(s), "version").is_some())
            .map_or(0, Sexp::offset);
        for (field_name, offset) in unknown_fields(&sexps, PKG_FIELDS) {
            unknown
                .entry(field_name.to_owned())
                .or_insert_with(|| Location::of_offset(&path, text.as_bytes(), offset));
        }
        inventory.add_package_at(
            InstalledPackage {
                name: name.to_owned(),
                version,
                pinned: field(&sexps, "dev").is_some(),
                root: false,
                registry: Registry::Opam,
            },
            Location::of_offset(&path, text.as_bytes(), version_at),
        );
        if let Some(args) = field(&sexps, "depends") {
            for dep in depends_names(&path, &text, args)? {
                edges.push((name.to_owned(), dep.to_owned()));
            }
        }
    }
    for (from, to) in &edges {
        inventory.add_dependency(from, to, DepKind::Normal);
    }

    if let Some(location) = unknown.values().min() {
        let names: Vec<String> = unknown.keys().map(|n| format!("`{n}`")).collect();
        notes.push(Note::new(
            NoteKind::UnknownFields,
            location.clone(),
            format!(
                "fields osec does not know, left out of the reading: {} (a newer dune, or \
                 an edit by hand)",
                names.join(", ")
            ),
        ));
    }
    for note in notes {
        inventory.add_note(note);
    }

    let project_path = dir.parent().map(|p| p.join("dune-project"));
    let project_roots = match (dev_tool, project_path) {
        (Some(tool), _) if inventory.package(tool).is_some() => {
            inventory.set_root(tool);
            1
        }
        (None, Some(p)) if p.is_file() => read_project_roots(&mut inventory, &p)?,
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
            inventory.set_root(&name);
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
            registry: Registry::Project,
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
