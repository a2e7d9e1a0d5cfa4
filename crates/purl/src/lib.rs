//! Package URLs (purl, ECMA-427): parse, build and print them in canonical
//! form, with the rules of every registered type, opam included.
//!
//! **Owns:** the [`Purl`] value and its canonical text; the generic syntax
//! (scheme, type, namespace, name, version, qualifiers, subpath, percent
//! encoding); the per-type rules, generated at build time from the purl-spec
//! type definitions (`types/*-definition.json`, 42 types): namespace required
//! or prohibited, case sensitivity per component, permitted characters,
//! normalisations, required qualifiers, default repositories; opam extras in
//! [`opam`].
//!
//! **Does not own:** what a package URL points to (no network, no lookups),
//! the `vers` version-range syntax, OSV or SBOM documents (crate `osv`).
//!
//! # Phases
//!
//! 1. *Syntax* (`parse.rs`): split the text at `#`, `?`, `:`, `/` and `@`,
//!    percent-decode each component ([`Purl::parse`]); or take decoded
//!    components ([`Purl::builder`]).
//! 2. *Type rules* (`rules.rs`): look the type up in the generated table
//!    ([`type_definition`]), lowercase case-insensitive components, apply the
//!    normalisations (pypi `_` → `-`, …), check requirements and patterns.
//!    Unregistered types get the generic rules only.
//! 3. *Canonical form* (`Display`): encode every byte outside
//!    `A-Z a-z 0-9 . - _ ~ :` as `%XX`, sort qualifiers by key.
//!
//! # Example
//!
//! ```
//! use purl::Purl;
//!
//! let purl = Purl::parse("pkg:OPAM/ocaml-variants@4.14.1+flambda")?;
//! assert_eq!(purl.package_type(), "opam");
//! assert_eq!(purl.version(), Some("4.14.1+flambda"));
//! assert_eq!(purl.to_string(), "pkg:opam/ocaml-variants@4.14.1%2Bflambda");
//! assert_eq!(purl.repository_url(), Some("https://opam.ocaml.org"));
//!
//! let built = Purl::builder("opam", "conf-g++").version("1.0").build()?;
//! assert_eq!(built.to_string(), "pkg:opam/conf-g%2B%2B@1.0");
//!
//! // opam has no namespace: the error names the component and the text.
//! let err = Purl::parse("pkg:opam/foo/bar@1").unwrap_err();
//! assert_eq!(err.component(), purl::Component::Namespace);
//! assert_eq!(err.text(), "foo");
//! assert_eq!(err.span(), Some(9..12));
//! # Ok::<(), purl::Error>(())
//! ```
//!
//! # Conformance
//!
//! The official test suite (586 cases, purl-spec `16f3d0e`, vendored in
//! `tests/data/`) runs in `tests/it/conformance.rs`: every case passes except
//! two that contradict other cases of the suite (purl-spec issues #942 and
//! #952), listed there with the reason. `tests/it/corpus.rs` turns every
//! package of opam-repository and its archive into a package URL and back.
//!
//! # Features
//!
//! - `serde`: `Serialize` and `Deserialize` for [`Purl`], as its canonical string, and
//!   `Serialize` for its [`Components`] (the JSON object of `osec purl parse`).
//!
//! # Limitations
//!
//! - Rules a definition gives only as free text are implemented when they
//!   are precise (pypi, pub, cpan `::`, mlflow on Databricks, git names);
//!   "Apply kebab-case" (hackage), alpm's `vercmp` and cpan's "namespace shall
//!   be uppercase" are not applied (see `build.rs` and `rules.rs`).
//! - [`Purl::parse`] rejects uppercase qualifier keys, as the standard
//!   requires; [`Purl::parse_lenient`] lowercases them. The scheme is
//!   accepted in any case (`PKG:` → `pkg:`).
//! - Qualifier values are opaque: `repository_url`, `checksum`, `vers` and
//!   the other standard keys are not checked beyond the generic syntax (the
//!   one check is Annex B's: `vers` and a version exclude each other).

#![forbid(unsafe_code)]

mod encoding;
mod error;
pub mod opam;
mod parse;
mod purl;
mod rules;
mod types;

pub use crate::error::{Component, Error, ErrorKind};
pub use crate::purl::{Components, Purl, PurlBuilder, Qualifiers};
pub use crate::types::{
    ComponentRule, Normalisation, QualifierRule, Requirement, TypeDefinition, registered_types,
    type_definition,
};
