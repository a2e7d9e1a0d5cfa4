//! Integration tests of the vulndb crate.
//!
//! - `load`: directories and zip archives, and every way loading must fail.
//! - `limits`: hostile and ambiguous archives (a name listed twice, more
//!   entries or inflated bytes than the limits).
//! - `source`: choosing the database the user means (`--db`, the cache, the
//!   embedded snapshot), and refusing one without records of the ecosystem.
//! - `published`: the OCaml database's 26 published records (the osv crate's
//!   test data, from ocaml/security-advisories' `generated-osv` branch),
//!   loaded from a directory and from an `all.zip`, and queried.
//! - `prepared`: prepared copies of archives (`Loader::with_cache_dir`) give
//!   the same answers as full loads, and are used only while intact and current.
//! - `ranges_vs_versions`: for every version of every affected package in
//!   opam-repository and opam-repository-archive (OSEC_DATA), matching by
//!   ECOSYSTEM range in opam's order against matching by `versions` list.

mod limits;
mod load;
mod prepared;
mod published;
mod ranges_vs_versions;
mod source;
mod support;
