//! `audit` owns what `osec audit` reads about an OCaml project or switch: which packages
//! are installed (or locked), which of them the user asked for, which are pinned, and how
//! they depend on each other, so that a finding can say how a vulnerable package got
//! there (`myapp → cohttp-lwt-unix → cohttp`) and whether only test, doc or dev
//! dependencies lead to it.
//!
//! It does not own the vulnerability database or version matching (crate `vulndb`), opam
//! version order and formulas (crate `opam-model`), or the command line (crate `osec`).
//!
//! # Phases
//!
//! 1. Find inputs: [`input::detect`] on a path (a local `_opam/` switch, `*.opam.locked`,
//!    `dune.lock/`, `esy.lock/index.json`, `*.opam`), or name one: [`input::Input::switch`]
//!    (`--switch NAME|DIR`), [`input::Input::export`] (`--export FILE`),
//!    [`input::Input::lock`] (`--lock FILE`).
//! 2. Read each: [`input::Input::read`] gives an [`input::Inventory`] of
//!    [`input::InstalledPackage`]s and their dependency edges, each with a
//!    [`input::DepKind`] (normal, build, post, test, doc, dev, dev-setup).
//! 3. Explain: [`input::Inventory::path_to`] gives the shortest path from a root,
//!    preferring paths without test/doc/dev edges, and says when only such paths exist.
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
//! - The opam-syntax reader here covers what state files need and keeps no layout; the
//!   lossless parser of crate `opam-file` is the one for editing files.

pub mod input;
pub mod policy;
pub mod report;
pub mod scan;
