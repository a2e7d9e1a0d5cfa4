//! opam semantics (crate docs written at the end).

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
