//! opam's semantics: package names and versions, the version order, version
//! constraints, dependency formulas, filters, and opam repositories.
//!
//! # What this crate owns
//!
//! Everything between an advisory's `"cohttp" {< "6.3.0"}` and a switch's
//! `cohttp.6.2.2`, exactly as opam 2.x computes it:
//!
//! - [`PackageName`], [`Version`], [`Package`] with opam's validity rules. [`Version`]'s
//!   `Ord` is OpamVersionCompare (Debian's order without epochs: `~` before
//!   everything, `1.0 = 1.00 = 1.0-0`); `Eq` and `Hash` agree with it, and the text
//!   as written is kept for display. Names are ordered as opam orders them.
//! - [`Formula`] (`Empty`/`Atom`/`Block`/`And`/`Or`, as OpamFormula) over
//!   [`VersionConstraint`]s ([`VersionFormula`]), over [`FilteredConstraint`]s (version
//!   constraints mixed with filters, `!` pushed down), and over [`Dependency`]s
//!   (`depends` = implicit `&`, `depopts`/`conflicts` = implicit `|`), read from the
//!   opam-file AST; [`VersionFormula::parse_text`] reads a constraint given as text,
//!   with or without braces.
//! - [`Filter`] (OpamFilter): evaluation in an [`Environment`] with opam's rules for
//!   undefined variables, `%{…}%` interpolation ([`expand_string`]), comparisons in
//!   the version order; [`DependencyFormula::filter_deps`] evaluates the dependency
//!   flags (`build`, `post`, `with-test`, `with-doc`, `with-dev-setup`, `dev`).
//! - [`Repository`]: an index name → versions (in opam's order) of an opam
//!   repository read from a directory, a `.tar.gz`, or a git revision (with gix, no
//!   checkout, no `git` process); each opam file is parsed when first asked for
//!   ([`Repository::definition`]: url, checksums, extra sources, dependencies) and
//!   kept. [`RepositoryStack`] layers repositories, the first one winning. Files that
//!   can't be used are reported ([`Repository::problems`],
//!   [`Repository::broken_files`]), never skipped silently.
//!
//! # What it does not own
//!
//! The opam file syntax (lexing, parsing, printing) is `opam-file`'s; advisories,
//! OSV and installed-state readers are in `advisory`, `osv`, `vulndb` and `audit`.
//!
//! # Example
//!
//! ```
//! use opam_model::{Version, VersionFormula};
//!
//! let affected = VersionFormula::parse_text(r#"{< "4.14.3" | (>= "5" & < "5.4.1")}"#)?;
//! assert!(affected.matches(&Version::parse("5.4.0")?));
//! assert!(!affected.matches(&Version::parse("5.4.1")?));
//! assert!(Version::parse("1.0~rc1")? < Version::parse("1.0")?);
//! assert_eq!(Version::parse("1.0")?, Version::parse("1.00")?);
//! # Ok::<(), opam_model::Error>(())
//! ```
//!
//! # Limitations
//!
//! - Epochs (`1:2.0`), which opam dropped in 2.3, are not handled; they only matter
//!   for filters comparing arbitrary strings containing `:`.
//! - Strings in filters and names that are not UTF-8 are read lossily.
//! - [`DependencyFormula::filter_deps`] drops a version constraint whose version is
//!   undefined or invalid once expanded, as opam does, without reporting it.
//! - Of two directories holding versions opam considers equal (`1.0`, `1.00`), the
//!   one whose path sorts first is used and the other reported; opam keeps whichever
//!   it reads first.
//! - Only `src`/`archive`, `checksum` and `mirrors` of source sections are read.
//! - A chain `a & b & c` is one flat `And` (in [`Formula`] and [`Filter`]) where
//!   opam nests binary nodes; results are opam's, and reading, evaluating or dropping
//!   a chain of any length recurses no deeper than a short one. Recursion follows
//!   parentheses and `!` only, whose depth `opam-file` bounds
//!   ([`opam_file::MAX_NESTING`]). [`Formula::to_dnf`] grows exponentially with the
//!   disjunctions under a conjunction, as opam's does.

mod definition;
mod error;
mod filter;
mod formula;
mod name;
mod package;
mod repository;
mod version;

pub use definition::{Checksum, ChecksumKind, ExtraSource, PackageDefinition, Source};
pub use error::{Error, FormulaError, InvalidText, Result, TextKind};
pub use filter::{
    Environment, Filter, FilterIdent, FilterValue, GlobalEnvironment, VariableScope, VariableValue,
    expand_string,
};
pub use formula::{
    Dependency, DependencyFlags, DependencyFormula, FilteredConstraint, FilteredFormula, Formula,
    Junction, PackageConstraint, Partial, VersionConstraint, VersionFormula, negate_relop,
};
pub use name::{PackageName, compare_names};
pub use package::Package;
pub use repository::{Problem, Repository, RepositoryStack};
pub use version::{Version, compare_versions};
