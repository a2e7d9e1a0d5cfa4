//! Integration tests of the `purl` crate, one binary:
//! - `conformance`: the official purl-spec test suite, table-driven;
//! - `cases`: what the suite does not cover (non-ASCII, malformed escapes,
//!   duplicate keys, opam specifics, very long input, error positions);
//! - `corpus`: every package and version of opam-repository and its archive
//!   (from `OSEC_DATA`) as an opam package URL;
//! - `errors`: the kind, component, text and span of each error, parsed or built;
//! - `examples`: every example of every purl-spec type definition;
//! - `properties`: canonical form is a fixed point, build then parse is the identity.

mod cases;
mod conformance;
mod corpus;
mod errors;
mod examples;
mod properties;
