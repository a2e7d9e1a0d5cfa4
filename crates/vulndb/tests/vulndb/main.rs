//! Integration tests of the vulndb crate.
//!
//! - `load`: directories and zip archives, and every way loading must fail.
//! - `published`: the OCaml database's 26 published records (the osv crate's
//!   test data, from ocaml/security-advisories' `generated-osv` branch),
//!   loaded from a directory and from an `all.zip`, and queried.

mod load;
mod published;
mod support;
