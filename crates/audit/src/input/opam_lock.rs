//! Project opam files: `*.opam.locked` from `opam lock`, and plain `*.opam` files.
//!
//! A lock file is the project's opam file with every transitive dependency written as
//! `"name" {= "version"}` (development ones keep their flag: `{= "1.9.0" & with-test}`)
//! and pinned ones listed in `pin-depends:`. It has no graph beyond the project: every
//! locked package is a direct dependency of the project, which is the one root.
//!
//! A plain opam file installs nothing; its `depends:` and `depopts:` entries become
//! [`Requirement`]s whose constraints the matcher checks against the advisories.

use std::collections::BTreeSet;
use std::path::Path;

use opam_file::{RelOp, Value, ValueKind};
use opam_model::FilteredFormula;

use super::Input;
use super::error::{Error, LineStarts, Result, read_bytes};
use super::formula;
use super::inventory::{InstalledPackage, Inventory, Registry, Requirement};
use super::opam_state::{field, parse_file, require_opam_version, string_field};

const LOCK_HELP: &str = "regenerate the lock file with `opam lock`, or fix the entry";
const OPAM_HELP: &str = "fix the opam file (`opam lint` shows the problem too)";

/// The package name of `dir/NAME.opam` or `dir/NAME.opam.locked`; `None` for a file
/// named just `opam`.
fn name_from_file(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    let stem = file.strip_suffix(".locked").unwrap_or(file);
    stem.strip_suffix(".opam")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The version a locked entry pins: the string of its `= "v"` constraint.
fn locked_version(constraints: &[Value]) -> Option<&str> {
    constraints.iter().find_map(|c| match &c.kind {
        ValueKind::PrefixRelop(op, v) if op.value == RelOp::Eq => v.as_str(),
        ValueKind::Logop(chain) => chain
            .operands
            .iter()
            .find_map(|operand| locked_version(std::slice::from_ref(operand))),
        ValueKind::Group(items) => locked_version(&items.value),
        _ => None,
    })
}

/// Names listed in `pin-depends: [["name.version" "url"] …]` (one pair may be written
/// without the outer list).
fn pin_depends(path: &Path, text: &[u8], value: &Value) -> Result<BTreeSet<String>> {
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
    let mut names = BTreeSet::new();
    for pair in pairs {
        let ValueKind::List(parts) = &pair.kind else {
            return Err(bad(pair));
        };
        let first = parts.value.first().ok_or_else(|| bad(pair))?;
        let package = first.as_str().ok_or_else(|| bad(first))?;
        let name = package.split_once('.').map_or(package, |(n, _)| n);
        names.insert(name.to_owned());
    }
    Ok(names)
}

/// Reads an `opam lock` file.
pub(crate) fn read_locked(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_bytes(path)?;
    let file = parse_file(path, &text, LOCK_HELP)?;
    require_opam_version(path, &text, &file, "an `opam lock`", LOCK_HELP)?;
    let name = match string_field(path, &text, &file.items, "name", LOCK_HELP)? {
        Some(name) => name,
        None => name_from_file(path).unwrap_or_else(|| "project".to_owned()),
    };
    let version = string_field(path, &text, &file.items, "version", LOCK_HELP)?
        .unwrap_or_else(|| "dev".to_owned());
    let pinned = match field(&file, "pin-depends") {
        Some(value) => pin_depends(path, &text, value)?,
        None => BTreeSet::new(),
    };
    let mut inventory = Inventory::new(input);
    inventory.add_package(InstalledPackage {
        name: name.clone(),
        version,
        pinned: false,
        root: true,
        registry: Registry::Opam,
    });
    let Some(depends) = field(&file, "depends") else {
        return Ok(inventory);
    };
    let atoms = formula::atoms(depends).map_err(|e| Error::formula(path, &text, &e, LOCK_HELP))?;
    for atom in atoms {
        let Some(version) = locked_version(atom.constraints) else {
            return Err(Error::malformed(
                path,
                &text,
                atom.offset,
                format!(
                    "locked dependency `{}` has no `{{= \"VERSION\"}}` constraint",
                    atom.name
                ),
                LOCK_HELP,
            ));
        };
        let kind = formula::kind_of(atom.constraints)
            .map_err(|e| Error::formula(path, &text, &e, LOCK_HELP))?;
        let Some(kind) = kind else {
            continue;
        };
        inventory.add_package(InstalledPackage {
            name: atom.name.to_owned(),
            version: version.to_owned(),
            pinned: pinned.contains(atom.name),
            root: false,
            registry: Registry::Opam,
        });
        inventory.add_dependency(&name, atom.name, kind);
    }
    Ok(inventory)
}

/// Reads a plain `*.opam` file: its `depends:` and `depopts:` entries as requirements,
/// in file order.
pub(crate) fn read_opam(input: Input, path: &Path) -> Result<Inventory> {
    let text = read_bytes(path)?;
    let file = parse_file(path, &text, OPAM_HELP)?;
    let mut inventory = Inventory::new(input);
    for field_name in ["depends", "depopts"] {
        let Some(value) = field(&file, field_name) else {
            continue;
        };
        read_requirements(path, &text, field_name, value, &mut inventory)?;
    }
    Ok(inventory)
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
        assert_eq!(
            name_from_file(Path::new("x/myapp.opam.locked")).as_deref(),
            Some("myapp")
        );
        assert_eq!(
            name_from_file(Path::new("myapp.opam")).as_deref(),
            Some("myapp")
        );
        assert_eq!(name_from_file(Path::new("opam")), None);
        assert_eq!(name_from_file(Path::new(".opam")), None);
    }
}
