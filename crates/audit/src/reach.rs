//! `--reachability`: is the vulnerable code of each finding used? The scan itself
//! (lexer, module paths, calls through libraries, verdicts) is crate `ocaml-reach`;
//! this module feeds it what an audit knows:
//!
//! - the bindings of each finding's advisory: `affected_bindings` in the OSV records'
//!   `ecosystem_specific` (where `osec osv export` writes them) or `database_specific`,
//!   for the affected entries of the finding's package, over all records of the
//!   vulnerability (an OSEC record and its aliases);
//! - the packages through which a call may come: the affected package and every
//!   installed package that depends on it, directly or not ([`Inventory::dependents`]);
//! - their sources: `LIB/<package>/` of the switch (dune installs `.ml` files next to
//!   the compiled ones), and the project's source trees (`--src`, by default the
//!   audited directory). With no project tree, the switch's root packages are the
//!   entry points.
//!
//! The result, [`Reachability`], maps each finding to an [`ocaml_reach::Outcome`]:
//! called (where, and the chain of packages), not referenced (in N files), or unknown
//! (why). The OpenVEX report ([`crate::report::openvex`]) reads it.
//!
//! # Limitations
//!
//! - A package's sources are looked for in `LIB/<name>/` only. A dependent without that
//!   directory is taken to install no library and is noted in the outcome
//!   ([`ocaml_reach::Note::NoLibraryDirectory`]); one that installs its library under
//!   another name is missed. A package with compiled units but no sources makes the
//!   verdict unknown.
//! - Dependents are taken from the inventory's graph; with a partial graph (a plain
//!   `opam switch export`, lock files), packages missing from it are not followed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use ocaml_reach::{Outcome, Request, Scan, Through};

use crate::input::{Input, Inventory};
use crate::scan::Finding;

/// Each analysed finding's outcome, by (vulnerability ID, package).
pub type Reachability = BTreeMap<(String, String), Outcome>;

/// Where the OCaml sources are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// The project's source trees (`--src`); a call found here is the project's.
    pub project: Vec<PathBuf>,
    /// The switch's `lib/` directory, holding one directory per installed package.
    pub lib_dir: Option<PathBuf>,
}

impl Sources {
    /// The sources of an audit of `input`: the switch's `lib/` for a switch (none for
    /// lock files, whose packages are not installed), and `project`.
    pub fn for_input(input: &Input, project: Vec<PathBuf>) -> Sources {
        let lib_dir = match input {
            Input::Switch { dir } => Some(dir.join("lib")),
            _ => None,
        };
        Sources { project, lib_dir }
    }
}

/// The `affected_bindings` of `records` for `package`, in order, each once.
pub fn bindings_of(records: &[&osv::Vulnerability], package: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for record in records {
        for affected in record.affected() {
            if affected
                .package
                .as_ref()
                .is_none_or(|p| p.ecosystem != "opam" || p.name != package)
            {
                continue;
            }
            let fields = [&affected.ecosystem_specific, &affected.database_specific];
            for object in fields.into_iter().flatten() {
                let Some(list) = object.get("affected_bindings").and_then(|v| v.as_array()) else {
                    continue;
                };
                for binding in list.iter().filter_map(|v| v.as_str()) {
                    if !out.iter().any(|b| b == binding) {
                        out.push(binding.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// The affected package and every installed package depending on it, directly or not.
pub fn dependents_closure(inventory: &Inventory, package: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::from([package.to_owned()]);
    let mut queue = VecDeque::from([package.to_owned()]);
    while let Some(name) = queue.pop_front() {
        for parent in inventory.dependents(&name) {
            if found.insert(parent.to_owned()) {
                queue.push_back(parent.to_owned());
            }
        }
    }
    found
}

/// Analyses every finding of `findings` (installed packages; constraint findings of
/// plain `*.opam` files have no installed sources to follow and are analysed against
/// the project only): looks up its records in `db`, and scans `sources`.
///
/// Fails only when a record cannot be read from the database (see `vulndb`).
pub fn analyse(
    findings: &[Finding],
    inventory: &Inventory,
    db: &vulndb::Database,
    sources: &Sources,
    options: ocaml_reach::Options,
) -> Result<Reachability, vulndb::Error> {
    let mut keys = Vec::new();
    let mut scan = Scan::new().options(options);
    for dir in &sources.project {
        scan = scan.project_dir(dir);
    }
    let mut packages: BTreeSet<String> = BTreeSet::new();
    for finding in findings {
        let key = (finding.id.clone(), finding.package.clone());
        if keys.contains(&key) {
            continue;
        }
        let records = db.lookup(&finding.id)?;
        let through = dependents_closure(inventory, &finding.package);
        packages.extend(through.iter().cloned());
        scan = scan.request(Request {
            package: finding.package.clone(),
            bindings: bindings_of(&records, &finding.package),
            through: Through::Packages(through),
        });
        keys.push(key);
    }
    if let Some(lib) = &sources.lib_dir {
        let entries: BTreeSet<&str> = if sources.project.is_empty() {
            inventory.roots().map(|p| p.name.as_str()).collect()
        } else {
            BTreeSet::new()
        };
        for name in &packages {
            let dir = lib.join(name);
            if !is_dir(&dir) {
                scan = scan.package_without_library(name.clone());
                continue;
            }
            scan = if entries.contains(name.as_str()) {
                scan.entry_package(name.clone(), dir)
            } else {
                scan.package(name.clone(), dir)
            };
        }
    }
    Ok(keys.into_iter().zip(scan.run()).collect())
}

fn is_dir(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_dir())
}
