//! The advisories `repo annotate` and `repo exposure` work from: the advisory files
//! under the paths given, linted as `osec lint` lints them (without `--repo`: an
//! advisory about a package the repository does not have is not an error here, it
//! only affects nothing in it). Those with lint errors are set aside and reported,
//! never used half-read.

use std::path::PathBuf;

use advisory::lint::{FileReport, Level, LintOptions, lint_read};
use advisory::tree::read_advisories;
use advisory::{Advisory, Affected};
use opam_model::{PackageName, ReleasedVersions, Version};

use crate::error::{Error, Result};

/// An advisory that passed lint.
#[derive(Debug, Clone)]
pub struct LoadedAdvisory {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its ID, as written (`OSEC-2026-16`).
    pub id: String,
    /// What it says.
    pub advisory: Advisory,
}

impl LoadedAdvisory {
    /// Whether the advisory is withdrawn: it then affects nothing.
    pub fn is_withdrawn(&self) -> bool {
        self.advisory.withdrawn.is_some()
    }

    /// For each entry of `affected` whose package name is valid: the entry, the
    /// package and the released versions it affects, in opam's order, exactly as
    /// the OSV export lists them in `versions`
    /// ([`advisory::to_osv::affected_versions`]); none for a withdrawn advisory.
    pub fn affected_versions<'a>(
        &'a self,
        released: &'a ReleasedVersions,
    ) -> Vec<(&'a Affected, PackageName, Vec<&'a Version>)> {
        self.advisory
            .affected
            .iter()
            .filter_map(|entry| {
                let name = PackageName::parse(&entry.package.value).ok()?;
                let versions = if self.is_withdrawn() {
                    Vec::new()
                } else {
                    advisory::to_osv::affected_versions(entry, released).unwrap_or_default()
                };
                Some((entry, name, versions))
            })
            .collect()
    }
}

/// The advisories found under some paths, split by their lint result.
#[derive(Debug, Clone, Default)]
pub struct Advisories {
    /// Those without lint errors, in path order.
    pub usable: Vec<LoadedAdvisory>,
    /// Those with lint errors (or unreadable), with their findings, in path order.
    pub rejected: Vec<FileReport>,
}

impl Advisories {
    /// Finds the advisories under `paths` (files, or directories searched for
    /// `OSEC-*.md`) and lints them. Finding none is an error: a run with nothing to
    /// work from would look like a clean one.
    pub fn read(paths: &[PathBuf]) -> Result<Advisories> {
        let files = read_advisories(paths)?;
        if files.is_empty() {
            return Err(Error::NoAdvisories {
                paths: paths.to_vec(),
            });
        }
        let reports = lint_read(files, &LintOptions::now());
        let mut advisories = Advisories::default();
        for report in reports {
            let id = report.advisory.id.as_ref().map(|id| id.value.clone());
            match id {
                Some(id) if report.count(Level::Error) == 0 => {
                    advisories.usable.push(LoadedAdvisory {
                        path: report.path,
                        id,
                        advisory: report.advisory,
                    });
                }
                _ => advisories.rejected.push(report),
            }
        }
        Ok(advisories)
    }

    /// The IDs of the usable advisories.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.usable.iter().map(|a| a.id.as_str())
    }
}
