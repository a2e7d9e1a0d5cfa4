//! The OSV data model: vulnerability records in the Open Source Vulnerability
//! format, schema 1.7, as osv.dev and the OCaml security database publish them.
//!
//! # What this crate owns
//!
//! - The record types, with serde: [`Vulnerability`] and everything in it
//!   ([`Affected`], [`Package`], [`Range`], [`Event`], [`Severity`],
//!   [`Reference`], [`Credit`]). Fields are declared in the schema's order, so
//!   serialising writes them in that order; absent optional fields stay absent
//!   and an empty array stays an empty array, so published records round-trip
//!   byte for byte. Closed vocabularies (range, severity, reference and credit
//!   types) are enums with exactly the schema's values.
//! - [`Timestamp`]: RFC 3339 UTC timestamps, checked when read.
//! - Reading ([`from_str`], [`from_slice`]: errors carry line and column) and
//!   writing ([`to_string_pretty`]: two-space indent, trailing newline, the
//!   layout of the published `generated-osv` tree).
//! - [`Vulnerability::validate`] and [`Validator`]: the rules the JSON schema
//!   cannot express — event order within a range, GIT ranges with a repo and
//!   ECOSYSTEM ranges without, ID formats, package URLs, timestamps in order,
//!   and more (see [`Rule`]). Every violation is reported with its JSON path.
//!
//! # What it does not own
//!
//! Version orders other than SemVer (the opam order is in `opam-model`; pass it
//! to [`Validator::with_ecosystem_order`]), matching versions against records
//! (`vulndb`), converting advisories to OSV (`advisory`), writing files.
//!
//! # Example
//!
//! ```
//! let text = r#"{
//!   "id": "OSEC-2026-16",
//!   "modified": "2026-08-22T11:05:00Z",
//!   "affected": [{
//!     "package": {"ecosystem": "opam", "name": "cohttp", "purl": "pkg:opam/cohttp"},
//!     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.3.0"}]}]
//!   }]
//! }"#;
//! let record = osv::from_str(text)?;
//! record.validate()?;
//! assert_eq!(record.affected()[0].ranges()[0].events[1], osv::Event::Fixed("6.3.0".into()));
//! assert!(osv::to_string_pretty(&record).ends_with("}\n"));
//! # Ok::<(), osv::Error>(())
//! ```
//!
//! # Limitations
//!
//! - Unknown fields are rejected everywhere, with their name and position. The
//!   schema forbids them at the top level and tolerates them in nested objects;
//!   OSV 1.7 defines none there, and dropping them would make round-trips lossy.
//!   Extensions belong in `database_specific` and `ecosystem_specific`.
//! - A JSON `null` where the schema allows one (`aliases`, `affected`,
//!   `references`, `severity`) reads as absent and is not written back.
//! - Package URLs are validated by crates/purl (ECMA-427 and every type's rules)
//!   and, for opam, must name the package; other ecosystems' purls are not
//!   compared with the package name (their name mapping varies by type).
//! - ECOSYSTEM ranges are checked for event order only for ecosystems whose
//!   order is given to the [`Validator`].

#![forbid(unsafe_code)]

mod error;
mod json;
mod model;
mod timestamp;
mod validate;

pub use error::{Error, Result};
pub use json::{from_slice, from_str, to_string_pretty};
pub use model::{
    Affected, Credit, CreditKind, Event, JsonObject, Package, Range, RangeKind, Reference,
    ReferenceKind, Severity, SeverityKind, Vulnerability,
};
pub use timestamp::{Timestamp, TimestampError};
pub use validate::{
    Invalid, KNOWN_ECOSYSTEMS, Rule, SemverOrder, Validator, VersionOrder, Violation,
    base_ecosystem,
};

/// The OSV ecosystem name of opam packages.
pub const OPAM_ECOSYSTEM: &str = "opam";
