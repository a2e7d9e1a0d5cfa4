//! `audit` owns what `osec audit` reads about an OCaml project or switch: which packages
//! are installed (or locked), which of them the user asked for, which are pinned, and how
//! they depend on each other, so that a finding can say how a vulnerable package got
//! there (`myapp → cohttp-lwt-unix → cohttp`) and whether only test, doc or dev
//! dependencies lead to it. It also owns the whole audit run: [`run`] takes a
//! [`Request`] (what `osec audit` was told: inputs named or a path to search, the
//! database choice, the policy options, pinned packages, the time) and gives an
//! [`Outcome`] (the report, the database used and its age, and the [`Verdict`] that
//! decides the exit code: clean, vulnerable, nothing scanned), with its text: the
//! report in the format asked for and the notes beside it ([`Audited::notes`]). The
//! command line only builds the request and prints the outcome. [`hook`] is osec's
//! pre-install hook in the user's opam configuration (added and removed through `opam
//! option`, each step with what `osec hook` says of it), and [`hook::check`] the check
//! it runs on one package version.
//!
//! It does not own the reading of OCaml sources for reachability (crate `ocaml-reach`),
//! the vulnerability database, choosing it (`--db`, the cache, the embedded snapshot),
//! fetching it, or version matching (crate `vulndb`), the opam syntax (crate
//! `opam-file`, whose parser reads every opam-syntax input here), opam version order,
//! formulas and filters (crate `opam-model`, which evaluates the dependency filters), or
//! the command line (crate `osec`).
//!
//! # Phases
//!
//! [`run`] goes through them in order, one private function per phase (find the inputs,
//! open the database, read the policy, scan and decide each input); the steps are public
//! too, for other uses:
//!
//! 1. Find inputs: [`input::detect`] on a path, as OCaml projects lay them out, in the
//!    directory and one level down (a local `_opam/` switch, lock files with any
//!    `--lock-suffix` and `opam.locked`, `opam.export`/`*.export`, `dune.lock/`,
//!    `dev-tools.locks/TOOL/`, `esy.lock/` and `*.esy.lock/`, else the project's
//!    `*.opam`); a file or directory given as the path is read as what it is. Or name
//!    one: [`input::Input::switch`] (`--switch NAME|DIR`), [`input::Input::export`]
//!    (`--export FILE`), [`input::Input::lock`] (`--lock FILE`).
//! 2. Read each, on its own: [`input::Input::read`] gives an [`input::Inventory`] of
//!    [`input::InstalledPackage`]s (every version listed, with where each is written)
//!    and their dependency edges, each with a [`input::DepKind`] (normal, build, post,
//!    test, doc, dev, dev-setup), and [`input::Note`]s on what was read differently
//!    from the file's name or could not be taken into account. An input that cannot be
//!    read is an error of the report, the others are still audited; so is a file that
//!    writes one field (or, in esy's JSON, one key) twice, since either could hide the
//!    other's versions. A pin covers the version it names, not the others of the name.
//! 3. Explain: [`input::Inventory::path_to`] gives the shortest path from a root,
//!    preferring paths without test/doc/dev edges, and says when only such paths exist.
//! 4. Match: [`scan::scan`] queries a `vulndb::Database` for every opam package (pinned
//!    ones only with [`scan::ScanOptions::include_pinned`]) and gives one
//!    [`scan::Finding`] per vulnerability and package: ID, aliases, summary, CVSS
//!    severity and score, installed and fixed versions, path, development-only flag.
//!    For a plain `*.opam` file it checks each `depends:`/`depopts:` constraint
//!    instead: one finding per vulnerability and entry whose constraint admits an
//!    affected version, with a [`scan::ConstraintMatch`] (the entry as written, the
//!    admitted affected versions, its region in the file).
//! 5. Decide: [`policy::Policy::apply`] sets aside ignored (`osec.toml` `[[ignore]]`,
//!    osv-scanner's `osv-scanner.toml` `[[IgnoredVulns]]` beside the project,
//!    `--ignore`), development-only (`--no-dev`) and below-threshold findings, and warns
//!    about expired and unused ignores. An ignore's `until` is a day of the calendar
//!    (checked when `osec.toml` is read: `2026-13-45` is an error naming its line and
//!    column), compared with the UTC day of the run.
//! 6. Report: [`report::Report`] collects the inputs and renders them
//!    ([`report::Format`]): table, JSON, SARIF 2.1.0, Markdown, CycloneDX 1.6 (every
//!    installed package, from [`scan::Scan::components`], and its dependencies). A
//!    vulnerability is counted once per package version, with the inputs that carry
//!    it ([`report::Report::vulnerabilities`]).
//! 7. Reachability (`--reachability`): [`reach::analyse`] gives each finding the
//!    verdict of crate `ocaml-reach` (called, not referenced, unknown) from the
//!    advisory's `affected_bindings`, the project's sources and the switch's installed
//!    ones ([`ReachabilityOptions`]); every format shows it, and `--reachable-only`
//!    hides the not-referenced findings, counting them
//!    ([`report::InputReport::set_reachability`]); [`report::openvex`] renders an
//!    OpenVEX v0.2.0 document from it.
//!
//! # The JSON report (`osec audit --format json`, schema `osec-audit/1`)
//!
//! Stable: fields are only ever added. Every array is sorted (findings by package, then
//! ID); the same inputs give the same bytes.
//!
//! ```text
//! {
//!   "schema": "osec-audit/1",
//!   "tool_version": "0.1.0",
//!   "database": {"source": "<embedded>" | PATH, "records": N, "last_modified": RFC3339 | null},
//!   "threshold": "none" | "low" | "medium" | "high" | "critical",
//!   "inputs": [{
//!     "kind": "opam-switch" | "opam-export" | "opam-lock" | "dune-lock" | "dune-dev-tool"
//!             | "esy-lock" | "opam-file",
//!     "path": PATH, "packages_scanned": N,   // see below
//!     "pinned_skipped": [NAME],
//!     "findings": [FINDING],                 // these make the exit code 1
//!     "ignored": [{"finding": FINDING, "reason": "ignore: …" | "development only" | "below threshold"}],
//!     "notes": [{"kind": NOTE_KIND, "message": TEXT, "location": LOCATION}],
//!     "reachability": [REACHABILITY],        // only with --reachability: one per finding
//!     "hidden_not_referenced": N             // only with --reachable-only: findings hidden
//!   }],
//!   "errors": [{                             // inputs that could not be read: exit code 2
//!     "kind": KIND, "path": PATH, "file": PATH, "line": N | null, "column": N | null,
//!     "message": TEXT                        // as osec prints it, with what to do
//!   }],
//!   "warnings": [{"kind": "expired-ignore", "id": ID, "until": DATE} | {"kind": "unused-ignore", "id": ID}],
//!   "vulnerabilities": [{                    // what the report counts: each once
//!     "id": ID, "package": NAME, "installed_version": VERSION ("" for "opam-file"),
//!     "inputs": [PATH]                       // the inputs whose findings carry it
//!   }]
//! }
//! FINDING = {
//!   "id": "OSEC-2026-16", "aliases": [ID], "summary": TEXT,
//!   "severity": {"vector": CVSS, "score": 8.7, "level": "high"} | null,
//!   "package": NAME, "installed_version": VERSION ("" for "opam-file"), "fixed_versions": [VERSION],
//!   "path": [ROOT, …, NAME] (empty when no root leads there, always for "opam-file"),
//!   "development_only": BOOL, "url": URL | null,
//!   "constraint": CONSTRAINT,               // only for "opam-file" inputs
//!   "location": LOCATION                    // where the input writes the package, when known
//! }
//! LOCATION = {"path": PATH, "line": N, "column": N}
//! REACHABILITY = {                          // crate ocaml-reach's Outcome, with the ID
//!   "id": ID, "package": NAME,
//!   "verdict": "called", "references": [{"at": LOCATION', "package": NAME (absent for the
//!       project), "text": TEXT, "binding": PATH, "chain": [LINK]}], "more": N
//!   | "verdict": "not-referenced", "files_scanned": N
//!   | "verdict": "unknown", "why": [{"kind": WHY_KIND, …}],
//!   "bindings": [{"binding": PATH, "verdict": …}],  // each advisory binding's own verdict
//!   "files_scanned": N, "notes": [{"kind": "large-file-skipped" | "not-ocaml" | "no-library-directory", …}]
//! }
//! LOCATION' = {"file": PATH, "line": N, "column": N}
//! LINK = {"package": NAME, "definition": PATH, "at": LOCATION', "text": TEXT}  // library step
//! NOTE_KIND = "read-as" | "release-pins" | "esy-compiler" | "duplicate-package"
//!             | "newer-format" | "unknown-fields"
//! CONSTRAINT = {
//!   "field": "depends" | "depopts",
//!   "text": "{>= \"5.0\"}" (as written, braces included; "" for none),
//!   "kind": "normal" | "build" | "post" | "with-test" | "with-doc" | "dev" | "with-dev-setup",
//!   "admitted": [VERSION],                  // affected versions it admits, opam order, never empty
//!   "region": {"start_line": N, "start_column": N, "end_line": N, "end_column": N}
//! }
//! ```
//!
//! `packages_scanned` is, for every kind but "opam-file", the number of distinct
//! package versions (name and version) the input installs or locks that were matched
//! against the database: every version of a package listed at several, but not the
//! project's own packages (the subject of a lock file, a `dune-project`'s packages,
//! esy's root: built from the checkout, not from a repository), not pinned packages
//! (listed in `pinned_skipped` instead, unless `--include-pinned`), and not esy's npm
//! packages (its `ocaml` compiler package is matched, as opam's `ocaml`). For
//! "opam-file", it is the number of `depends:`/`depopts:` entries checked. A
//! "dune-dev-tool" input is a `dev-tools.locks/TOOL/` directory: all its findings are
//! development-only.
//!
//! For an "opam-file" finding, `fixed_versions` are the fixes later than some admitted
//! version, and `development_only` is true when only the development flags
//! (`with-test`, `with-doc`, `dev`, `with-dev-setup`) make the entry admit an affected
//! version. Columns are 1-based byte columns; `end_column` is just after the entry.
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//! # fn main() -> Result<(), audit::input::Error> {
//! let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/audit/vulnerable");
//! let inputs = audit::input::detect(&project)?;
//! let switch = inputs[0].read()?;
//! let cohttp = switch.package("cohttp").expect("installed");
//! assert_eq!(cohttp.version, "6.2.2");
//! let path = switch.path_to("cohttp").expect("a root leads to it");
//! assert_eq!(path.to_string(), "myapp → cohttp-lwt-unix → cohttp");
//! assert!(!path.development_only);
//! # Ok(())
//! # }
//! ```
//!
//! The whole run, as `osec audit --lock … --db …` makes it:
//!
//! ```
//! use std::path::{Path, PathBuf};
//! # fn main() -> Result<(), audit::RunError> {
//! let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/audit/vulnerable");
//! let request = audit::Request {
//!     inputs: audit::Inputs {
//!         lock: Some(project.join("myapp.opam.locked")),
//!         ..audit::Inputs::default()
//!     },
//!     database: vulndb::source::Choice::new()
//!         .with_given([PathBuf::from("../vulndb/data/opam-all.zip")])
//!         .require_ecosystem("opam"),
//!     policy: audit::PolicyOptions {
//!         config: None,
//!         ignores: vec!["OSEC-2026-16".to_owned()],
//!         threshold: audit::scan::Severity::None,
//!         skip_development: false,
//!     },
//!     include_pinned: false,
//!     now: "2026-11-30T12:00:00Z".parse().expect("a time"),
//!     tool_version: "0.1.0".to_owned(),
//!     repositories: audit::Repositories::None,
//!     reachability: None,
//! };
//! let outcome = audit::run(&request)?;
//! assert_eq!(outcome.verdict(), audit::Verdict::Vulnerable);
//! let audit::Outcome::Audited(audited) = outcome else { unreachable!() };
//! let ignored = &audited.report.inputs[0].ignored;
//! assert_eq!(ignored[0].finding.id, "OSEC-2026-16");
//! # Ok(())
//! # }
//! ```
//!
//! # Limitations
//!
//! - Filters of dependencies are evaluated for the flags only (`build`, `post`,
//!   `with-test`, `with-doc`, `dev`, `with-dev-setup`); an entry whose filter needs
//!   another variable (`os`, `arch`…) is kept, which can add an edge to an installed
//!   package that opam would not count for this platform.
//! - A plain `opam switch export` (without `--full`) carries opam files for pinned
//!   packages only, so its graph is partial and most packages have no path.
//! - Lock files (`opam lock`) flatten the graph: every locked package hangs directly off
//!   the project. dune lock directories keep no flags between locked packages.
//! - Plain `*.opam` files: a constraint's filter variables other than the flags (`os`,
//!   `arch`, `%{…}%`, the package's own `version`) are unknown, so the entry admits
//!   more (a filter counts as true, a version that stays undefined drops its
//!   constraint). Affected versions come from the records' `versions` lists; for an
//!   entry with ranges and no list, only the range's own event versions and the
//!   constraint's versions are tried (see [`scan::ConstraintMatch`]).
//!   `osec audit PATH` checks them only when PATH holds no switch or lock file.
//! - The CycloneDX output lists every installed (or locked) package, with the
//!   dependency graph as the input gives it (flat for lock files, see above); a plain
//!   `*.opam` file installs nothing, so only its affected dependencies are listed,
//!   without a version (their `affects` entries list the admitted affected versions).
//! - A finding without a CVSS vector has no level and is reported at every threshold.
//! - esy's `ocaml` package is numbered `MAJOR.MINOR.(PATCH × 1000 + FIX)`: it is
//!   matched as opam's `ocaml` `MAJOR.MINOR.PATCH` (with a note); a version not of
//!   that form is noted and not matched.
//! - An opam-monorepo pin is audited as a release only when its URL names the locked
//!   version as a word and ends in an archive extension (see the module
//!   `input::opam_lock`); a release re-packaged elsewhere (`%2B` in the URL, another
//!   project's tarball) stays pinned.
//! - Inputs are searched one directory down, not deeper: `osec audit` on a monorepo
//!   whose locks sit two levels down needs the subdirectory as PATH.
//! - Roots of a dune lock directory without a `dune-project` beside it are guessed: the
//!   locked packages nothing else depends on.

#![forbid(unsafe_code)]

pub mod fix;
pub mod hook;
pub mod input;
pub mod plan;
pub mod policy;
pub mod reach;
pub mod report;
mod run;
pub mod scan;

pub use run::{
    Audited, Inputs, NothingScanned, Outcome, PolicyOptions, ReachabilityOptions, Repositories,
    Request, RunError, Verdict, run,
};
