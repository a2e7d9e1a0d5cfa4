//! Outputs of the OCaml security advisory database for osv.dev and mirrors: the
//! generated OSV tree (`OUT/YYYY/OSEC-YYYY-NN.json`, what the `generated-osv` branch
//! of ocaml/security-advisories holds), `all.zip` and `modified_id.csv`.
//!
//! **Owns:** walking the advisories, skipping those that fail lint, writing one record
//! per advisory (two-space indent, trailing newline, deterministic) atomically and only
//! when its bytes change, reporting records whose advisory disappeared (never removing
//! them), and the osv.dev layout of `all.zip` and `modified_id.csv`.
//! **Does not own:** the conversion of an advisory to OSV (crate `advisory`,
//! [`advisory::to_osv()`]), the OSV model and its JSON writer (crate `osv`), reading
//! opam repositories (crate `opam-model`), progress bars and printing (the `osec`
//! binary, through [`Progress`]).
//!
//! Phases, in order: [`read_advisories`] finds and reads the advisories;
//! [`export_sources`] lints them, converts each with the released versions of its
//! packages (an [`opam_model::ReleasedVersions`], read from `--repo` by opam-model)
//! and writes the tree ([`export`] does both); [`write_index`] reads the tree back and
//! writes `all.zip` and `modified_id.csv`; [`publish`] does all of it.
//!
//! ```no_run
//! use opam_model::{ReleasedVersions, RepositorySpec};
//! use publish::{ExportOptions, NoProgress};
//! let sources = publish::read_advisories(&["advisories".into()])?;
//! let repositories: Vec<RepositorySpec> = vec!["opam-repository.tar.gz".parse()?];
//! let packages = advisory::lint::affected_packages(&sources);
//! let released = ReleasedVersions::for_packages(&repositories, &packages)?;
//! let options = ExportOptions { released: Some(&released), with_versions: true, now: jiff::Timestamp::now() };
//! let report = publish::export_sources(sources, "osv".as_ref(), &options, &NoProgress)?;
//! assert!(report.is_complete());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Limitations
//! - `all.zip` and `modified_id.csv` describe every record of the tree, including
//!   records whose advisory disappeared or failed lint in this run: they mirror the
//!   tree osv.dev imports.
//! - A constraint's interval that starts after a version (`> "v"`) and holds no
//!   released version yet has no ECOSYSTEM range (OSV cannot express it); the
//!   conversion says so in a note.

mod archive;
mod error;
mod export;
mod write;

pub use archive::{
    ALL_ZIP, IndexReport, IndexedRecord, MODIFIED_ID_CSV, modified_id_csv, modified_text,
    read_records, write_index, zip_archive,
};
pub use error::{Error, Result};
pub use export::{
    ExportOptions, ExportReport, NoProgress, Outcome, OutcomeKind, Progress, export,
    export_sources, read_advisories, record_files, record_path,
};
pub use write::{FileChange, write_if_changed};

use std::path::{Path, PathBuf};

/// The result of [`publish`].
#[derive(Debug)]
pub struct PublishReport {
    /// The export of the records.
    pub export: ExportReport,
    /// `all.zip` and `modified_id.csv`.
    pub index: IndexReport,
}

/// [`export`], then [`write_index`]: the tree, `all.zip` and `modified_id.csv`.
pub fn publish(
    paths: &[PathBuf],
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &dyn Progress,
) -> Result<PublishReport> {
    let export = export(paths, out, options, progress)?;
    let index = write_index(out)?;
    Ok(PublishReport { export, index })
}
