//! The vulnerability database: OSV records loaded from a directory, an
//! osv.dev `all.zip` or a snapshot compiled into the program, indexed, and
//! matched against package versions.
//!
//! # What this crate owns
//!
//! - Loading ([`Loader`], or the shortcuts [`Database::open`],
//!   [`Database::from_dir`], [`Database::from_zip_file`],
//!   [`Database::from_zip_bytes`]): every record is parsed and checked with
//!   [`osv::Validator`]. A file that is not a valid record, two records with
//!   one ID, a zip archive naming two entries alike, or a source with no
//!   records at all is an [`Error`] naming the file (and line and column, or
//!   both entries): a corrupt database never reads as an empty one.
//! - Indexes by (ecosystem, package name), by ID and by alias, and the
//!   grouping of records that describe one vulnerability under several IDs.
//!   Indexing and matching read a compact summary of each record
//!   (`summary.rs`), not the record.
//! - Prepared copies ([`Loader::with_cache_dir`]): a load of an `all.zip`
//!   file leaves its summaries and record texts in a cache file; while the
//!   archive is unchanged (same length and hash) the next load reads that
//!   instead, and parses a record only when a query reports it. A 10,000-record
//!   archive then loads in milliseconds instead of ~150 ms (`prepared.rs`).
//! - Matching ([`Database::query`] with a [`Query`]): explicit `versions`
//!   lists, SEMVER ranges, ECOSYSTEM ranges in the ecosystem's order (see
//!   [`Orders`]: opam's order for `opam`); withdrawn records never match; each vulnerability is one
//!   [`Finding`] with its aliases and the versions that fix it.
//! - Choosing the database a user means ([`source::Choice`]): `--db` when
//!   given, else the cache `osec db fetch` keeps ([`cache`]), else the
//!   snapshot compiled in (`source::EMBEDDED_SNAPSHOT`, feature `embedded`);
//!   where it came from and how old it is ([`source::Opened`],
//!   [`source::Age`], and the text of `osec db status`:
//!   [`source::Opened::status`]); refusing a database with no record about the
//!   ecosystem it is meant for ([`source::Choice::require_ecosystem`]). Every
//!   command that checks opam packages chooses with `source::Choice::for_opam`.
//! - Limits on what a zip archive may hold ([`Limits`]): its entry count and
//!   the total size its records inflate to.
//! - The verified download into the cache (`fetch`, feature `fetch`),
//!   which needs a permit that `--offline` withholds: checksums, limits,
//!   timeouts, and the same checks as a load before the cache is replaced.
//!
//! # What it does not own
//!
//! The OSV model (`osv`), the opam version order itself (`opam-model`;
//! [`OpamOrder`] adapts it and [`Loader::new`] uses it), reading installed
//! packages, the audit run and reporting (`audit`), the command line and its
//! flags (`osec`, which reads the environment and passes the cache directory
//! in).
//!
//! # Phases
//!
//! 1. Choose ([`source::Choice::open`]): which database, and its origin.
//! 2. Load ([`Loader`]): read, check and index every record, or read a
//!    prepared copy.
//! 3. Query ([`Database::query`]): the findings for a package version.
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), vulndb::Error> {
//! let record = osv::from_str(r#"{
//!   "id": "OSEC-2026-16",
//!   "modified": "2026-08-22T11:05:00Z",
//!   "aliases": ["CVE-2026-0001"],
//!   "affected": [{
//!     "package": {"ecosystem": "opam", "name": "cohttp"},
//!     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.3.0"}]}],
//!     "versions": ["6.2.1", "6.2.2"]
//!   }]
//! }"#).expect("a valid record");
//! let db = vulndb::Loader::new().from_records("example", [("OSEC-2026-16.json".to_owned(), record)])?;
//! let findings = db.query(&vulndb::Query::opam("cohttp", "6.2.2"))?;
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].id(), "OSEC-2026-16");
//! assert_eq!(findings[0].aliases(), ["CVE-2026-0001"]);
//! assert_eq!(findings[0].fixed_versions(), ["6.3.0"]);
//! assert!(db.query(&vulndb::Query::opam("cohttp", "6.3.0"))?.is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! Choosing the database a command means (`osec audit` also gives the cache
//! directory and the embedded snapshot, and `--db` when there is one):
//!
//! ```
//! # fn main() -> Result<(), vulndb::source::OpenError> {
//! use std::path::Path;
//! use vulndb::source::{Choice, Origin};
//!
//! let published = Path::new(env!("CARGO_MANIFEST_DIR")).join("../osv/tests/data/generated-osv");
//! let choice = Choice::new().with_given([published]).require_ecosystem("opam");
//! let opened = choice.open()?; // call again to reload
//! assert_eq!(opened.db.len(), 26);
//! assert!(matches!(opened.origin, Origin::Given(_)));
//! # Ok(())
//! # }
//! ```
//!
//! # Limitations
//!
//! - ECOSYSTEM ranges are evaluated for opam (and any ecosystem whose order
//!   is given to the [`Loader`]); for other ecosystems they are not, and
//!   records match through their `versions` lists only.
//! - GIT ranges are never evaluated (that needs the repository's history).
//! - Ecosystems and names are compared exactly: no `:suffix` folding, no
//!   name normalisation (PyPI's, for instance).
//! - Records of directories and in-memory archives are parsed eagerly, and
//!   every load of an archive without a prepared copy is a full load.
//! - Zip archives that need zip64 are read, but a duplicate entry name in one
//!   is reported without naming it.
//! - Several `--db` are loaded as separate databases
//!   ([`source::Choice::open_each`]), not merged.
//!
//! # Features
//!
//! - `embedded`: `source::EMBEDDED_SNAPSHOT`, the OSV snapshot of the OCaml
//!   advisories (`data/opam-all.zip`, regenerated by
//!   `scripts/update-embedded-db.sh`).
//! - `fetch`: the module `fetch`, the download (ureq with rustls). Off by
//!   default: a library user who leaves it off has no HTTP code in the build.
//!
//! Choosing, keeping and downloading the database are modules of this crate
//! rather than a crate of their own: they share [`Loader`], [`Limits`] and
//! [`Error`] with loading (a download is checked by loading it), and these two
//! features already let a library user leave the network and the snapshot out.

#![forbid(unsafe_code)]

pub mod cache;
mod database;
mod encoding;
mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
mod limits;
mod load;
mod order;
mod prepared;
mod query;
pub mod source;
mod summary;

pub use database::Database;
pub use error::{Error, Result};
pub use limits::Limits;
pub use load::{EMBEDDED, Loader};
pub use order::{OpamOrder, Orders, SharedOrder};
pub use query::{Finding, Query};
