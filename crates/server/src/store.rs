//! The databases being served, as one store: every record's JSON written once
//! at load, and the indexes the API needs beyond vulndb's (IDs across
//! databases, commits, git repositories).
//!
//! A store is never changed: a reload builds a new one and swaps it in
//! ([`crate::reload`]), so a request reads one consistent store from start to
//! end.

use std::collections::HashMap;

use axum::body::Bytes;
use opam_model::RepositorySpec;
use vulndb::Query;

use crate::error::LoadError;
use crate::request::Lookup;
use crate::source::{DatabaseSpec, LoadedDatabase};

/// One record as the API answers with it.
#[derive(Debug)]
pub(crate) struct Served {
    /// The whole record, compact JSON (`GET /v1/vulns/{id}`, `/v1/query`).
    pub(crate) json: Bytes,
    /// `{"id": …, "modified": …}` (`/v1/querybatch`).
    pub(crate) brief: Bytes,
}

/// The records of an affected entry's first GIT range's repository, with the
/// entry's `versions` (tags, for a query by repository and tag).
#[derive(Debug)]
struct GitEntry {
    id: Box<str>,
    tags: Vec<String>,
}

/// The databases in use and the indexes over all of them.
#[derive(Debug)]
pub struct Store {
    databases: Vec<LoadedDatabase>,
    records: HashMap<Box<str>, Served>,
    /// alias → IDs of the records listing it, sorted.
    aliases: HashMap<Box<str>, Vec<Box<str>>>,
    /// commit (lowercase hex) → IDs of the records whose GIT ranges name it as
    /// `introduced` or `last_affected`, sorted.
    commits: HashMap<Box<str>, Vec<Box<str>>>,
    /// repository (normalised, see [`normalise_repo`]) → entries.
    repos: HashMap<Box<str>, Vec<GitEntry>>,
}

impl Store {
    /// Loads every `--db` (advisories converted with the released versions of
    /// `repos`) into one store. Fails on the first database that does not load,
    /// and on an ID found in two of them.
    pub fn load(specs: &[DatabaseSpec], repos: &[RepositorySpec]) -> Result<Store, LoadError> {
        if specs.is_empty() {
            return Err(LoadError::NoDatabase);
        }
        let databases = specs
            .iter()
            .map(|spec| spec.load(repos))
            .collect::<Result<Vec<_>, _>>()?;
        Store::from_databases(databases)
    }

    /// Indexes databases already loaded.
    pub fn from_databases(databases: Vec<LoadedDatabase>) -> Result<Store, LoadError> {
        let mut store = Store {
            databases: Vec::new(),
            records: HashMap::new(),
            aliases: HashMap::new(),
            commits: HashMap::new(),
            repos: HashMap::new(),
        };
        let mut homes: HashMap<Box<str>, usize> = HashMap::new();
        for (index, loaded) in databases.iter().enumerate() {
            let records = loaded
                .opened
                .db
                .records()
                .map_err(|source| LoadError::Database {
                    name: loaded.name().to_owned(),
                    source,
                })?;
            store.records.reserve(records.len());
            for record in records {
                if let Some(&first) = homes.get(record.id.as_str()) {
                    let name = |i: usize| {
                        databases
                            .get(i)
                            .map(|d| d.name().to_owned())
                            .unwrap_or_default()
                    };
                    return Err(LoadError::DuplicateId {
                        id: record.id.clone(),
                        first: name(first),
                        second: name(index),
                    });
                }
                homes.insert(record.id.as_str().into(), index);
                store.index(record);
            }
        }
        for ids in store.aliases.values_mut().chain(store.commits.values_mut()) {
            ids.sort_unstable();
            ids.dedup();
        }
        store.databases = databases;
        Ok(store)
    }

    /// Adds one record: its JSON texts, and its aliases, commits and
    /// repositories to the indexes.
    fn index(&mut self, record: &osv::Vulnerability) {
        let id: Box<str> = record.id.as_str().into();
        let json = serde_json::to_vec(record).unwrap_or_default();
        let brief = serde_json::to_vec(&serde_json::json!({
            "id": record.id,
            "modified": record.modified,
        }))
        .unwrap_or_default();
        self.records.insert(
            id.clone(),
            Served {
                json: Bytes::from(json),
                brief: Bytes::from(brief),
            },
        );
        for alias in record.aliases() {
            self.aliases
                .entry(alias.as_str().into())
                .or_default()
                .push(id.clone());
        }
        if record.is_withdrawn() {
            return;
        }
        for affected in record.affected() {
            let mut first_repo = None;
            for range in affected.ranges() {
                if range.kind != osv::RangeKind::Git {
                    continue;
                }
                first_repo = first_repo.or(range.repo.as_deref());
                for event in &range.events {
                    let commit = match event {
                        osv::Event::Introduced(c) | osv::Event::LastAffected(c) if c != "0" => c,
                        _ => continue,
                    };
                    self.commits
                        .entry(commit.to_ascii_lowercase().into())
                        .or_default()
                        .push(id.clone());
                }
            }
            if let Some(repo) = first_repo {
                self.repos
                    .entry(normalise_repo(repo).into())
                    .or_default()
                    .push(GitEntry {
                        id: id.clone(),
                        tags: affected.versions().to_vec(),
                    });
            }
        }
    }

    /// The databases, in `--db` order.
    pub fn databases(&self) -> &[LoadedDatabase] {
        &self.databases
    }

    /// How many records all databases hold together.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no records (never true for a loaded store).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record with this ID.
    pub(crate) fn get(&self, id: &str) -> Option<&Served> {
        self.records.get(id)
    }

    /// The record with this ID, or else the record listing it as an alias
    /// (the smallest ID when several do).
    pub(crate) fn resolve(&self, id_or_alias: &str) -> Option<&Served> {
        self.get(id_or_alias).or_else(|| {
            let id = self.aliases.get(id_or_alias)?.first()?;
            self.get(id)
        })
    }

    /// The IDs of the records a lookup finds, sorted and each once; withdrawn
    /// records are never found. Fails only when a database cannot read a
    /// record back (see [`vulndb::Database::query`]).
    pub(crate) fn find(&self, lookup: &Lookup) -> Result<Vec<&str>, vulndb::Error> {
        let mut ids: Vec<&str> = Vec::new();
        match lookup {
            Lookup::UnknownPurlType => {}
            Lookup::Commit(commit) => {
                ids.extend(
                    self.commits
                        .get(commit.as_str())
                        .into_iter()
                        .flatten()
                        .map(|id| &**id),
                );
            }
            Lookup::Package {
                ecosystem: Some(ecosystem),
                name,
                version,
            } if ecosystem == crate::request::GIT => {
                let entries = self.repos.get(normalise_repo(name)).into_iter().flatten();
                ids.extend(
                    entries
                        .filter(|e| version.as_ref().is_none_or(|v| e.tags.contains(v)))
                        .map(|e| &*e.id),
                );
            }
            Lookup::Package {
                ecosystem,
                name,
                version,
            } => {
                for loaded in &self.databases {
                    let db = &loaded.opened.db;
                    let ecosystems = match ecosystem {
                        Some(ecosystem) => vec![ecosystem.as_str()],
                        None => db.ecosystems(),
                    };
                    for ecosystem in ecosystems {
                        find_in(db, ecosystem, name, version.as_deref(), &mut ids)?;
                    }
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}

/// Adds the IDs of `db`'s records about the package (at `version`, or any).
fn find_in<'db>(
    db: &'db vulndb::Database,
    ecosystem: &str,
    name: &str,
    version: Option<&str>,
    ids: &mut Vec<&'db str>,
) -> Result<(), vulndb::Error> {
    if !db.has_package(ecosystem, name) {
        return Ok(());
    }
    match version {
        Some(version) => {
            for finding in db.query(&Query::new(ecosystem, name, version))? {
                ids.extend(finding.records().iter().map(|r| r.id.as_str()));
            }
        }
        None => {
            let records = db.for_package(ecosystem, name)?;
            ids.extend(
                records
                    .into_iter()
                    .filter(|r| !r.is_withdrawn())
                    .map(|r| r.id.as_str()),
            );
        }
    }
    Ok(())
}

/// A repository URL as osv.dev compares them: host and path, without the
/// scheme, trailing slashes or `.git`.
fn normalise_repo(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.trim_end_matches('/');
    rest.strip_suffix(".git").unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_compare_without_scheme_suffix_and_slash() {
        for url in [
            "https://github.com/mirage/ocaml-cohttp.git",
            "https://github.com/mirage/ocaml-cohttp/",
            "git://github.com/mirage/ocaml-cohttp",
            "github.com/mirage/ocaml-cohttp",
        ] {
            assert_eq!(
                normalise_repo(url),
                "github.com/mirage/ocaml-cohttp",
                "{url}"
            );
        }
    }
}
