//! The database against another OSV source (an osv.dev dump, GitHub's advisories):
//! which records about opam packages it lacks, and which aliases its advisories lack.
//!
//! A record of the other source is about opam when one of its `affected` entries is
//! of the `opam` ecosystem; withdrawn records are left out. It is the same
//! vulnerability as an advisory when the two share an identifier: the record's ID or
//! one of its aliases is the advisory's ID or one of its aliases. Such a record's CVE
//! and GHSA identifiers that the advisory lacks are its missing aliases (other kinds
//! of identifiers are not aliases of an advisory, and are not proposed). A record that
//! matches no advisory is missing; `osec import` turns it into a draft.
//!
//! [`add_aliases`] writes missing aliases into an advisory through the lossless
//! editing of `opam_file::Document`: the new identifiers are appended to the
//! `aliases` list (or an `aliases` field is added at the end of the header), and every
//! other byte of the file stays as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use opam_file::Value;
use opam_file::document::{Document, Scope};

use crate::Advisory;
use crate::markdown::Parts;
use crate::model::Alias;

/// Why the advisories could not all be read for a comparison.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The advisory files could not be found.
    #[error(transparent)]
    Find(#[from] crate::Error),
    /// An advisory file could not be read.
    #[error(transparent)]
    File(#[from] safe_fs::Error),
    /// An advisory file is not UTF-8 text.
    #[error("{}: not UTF-8 text (run `osec lint`)", safe_fs::display_path(path))]
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// An advisory file does not parse as an advisory.
    #[error(
        "{}: does not read as an advisory (run `osec lint`)",
        safe_fs::display_path(path)
    )]
    NotAnAdvisory {
        /// The file.
        path: PathBuf,
    },
}

/// The advisories under `dir`, in path order, for [`compare`]; the first file that
/// cannot be read or parsed stops it (`osec lint` tells what is wrong).
pub fn read_advisories(dir: &Path) -> Result<Vec<(PathBuf, Advisory)>, ReadError> {
    let mut advisories = Vec::new();
    for (path, read) in crate::tree::read_advisories(&[dir.to_path_buf()])? {
        let Ok(text) = String::from_utf8(read?) else {
            return Err(ReadError::NotText { path });
        };
        let parsed = crate::parse(&text);
        if !parsed.problems.is_empty() {
            return Err(ReadError::NotAnAdvisory { path });
        }
        advisories.push((path, parsed.advisory));
    }
    Ok(advisories)
}

/// A record of the other source about opam packages that matches no advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRecord {
    /// Its ID.
    pub id: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// The opam packages it names.
    pub packages: Vec<String>,
    /// Its summary, if any.
    pub summary: Option<String>,
}

/// Aliases an advisory lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingAliases {
    /// The advisory file.
    pub path: PathBuf,
    /// The advisory's ID.
    pub id: String,
    /// The identifiers to add, in order.
    pub aliases: Vec<String>,
    /// The records of the other source that give them.
    pub from: Vec<String>,
}

/// What the comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// How many records of the other source are about opam packages (not withdrawn).
    pub compared: usize,
    /// Those that match no advisory, by ID.
    pub missing: Vec<MissingRecord>,
    /// Advisories lacking aliases, in path order.
    pub aliases: Vec<MissingAliases>,
}

impl std::fmt::Display for MissingRecord {
    /// `missing: ID (ALIASES) about PACKAGES: SUMMARY`, as `osec sync` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "missing: {}", self.id)?;
        if !self.aliases.is_empty() {
            write!(f, " ({})", self.aliases.join(", "))?;
        }
        write!(
            f,
            " about {}: {}",
            self.packages.join(", "),
            self.summary.as_deref().unwrap_or("no summary")
        )
    }
}

impl MissingAliases {
    /// `PATH: ID lacks ALIASES (from RECORDS)`, or `now has` once `written`.
    pub fn describe(&self, written: bool) -> String {
        format!(
            "{}: {} {} {} (from {})",
            safe_fs::display_path(&self.path),
            self.id,
            if written { "now has" } else { "lacks" },
            self.aliases.join(", "),
            self.from.join(", ")
        )
    }
}

impl SyncReport {
    /// The counts `osec sync` ends with on standard error (the aliases `written`
    /// or not), and what to do about missing records.
    pub fn summary(&self, written: bool) -> String {
        let mut text = format!(
            "{} record(s) about opam packages compared: {} missing, {} advisor{} {}\n",
            self.compared,
            self.missing.len(),
            self.aliases.len(),
            if self.aliases.len() == 1 { "y" } else { "ies" },
            if written {
                "given aliases"
            } else {
                "lacking aliases"
            },
        );
        if !self.missing.is_empty() {
            text.push_str("draft the missing records with `osec import`\n");
        }
        text
    }

    /// Whether the database has everything the other source has.
    pub fn is_in_sync(&self) -> bool {
        self.missing.is_empty() && self.aliases.is_empty()
    }
}

/// Compares `advisories` (path, parsed advisory) with the records of another source.
pub fn compare(advisories: &[(PathBuf, Advisory)], records: &[&osv::Vulnerability]) -> SyncReport {
    let identifiers: Vec<BTreeSet<&str>> = advisories
        .iter()
        .map(|(_, advisory)| {
            advisory
                .id
                .iter()
                .map(|id| id.value.as_str())
                .chain(advisory.aliases.iter().map(|a| a.value.as_str()))
                .collect()
        })
        .collect();
    let mut report = SyncReport::default();
    let mut lacking: Vec<(usize, Vec<String>, Vec<String>)> = Vec::new();
    let mut sorted: Vec<&&osv::Vulnerability> = records.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for record in sorted {
        let packages: Vec<String> = record
            .affected()
            .iter()
            .filter_map(|a| a.package.as_ref())
            .filter(|p| osv::base_ecosystem(&p.ecosystem) == osv::OPAM_ECOSYSTEM)
            .map(|p| p.name.clone())
            .collect();
        if packages.is_empty() || record.withdrawn.is_some() {
            continue;
        }
        report.compared += 1;
        let theirs: Vec<&str> = std::iter::once(record.id.as_str())
            .chain(record.aliases().iter().map(String::as_str))
            .collect();
        let matched: Vec<usize> = identifiers
            .iter()
            .enumerate()
            .filter(|(_, ours)| theirs.iter().any(|id| ours.contains(id)))
            .map(|(index, _)| index)
            .collect();
        if matched.is_empty() {
            report.missing.push(MissingRecord {
                id: record.id.clone(),
                aliases: record.aliases().to_vec(),
                packages,
                summary: record.summary.clone(),
            });
            continue;
        }
        for index in matched {
            let Some(ours) = identifiers.get(index) else {
                continue;
            };
            let new: Vec<String> = theirs
                .iter()
                .filter(|id| matches!(Alias::new(id), Alias::Cve(_) | Alias::Ghsa(_)))
                .filter(|id| !ours.contains(*id))
                .map(|id| (*id).to_owned())
                .collect();
            if new.is_empty() {
                continue;
            }
            match lacking.iter_mut().find(|(i, _, _)| *i == index) {
                Some((_, aliases, from)) => {
                    for alias in new {
                        if !aliases.contains(&alias) {
                            aliases.push(alias);
                        }
                    }
                    from.push(record.id.clone());
                }
                None => lacking.push((index, new, vec![record.id.clone()])),
            }
        }
    }
    lacking.sort_by_key(|(index, _, _)| *index);
    for (index, aliases, from) in lacking {
        if let Some((path, advisory)) = advisories.get(index) {
            report.aliases.push(MissingAliases {
                path: path.clone(),
                id: advisory
                    .id
                    .as_ref()
                    .map(|i| i.value.clone())
                    .unwrap_or_default(),
                aliases,
                from,
            });
        }
    }
    report
}

/// Why aliases could not be added to an advisory's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddAliasesError {
    /// The file has no header to edit.
    #[error("no advisory header: {0}")]
    Layout(String),
    /// The header does not parse, or the edit was refused.
    #[error("the header cannot be edited: {0}")]
    Edit(String),
}

/// `text` with `aliases` appended to its `aliases` field (added when absent), every
/// other byte unchanged.
pub fn add_aliases(text: &str, aliases: &[String]) -> Result<String, AddAliasesError> {
    let parts = Parts::split(text).map_err(|e| AddAliasesError::Layout(format!("{e:?}")))?;
    let range = parts.header.range();
    let header = text.get(range.clone()).ok_or_else(|| {
        AddAliasesError::Layout("the header is not on character boundaries".into())
    })?;
    let mut document =
        Document::parse(header.as_bytes()).map_err(|e| AddAliasesError::Edit(e.to_string()))?;
    let edit = |e: opam_file::document::EditError| AddAliasesError::Edit(e.to_string());
    if document.field(Scope::File, "aliases").is_some() {
        for alias in aliases {
            document
                .push_to_list(Scope::File, "aliases", &Value::ident(alias.as_str()))
                .map_err(edit)?;
        }
    } else if !aliases.is_empty() {
        let list = Value::list(aliases.iter().map(|a| Value::ident(a.as_str())).collect());
        document
            .set_field(Scope::File, "aliases", &list)
            .map_err(edit)?;
    }
    let edited = String::from_utf8(document.to_bytes().to_vec())
        .map_err(|e| AddAliasesError::Edit(e.to_string()))?;
    let before = text.get(..range.start).unwrap_or_default();
    let after = text.get(range.end..).unwrap_or_default();
    Ok(format!("{before}{edited}{after}"))
}

/// Why an advisory file could not be updated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteAliasesError {
    /// Reading or rewriting the file failed.
    #[error(transparent)]
    File(#[from] safe_fs::Error),
    /// The text could not be edited.
    #[error("{}: {source}", safe_fs::display_path(path))]
    Edit {
        /// The file.
        path: PathBuf,
        /// Why.
        source: AddAliasesError,
    },
}

/// Adds the missing aliases to their advisory file, in place and atomically
/// ([`add_aliases`], `safe_fs::rewrite`).
pub fn write_aliases(missing: &MissingAliases) -> Result<(), WriteAliasesError> {
    let text = crate::tree::read_advisory_text(&missing.path)?;
    let edited =
        add_aliases(&text, &missing.aliases).map_err(|source| WriteAliasesError::Edit {
            path: missing.path.clone(),
            source,
        })?;
    safe_fs::rewrite(&missing.path, edited.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "```\nid: OSEC-2026-01\nmodified: \"2026-01-01T00:00:00Z\"\n\
                        aliases: [ CVE-2026-1 ]  # ours\naffected: \"pkg\" {< \"1.0\"}\n```\n\n# Title\n\nText.\n";

    #[test]
    fn aliases_are_appended_and_nothing_else_changes() {
        let added =
            add_aliases(TEXT, &["GHSA-aaaa-bbbb-cccc".into(), "CVE-2026-2".into()]).unwrap();
        assert_eq!(
            added,
            TEXT.replace(
                "CVE-2026-1 ]",
                "CVE-2026-1 GHSA-aaaa-bbbb-cccc CVE-2026-2 ]"
            )
        );
        let parsed = crate::parse(&added);
        assert!(parsed.problems.is_empty());
        assert_eq!(parsed.advisory.aliases.len(), 3);
    }

    #[test]
    fn an_absent_aliases_field_is_added_at_the_end_of_the_header() {
        let text = TEXT.replace("aliases: [ CVE-2026-1 ]  # ours\n", "");
        let added = add_aliases(&text, &["CVE-2026-3".into()]).unwrap();
        assert_eq!(
            added,
            text.replace(
                "{< \"1.0\"}\n```",
                "{< \"1.0\"}\naliases: [CVE-2026-3]\n```"
            )
        );
    }

    #[test]
    fn lines_say_what_is_missing_and_what_was_written() {
        let missing = MissingRecord {
            id: "OSV-1".into(),
            aliases: vec!["CVE-2026-9".into()],
            packages: vec!["a".into(), "b".into()],
            summary: None,
        };
        assert_eq!(
            missing.to_string(),
            "missing: OSV-1 (CVE-2026-9) about a, b: no summary"
        );
        let lacking = MissingAliases {
            path: PathBuf::from("advisories/2026/OSEC-2026-01.md"),
            id: "OSEC-2026-01".into(),
            aliases: vec!["CVE-2026-2".into()],
            from: vec!["GHSA-x".into()],
        };
        assert_eq!(
            lacking.describe(true),
            "advisories/2026/OSEC-2026-01.md: OSEC-2026-01 now has CVE-2026-2 (from GHSA-x)"
        );
        let report = SyncReport {
            compared: 3,
            missing: vec![missing],
            aliases: vec![lacking],
        };
        assert_eq!(
            report.summary(false),
            "3 record(s) about opam packages compared: 1 missing, 1 advisory lacking aliases\n\
             draft the missing records with `osec import`\n"
        );
    }
}
