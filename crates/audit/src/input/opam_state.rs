//! opam's own state files: a switch on disk (`.opam-switch/switch-state` and the
//! installed packages' opam files) and `opam switch export` files.
//!
//! Both list `roots`, `installed`, `pinned` (and `compiler`) as `"name.version"`
//! strings; a one-element list may be written bare. The dependency graph comes from the
//! installed packages' `depends:` and `depopts:`: from `.opam-switch/packages/<name>.<version>/opam`
//! for a switch, from the `package "<name>" { … }` sections of an export (all packages
//! with `--full`, only the pinned ones otherwise).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use opam_file::{ItemKind, OpamFile, Value, ValueKind};
use rayon::prelude::*;

use super::Input;
use super::error::{Error, Result, read_bytes};
use super::formula;
use super::inventory::{InstalledPackage, Inventory, Registry};
use super::note::{Lines, Location, Note, NoteKind};

const STATE_HELP: &str = "the switch state is corrupt: restore it from a backup in .opam-switch/backup/, or recreate the switch";
const OPAM_HELP: &str = "this opam file is corrupt: reinstall the package, or fix the file";
const EXPORT_HELP: &str = "regenerate the file with `opam switch export [--full] FILE`";

/// Parses opam syntax, turning a syntax error into one naming the file and position.
pub(crate) fn parse_file(path: &Path, text: &[u8], help: &'static str) -> Result<OpamFile> {
    opam_file::parse(text)
        .map_err(|e| Error::malformed(path, text, e.span().start as usize, e.to_string(), help))
}

/// opam writes `opam-version:` first in every state file, even for an empty switch: a
/// file without it (such as one truncated to nothing) is not one opam wrote.
pub(crate) fn require_opam_version(
    path: &Path,
    text: &[u8],
    file: &OpamFile,
    what: &str,
    help: &'static str,
) -> Result<()> {
    if field(file, "opam-version").is_some() {
        return Ok(());
    }
    Err(Error::malformed(
        path,
        text,
        0,
        format!("no `opam-version:` field: this is not {what} file"),
        help,
    ))
}

/// opam writes each field of a lock, switch state or export once: a second one (an edit
/// by hand, two files pasted together) would make the reading depend on which one osec
/// takes, and could hide the vulnerable entries of the other, so the file is refused.
pub(crate) fn reject_repeated_fields(
    path: &Path,
    text: &[u8],
    file: &OpamFile,
    help: &'static str,
) -> Result<()> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &file.items {
        let ItemKind::Variable(name, _) = &item.kind else {
            continue;
        };
        if let Some(first) = seen.insert(name.value.as_str(), name.span.start as usize) {
            return Err(Error::malformed(
                path,
                text,
                name.span.start as usize,
                format!(
                    "`{}:` is written twice (first at line {}): opam writes each field once, \
                     so the file was edited by hand and osec cannot tell which one holds",
                    name.value,
                    super::Position::of_offset(text, first).line
                ),
                help,
            ));
        }
    }
    Ok(())
}

/// The value of a top-level field, when present.
pub(crate) fn field<'a>(file: &'a OpamFile, name: &str) -> Option<&'a Value> {
    fields(&file.items, name)
}

fn fields<'a>(items: &'a [opam_file::Item], name: &str) -> Option<&'a Value> {
    items.iter().find_map(|item| match &item.kind {
        ItemKind::Variable(field, value) if field.value == name => Some(value),
        _ => None,
    })
}

/// A string field's text.
pub(crate) fn string_field(
    path: &Path,
    text: &[u8],
    items: &[opam_file::Item],
    name: &str,
    help: &'static str,
) -> Result<Option<String>> {
    let Some(value) = fields(items, name) else {
        return Ok(None);
    };
    match value.as_str() {
        Some(s) => Ok(Some(s.to_owned())),
        None => Err(Error::malformed(
            path,
            text,
            value.span.start as usize,
            format!("`{name}:` must be a string"),
            help,
        )),
    }
}

/// The newest `opam-version:` osec reads: opam 2.x writes "2.0" in locks, switch states
/// and exports; opam 3 may change the formats.
pub(crate) const OPAM_FORMAT: (u32, u32) = (2, 9);

/// A note when the format version in field `name` is newer than `known` (or not
/// `"M.N"`): osec reads it as the format it knows, the user should check.
pub(crate) fn newer_format_note(
    path: &Path,
    text: &[u8],
    items: &[opam_file::Item],
    name: &str,
    known: (u32, u32),
    help: &'static str,
) -> Result<Option<Note>> {
    let Some(value) = fields(items, name) else {
        return Ok(None);
    };
    let Some(version) = string_field(path, text, items, name, help)? else {
        return Ok(None);
    };
    let newer = format_version(&version).is_none_or(|v| v > known);
    Ok(newer.then(|| {
        Note::new(
            NoteKind::NewerFormat,
            Location::of_offset(path, text, value.span.start as usize),
            format!(
                "`{name}: \"{version}\"` is newer than osec knows ({}.{}): read as that \
                 format; check the findings by hand or update osec",
                known.0, known.1
            ),
        )
    }))
}

/// `"M.N"` as numbers.
fn format_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The fields of a switch-state file and of an `opam switch export` (2.1), and the
/// export's sections.
const STATE_FIELDS: &[&str] = &[
    "opam-version",
    "compiler",
    "roots",
    "installed",
    "pinned",
    "extra-files",
];
const STATE_SECTIONS: &[&str] = &["package"];

/// A note naming the top-level fields and sections of `items` that opam does not
/// define (`x-` fields are extensions, always allowed), at the first one.
pub(crate) fn unknown_fields(
    path: &Path,
    text: &[u8],
    items: &[opam_file::Item],
    fields: &[&str],
    sections: &[&str],
) -> Option<Note> {
    let mut unknown: Vec<(&str, usize)> = Vec::new();
    for item in items {
        let (name, offset) = match &item.kind {
            ItemKind::Variable(name, _) if !fields.contains(&name.value.as_str()) => {
                (name.value.as_str(), name.span.start)
            }
            ItemKind::Section(section) if !sections.contains(&section.kind.value.as_str()) => {
                (section.kind.value.as_str(), section.kind.span.start)
            }
            _ => continue,
        };
        if !name.starts_with("x-") && !unknown.iter().any(|(n, _)| *n == name) {
            unknown.push((name, offset as usize));
        }
    }
    let (_, first) = *unknown.first()?;
    let names: Vec<String> = unknown.iter().map(|(n, _)| format!("`{n}`")).collect();
    Some(Note::new(
        NoteKind::UnknownFields,
        Location::of_offset(path, text, first),
        format!(
            "fields osec does not know, left out of the reading: {} (a newer format, or an \
             edit by hand)",
            names.join(", ")
        ),
    ))
}

/// A `"name.version"` package list (a bare string is a one-element list; an entry may
/// carry an obsolete `{ … }` option, as old `pinned:` lists do), with the offset of
/// each entry.
fn package_list(
    path: &Path,
    text: &[u8],
    file: &OpamFile,
    name: &str,
    help: &'static str,
) -> Result<Vec<(String, String, usize)>> {
    let Some(value) = field(file, name) else {
        return Ok(Vec::new());
    };
    let values = match &value.kind {
        ValueKind::List(items) => items.value.as_slice(),
        ValueKind::String(_) => std::slice::from_ref(value),
        _ => {
            return Err(Error::malformed(
                path,
                text,
                value.span.start as usize,
                format!("`{name}:` must be a list of \"name.version\" strings"),
                help,
            ));
        }
    };
    values
        .iter()
        .map(|v| name_version(path, text, v, help))
        .collect()
}

/// Splits `"name.version"` at the first dot (package names hold no dot).
fn name_version(
    path: &Path,
    text: &[u8],
    value: &Value,
    help: &'static str,
) -> Result<(String, String, usize)> {
    let value = match &value.kind {
        ValueKind::Option(inner, _) => inner,
        _ => value,
    };
    let offset = value.span.start as usize;
    let bad = |message: String| Error::malformed(path, text, offset, message, help);
    let s = value
        .as_str()
        .ok_or_else(|| bad("expected a \"name.version\" string".to_owned()))?;
    match s.split_once('.') {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => {
            Ok((name.to_owned(), version.to_owned(), offset))
        }
        _ => Err(bad(format!("`{s}` is not \"name.version\""))),
    }
}

/// Packages, roots and pins of a switch-state or export file. A package installed at
/// two versions cannot be (opam installs one version of a name): every listed version
/// is audited, with a note.
fn read_state(
    inventory: &mut Inventory,
    path: &Path,
    text: &[u8],
    file: &OpamFile,
    help: &'static str,
) -> Result<()> {
    reject_repeated_fields(path, text, file, help)?;
    let installed = package_list(path, text, file, "installed", help)?;
    let roots: BTreeSet<String> = package_list(path, text, file, "roots", help)?
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    // A pin names a version: another installed version of the name (a pin added with
    // `--no-action`, or a second entry edited in) is the release, and is audited.
    let pinned: BTreeSet<(String, String)> = package_list(path, text, file, "pinned", help)?
        .into_iter()
        .map(|(n, v, _)| (n, v))
        .collect();
    let lines = Lines::new(path, text);
    let mut first_at: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (name, version, offset) in installed {
        match first_at.get(&name) {
            Some((other, at)) if *other != version => {
                inventory.add_note(Note::new(
                    NoteKind::DuplicatePackage,
                    lines.location(offset),
                    format!(
                        "`{name}` is installed twice, at {other} (line {}) and at {version}: \
                         opam installs one version of a package, so the file is corrupt or \
                         edited by hand; both versions are audited",
                        lines.location(*at).line
                    ),
                ));
            }
            Some(_) => {}
            None => {
                first_at.insert(name.clone(), (version.clone(), offset));
            }
        }
        inventory.add_package_at(
            InstalledPackage {
                root: roots.contains(&name),
                pinned: pinned.contains(&(name.clone(), version.clone())),
                name,
                version,
                registry: Registry::Opam,
            },
            lines.location(offset),
        );
    }
    if let Some(note) =
        newer_format_note(path, text, &file.items, "opam-version", OPAM_FORMAT, help)?
    {
        inventory.add_note(note);
    }
    if let Some(note) = unknown_fields(path, text, &file.items, STATE_FIELDS, STATE_SECTIONS) {
        inventory.add_note(note);
    }
    Ok(())
}

/// Adds the edges that one package's opam items (`depends`, `depopts`) declare.
fn add_edges(
    inventory: &mut Inventory,
    from: &str,
    path: &Path,
    text: &[u8],
    items: &[opam_file::Item],
    help: &'static str,
    cache: &mut formula::KindCache,
) -> Result<()> {
    for field_name in ["depends", "depopts"] {
        let Some(value) = fields(items, field_name) else {
            continue;
        };
        let atoms = formula::atoms(value).map_err(|e| Error::formula(path, text, &e, help))?;
        for atom in atoms {
            let kind = cache
                .kind_of(text, atom.constraints)
                .map_err(|e| Error::formula(path, text, &e, help))?;
            if let Some(kind) = kind {
                inventory.add_dependency(from, atom.name, kind);
            }
        }
    }
    Ok(())
}

/// Reads a switch: `dir` holds `.opam-switch/`.
/// From how many installed packages a switch's opam files are read in parallel.
const PARALLEL_FROM: usize = 64;

pub(crate) fn read_switch(input: Input, dir: &Path) -> Result<Inventory> {
    let meta = dir.join(".opam-switch");
    let state_path = meta.join("switch-state");
    let text = read_bytes(&state_path)?;
    let file = parse_file(&state_path, &text, STATE_HELP)?;
    require_opam_version(
        &state_path,
        &text,
        &file,
        "an opam switch-state",
        STATE_HELP,
    )?;
    let mut inventory = Inventory::new(input);
    read_state(&mut inventory, &state_path, &text, &file, STATE_HELP)?;
    let mut cache = formula::KindCache::default();
    let installed: Vec<(String, String)> = inventory
        .packages()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    // Reading and parsing a thousand opam files is most of the work: done on
    // every core, in order, then the edges are added one package at a time. A
    // small switch is read on this thread: starting the pool would cost more.
    let read_opam = |(name, version): &(String, String)| {
        let opam_path = meta
            .join("packages")
            .join(format!("{name}.{version}"))
            .join("opam");
        let opam_text = match read_bytes(&opam_path) {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Missing {
                    path: opam_path,
                    what: format!("the opam file of installed package {name}.{version}"),
                    help: "the switch is incomplete: run `opam reinstall` on that package, or recreate the switch",
                });
            }
            other => other?,
        };
        let opam = parse_file(&opam_path, &opam_text, OPAM_HELP)?;
        Ok((opam_path, opam_text, opam))
    };
    let opam_files: Vec<Result<(PathBuf, Vec<u8>, OpamFile)>> = if installed.len() < PARALLEL_FROM {
        installed.iter().map(read_opam).collect()
    } else {
        installed.par_iter().map(read_opam).collect()
    };
    for ((name, _), opam_file) in installed.iter().zip(opam_files) {
        let (opam_path, opam_text, opam) = opam_file?;
        add_edges(
            &mut inventory,
            name,
            &opam_path,
            &opam_text,
            &opam.items,
            OPAM_HELP,
            &mut cache,
        )?;
    }
    inventory.prune_edges();
    Ok(inventory)
}

/// Reads an `opam switch export` file.
pub(crate) fn read_export(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_bytes(path)?;
    let file = parse_file(path, &text, EXPORT_HELP)?;
    if field(&file, "installed").is_none() {
        return Err(Error::malformed(
            path,
            &text,
            0,
            "no `installed:` field: this is not an `opam switch export` file",
            EXPORT_HELP,
        ));
    }
    let mut inventory = Inventory::new(input);
    read_state(&mut inventory, path, &text, &file, EXPORT_HELP)?;
    let mut cache = formula::KindCache::default();
    for item in &file.items {
        let ItemKind::Section(section) = &item.kind else {
            continue;
        };
        if section.kind.value != "package" {
            continue;
        }
        let Some(name) = section
            .name
            .as_ref()
            .and_then(|n| std::str::from_utf8(&n.value).ok())
        else {
            return Err(Error::malformed(
                path,
                &text,
                section.kind.span.start as usize,
                "a `package` section needs a package name: package \"NAME\" { … }",
                EXPORT_HELP,
            ));
        };
        add_edges(
            &mut inventory,
            name,
            path,
            &text,
            &section.items.value,
            EXPORT_HELP,
            &mut cache,
        )?;
    }
    inventory.prune_edges();
    Ok(inventory)
}
