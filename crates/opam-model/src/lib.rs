//! opam's semantics: package names and versions, the version order, version
//! constraints, dependency formulas, filters; reading many opam files fast; and opam
//! repositories, opened from `--repo` arguments.
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
//! - [`OpamFiles`]: many opam files read fast, from directories (walked in parallel,
//!   in a fixed order), `.tar.gz` archives and lists of paths; files on disk are read
//!   a batch at a time (through io_uring on Linux, with plain reads behind it) and
//!   handed to a parser on every core ([`OpamFiles::filter_map`]), results in the
//!   order of the list. Only regular files of at most [`MAX_FILE_SIZE`] (or a given
//!   limit) are read: a FIFO, a device or a larger file is an error naming it. The
//!   same walk and archive reader index repositories.
//! - [`CheckReport`]: `osec opam check`, the files of an [`OpamFiles`] opam would
//!   reject, rendered for people, as JSON lines or as SARIF.
//! - [`Repository`]: an index name → versions (in opam's order) of an opam
//!   repository read from a directory, a `.tar.gz`, or a git revision (with gix, no
//!   checkout, no `git` process); each opam file is parsed when first asked for
//!   ([`Repository::definition`]: url, checksums, extra sources, dependencies) and
//!   kept. [`RepositoryStack`] layers repositories, the first one winning. Files that
//!   can't be used are reported ([`Repository::problems`],
//!   [`Repository::broken_files`]) with typed errors ([`Error::OpamFile`]: path,
//!   span, line and column), never skipped silently.
//! - [`RepositorySpec`]: a `--repo` argument (`DIR`, `FILE.tar.gz`, `DIR@REV`), the
//!   one way every command opens repositories ([`RepositoryStack::open`]).
//! - [`ReleasedVersions`]: the released versions of packages across repositories,
//!   typed and with opam's equality (`1.0` and `1.00` listed once): what `osec lint`,
//!   the OSV export and `osec opam versions` ask of `--repo`.
//!   [`ReleasedVersions::for_packages`] reads only the packages asked for where it
//!   can (`packages/NAME/NAME.VERSION` in a directory).
//!
//! # What it does not own
//!
//! The opam file syntax (lexing, parsing, printing) is `opam-file`'s; advisories,
//! OSV and installed-state readers are in `advisory`, `osv`, `vulndb` and `audit`;
//! the global allocator that makes parsing many files fast is the `osec` binary's.
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
//! - The io_uring batch cannot tell a regular file from a FIFO: a FIFO whose writer
//!   already wrote less than 64 KiB and closed it is read as a file of those bytes
//!   (nothing waits and nothing unbounded is read; a FIFO in any other state, and
//!   every device, is refused). Directory walks only take regular files anyway.
//! - The size limit is per file: an archive with very many files is read whole.
//! - [`ReleasedVersions::for_packages`] finds a package in a repository directory at
//!   `packages/NAME/NAME.VERSION`; only when a package is found nowhere there are the
//!   directories indexed completely, so a package kept at both the usual place in
//!   one repository and elsewhere in another misses the second one's versions.
//! - A chain `a & b & c` is one flat `And` (in [`Formula`] and [`Filter`]) where
//!   opam nests binary nodes; results are opam's, and reading, evaluating or dropping
//!   a chain of any length recurses no deeper than a short one. Recursion follows
//!   parentheses and `!` only, whose depth `opam-file` bounds
//!   ([`opam_file::MAX_NESTING`]). [`Formula::to_dnf`] grows exponentially with the
//!   disjunctions under a conjunction, as opam's does.

// Unsafe code only where io_uring shares memory with the kernel (`read/uring.rs`,
// which allows it for itself, with a SAFETY comment on every block).
#![deny(unsafe_code)]

mod check;
mod definition;
mod error;
mod filter;
mod formula;
mod name;
mod package;
mod read;
mod repository;
mod version;

pub use check::{CheckFormat, CheckReport};
pub use definition::{Checksum, ChecksumKind, ExtraSource, PackageDefinition, Source};
pub use error::{
    ChecksumError, DefinitionError, Error, FormulaError, InvalidText, Result, TextKind,
};
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
pub use read::{FileKind, MAX_FILE_SIZE, OpamFiles, OpamInput, is_opam_file_name};
pub use repository::{Problem, ReleasedVersions, Repository, RepositorySpec, RepositoryStack};
pub use version::{Version, compare_versions, order_text};
