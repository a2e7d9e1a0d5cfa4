//! Drafts from records of other databases: OSV records (osv.dev, GitHub's advisory
//! database, our own `generated-osv` tree) and CVE JSON 5 records, for backporting.
//!
//! [`import`] reads one record and returns a [`Draft`] with what the record says,
//! field by field ([`osv`] and [`cve`] document their mappings). What has no place in
//! an advisory, or cannot be expressed in one, is never dropped silently: each such
//! part becomes a note naming the record and the field, written into the draft as a
//! `# TODO(draft): …` comment (so that `osec lint` names it, `ADV030`) and returned for
//! the command to print. A record that cannot be read at all (not JSON, an unknown
//! field of an OSV record, a CVE record without its ID) is an [`ImportError`] with the
//! line and column or the field.
//!
//! An OSEC record — one this crate exported — comes back as the advisory it was made
//! from, as far as the record holds it: exporting the draft gives the same record
//! (the round trip over the 26 real advisories is a test). Its version constraint is
//! the record's `opam_constraint` when that agrees with its ranges; other records get
//! a constraint computed from their ranges and `versions` ([`formula`]).

pub mod cve;
pub(crate) mod formula;
pub mod osv;

use std::collections::BTreeSet;
use std::path::PathBuf;

use opam_model::{PackageName, ReleasedVersions, RepositorySpec};

use crate::draft::Draft;

/// What an import needs besides the record.
#[derive(Clone, Copy)]
pub struct ImportOptions<'a> {
    /// The released versions of packages (`--repo`): used to write `versions` lists
    /// and ranges as short formulas (with `!=`), and to check `versions` lists.
    pub released: Option<&'a ReleasedVersions>,
    /// The current time: `modified` of a draft from another database.
    pub now: jiff::Timestamp,
    /// Products of CVE records mapped to opam packages (`--package PRODUCT=NAME`).
    pub packages: &'a [(String, String)],
}

impl std::fmt::Debug for ImportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("released", &self.released.is_some())
            .field("now", &self.now)
            .field("packages", &self.packages)
            .finish()
    }
}

/// A record turned into a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The ID of the record.
    pub source: String,
    /// The draft. Its `id` is the record's for an OSEC record, else `None` (the next
    /// free ID of [`Imported::year`] is claimed when it is written); its `notes` are
    /// what could not be carried over.
    pub draft: Draft,
    /// The year of the ID a new advisory gets: the year the record was published.
    pub year: i32,
}

/// Why a record cannot be imported at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The text is not JSON.
    #[error("line {line}, column {column}: not JSON: {message}")]
    Json {
        /// Line of the problem (1-based).
        line: usize,
        /// Column of the problem (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON is neither an OSV nor a CVE JSON 5 record.
    #[error(
        "neither an OSV record (no `id` and `modified`) nor a CVE JSON 5 record (no `\"dataType\": \"CVE_RECORD\"`)"
    )]
    UnknownFormat,
    /// An OSV record that does not follow the schema (an unknown field, a value of the
    /// wrong type), with its line and column.
    #[error("not a valid OSV record: {0}")]
    Osv(#[from] ::osv::Error),
    /// A CVE record without a field an advisory needs, or with a value of the wrong
    /// type.
    #[error("{record}: `{field}`: {message}")]
    Field {
        /// The record's ID, or the file's description when it has none.
        record: String,
        /// The field's JSON path.
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// The package a draft names when the record names no opam package: an advisory needs
/// one, and the draft's notes say to replace it.
pub const PLACEHOLDER_PACKAGE: &str = "TODO-package";

/// `--package PRODUCT=NAME` that is not that, or whose NAME is no opam package name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected PRODUCT=NAME, NAME an opam package name")]
pub struct ProductMappingError;

/// Reads `PRODUCT=NAME`: a CVE record's product imported as opam package NAME
/// ([`ImportOptions::packages`]).
pub fn product_mapping(text: &str) -> Result<(String, String), ProductMappingError> {
    match text.split_once('=') {
        Some((product, name)) if !product.is_empty() && PackageName::parse(name).is_ok() => {
            Ok((product.to_owned(), name.to_owned()))
        }
        _ => Err(ProductMappingError),
    }
}

/// The released versions of the packages the drafts of `imported` name, from the
/// repositories `repos` (`osec import --repo`); `None` when there is none.
pub fn released_versions<'a>(
    repos: &[RepositorySpec],
    imported: impl IntoIterator<Item = &'a Imported>,
) -> Result<Option<ReleasedVersions>, opam_model::Error> {
    if repos.is_empty() {
        return Ok(None);
    }
    let names: BTreeSet<PackageName> = imported
        .into_iter()
        .flat_map(|imported| &imported.draft.affected)
        .filter_map(|package| PackageName::parse(&package.name).ok())
        .collect();
    ReleasedVersions::for_packages(repos, &names).map(Some)
}

/// The largest record [`import_files`] reads: CVE records with many products stay
/// far below.
pub const MAX_RECORD_BYTES: u64 = 16 << 20;

/// What [`import_files`] made of the files it was given.
#[derive(Debug)]
pub struct ImportedFiles {
    /// The drafts, with the file each came from and its text, in the order given.
    pub imported: Vec<(PathBuf, String, Imported)>,
    /// One message per file that could not be read or imported, naming it.
    pub errors: Vec<String>,
}

/// Why [`ImportedFiles::with_releases`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReimportError {
    /// The `--repo` repositories could not be opened.
    #[error("cannot read the --repo repositories")]
    Repositories(#[source] opam_model::Error),
    /// A record imported without the releases did not with them.
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Imports the records of `paths` (`osec import`) with `options`. A file that
/// cannot be read or imported is an error message; the others are still
/// imported.
pub fn import_files(paths: &[PathBuf], options: &ImportOptions<'_>) -> ImportedFiles {
    let mut files = ImportedFiles {
        imported: Vec::new(),
        errors: Vec::new(),
    };
    for path in paths {
        match safe_fs::read_bounded_to_string(path, MAX_RECORD_BYTES) {
            Ok(text) => match import(&text, options) {
                Ok(imported) => files.imported.push((path.clone(), text, imported)),
                Err(err) => files
                    .errors
                    .push(format!("{}: {err}", safe_fs::display_path(path))),
            },
            Err(err) => files.errors.push(err.to_string()),
        }
    }
    files
}

impl ImportedFiles {
    /// Imports the records again with `options` and the releases, in `repos`, of
    /// the packages their drafts name (`--repo`); nothing without repositories.
    pub fn with_releases(
        &mut self,
        repos: &[RepositorySpec],
        options: ImportOptions<'_>,
    ) -> Result<(), ReimportError> {
        let released = released_versions(repos, self.imported.iter().map(|(_, _, i)| i))
            .map_err(ReimportError::Repositories)?;
        if released.is_some() {
            let options = ImportOptions {
                released: released.as_ref(),
                ..options
            };
            for (_, text, imported) in &mut self.imported {
                *imported = import(text, &options)?;
            }
        }
        Ok(())
    }
}

/// Reads one OSV or CVE JSON 5 record into a draft.
pub fn import(text: &str, options: &ImportOptions<'_>) -> Result<Imported, ImportError> {
    let mut imported = import_record(text, options)?;
    if imported.draft.affected.is_empty() {
        imported.draft.affected.push(crate::draft::DraftPackage {
            name: PLACEHOLDER_PACKAGE.to_owned(),
            constraint: None,
        });
    }
    Ok(imported)
}

fn import_record(text: &str, options: &ImportOptions<'_>) -> Result<Imported, ImportError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|err| ImportError::Json {
        line: err.line(),
        column: err.column(),
        message: err.to_string(),
    })?;
    let object = value.as_object().ok_or(ImportError::UnknownFormat)?;
    if object.get("dataType").and_then(|v| v.as_str()) == Some("CVE_RECORD") {
        return cve::from_cve(&value, options);
    }
    if object.contains_key("id") && object.contains_key("modified") {
        let record = ::osv::from_str(text)?;
        return Ok(osv::from_osv(&record, options));
    }
    Err(ImportError::UnknownFormat)
}

/// What could not be carried over from a record, each naming the record and field.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    source: String,
    list: Vec<String>,
}

impl Notes {
    pub(crate) fn new(source: &str) -> Notes {
        Notes {
            source: source.to_owned(),
            list: Vec::new(),
        }
    }

    /// Notes that `field` of the record could not be carried over, and why.
    pub(crate) fn add(&mut self, field: &str, message: impl std::fmt::Display) {
        self.list
            .push(format!("`{field}` of {}: {message}", self.source));
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.list
    }
}

/// The released versions of `name`, in opam's order, when a repository was given and
/// has the package.
pub(crate) fn released_of(released: Option<&ReleasedVersions>, name: &str) -> Option<Vec<String>> {
    let name = PackageName::parse(name).ok()?;
    Some(
        released?
            .versions(&name)?
            .iter()
            .map(|v| v.as_str().to_owned())
            .collect(),
    )
}

/// JSON as one line, for a note.
pub(crate) fn compact(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The year of an RFC 3339 date (`2018-04-06T…`).
pub(crate) fn year_of(date: &str) -> Option<i32> {
    date.get(..4)?.parse().ok()
}
