//! Matching a package version against the database.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use osv::{SemverOrder, VersionOrder, Vulnerability};

use crate::order::compare;
use crate::summary::{AffectedSummary, EventKind, Kind, RangeSummary, Summary};
use crate::{Database, Result};

/// A package version to look up: ecosystem, package name, version.
///
/// Names and ecosystems are compared exactly (opam names are case-sensitive);
/// an ecosystem with a `:suffix` in a record is only found by that suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    ecosystem: String,
    name: String,
    version: String,
}

impl Query {
    /// A package version of any ecosystem.
    pub fn new(
        ecosystem: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Query {
            ecosystem: ecosystem.into(),
            name: name.into(),
            version: version.into(),
        }
    }

    /// An opam package version.
    pub fn opam(name: impl Into<String>, version: impl Into<String>) -> Self {
        Query::new(osv::OPAM_ECOSYSTEM, name, version)
    }

    /// The ecosystem.
    pub fn ecosystem(&self) -> &str {
        &self.ecosystem
    }

    /// The package name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// One vulnerability affecting the queried version. When several records
/// describe it (linked by aliases), they are reported together, once.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding<'db> {
    records: Vec<&'db Vulnerability>,
    fixed: Vec<String>,
}

impl<'db> Finding<'db> {
    /// The ID to show: the primary record's.
    pub fn id(&self) -> &'db str {
        &self.vulnerability().id
    }

    /// The primary record: the one from the ecosystem's home database
    /// (`OSEC-` for opam) if any, else the one with the smallest ID.
    pub fn vulnerability(&self) -> &'db Vulnerability {
        // `Database::query` never builds a finding without records.
        self.records[0]
    }

    /// Every matching record of this vulnerability, primary first.
    pub fn records(&self) -> &[&'db Vulnerability] {
        &self.records
    }

    /// Every other name of this vulnerability: the other records' IDs and all
    /// aliases, sorted, without the primary ID.
    pub fn aliases(&self) -> Vec<&'db str> {
        let primary = self.id();
        let mut names: Vec<&'db str> = self
            .records
            .iter()
            .flat_map(|r| {
                std::iter::once(r.id.as_str()).chain(r.aliases().iter().map(String::as_str))
            })
            .filter(|name| *name != primary)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Versions that fix it and are later than the queried version, in
    /// version order where the order is known (else as the records list
    /// them). Taken from the `fixed` events of the matching packages'
    /// ECOSYSTEM and SEMVER ranges. Empty when no fix is known.
    pub fn fixed_versions(&self) -> &[String] {
        &self.fixed
    }
}

/// The ID prefix of each ecosystem's home database, preferred as primary.
fn home_prefix(ecosystem: &str) -> Option<&'static str> {
    match osv::base_ecosystem(ecosystem) {
        "opam" => Some("OSEC-"),
        "crates.io" => Some("RUSTSEC-"),
        "Hackage" | "GHC" => Some("HSEC-"),
        "PyPI" => Some("PYSEC-"),
        "Go" => Some("GO-"),
        _ => None,
    }
}

impl Database {
    /// The vulnerabilities affecting `query`'s package version, sorted by ID.
    ///
    /// A record matches when one of its affected entries names the package
    /// and the version is in its `versions` list or inside one of its ranges:
    /// SEMVER ranges by SemVer precedence, ECOSYSTEM ranges by the ecosystem's
    /// order when the database has one ([`Orders`](crate::Orders)); GIT ranges
    /// are not evaluated. `introduced` is inclusive (`"0"`: from the
    /// beginning), `fixed` exclusive, `last_affected` inclusive, `limit`
    /// exclusive. Withdrawn records never match. Records linked by aliases
    /// make one finding.
    ///
    /// Matching reads only the records' summaries; the matching records are
    /// then parsed if they were not yet (a prepared database parses records
    /// on first use). That parse is the only error: a prepared database whose
    /// text no longer reads as a record.
    pub fn query(&self, query: &Query) -> Result<Vec<Finding<'_>>> {
        // group → (records, fixed versions)
        let mut groups: BTreeMap<u32, (Vec<&Vulnerability>, Vec<String>)> = BTreeMap::new();
        for &index in self.package_entries(&query.ecosystem, &query.name) {
            let summary = self.summary(index)?;
            if summary.withdrawn {
                continue;
            }
            if let Some(fixed) = self.match_summary(&summary, query) {
                let record = self.record(index)?;
                let group = self.entries.get(index as usize).map_or(index, |e| e.group);
                let (records, all_fixed) = groups.entry(group).or_default();
                records.push(record);
                all_fixed.extend(fixed);
            }
        }
        let ecosystem_order = self.orders.get(&query.ecosystem);
        let home = home_prefix(&query.ecosystem);
        let mut findings: Vec<Finding<'_>> = groups
            .into_values()
            .map(|(mut records, mut fixed)| {
                records.sort_by(|a, b| {
                    let foreign = |r: &Vulnerability| !home.is_some_and(|p| r.id.starts_with(p));
                    foreign(a).cmp(&foreign(b)).then_with(|| a.id.cmp(&b.id))
                });
                sort_versions(&mut fixed, ecosystem_order);
                Finding { records, fixed }
            })
            .collect();
        findings.sort_by(|a, b| a.id().cmp(b.id()));
        Ok(findings)
    }

    /// Whether the record summarised by `summary` affects the queried
    /// version; if so, its fixed versions later than the queried one.
    fn match_summary(&self, summary: &Summary<'_>, query: &Query) -> Option<Vec<String>> {
        let mut matched = false;
        let mut fixed = Vec::new();
        for affected in summary.affected() {
            if affected.ecosystem != query.ecosystem || affected.name != query.name {
                continue;
            }
            let ecosystem_order = self.orders.get(affected.ecosystem);
            if affects(&affected, &query.version, ecosystem_order) {
                matched = true;
                fixed.extend(later_fixes(&affected, &query.version, ecosystem_order));
            }
        }
        matched.then_some(fixed)
    }
}

/// Whether `version` is listed in, or inside a range of, `affected`.
fn affects(
    affected: &AffectedSummary<'_>,
    version: &str,
    ecosystem_order: Option<&(dyn VersionOrder + Send + Sync)>,
) -> bool {
    affected.versions.contains(&version)
        || affected.ranges.iter().any(|range| {
            range_order(range, ecosystem_order)
                .is_some_and(|order| range_includes(range, version, order))
        })
}

/// The order a range's events are compared with, if it can be evaluated.
fn range_order<'o>(
    range: &RangeSummary<'_>,
    ecosystem_order: Option<&'o (dyn VersionOrder + Send + Sync)>,
) -> Option<&'o dyn VersionOrder> {
    match range.kind {
        Kind::Semver => Some(&SemverOrder),
        Kind::Ecosystem => ecosystem_order.map(|o| o as &dyn VersionOrder),
        Kind::Git => None,
    }
}

/// The OSV evaluation of one range. Events are in ascending order: the loader
/// checked that with this very order. A version the order cannot compare is
/// outside the range.
fn range_includes(range: &RangeSummary<'_>, version: &str, order: &dyn VersionOrder) -> bool {
    let cmp = |other: &str| compare(order, version, other);
    let mut limits = range
        .events
        .iter()
        .filter(|(kind, _)| *kind == EventKind::Limit)
        .map(|(_, limit)| *limit)
        .peekable();
    if limits.peek().is_some()
        && !limits.any(|limit| limit == "*" || cmp(limit) == Some(Ordering::Less))
    {
        return false;
    }
    let mut vulnerable = false;
    for &(kind, event) in &range.events {
        match kind {
            EventKind::Introduced => {
                if event == "0" || matches!(cmp(event), Some(Ordering::Greater | Ordering::Equal)) {
                    vulnerable = true;
                }
            }
            EventKind::Fixed => {
                if matches!(cmp(event), Some(Ordering::Greater | Ordering::Equal)) {
                    vulnerable = false;
                }
            }
            EventKind::LastAffected => {
                if cmp(event) == Some(Ordering::Greater) {
                    vulnerable = false;
                }
            }
            EventKind::Limit => {}
        }
    }
    vulnerable
}

/// The `fixed` versions of `affected`'s ECOSYSTEM and SEMVER ranges that are
/// later than `version` (all of them when they cannot be compared).
fn later_fixes<'a>(
    affected: &'a AffectedSummary<'a>,
    version: &'a str,
    ecosystem_order: Option<&'a (dyn VersionOrder + Send + Sync)>,
) -> impl Iterator<Item = String> + 'a {
    affected
        .ranges
        .iter()
        .filter(|range| range.kind != Kind::Git)
        .flat_map(move |range| {
            let order = range_order(range, ecosystem_order);
            range
                .events
                .iter()
                .filter_map(move |&(kind, fixed)| match kind {
                    EventKind::Fixed => {
                        let earlier = order
                            .and_then(|o| compare(o, fixed, version))
                            .is_some_and(|ordering| ordering != Ordering::Greater);
                        (!earlier).then(|| fixed.to_owned())
                    }
                    _ => None,
                })
        })
}

/// Sorts by the ecosystem order when there is one (keeping the given order
/// for versions it cannot compare), removing duplicates.
fn sort_versions(versions: &mut Vec<String>, order: Option<&(dyn VersionOrder + Send + Sync)>) {
    let mut seen = std::collections::HashSet::new();
    versions.retain(|v| seen.insert(v.clone()));
    // Sort only when the order accepts every version: it is then total on
    // them, which `sort_by` requires.
    if let Some(order) = order
        && versions.iter().all(|v| order.compare(v, v).is_ok())
    {
        versions.sort_by(|a, b| compare(order, a, b).unwrap_or(Ordering::Equal));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::Loader;

    /// A simple stand-in for opam's order: dot-separated numbers compared
    /// numerically (`4.9` < `4.10`); anything else is not a version.
    struct DottedOrder;

    impl VersionOrder for DottedOrder {
        fn compare(&self, a: &str, b: &str) -> Result<Ordering, String> {
            let parse = |text: &str| {
                text.split('.')
                    .map(|part| {
                        part.parse::<u64>()
                            .map_err(|_| format!("`{text}` is not dotted numbers"))
                    })
                    .collect::<Result<Vec<u64>, String>>()
            };
            Ok(parse(a)?.cmp(&parse(b)?))
        }
    }

    fn record(json: &str) -> (String, Vulnerability) {
        let record = osv::from_str(json).unwrap();
        (format!("{}.json", record.id), record)
    }

    /// An opam record for `pkg` with the given ranges and versions (JSON).
    fn opam(id: &str, extra: &str, ranges: &str, versions: &str) -> (String, Vulnerability) {
        record(&format!(
            r#"{{"id": "{id}", "modified": "2026-01-01T00:00:00Z", {extra}
               "affected": [{{"package": {{"ecosystem": "opam", "name": "pkg"}},
                              "ranges": [{ranges}], "versions": [{versions}]}}]}}"#
        ))
    }

    fn ordered(records: Vec<(String, Vulnerability)>) -> Database {
        Loader::new()
            .with_ecosystem_order("opam", Arc::new(DottedOrder))
            .from_records("test", records)
            .unwrap()
    }

    fn unordered(records: Vec<(String, Vulnerability)>) -> Database {
        Loader::with_orders(crate::Orders::new())
            .from_records("test", records)
            .unwrap()
    }

    fn ids(db: &Database, version: &str) -> Vec<String> {
        db.query(&Query::opam("pkg", version))
            .unwrap()
            .iter()
            .map(|f| f.id().to_owned())
            .collect()
    }

    fn hits(db: &Database, versions: &[&str]) -> Vec<bool> {
        versions.iter().map(|v| !ids(db, v).is_empty()).collect()
    }

    #[test]
    fn introduced_is_inclusive_fixed_exclusive() {
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "1.2"}, {"fixed": "1.10"}]}"#,
            "",
        )]);
        assert_eq!(
            hits(&db, &["1.1", "1.2", "1.9", "1.10", "2.0"]),
            [false, true, true, false, false]
        );
    }

    #[test]
    fn introduced_zero_is_the_beginning_and_last_affected_is_inclusive() {
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "3.0"}]}"#,
            "",
        )]);
        assert_eq!(hits(&db, &["0.0.1", "3.0", "3.0.1"]), [true, true, false]);
    }

    #[test]
    fn several_intervals_in_one_range_and_an_open_end() {
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "1"}, {"fixed": "2"}, {"introduced": "3"}]}"#,
            "",
        )]);
        assert_eq!(
            hits(&db, &["0.9", "1", "2", "2.5", "3", "99"]),
            [false, true, false, false, true, true]
        );
    }

    #[test]
    fn limit_caps_the_range() {
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"limit": "5"}]}"#,
            "",
        )]);
        assert_eq!(hits(&db, &["4.9", "5", "6"]), [true, false, false]);
    }

    #[test]
    fn without_an_order_only_the_versions_list_matches() {
        let records = vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}"#,
            r#""1.0", "1.5""#,
        )];
        let db = unordered(records.clone());
        assert_eq!(hits(&db, &["1.0", "1.2", "1.5"]), [true, false, true]);
        let db = ordered(records);
        assert_eq!(hits(&db, &["1.0", "1.2", "1.5"]), [true, true, true]);
    }

    #[test]
    fn semver_ranges_use_semver_precedence() {
        let db = unordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "SEMVER", "events": [{"introduced": "1.0.0-rc.1"}, {"fixed": "1.0.10"}]}"#,
            "",
        )]);
        assert_eq!(
            hits(
                &db,
                &[
                    "0.9.0",
                    "1.0.0-beta",
                    "1.0.0-rc.1",
                    "1.0.9",
                    "1.0.10",
                    "not.semver"
                ]
            ),
            [false, false, true, true, false, false]
        );
    }

    #[test]
    fn git_ranges_are_not_evaluated() {
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "GIT", "repo": "https://example.org/r.git", "events": [{"introduced": "0"}]}"#,
            r#""1.0""#,
        )]);
        assert_eq!(hits(&db, &["1.0", "0"]), [true, false]);
    }

    #[test]
    fn withdrawn_records_never_match() {
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            r#""withdrawn": "2026-01-01T00:00:00Z","#,
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}"#,
            r#""1.0""#,
        )]);
        assert_eq!(hits(&db, &["1.0", "2.0"]), [false, false]);
        // Still there for lookups by ID.
        assert!(db.get("OSEC-2026-01").unwrap().unwrap().is_withdrawn());
    }

    #[test]
    fn other_packages_and_ecosystems_do_not_match() {
        let db = ordered(vec![opam("OSEC-2026-01", "", "", r#""1.0""#)]);
        assert!(db.query(&Query::opam("pkg2", "1.0")).unwrap().is_empty());
        assert!(db.query(&Query::opam("Pkg", "1.0")).unwrap().is_empty());
        assert!(
            db.query(&Query::new("npm", "pkg", "1.0"))
                .unwrap()
                .is_empty()
        );
        assert_eq!(db.query(&Query::opam("pkg", "1.0")).unwrap().len(), 1);
    }

    #[test]
    fn records_linked_by_aliases_are_one_finding() {
        let db = ordered(vec![
            opam(
                "GHSA-aaaa-bbbb-cccc",
                r#""aliases": ["CVE-2026-1111"],"#,
                "",
                r#""1.0""#,
            ),
            opam(
                "OSEC-2026-01",
                r#""aliases": ["CVE-2026-1111"],"#,
                "",
                r#""1.0""#,
            ),
            opam(
                "OSEC-2026-02",
                r#""aliases": ["GHSA-xxxx-yyyy-zzzz"],"#,
                "",
                r#""1.0""#,
            ),
            opam("GHSA-xxxx-yyyy-zzzz", "", "", r#""1.0""#),
            opam("OSEC-2026-03", "", "", r#""1.0""#),
        ]);
        let findings = db.query(&Query::opam("pkg", "1.0")).unwrap();
        let summary: Vec<(&str, Vec<&str>, usize)> = findings
            .iter()
            .map(|f| (f.id(), f.aliases(), f.records().len()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "OSEC-2026-01",
                    vec!["CVE-2026-1111", "GHSA-aaaa-bbbb-cccc"],
                    2
                ),
                ("OSEC-2026-02", vec!["GHSA-xxxx-yyyy-zzzz"], 2),
                ("OSEC-2026-03", vec![], 1),
            ]
        );
    }

    #[test]
    fn alias_links_are_transitive() {
        let db = ordered(vec![
            opam(
                "OSEC-2026-01",
                r#""aliases": ["CVE-2026-1111"],"#,
                "",
                r#""1.0""#,
            ),
            opam(
                "GHSA-aaaa-bbbb-cccc",
                r#""aliases": ["CVE-2026-1111", "CVE-2026-2222"],"#,
                "",
                r#""1.0""#,
            ),
            opam(
                "PYSEC-2026-1",
                r#""aliases": ["CVE-2026-2222"],"#,
                "",
                r#""1.0""#,
            ),
        ]);
        let findings = db.query(&Query::opam("pkg", "1.0")).unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].records().len(), 3);
    }

    #[test]
    fn fixed_versions_are_the_later_fixes_in_version_order() {
        // Like OSEC-2026-01: two branches, each with its own fix.
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.14.3"}]},
               {"type": "ECOSYSTEM", "events": [{"introduced": "5"}, {"fixed": "5.4.1"}]},
               {"type": "GIT", "repo": "https://github.com/ocaml/ocaml", "events": [{"introduced": "0"}, {"fixed": "b0a2614684a52acded784ec213f14ddfe085d146"}]}"#,
            "",
        )]);
        let fixed = |version: &str| {
            db.query(&Query::opam("pkg", version))
                .unwrap()
                .first()
                .map(|f| f.fixed_versions().to_vec())
        };
        assert_eq!(fixed("4.14.1"), Some(vec!["4.14.3".into(), "5.4.1".into()]));
        assert_eq!(fixed("5.1.0"), Some(vec!["5.4.1".into()]));
        assert_eq!(fixed("4.14.3"), None);
    }

    #[test]
    fn fixed_versions_without_an_order_are_all_fixes_as_listed() {
        let db = unordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "5"}, {"fixed": "5.4.1"}]},
               {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.14.3"}]}"#,
            r#""4.14.1""#,
        )]);
        let findings = db.query(&Query::opam("pkg", "4.14.1")).unwrap();
        assert_eq!(findings[0].fixed_versions(), ["5.4.1", "4.14.3"]);
    }

    #[test]
    fn a_query_keeps_what_it_was_given() {
        let query = Query::new("crates.io", "hyper", "0.14.9");
        assert_eq!(
            (query.ecosystem(), query.name(), query.version()),
            ("crates.io", "hyper", "0.14.9")
        );
        let query = Query::opam("cohttp", "6.2.2");
        assert_eq!(
            (query.ecosystem(), query.name(), query.version()),
            ("opam", "cohttp", "6.2.2")
        );
    }

    /// Two records of one vulnerability of `ecosystem`'s package `pkg`, linked
    /// by a CVE: the home database's and a GitHub advisory (whose ID sorts first).
    fn home_and_github(ecosystem: &str, home_id: &str) -> Database {
        let record_of = |id: &str| {
            record(&format!(
                r#"{{"id": "{id}", "modified": "2026-01-01T00:00:00Z", "aliases": ["CVE-2026-1111"],
                   "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "pkg"}},
                                  "versions": ["1.0"]}}]}}"#
            ))
        };
        unordered(vec![record_of("GHSA-aaaa-bbbb-cccc"), record_of(home_id)])
    }

    #[test]
    fn the_home_databases_record_is_primary_in_each_ecosystem() {
        for (ecosystem, home_id) in [
            ("opam", "OSEC-2026-01"),
            ("crates.io", "RUSTSEC-2026-0001"),
            ("Hackage", "HSEC-2026-0001"),
            ("GHC", "HSEC-2026-0002"),
            ("PyPI", "PYSEC-2026-1"),
            ("Go", "GO-2026-0001"),
        ] {
            let db = home_and_github(ecosystem, home_id);
            let findings = db.query(&Query::new(ecosystem, "pkg", "1.0")).unwrap();
            let primary: Vec<&str> = findings.iter().map(|f| f.id()).collect();
            assert_eq!(primary, [home_id], "{ecosystem}");
            assert_eq!(
                findings[0].aliases(),
                ["CVE-2026-1111", "GHSA-aaaa-bbbb-cccc"],
                "{ecosystem}"
            );
        }
        // Elsewhere (npm has no home database here) the smallest ID is primary.
        let db = home_and_github("npm", "OSV-2026-1");
        let findings = db.query(&Query::new("npm", "pkg", "1.0")).unwrap();
        assert_eq!(findings[0].id(), "GHSA-aaaa-bbbb-cccc");
    }

    #[test]
    fn another_package_of_the_same_record_and_ecosystem_does_not_match() {
        let db = ordered(vec![record(
            r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z",
                "affected": [
                  {"package": {"ecosystem": "opam", "name": "pkg"}, "versions": ["1.0"]},
                  {"package": {"ecosystem": "opam", "name": "pkg-lwt"}, "versions": ["2.0"],
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.1"}]}]}
                ]}"#,
        )]);
        assert_eq!(hits(&db, &["1.0", "2.0"]), [true, false]);
        let findings = db.query(&Query::opam("pkg", "1.0")).unwrap();
        assert_eq!(findings[0].fixed_versions(), [] as [String; 0]);
    }

    #[test]
    fn fixed_versions_are_sorted_in_the_ecosystem_order_each_once() {
        // Listed out of order, 5.1 twice; 4.9 before 4.11 in version order only.
        let db = ordered(vec![opam(
            "OSEC-2026-01",
            "",
            r#"{"type": "ECOSYSTEM", "events": [{"introduced": "5"}, {"fixed": "5.1"}]},
               {"type": "ECOSYSTEM", "events": [{"introduced": "4.10"}, {"fixed": "4.11"}]},
               {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.9"}]},
               {"type": "ECOSYSTEM", "events": [{"introduced": "5.0.5"}, {"fixed": "5.1"}]}"#,
            "",
        )]);
        let findings = db.query(&Query::opam("pkg", "1.0")).unwrap();
        assert_eq!(findings[0].fixed_versions(), ["4.9", "4.11", "5.1"]);
    }

    #[test]
    fn a_record_with_two_entries_for_the_package_is_one_finding() {
        let db = ordered(vec![record(
            r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z",
                "affected": [
                  {"package": {"ecosystem": "opam", "name": "pkg"}, "versions": ["1.0"],
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1"}]}]},
                  {"package": {"ecosystem": "opam", "name": "pkg"}, "versions": ["1.0"],
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]}
                ]}"#,
        )]);
        let findings = db.query(&Query::opam("pkg", "1.0")).unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].fixed_versions(), ["1.1", "1.2"]);
        assert_eq!(db.for_package("opam", "pkg").unwrap().len(), 1);
    }

    #[test]
    fn loading_rejects_ranges_out_of_the_ecosystem_order() {
        let err = Loader::new()
            .with_ecosystem_order("opam", Arc::new(DottedOrder))
            .from_records(
                "test",
                [opam(
                    "OSEC-2026-01",
                    "",
                    r#"{"type": "ECOSYSTEM", "events": [{"introduced": "1.10"}, {"fixed": "1.9"}]}"#,
                    "",
                )],
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("OSEC-2026-01.json: OSV record OSEC-2026-01 breaks 1 rule"),
            "{err}"
        );
        assert!(err.contains("[event-order]"), "{err}");
    }
}
