//! opam semantics (crate docs written at the end).

mod error;
mod name;
mod package;
mod version;

pub use error::{Error, FormulaError, InvalidText, Result, TextKind};
pub use name::{PackageName, compare_names};
pub use package::Package;
pub use version::{Version, compare_versions};
