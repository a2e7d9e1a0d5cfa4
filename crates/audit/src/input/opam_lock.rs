//! Project opam files: lock files from `opam lock` (and opam-monorepo), and plain
//! `*.opam` files.
//!
//! A lock file is the project's opam file with every transitive dependency written as
//! `"name" {= "version"}` (development ones keep their flag: `{= "1.9.0" & with-test}`)
//! and pinned ones listed in `pin-depends:`. `opam lock` names it `NAME.opam.locked`, or
//! `NAME.opam.SUFFIX` with `--lock-suffix SUFFIX`, and `opam.locked` for a file named
//! `opam` ([`is_lock_name`]). It has no graph beyond the project: every locked package
//! is a direct dependency of the project, which is the one root (and, being built from
//! the checkout, is not matched: [`Registry::Project`]).
//!
//! A file named as a lock whose `depends:` pins no version is a package definition (as
//! in tezos's `opam/virtual/`): it is read as a plain opam file, with a note. One that
//! pins some entries and not others has been edited by hand: an error at the first
//! unpinned entry.
//!
//! opam-monorepo locks (`x-opam-monorepo-version:`) pin every dependency in
//! `pin-depends:`; a pin whose URL is the package's own release archive of the locked
//! version ([`is_release_archive`]) is audited as that release, with a note; other pins
//! (git checkouts, forks, archives of another version) stay pinned.
//!
//! A plain opam file installs nothing; its `depends:` and `depopts:` entries become
//! [`Requirement`]s whose constraints the matcher checks against the advisories.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use opam_file::{ItemKind, OpamFile, RelOp, Value, ValueKind};
use opam_model::FilteredFormula;

use super::Input;
use super::error::{Error, LineStarts, Result, read_bytes};
use super::formula::{self, Atom};
use super::inventory::{InstalledPackage, Inventory, Registry, Requirement};
use super::note::{Lines, Location, Note, NoteKind};
use super::opam_state::{
    OPAM_FORMAT, field, newer_format_note, parse_file, reject_repeated_fields,
    require_opam_version, string_field, unknown_fields,
};

const LOCK_HELP: &str = "regenerate the lock file with `opam lock`, or fix the entry";
const OPAM_HELP: &str = "fix the opam file (`opam lint` shows the problem too)";

/// The fields of an opam package file, as opam 2 reads them (`x-` fields aside).
const OPAM_FIELDS: &[&str] = &[
    "opam-version",
    "name",
    "version",
    "synopsis",
    "description",
    "maintainer",
    "authors",
    "author",
    "license",
    "tags",
    "homepage",
    "doc",
    "bug-reports",
    "depends",
    "depopts",
    "conflicts",
    "conflict-class",
    "available",
    "flags",
    "setenv",
    "build",
    "run-test",
    "install",
    "remove",
    "substs",
    "patches",
    "build-env",
    "features",
    "messages",
    "post-messages",
    "depexts",
    "libraries",
    "syntax",
    "dev-repo",
    "pin-depends",
    "extra-files",
    "configure-style",
    "ocaml-version",
    "os",
    "descr",
    "extra-sources",
    "build-test",
    "build-doc",
];

/// The sections of an opam package file.
const OPAM_SECTIONS: &[&str] = &["url", "extra-source"];

/// The newest opam-monorepo lock format osec knows (`x-opam-monorepo-version`).
const MONOREPO_FORMAT: (u32, u32) = (0, 3);

/// Whether a file name is one `opam lock` writes: `opam.locked`, `NAME.opam.SUFFIX` or
/// `opam.SUFFIX` where a dot-separated part of SUFFIX is `locked` or `lock`
/// (`x.opam.locked`, `x.opam.win.locked`, `x.opam.locked.windows-x86_64`,
/// `x.opam.dev.locked`). Package names hold no dot.
pub(crate) fn is_lock_name(file_name: &str) -> bool {
    let suffix = match file_name.strip_prefix("opam.") {
        Some(suffix) => suffix,
        None => match file_name.split_once(".opam.") {
            Some((name, suffix)) if !name.is_empty() && !name.contains('.') => suffix,
            _ => return false,
        },
    };
    let parts: Vec<&str> = suffix.split('.').collect();
    parts.iter().all(|p| !p.is_empty()) && parts.iter().any(|p| *p == "locked" || *p == "lock")
}

/// The package name of `dir/NAME.opam`, `dir/NAME.opam.locked` or
/// `dir/NAME.opam.SUFFIX`; `None` for `opam` and `opam.locked`.
fn name_from_file(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    let name = match file.split_once(".opam.") {
        Some((name, _)) => name,
        None => file.strip_suffix(".opam")?,
    };
    (!name.is_empty() && !name.contains('.')).then(|| name.to_owned())
}

/// The versions a locked entry pins: the strings of its `= "v"` constraints, in the
/// order written. `opam lock` writes one; an entry edited to `{= "a" | = "b"}` admits
/// both, and both are audited. Walked with a stack: a chain or nesting of any length
/// costs no stack depth.
fn locked_versions(constraints: &[Value]) -> Vec<&str> {
    let mut versions = Vec::new();
    let mut pending: Vec<&Value> = constraints.iter().rev().collect();
    while let Some(constraint) = pending.pop() {
        match &constraint.kind {
            ValueKind::PrefixRelop(op, v) if op.value == RelOp::Eq => {
                if let Some(v) = v.as_str()
                    && !versions.contains(&v)
                {
                    versions.push(v);
                }
            }
            ValueKind::Logop(chain) => pending.extend(chain.operands.iter().rev()),
            ValueKind::Group(items) => pending.extend(items.value.iter().rev()),
            _ => {}
        }
    }
    versions
}

/// One `pin-depends:` entry: `["name.version" "url"]`.
struct Pin<'a> {
    name: &'a str,
    version: &'a str,
    url: &'a str,
}

/// The entries of `pin-depends: [["name.version" "url"] …]` (one pair may be written
/// without the outer list).
fn pin_depends<'a>(path: &Path, text: &[u8], value: &'a Value) -> Result<Vec<Pin<'a>>> {
    let bad = |v: &Value| {
        Error::malformed(
            path,
            text,
            v.span.start as usize,
            "`pin-depends:` entries are [\"name.version\" \"url\"]",
            LOCK_HELP,
        )
    };
    let ValueKind::List(items) = &value.kind else {
        return Err(bad(value));
    };
    let pairs: Vec<&Value> = if items.value.first().is_some_and(|v| v.as_str().is_some()) {
        vec![value]
    } else {
        items.value.iter().collect()
    };
    let mut pins = Vec::new();
    for pair in pairs {
        let ValueKind::List(parts) = &pair.kind else {
            return Err(bad(pair));
        };
        let first = parts.value.first().ok_or_else(|| bad(pair))?;
        let package = first.as_str().ok_or_else(|| bad(first))?;
        let url = parts
            .value
            .get(1)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (name, version) = package.split_once('.').unwrap_or((package, ""));
        pins.push(Pin { name, version, url });
    }
    Ok(pins)
}

/// Whether `url` is a release archive of `version`: an `http(s)` URL without fragment
/// or query, ending in an archive extension (`.tar.gz`, `.tgz`, `.tbz`, `.tbz2`,
/// `.tar.bz2`, `.tar.xz`, `.txz`, `.zip`), whose path holds the version as a whole
/// word: after `/`, `-` or `_` (and an optional `v`), before `/`, `-`, `_`, the archive
/// extension or the end (`…/releases/download/v3.0.0/arp-v3.0.0.tbz`,
/// `…/archive/0.15.0.tar.gz`). A git URL, a commit archive or another version's archive
/// is not.
pub(crate) fn is_release_archive(url: &str, version: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    const ARCHIVES: [&str; 8] = [
        ".tar.gz", ".tgz", ".tbz", ".tbz2", ".tar.bz2", ".tar.xz", ".txz", ".zip",
    ];
    if version.is_empty()
        || rest.contains(['#', '?'])
        || !ARCHIVES.iter().any(|ext| rest.ends_with(ext))
    {
        return false;
    }
    rest.match_indices(version).any(|(at, _)| {
        let before = &rest[..at];
        let before = before.strip_suffix('v').unwrap_or(before);
        let after = &rest[at + version.len()..];
        before.ends_with(['/', '-', '_'])
            && (after.is_empty()
                || after.starts_with(['/', '-', '_'])
                || ["tar", "tgz", "tbz", "txz", "zip"]
                    .iter()
                    .any(|ext| after.strip_prefix('.').is_some_and(|a| a.starts_with(ext))))
    })
}

/// Reads an `opam lock` file; one that pins nothing is read as a plain opam file.
pub(crate) fn read_locked(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_bytes(path)?;
    let file = parse_file(path, &text, LOCK_HELP)?;
    reject_repeated_fields(path, &text, &file, LOCK_HELP)?;
    let atoms = match field(&file, "depends") {
        Some(depends) => {
            formula::atoms(depends).map_err(|e| Error::formula(path, &text, &e, LOCK_HELP))?
        }
        None => Vec::new(),
    };
    let pinned_entries = atoms
        .iter()
        .filter(|a| !locked_versions(a.constraints).is_empty())
        .count();
    if pinned_entries == 0 && !atoms.is_empty() {
        let mut inventory = read_opam_text(
            Input::OpamFile {
                file: path.to_path_buf(),
            },
            path,
            &text,
            &file,
        )?;
        inventory.add_note(Note::new(
            NoteKind::ReadAs,
            Location::of_offset(path, &text, atoms.first().map_or(0, |a| a.offset)),
            "named as a lock file, but its `depends:` pins no version (no `{= \"VERSION\"}`): \
             a package definition, read as an opam file (its constraints are checked)",
        ));
        return Ok(inventory);
    }
    require_opam_version(path, &text, &file, "an `opam lock`", LOCK_HELP)?;
    let mut inventory = Inventory::new(input);
    read_lock_items(&mut inventory, path, &text, &file, &atoms)?;
    Ok(inventory)
}

fn read_lock_items(
    inventory: &mut Inventory,
    path: &Path,
    text: &[u8],
    file: &OpamFile,
    atoms: &[Atom<'_>],
) -> Result<()> {
    let name = match string_field(path, text, &file.items, "name", LOCK_HELP)? {
        Some(name) => name,
        None => name_from_file(path).unwrap_or_else(|| "project".to_owned()),
    };
    let version = string_field(path, text, &file.items, "version", LOCK_HELP)?
        .unwrap_or_else(|| "dev".to_owned());
    inventory.add_package(InstalledPackage {
        name: name.clone(),
        version,
        pinned: false,
        root: true,
        registry: Registry::Project,
    });
    format_notes(inventory, path, text, file)?;
    let monorepo = monorepo_version(path, text, file)?.is_some();
    let pin_value = field(file, "pin-depends");
    let pins = match pin_value {
        Some(value) => pin_depends(path, text, value)?,
        None => Vec::new(),
    };
    let lines = Lines::new(path, text);
    let mut releases = 0;
    let mut first_at: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for atom in atoms {
        let versions = locked_versions(atom.constraints);
        if versions.is_empty() {
            return Err(Error::malformed(
                path,
                text,
                atom.offset,
                format!(
                    "locked dependency `{}` has no `{{= \"VERSION\"}}` constraint: the other \
                     entries are pinned, so the file was edited by hand",
                    atom.name
                ),
                LOCK_HELP,
            ));
        }
        let kind = formula::kind_of(atom.constraints)
            .map_err(|e| Error::formula(path, text, &e, LOCK_HELP))?;
        let Some(kind) = kind else {
            continue;
        };
        for version in versions {
            match first_at.get(atom.name) {
                Some((other, at)) if *other != version => {
                    inventory.add_note(Note::new(
                        NoteKind::DuplicatePackage,
                        lines.location(atom.offset),
                        format!(
                            "`{}` is locked twice, at {other} (line {}) and at {version}: a lock \
                             pins each package once, so the file was edited by hand; both \
                             versions are audited",
                            atom.name,
                            lines.location(*at).line
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    first_at.insert(atom.name, (version, atom.offset));
                }
            }
            // A pin names a version: an entry locked at another version (edited in by hand)
            // is that release, and is audited.
            let pins_of_atom: Vec<&Pin<'_>> = pins
                .iter()
                .filter(|p| p.name == atom.name && p.version == version)
                .collect();
            let release = monorepo
                && !pins_of_atom.is_empty()
                && pins_of_atom
                    .iter()
                    .any(|p| is_release_archive(p.url, version));
            if release {
                releases += 1;
            }
            inventory.add_package_at(
                InstalledPackage {
                    name: atom.name.to_owned(),
                    version: version.to_owned(),
                    pinned: !pins_of_atom.is_empty() && !release,
                    root: false,
                    registry: Registry::Opam,
                },
                lines.location(atom.offset),
            );
        }
        inventory.add_dependency(&name, atom.name, kind);
    }
    if releases > 0
        && let Some(value) = pin_value
    {
        inventory.add_note(Note::new(
            NoteKind::ReleasePins,
            Location::of_offset(path, text, value.span.start as usize),
            format!(
                "opam-monorepo lock: {releases} of {} `pin-depends:` entries are the packages' \
                 own release archives of the locked versions, audited as those releases; \
                 the others stay pinned",
                pins.len()
            ),
        ));
    }
    Ok(())
}

/// The `x-opam-monorepo-version:` of a lock, when present.
fn monorepo_version(path: &Path, text: &[u8], file: &OpamFile) -> Result<Option<String>> {
    string_field(
        path,
        text,
        &file.items,
        "x-opam-monorepo-version",
        LOCK_HELP,
    )
}

/// Notes on format versions newer than osec knows, and on unknown fields.
fn format_notes(
    inventory: &mut Inventory,
    path: &Path,
    text: &[u8],
    file: &OpamFile,
) -> Result<()> {
    let newer = |name: &str, known: (u32, u32)| {
        newer_format_note(path, text, &file.items, name, known, LOCK_HELP)
    };
    if let Some(note) = newer("opam-version", OPAM_FORMAT)? {
        inventory.add_note(note);
    }
    if let Some(note) = newer("x-opam-monorepo-version", MONOREPO_FORMAT)? {
        inventory.add_note(note);
    }
    if let Some(note) = unknown_fields(path, text, &file.items, OPAM_FIELDS, OPAM_SECTIONS) {
        inventory.add_note(note);
    }
    Ok(())
}

/// Reads a plain `*.opam` file: its `depends:` and `depopts:` entries as requirements,
/// in file order.
pub(crate) fn read_opam(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_bytes(path)?;
    let file = parse_file(path, &text, OPAM_HELP)?;
    read_opam_text(input, path, &text, &file)
}

fn read_opam_text(input: Input, path: &Path, text: &[u8], file: &OpamFile) -> Result<Inventory> {
    let mut inventory = Inventory::new(input);
    for field_name in ["depends", "depopts"] {
        let Some(value) = field(file, field_name) else {
            continue;
        };
        read_requirements(path, text, field_name, value, &mut inventory)?;
    }
    Ok(inventory)
}

/// What an opam-syntax file holds, from its fields: a switch export (`installed:`), a
/// lock (every `depends:` entry pinned with `{= "VERSION"}`, at least one), or else a
/// package definition. `None` when it does not parse (the reader then reports why).
pub(crate) fn content_kind(text: &[u8]) -> Option<OpamContent> {
    let file = opam_file::parse(text).ok()?;
    if field(&file, "installed").is_some() {
        return Some(OpamContent::Export);
    }
    let names: BTreeSet<&str> = file
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Variable(name, _) => Some(name.value.as_str()),
            ItemKind::Section(_) => None,
        })
        .collect();
    let atoms = field(&file, "depends")
        .and_then(|d| formula::atoms(d).ok())
        .unwrap_or_default();
    let all_pinned = !atoms.is_empty()
        && atoms
            .iter()
            .all(|a| !locked_versions(a.constraints).is_empty());
    if all_pinned || names.contains("x-opam-monorepo-version") {
        Some(OpamContent::Lock)
    } else {
        Some(OpamContent::Definition)
    }
}

/// What [`content_kind`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpamContent {
    /// An `opam switch export` (or a switch-state file).
    Export,
    /// A lock file.
    Lock,
    /// A package definition.
    Definition,
}

fn read_requirements(
    path: &Path,
    text: &[u8],
    field_name: &'static str,
    value: &Value,
    inventory: &mut Inventory,
) -> Result<()> {
    let atoms = formula::atoms(value).map_err(|e| Error::formula(path, text, &e, OPAM_HELP))?;
    let lines = LineStarts::new(text);
    for atom in atoms {
        let constraint_text = match (atom.constraints.first(), atom.constraints.last()) {
            (Some(first), Some(last)) => String::from_utf8_lossy(
                text.get(first.span.start as usize..last.span.end as usize)
                    .unwrap_or_default(),
            )
            .into_owned(),
            _ => String::new(),
        };
        let constraint = FilteredFormula::from_values(atom.constraints).map_err(|e| {
            let offset = match &e {
                opam_model::Error::Formula(f) => f.span.start as usize,
                _ => atom.offset,
            };
            Error::malformed(path, text, offset, e.to_string(), OPAM_HELP)
        })?;
        let Some(kind) = formula::kind_of_formula(&constraint) else {
            continue;
        };
        let start = lines.position(atom.offset);
        inventory.add_requirement(Requirement {
            name: atom.name.to_owned(),
            constraint,
            constraint_text,
            kind,
            line: start.line,
            field: field_name,
            start,
            end: lines.position(atom.end),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_file_names() {
        let name = |f: &str| name_from_file(Path::new(f));
        assert_eq!(name("x/myapp.opam.locked").as_deref(), Some("myapp"));
        assert_eq!(name("myapp.opam").as_deref(), Some("myapp"));
        assert_eq!(name("x/stork.opam.dev.locked").as_deref(), Some("stork"));
        assert_eq!(
            name("modelkit.opam.locked.windows-x86_64").as_deref(),
            Some("modelkit")
        );
        assert_eq!(name("opam"), None);
        assert_eq!(name("opam.locked"), None);
        assert_eq!(name(".opam"), None);
    }

    #[test]
    fn lock_names_are_what_opam_lock_writes() {
        for lock in [
            "opam.locked",
            "x.opam.locked",
            "x.opam.win.locked",
            "x.opam.dev.locked",
            "x.opam.locked.windows-x86_64",
            "opam.win.locked",
            "x.opam.lock",
        ] {
            assert!(is_lock_name(lock), "{lock}");
        }
        for other in [
            "x.opam",
            "opam",
            "x.opam.template",
            "x.opam.locked.",
            "x.opam..locked",
            "a.b.opam.locked",
            ".opam.locked",
            "x.opam.lockedx",
            "locked",
        ] {
            assert!(!is_lock_name(other), "{other}");
        }
    }

    #[test]
    fn release_archives_name_the_version_as_a_word() {
        let release = [
            (
                "https://github.com/mirage/arp/releases/download/v3.0.0/arp-v3.0.0.tbz",
                "3.0.0",
            ),
            (
                "https://github.com/inhabitedtype/angstrom/archive/0.15.0.tar.gz",
                "0.15.0",
            ),
            (
                "https://github.com/janestreet/base/archive/v0.14.3.tar.gz",
                "v0.14.3",
            ),
            (
                "https://github.com/mirage/alcotest/releases/download/1.5.0/alcotest-js-1.5.0.tbz",
                "1.5.0",
            ),
            ("http://example.org/x_1.2.zip", "1.2"),
        ];
        for (url, version) in release {
            assert!(is_release_archive(url, version), "{url} {version}");
        }
        let other = [
            ("git+https://github.com/maiste/ocaml-git#6a73820b", "dev"),
            (
                "https://github.com/anmonteiro/ocaml-h2/releases/download/0.8.0/h2-0.8.0.tbz",
                "0.2.0",
            ),
            ("https://github.com/x/y/archive/11.0.tar.gz", "1.0"),
            ("https://github.com/x/y/archive/1.0.1.tar.gz", "1.0"),
            ("https://github.com/x/y/archive/1.0.tar.gz#sha", "1.0"),
            ("https://github.com/x/y/archive/1.0.git", "1.0"),
            ("file:///x/y-1.0.tar.gz", "1.0"),
            ("https://github.com/x/y/archive/y.tar.gz", ""),
        ];
        for (url, version) in other {
            assert!(!is_release_archive(url, version), "{url} {version}");
        }
    }
}
