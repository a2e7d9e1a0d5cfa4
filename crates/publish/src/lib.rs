//! Outputs of the OCaml security advisory database for osv.dev, mirrors and people:
//! the generated OSV tree (`OUT/YYYY/OSEC-YYYY-NN.json`, what the `generated-osv`
//! branch of ocaml/security-advisories holds), `all.zip`, `modified_id.csv`, and the
//! static web site with its Atom feed ([`site`]), and announcement texts ([`announce`]).
//!
//! **Owns:** walking the advisories, skipping those that fail lint, writing one record
//! per advisory (two-space indent, trailing newline, deterministic) only when its bytes
//! change, reporting records whose advisory disappeared or that sit in the wrong year
//! directory (never removing them), the osv.dev layout of `all.zip` and
//! `modified_id.csv`, and the site: its pages, the rendering and sanitising of advisory
//! Markdown, the feed, and what the commands say about a run ([`ExportReport::render`],
//! [`IndexReport::render`], [`SiteReport::render`]). Files are written through
//! [`safe_fs::OutputRoot`]: atomically,
//! keeping their mode, never through a symbolic link under `OUT`.
//! **Does not own:** the conversion of an advisory to OSV (crate `advisory`,
//! [`advisory::to_osv()`]), the OSV model and its JSON writer (crate `osv`), reading
//! opam repositories (crate `opam-model`), progress bars and printing (the `osec`
//! binary, through [`Progress`]).
//!
//! Phases, in order: `advisory::tree::read_advisories` finds and reads the
//! advisories; [`export_sources`] lints them, converts each with the released
//! versions of its packages (an [`opam_model::ReleasedVersions`], read from `--repo`
//! by opam-model) and writes the tree ([`export`] does both); [`write_index`] writes
//! `all.zip` and `modified_id.csv` for the records the export wrote; [`publish`] does
//! all of it. [`build_site`] lints and converts the same way, then writes the pages,
//! the records and `feed.xml` (see [`site`] for the layout).
//!
//! ```no_run
//! use opam_model::{ReleasedVersions, RepositorySpec};
//! use publish::{ExportOptions, NoProgress};
//! let sources = advisory::tree::read_advisories(&["advisories".into()])?;
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
//! - `all.zip` and `modified_id.csv` hold exactly the records exported in this run:
//!   the previous record of an advisory that failed lint, a record whose advisory
//!   disappeared and a copy in the wrong year directory stay in the tree (reported,
//!   not removed) but are left out of them.
//! - A constraint's interval that starts after a version (`> "v"`) and holds no
//!   released version yet has no ECOSYSTEM range (OSV cannot express it); the
//!   conversion says so in a note.
//! - The site's file names are the advisory IDs and opam package names; on a file
//!   system that ignores case, two package names differing only in case would share
//!   a page (opam-repository has none).

#![forbid(unsafe_code)]

pub mod announce;
mod archive;
mod error;
mod export;
pub mod site;

pub use archive::{
    ALL_ZIP, IndexReport, IndexedRecord, MODIFIED_ID_CSV, modified_id_csv, modified_text,
    write_index, zip_archive,
};
pub use error::{Error, Result};
pub use export::{
    ExportOptions, ExportReport, NoProgress, Outcome, OutcomeKind, Progress, export,
    export_sources, record_files, record_path, render_outcomes,
};
pub use safe_fs::FileChange;
pub use site::{SiteOptions, SiteReport, build_site};

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
    let index = write_index(out, &export)?;
    Ok(PublishReport { export, index })
}
