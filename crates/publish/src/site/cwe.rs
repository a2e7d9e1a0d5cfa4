//! The names of CWE weaknesses, from MITRE's catalogue (`data/cwe-names.tsv`, made by
//! `scripts/cwe-names.py`; terms of use in `data/CWE-TERMS.txt`).

use std::sync::OnceLock;

/// `ID<TAB>Name` lines sorted by ID, after `#` comment lines.
const NAMES: &str = include_str!("../../data/cwe-names.tsv");

/// The name of weakness `CWE-<number>`, when the catalogue has it.
pub(crate) fn name(number: u32) -> Option<&'static str> {
    static TABLE: OnceLock<Vec<(u32, &'static str)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        NAMES
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (id, name) = line.split_once('\t')?;
                Some((id.parse().ok()?, name))
            })
            .collect()
    });
    let index = table.binary_search_by_key(&number, |(id, _)| *id).ok()?;
    table.get(index).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_catalogue() {
        assert_eq!(
            name(78),
            Some(
                "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')"
            )
        );
        assert_eq!(
            name(770),
            Some("Allocation of Resources Without Limits or Throttling")
        );
        assert_eq!(name(0), None);
        assert_eq!(name(99_999), None);
    }

    #[test]
    fn the_table_is_sorted_and_well_formed() {
        let ids: Vec<u32> = NAMES
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| {
                let (id, name) = line.split_once('\t').expect("ID<TAB>Name");
                assert!(!name.is_empty() && !name.contains('\t'), "{line}");
                id.parse().expect("a number")
            })
            .collect();
        assert!(ids.len() > 900, "{} names", ids.len());
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
    }
}
