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
//!   one ID, or a source with no records at all is an [`Error`] naming the
//!   file (and line and column): a corrupt database never reads as an empty one.
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
//!
//! # What it does not own
//!
//! The OSV model (`osv`), the opam version order itself (`opam-model`;
//! [`OpamOrder`] adapts it and [`Loader::new`] uses it), fetching or caching databases over the
//! network, reading installed packages and reporting (`audit`).
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

#![forbid(unsafe_code)]

mod database;
mod encoding;
mod error;
mod load;
mod order;
mod prepared;
mod query;
mod summary;

pub use database::Database;
pub use error::{Error, Result};
pub use load::{EMBEDDED, Loader};
pub use order::{OpamOrder, Orders, SharedOrder};
pub use query::{Finding, Query};
