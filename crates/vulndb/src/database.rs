//! The loaded database and its indexes.
//!
//! Records are summarised ([`crate::summary`]) into one buffer that indexing
//! and matching read; the records themselves are parsed at load for JSON
//! sources, and on first use for a prepared database ([`crate::prepared`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use osv::Vulnerability;

use crate::order::Orders;
use crate::prepared::{StoredText, TextFile};
use crate::summary::{self, Summary};
use crate::{Error, Result};

/// One record: where its summary is, its group, and the record once parsed.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Offset of the record's summary in [`Database::summaries`].
    summary: usize,
    /// Records with the same group describe the same vulnerability (they are
    /// linked by IDs and aliases).
    pub(crate) group: u32,
    /// The record, once parsed: at load for JSON sources, on first use for a
    /// prepared database.
    record: OnceLock<Box<Vulnerability>>,
    /// Where the record's JSON text is in the prepared file (prepared
    /// databases only).
    text: Option<StoredText>,
}

/// The ID and alias indexes.
#[derive(Debug, Default)]
struct Ids {
    by_id: HashMap<String, u32>,
    by_alias: HashMap<String, Vec<u32>>,
}

/// A set of OSV records, indexed by package, ID and alias.
///
/// Built by [`Loader`](crate::Loader) (or the `from_*` shortcuts), which
/// checks every record; query it with [`Database::query`].
#[derive(Debug)]
pub struct Database {
    pub(crate) entries: Vec<Entry>,
    /// Every record's summary, back to back.
    summaries: Vec<u8>,
    /// ecosystem → package name → records, in load order, each once.
    by_package: HashMap<String, HashMap<String, Vec<u32>>>,
    /// Built at load for JSON sources, on first use for prepared ones.
    ids: OnceLock<Ids>,
    pub(crate) orders: Orders,
    source: String,
    last_modified: Option<osv::Timestamp>,
    /// The file holding the JSON texts of a prepared database's records,
    /// read and parsed on use.
    texts: Option<TextFile>,
}

/// A prepared database's records, before indexing: their summaries, groups
/// and where their texts are.
pub(crate) struct PreparedRecords {
    /// A buffer holding the summaries, from `summaries_start` on.
    pub(crate) summaries: Vec<u8>,
    pub(crate) summaries_start: usize,
    pub(crate) groups: Vec<u32>,
    pub(crate) texts: Vec<StoredText>,
}

impl Database {
    /// Indexes checked records, each with its origin (a path, or
    /// `archive!entry`). `source` names the whole database in messages. Fails
    /// on an empty set and on two records with one ID.
    pub(crate) fn build(
        source: String,
        records: Vec<(String, Vulnerability)>,
        orders: Orders,
    ) -> Result<Self> {
        if records.is_empty() {
            return Err(Error::Empty {
                source_name: source,
            });
        }
        let last_modified = records.iter().map(|(_, r)| &r.modified).max().cloned();
        let mut summaries = Vec::new();
        let mut entries = Vec::with_capacity(records.len());
        for (origin, record) in records {
            let start = summaries.len();
            summary::encode(&record, &origin, &mut summaries);
            entries.push(Entry {
                summary: start,
                group: 0,
                record: OnceLock::from(Box::new(record)),
                text: None,
            });
        }
        let read = read_all(&summaries, &entries, &source)?;
        let ids = index_ids(&read)?;
        let groups = alias_groups(&read, &ids);
        let by_package = index_packages(&read);
        for (entry, group) in entries.iter_mut().zip(groups) {
            entry.group = group;
        }
        Ok(Database {
            entries,
            summaries,
            by_package,
            ids: OnceLock::from(ids),
            orders,
            source,
            last_modified,
            texts: None,
        })
    }

    /// Indexes the records of a prepared database (checked when it was
    /// prepared); their JSON texts are in `texts`, read and parsed when a
    /// record is first asked for.
    pub(crate) fn build_prepared(
        source: String,
        records: PreparedRecords,
        orders: Orders,
        last_modified: Option<osv::Timestamp>,
        texts: TextFile,
    ) -> Result<Self> {
        let PreparedRecords {
            summaries,
            summaries_start,
            groups,
            texts: stored,
        } = records;
        // One pass over the summaries: each is checked, located and indexed.
        let mut entries = Vec::with_capacity(groups.len());
        let mut read = Vec::with_capacity(groups.len());
        let mut at = summaries_start;
        for (group, text) in groups.into_iter().zip(stored) {
            let (summary, length) = summaries
                .get(at..)
                .and_then(Summary::read)
                .ok_or_else(|| damaged(&source))?;
            read.push(summary);
            entries.push(Entry {
                summary: at,
                group,
                record: OnceLock::new(),
                text: Some(text),
            });
            at += length;
        }
        if entries.is_empty() {
            return Err(Error::Empty {
                source_name: source,
            });
        }
        let by_package = index_packages(&read);
        Ok(Database {
            entries,
            summaries,
            by_package,
            ids: OnceLock::new(),
            orders,
            source,
            last_modified,
            texts: Some(texts),
        })
    }

    /// The summary of entry `index` (checked whole at load).
    pub(crate) fn summary(&self, index: u32) -> Result<Summary<'_>> {
        self.entries
            .get(index as usize)
            .and_then(|entry| self.summaries.get(entry.summary..))
            .and_then(Summary::view)
            .ok_or_else(|| damaged(&self.source))
    }

    /// The record of entry `index`, parsed now if it was not yet.
    ///
    /// Fails only for a prepared database whose file can no longer be read,
    /// or whose text no longer matches its hash or no longer parses as it did
    /// when it was prepared; the error names the record and the file.
    pub(crate) fn record(&self, index: u32) -> Result<&Vulnerability> {
        let Some(entry) = self.entries.get(index as usize) else {
            return Err(damaged(&self.source));
        };
        if let Some(record) = entry.record.get() {
            return Ok(record);
        }
        let origin = self.summary(index)?.origin();
        let unreadable = |message: String| Error::Record {
            origin: origin.to_owned(),
            message,
        };
        let (Some(texts), Some(text)) = (&self.texts, entry.text) else {
            return Err(unreadable("the record has no text".to_owned()));
        };
        let text = texts.read(text).map_err(unreadable)?;
        let record = osv::from_slice(&text).map_err(|e| Error::from_osv(origin, e))?;
        Ok(entry.record.get_or_init(|| Box::new(record)))
    }

    fn records_at(&self, indexes: &[u32]) -> Result<Vec<&Vulnerability>> {
        indexes.iter().map(|&i| self.record(i)).collect()
    }

    /// The ID and alias indexes, built on first use for a prepared database.
    fn ids(&self) -> Result<&Ids> {
        if let Some(ids) = self.ids.get() {
            return Ok(ids);
        }
        let read = read_all(&self.summaries, &self.entries, &self.source)?;
        let ids = index_ids(&read)?;
        Ok(self.ids.get_or_init(|| ids))
    }

    /// What the database was loaded from (a path, or `<embedded>`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no records (never true for a loaded database).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every record, in load order (sorted by path or archive entry name).
    /// Errors as [`Database::query`] does.
    pub fn records(&self) -> Result<Vec<&Vulnerability>> {
        (0..self.entries.len())
            .map(|i| self.record(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect()
    }

    /// The record with this ID. Errors as [`Database::query`] does.
    pub fn get(&self, id: &str) -> Result<Option<&Vulnerability>> {
        self.ids()?
            .by_id
            .get(id)
            .map(|&i| self.record(i))
            .transpose()
    }

    /// Where the record with this ID was loaded from. Errors as
    /// [`Database::query`] does.
    pub fn origin(&self, id: &str) -> Result<Option<&str>> {
        self.ids()?
            .by_id
            .get(id)
            .map(|&i| self.summary(i).map(|s| s.origin()))
            .transpose()
    }

    /// Records that list `alias` among their aliases. Errors as
    /// [`Database::query`] does.
    pub fn with_alias(&self, alias: &str) -> Result<Vec<&Vulnerability>> {
        self.records_at(self.ids()?.by_alias.get(alias).map_or(&[], Vec::as_slice))
    }

    /// The record with this ID, or else the records with this alias. Errors
    /// as [`Database::query`] does.
    pub fn lookup(&self, id_or_alias: &str) -> Result<Vec<&Vulnerability>> {
        match self.get(id_or_alias)? {
            Some(record) => Ok(vec![record]),
            None => self.with_alias(id_or_alias),
        }
    }

    /// Records with an affected entry for this package (withdrawn included).
    /// Errors as [`Database::query`] does.
    pub fn for_package(&self, ecosystem: &str, name: &str) -> Result<Vec<&Vulnerability>> {
        self.records_at(self.package_entries(ecosystem, name))
    }

    /// Whether any record has an affected entry for this package.
    pub fn has_package(&self, ecosystem: &str, name: &str) -> bool {
        !self.package_entries(ecosystem, name).is_empty()
    }

    pub(crate) fn package_entries(&self, ecosystem: &str, name: &str) -> &[u32] {
        self.by_package
            .get(ecosystem)
            .and_then(|names| names.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The ecosystems and package names the database has records for, sorted.
    pub fn packages(&self) -> Vec<(&str, &str)> {
        let mut packages: Vec<(&str, &str)> = self
            .by_package
            .iter()
            .flat_map(|(ecosystem, names)| {
                names
                    .keys()
                    .map(move |name| (ecosystem.as_str(), name.as_str()))
            })
            .collect();
        packages.sort_unstable();
        packages
    }

    /// The ecosystems the database has records for (an affected package in
    /// them), sorted.
    pub fn ecosystems(&self) -> Vec<&str> {
        let mut ecosystems: Vec<&str> = self.by_package.keys().map(String::as_str).collect();
        ecosystems.sort_unstable();
        ecosystems
    }

    /// Whether some record has an affected package in `ecosystem`.
    pub fn has_ecosystem(&self, ecosystem: &str) -> bool {
        self.by_package
            .get(ecosystem)
            .is_some_and(|names| !names.is_empty())
    }

    /// The latest `modified` timestamp: how fresh the database is.
    pub fn last_modified(&self) -> Option<&osv::Timestamp> {
        self.last_modified.as_ref()
    }

    /// The version orders this database evaluates ranges with.
    pub fn orders(&self) -> &Orders {
        &self.orders
    }

    /// The summaries, back to back, and the groups, for writing a prepared
    /// copy (of a database built from records, whose buffer holds only
    /// summaries).
    pub(crate) fn summaries(&self) -> (&[u8], impl Iterator<Item = u32> + '_) {
        (&self.summaries, self.entries.iter().map(|e| e.group))
    }
}

/// The error for a summary buffer that does not read (a damaged prepared
/// file: its hash is checked at load, so this is a bug or a changed file).
fn damaged(source: &str) -> Error {
    Error::Record {
        origin: source.to_owned(),
        message: "the database's prepared index is damaged: delete osec's cache \
                  directory and run again"
            .to_owned(),
    }
}

/// Reads every entry's summary.
fn read_all<'a>(summaries: &'a [u8], entries: &[Entry], source: &str) -> Result<Vec<Summary<'a>>> {
    entries
        .iter()
        .map(|entry| {
            summaries
                .get(entry.summary..)
                .and_then(Summary::read)
                .map(|(summary, _)| summary)
                .ok_or_else(|| damaged(source))
        })
        .collect()
}

/// The ID and alias indexes; fails on two records with one ID.
fn index_ids(summaries: &[Summary<'_>]) -> Result<Ids> {
    let mut ids = Ids {
        by_id: HashMap::with_capacity(summaries.len()),
        by_alias: HashMap::new(),
    };
    for (index, summary) in summaries.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        if let Some(&first) = ids.by_id.get(summary.id()) {
            let first = summaries
                .get(first as usize)
                .map(|s| s.origin().to_owned())
                .unwrap_or_default();
            return Err(Error::DuplicateId {
                id: summary.id().to_owned(),
                first,
                second: summary.origin().to_owned(),
            });
        }
        ids.by_id.insert(summary.id().to_owned(), index);
        for alias in summary.aliases() {
            ids.by_alias
                .entry(alias.to_owned())
                .or_default()
                .push(index);
        }
    }
    Ok(ids)
}

/// ecosystem → package name → records, in load order, each once.
fn index_packages(summaries: &[Summary<'_>]) -> HashMap<String, HashMap<String, Vec<u32>>> {
    let mut by_package: HashMap<String, HashMap<String, Vec<u32>>> = HashMap::new();
    for (index, summary) in summaries.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for (ecosystem, name) in summary.packages() {
            let names = match by_package.get_mut(ecosystem) {
                Some(names) => names,
                None => by_package.entry(ecosystem.to_owned()).or_default(),
            };
            let list = match names.get_mut(name) {
                Some(list) => list,
                None => names.entry(name.to_owned()).or_default(),
            };
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    by_package
}

/// Partitions records into groups describing the same vulnerability: two
/// records are in one group when one's ID is the other's alias, or they
/// share an alias (transitively). Returns each record's group number.
fn alias_groups(summaries: &[Summary<'_>], ids: &Ids) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..summaries.len())
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();

    fn find(parent: &mut [u32], mut node: u32) -> u32 {
        while let Some(&up) = parent.get(node as usize) {
            if up == node {
                break;
            }
            // Path halving.
            let grand = parent.get(up as usize).copied().unwrap_or(up);
            if let Some(slot) = parent.get_mut(node as usize) {
                *slot = grand;
            }
            node = grand;
        }
        node
    }

    fn union(parent: &mut [u32], a: u32, b: u32) {
        let (ra, rb) = (find(parent, a), find(parent, b));
        // The smaller index becomes the root: groups are deterministic.
        let (root, child) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = parent.get_mut(child as usize) {
            *slot = root;
        }
    }

    for (index, summary) in summaries.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for alias in summary.aliases() {
            if let Some(&other) = ids.by_id.get(alias) {
                union(&mut parent, index, other);
            }
        }
    }
    for sharing in ids.by_alias.values() {
        if let Some((&first, rest)) = sharing.split_first() {
            for &other in rest {
                union(&mut parent, first, other);
            }
        }
    }
    (0..summaries.len())
        .map(|i| find(&mut parent, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect()
}
