//! The loaded database and its indexes.

use std::collections::HashMap;

use osv::Vulnerability;

use crate::order::Orders;
use crate::{Error, Result};

/// One record and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) record: Vulnerability,
    pub(crate) origin: String,
    /// Records with the same group describe the same vulnerability (they are
    /// linked by IDs and aliases).
    pub(crate) group: u32,
}

/// A set of OSV records, indexed by package, ID and alias.
///
/// Built by [`Loader`](crate::Loader) (or the `from_*` shortcuts), which
/// checks every record; query it with [`Database::query`].
#[derive(Debug, Clone)]
pub struct Database {
    pub(crate) entries: Vec<Entry>,
    by_id: HashMap<String, u32>,
    by_alias: HashMap<String, Vec<u32>>,
    /// ecosystem → package name → records, in load order, each once.
    by_package: HashMap<String, HashMap<String, Vec<u32>>>,
    pub(crate) orders: Orders,
    source: String,
}

impl Database {
    /// Indexes checked records. `source` names the whole database in messages.
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
        let mut by_id: HashMap<String, u32> = HashMap::with_capacity(records.len());
        let mut entries: Vec<Entry> = Vec::with_capacity(records.len());
        for (origin, record) in records {
            let index = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            if let Some(&first) = by_id.get(&record.id) {
                let first = entries
                    .get(first as usize)
                    .map(|e| e.origin.clone())
                    .unwrap_or_default();
                return Err(Error::DuplicateId {
                    id: record.id,
                    first,
                    second: origin,
                });
            }
            by_id.insert(record.id.clone(), index);
            entries.push(Entry {
                record,
                origin,
                group: index,
            });
        }

        let mut by_alias: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_package: HashMap<String, HashMap<String, Vec<u32>>> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            for alias in entry.record.aliases() {
                by_alias.entry(alias.clone()).or_default().push(index);
            }
            for affected in entry.record.affected() {
                let Some(package) = &affected.package else {
                    continue;
                };
                let list = by_package
                    .entry(package.ecosystem.clone())
                    .or_default()
                    .entry(package.name.clone())
                    .or_default();
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }

        let groups = alias_groups(&entries, &by_id, &by_alias);
        for (entry, group) in entries.iter_mut().zip(groups) {
            entry.group = group;
        }

        Ok(Database {
            entries,
            by_id,
            by_alias,
            by_package,
            orders,
            source,
        })
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
    pub fn records(&self) -> impl ExactSizeIterator<Item = &Vulnerability> {
        self.entries.iter().map(|e| &e.record)
    }

    /// The record with this ID.
    pub fn get(&self, id: &str) -> Option<&Vulnerability> {
        self.by_id
            .get(id)
            .and_then(|&i| self.entries.get(i as usize))
            .map(|e| &e.record)
    }

    /// Where the record with this ID was loaded from.
    pub fn origin(&self, id: &str) -> Option<&str> {
        self.by_id
            .get(id)
            .and_then(|&i| self.entries.get(i as usize))
            .map(|e| e.origin.as_str())
    }

    /// Records that list `alias` among their aliases.
    pub fn with_alias(&self, alias: &str) -> Vec<&Vulnerability> {
        self.by_alias
            .get(alias)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entries.get(i as usize))
            .map(|e| &e.record)
            .collect()
    }

    /// The record with this ID, or else the records with this alias.
    pub fn lookup(&self, id_or_alias: &str) -> Vec<&Vulnerability> {
        match self.get(id_or_alias) {
            Some(record) => vec![record],
            None => self.with_alias(id_or_alias),
        }
    }

    /// Records with an affected entry for this package (withdrawn included).
    pub fn for_package(&self, ecosystem: &str, name: &str) -> Vec<&Vulnerability> {
        self.package_entries(ecosystem, name)
            .iter()
            .filter_map(|&i| self.entries.get(i as usize))
            .map(|e| &e.record)
            .collect()
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

    /// The latest `modified` timestamp: how fresh the database is.
    pub fn last_modified(&self) -> Option<&osv::Timestamp> {
        self.entries.iter().map(|e| &e.record.modified).max()
    }

    /// The version orders this database evaluates ranges with.
    pub fn orders(&self) -> &Orders {
        &self.orders
    }
}

/// Partitions records into groups describing the same vulnerability: two
/// records are in one group when one's ID is the other's alias, or they
/// share an alias (transitively). Returns each record's group number.
fn alias_groups(
    entries: &[Entry],
    by_id: &HashMap<String, u32>,
    by_alias: &HashMap<String, Vec<u32>>,
) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..entries.len())
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

    for (index, entry) in entries.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for alias in entry.record.aliases() {
            if let Some(&other) = by_id.get(alias) {
                union(&mut parent, index, other);
            }
        }
    }
    for sharing in by_alias.values() {
        if let Some((&first, rest)) = sharing.split_first() {
            for &other in rest {
                union(&mut parent, first, other);
            }
        }
    }
    (0..entries.len())
        .map(|i| find(&mut parent, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect()
}
