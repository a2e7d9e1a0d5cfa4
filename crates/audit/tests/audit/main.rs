//! Integration tests of `audit`: the readers on the scenarios made with opam
//! (tests/data/audit, see its README), one module per topic.

use std::path::{Path, PathBuf};

use audit::input::{DepKind, Input, Inventory};

/// Corrupt files: errors with file and position, never an empty inventory.
mod broken;
/// Constraints of plain `*.opam` files against the embedded database, and their reports.
mod constraints;
/// Finding inputs in a directory and from explicit options.
mod detection;
/// Inputs listing one package at two versions (issue 14).
mod duplicates;
/// Readers of each input format on the real (and hand-written) scenario files.
mod formats;
/// Dependency paths and development-only marking.
mod paths;
/// Real projects' layouts, and their findings against an independent reading.
mod projects;
/// Reachability of findings, and the OpenVEX report made of it.
mod reach;
/// What the reports count and where SARIF results point.
mod reports;
/// The whole run from a request (`audit::run`).
mod run;
/// SARIF and CycloneDX reports of every scenario, validated against the official schemas.
mod schemas;

/// A scenario directory under tests/data/audit.
pub(crate) fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/audit")
        .join(name)
}

/// Reads the one input of the given kind found in a scenario.
pub(crate) fn read(scenario_name: &str, kind: &str) -> Inventory {
    let inputs = audit::input::detect(&scenario(scenario_name)).expect("detect");
    let input = inputs
        .iter()
        .find(|i| i.kind() == kind)
        .unwrap_or_else(|| panic!("no {kind} in {scenario_name}: {inputs:?}"));
    input.read().unwrap_or_else(|e| panic!("{e}"))
}

/// The OSV snapshot `osec` embeds (crates/vulndb/data/opam-all.zip), by a path relative to
/// this crate (tests run in the crate directory), so that reports name it the same on
/// every machine.
pub(crate) fn embedded_database() -> vulndb::Database {
    vulndb::Database::open(Path::new("../vulndb/data/opam-all.zip")).expect("the embedded snapshot")
}

/// The day the tests' reports are made on.
pub(crate) const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 30);

/// The reports of these inputs (read, matched and decided by `policy`), as `osec audit`
/// makes them. Paths are as given.
pub(crate) fn report(
    inputs: &[Input],
    policy: &audit::policy::Policy,
    options: audit::scan::ScanOptions,
) -> audit::report::Report {
    let db = embedded_database();
    let database = audit::report::DatabaseInfo {
        source: db.source().to_owned(),
        records: db.len(),
        last_modified: db.last_modified().map(|t| t.to_string()),
    };
    let mut report = audit::report::Report::new("0.0.0-test", database, policy.threshold);
    for input in inputs {
        let inventory = input.read().unwrap_or_else(|e| panic!("{e}"));
        let scan = audit::scan::scan(&inventory, &db, options).unwrap();
        let decision = policy.apply(scan.findings.clone(), TODAY);
        report.push(scan, decision);
    }
    report
}

/// The whole run (`audit::run`) on `path` as `osec audit PATH` makes it, against the
/// embedded snapshot (by its path), on [`TODAY`], with the default policy.
pub(crate) fn run_on(path: &Path) -> audit::Outcome {
    audit::run(&audit::Request {
        inputs: audit::Inputs {
            path: path.to_path_buf(),
            ..audit::Inputs::default()
        },
        database: vulndb::source::Choice::new()
            .with_given([PathBuf::from("../vulndb/data/opam-all.zip")])
            .require_ecosystem("opam"),
        policy: audit::PolicyOptions {
            config: None,
            ignores: Vec::new(),
            threshold: audit::scan::Severity::None,
            skip_development: false,
        },
        include_pinned: false,
        now: "2026-11-30T12:00:00Z".parse().expect("a time"),
        tool_version: "0.0.0-test".to_owned(),
    })
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads a file of a scenario as an export.
pub(crate) fn read_export(scenario_name: &str, file: &str) -> Inventory {
    Input::export(&scenario(scenario_name).join(file))
        .read()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `name version` of every package, sorted by name.
pub(crate) fn versions(inventory: &Inventory) -> Vec<String> {
    inventory
        .packages()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect()
}

/// Names of the roots.
pub(crate) fn roots(inventory: &Inventory) -> Vec<&str> {
    inventory.roots().map(|p| p.name.as_str()).collect()
}

/// Names of the pinned packages.
pub(crate) fn pinned(inventory: &Inventory) -> Vec<&str> {
    inventory
        .packages()
        .filter(|p| p.pinned)
        .map(|p| p.name.as_str())
        .collect()
}

/// `path` rendered, with ` (dev only)` when only development edges lead there.
pub(crate) fn path(inventory: &Inventory, name: &str) -> String {
    match inventory.path_to(name) {
        Some(p) if p.development_only => format!("{p} (dev only)"),
        Some(p) => p.to_string(),
        None => "none".to_owned(),
    }
}

/// The direct dependencies of a package as `name:kind`.
pub(crate) fn deps(inventory: &Inventory, name: &str) -> Vec<String> {
    inventory
        .dependencies(name)
        .map(|d| format!("{}:{}", d.name, d.kind))
        .collect()
}

pub(crate) const VULNERABLE_SWITCH: [&str; 20] = [
    "alcotest 1.9.0",
    "base-threads base",
    "base-unix base",
    "cohttp 6.2.2",
    "cohttp-lwt 6.2.2",
    "cohttp-lwt-unix 6.2.2",
    "cppo 1.8.0",
    "dune 3.20.2",
    "fmt 0.9.0",
    "http 6.2.2",
    "lwt 5.9.1",
    "mirage-crypto 2.1.0",
    "mirage-crypto-ec 2.1.0",
    "myapp 1.0.0",
    "ocaml 4.14.2",
    "ocaml-base-compiler 4.14.2",
    "ocaml-config 2",
    "odoc 3.0.0",
    "tls 2.0.3",
    "uri 4.4.0",
];

#[allow(dead_code)]
pub(crate) fn kind_names(kinds: &[DepKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.as_str()).collect()
}
