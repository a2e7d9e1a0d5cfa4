//! Matching the requirements of a plain `*.opam` file: which versions that a dependency
//! constraint admits are affected by a vulnerability (how: see [`ConstraintMatch`]).

use std::collections::{BTreeMap, BTreeSet};

use opam_model::{
    Dependency, DependencyFlags, DependencyFormula, Filter, FilteredConstraint, Formula,
    PackageName, Version, VersionFormula,
};
use serde::Serialize;

use super::{Finding, Rating, advisory_url};
use crate::input::{Position, Requirement};

/// What a finding on a plain `*.opam` file is about: a dependency entry, not an
/// installed version.
///
/// # How the admitted versions are found
///
/// For each requirement (`"cohttp" {>= "5.0"}`) with records in the database:
///
/// 1. The candidate versions are every version the package's records list in their
///    OSV `versions` (opam order, as opam-model's [`Version`] compares them). For an
///    affected entry that has ranges but no `versions` list, the versions its ECOSYSTEM
///    and SEMVER events name (`introduced`, including `"0"`, and `last_affected`) and the
///    versions the constraint itself names are tried instead: an approximation, which
///    misses a constraint admitting only versions strictly between those (the OSEC
///    export and osv.dev's opam records always carry `versions`).
/// 2. The constraint is evaluated with opam-model's
///    [`filter_deps`](opam_model::DependencyFormula::filter_deps) under each setting of
///    the dependency flags (none, `build`, `post`, `with-test`, `with-doc`, `dev`,
///    `with-dev-setup`), one at a time. Other variables (`os`, `arch`, `%{…}%`, the
///    package's own `version`) are unknown: a filter that stays undefined counts as true
///    and a version that stays undefined drops its constraint, so the entry admits more,
///    never less (conservative).
/// 3. A candidate is admitted when some setting admits it; the admitted candidates are
///    matched with `vulndb::Database::query`, and one finding per vulnerability lists the
///    admitted affected versions. It is development-only when no setting without a
///    development flag (none, `build`, `post`) admits an affected version.
///
/// A constraint that admits no affected version gives no finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstraintMatch {
    /// The field the entry is in: `depends` or `depopts`.
    pub field: &'static str,
    /// The constraints as written, braces included (`{>= "5.0"}`); empty when the entry
    /// has none (every version is admitted).
    pub text: String,
    /// The dependency's kind from its filter flags (`normal`, `build`, `with-test`…).
    pub kind: &'static str,
    /// The affected versions the constraint admits, in opam order.
    pub admitted: Vec<String>,
    /// Where the entry is written in the file.
    pub region: Region,
}

impl ConstraintMatch {
    /// The admitted versions in short: `5.0.0…6.2.2 (14 versions)`, `6.2.2 (1 version)`.
    pub fn admitted_text(&self) -> String {
        let count = self.admitted.len();
        let plural = if count == 1 { "" } else { "s" };
        match (self.admitted.first(), self.admitted.last()) {
            (Some(first), Some(last)) if count > 1 => {
                format!("{first}…{last} ({count} version{plural})")
            }
            (Some(only), _) => format!("{only} (1 version)"),
            _ => "no version".to_owned(),
        }
    }

    /// The constraint as shown to people: `{>= "5.0"}`, or `(any version)`.
    pub fn display_text(&self) -> &str {
        if self.text.is_empty() {
            "(any version)"
        } else {
            &self.text
        }
    }
}

/// A region of a file: 1-based lines and columns (columns in bytes), the end just
/// after the last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    /// First line.
    pub start_line: u32,
    /// Column of the first character.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// Column just after the last character.
    pub end_column: u32,
}

impl Region {
    fn new(start: Position, end: Position) -> Region {
        Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

/// The flag settings that do not ask for development dependencies.
const PRODUCTION: [DependencyFlags; 3] = [
    DependencyFlags::NONE,
    DependencyFlags {
        build: true,
        ..DependencyFlags::NONE
    },
    DependencyFlags {
        post: true,
        ..DependencyFlags::NONE
    },
];

/// The flag settings that do.
const DEVELOPMENT: [DependencyFlags; 4] = [
    DependencyFlags {
        test: true,
        ..DependencyFlags::NONE
    },
    DependencyFlags {
        doc: true,
        ..DependencyFlags::NONE
    },
    DependencyFlags {
        dev: true,
        ..DependencyFlags::NONE
    },
    DependencyFlags {
        dev_setup: true,
        ..DependencyFlags::NONE
    },
];

/// The version formulas a requirement reduces to under `settings` (none for a setting
/// under which the entry does not apply).
fn reduced(requirement: &Requirement, settings: &[DependencyFlags]) -> Vec<VersionFormula> {
    let Ok(name) = PackageName::parse(&requirement.name) else {
        return Vec::new();
    };
    let formula: DependencyFormula = Formula::Atom(Dependency {
        name,
        constraint: requirement.constraint.clone(),
    });
    let unknown = |_: opam_model::VariableScope<'_>, _: &str| None;
    settings
        .iter()
        .filter_map(|flags| match formula.filter_deps(flags, &unknown, true) {
            Formula::Atom(package) => Some(package.constraint),
            _ => None,
        })
        .collect()
}

/// The versions written as literals in the constraint (`>= "5.0"` gives 5.0).
fn named_versions(requirement: &Requirement) -> Vec<String> {
    requirement
        .constraint
        .atoms()
        .into_iter()
        .filter_map(|atom| match atom {
            FilteredConstraint::Constraint(_, Filter::String(text)) if !text.contains("%{") => {
                Some(text.clone())
            }
            _ => None,
        })
        .collect()
}

/// The versions to try, each once, in opam order.
fn candidates(
    requirement: &Requirement,
    db: &vulndb::Database,
) -> Result<BTreeSet<(Version, String)>, vulndb::Error> {
    let mut texts: Vec<String> = Vec::new();
    let mut ranges_only = false;
    for record in db.for_package(osv::OPAM_ECOSYSTEM, &requirement.name)? {
        for affected in record.affected() {
            let Some(package) = &affected.package else {
                continue;
            };
            if package.ecosystem != osv::OPAM_ECOSYSTEM || package.name != requirement.name {
                continue;
            }
            texts.extend(affected.versions().iter().cloned());
            if !affected.versions().is_empty() {
                continue;
            }
            for range in affected.ranges() {
                if range.kind == osv::RangeKind::Git {
                    continue;
                }
                ranges_only = true;
                for event in &range.events {
                    match event {
                        osv::Event::Introduced(v) | osv::Event::LastAffected(v) => {
                            texts.push(v.clone());
                        }
                        osv::Event::Fixed(_) | osv::Event::Limit(_) => {}
                    }
                }
            }
        }
    }
    if ranges_only {
        texts.extend(named_versions(requirement));
    }
    Ok(texts
        .into_iter()
        .filter_map(|text| Version::parse(&text).ok().map(|v| (v, text)))
        .collect())
}

/// One finding per vulnerability affecting a version `requirement` admits.
/// Fails as [`vulndb::Database::query`] does.
pub(super) fn findings(
    requirement: &Requirement,
    db: &vulndb::Database,
) -> Result<Vec<Finding>, vulndb::Error> {
    if !db.has_package(osv::OPAM_ECOSYSTEM, &requirement.name) {
        return Ok(Vec::new());
    }
    let production = reduced(requirement, &PRODUCTION);
    let development = reduced(requirement, &DEVELOPMENT);
    struct Group<'db> {
        hit: vulndb::Finding<'db>,
        admitted: Vec<String>,
        fixed: BTreeSet<(Version, String)>,
        in_production: bool,
    }
    let mut groups: BTreeMap<String, Group<'_>> = BTreeMap::new();
    for (version, text) in candidates(requirement, db)? {
        let in_production = production.iter().any(|f| f.matches(&version));
        if !in_production && !development.iter().any(|f| f.matches(&version)) {
            continue;
        }
        for hit in db.query(&vulndb::Query::opam(
            requirement.name.as_str(),
            text.as_str(),
        ))? {
            let fixed: Vec<(Version, String)> = hit
                .fixed_versions()
                .iter()
                .filter_map(|f| Version::parse(f).ok().map(|v| (v, f.clone())))
                .collect();
            let group = groups.entry(hit.id().to_owned()).or_insert_with(|| Group {
                hit: hit.clone(),
                admitted: Vec::new(),
                fixed: BTreeSet::new(),
                in_production: false,
            });
            group.admitted.push(text.clone());
            group.fixed.extend(fixed);
            group.in_production |= in_production;
        }
    }
    Ok(groups
        .into_iter()
        .map(|(id, group)| {
            let record = group.hit.vulnerability();
            let text = if requirement.constraint_text.is_empty() {
                String::new()
            } else {
                format!("{{{}}}", requirement.constraint_text)
            };
            Finding {
                id,
                aliases: group.hit.aliases().into_iter().map(str::to_owned).collect(),
                summary: record.summary.clone().unwrap_or_default(),
                severity: group
                    .hit
                    .records()
                    .iter()
                    .find_map(|r| Rating::of_record(r, &requirement.name)),
                package: requirement.name.clone(),
                installed_version: String::new(),
                fixed_versions: group.fixed.into_iter().map(|(_, text)| text).collect(),
                path: Vec::new(),
                development_only: !group.in_production,
                url: advisory_url(record),
                constraint: Some(ConstraintMatch {
                    field: requirement.field,
                    text,
                    kind: requirement.kind.as_str(),
                    admitted: group.admitted,
                    region: Region::new(requirement.start, requirement.end),
                }),
                location: None,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::input::Input;

    /// The affected versions of the test record, in opam order.
    const AFFECTED: [&str; 7] = ["0.9", "1.0~rc1", "1.0", "1.0.1", "1.2", "2.0~beta", "2.0"];

    /// One record for `pkg` listing [`AFFECTED`], and one for `ranged` with a range and
    /// no `versions` list.
    fn database() -> vulndb::Database {
        let versions = AFFECTED.map(|v| format!("\"{v}\"")).join(", ");
        let records = [
            format!(
                r#"{{"id": "OSEC-2026-90", "modified": "2026-01-01T00:00:00Z", "summary": "listed",
                   "affected": [{{"package": {{"ecosystem": "opam", "name": "pkg"}},
                     "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "2.1"}}]}}],
                     "versions": [{versions}]}}]}}"#
            ),
            r#"{"id": "OSEC-2026-91", "modified": "2026-01-01T00:00:00Z", "summary": "ranged",
                "affected": [{"package": {"ecosystem": "opam", "name": "ranged"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.5"}, {"fixed": "3.0"}]}]}]}"#
                .to_owned(),
        ];
        vulndb::Loader::new()
            .from_records(
                "test",
                records.iter().map(|json| {
                    let record = osv::from_str(json).expect("a valid record");
                    (format!("{}.json", record.id), record)
                }),
            )
            .expect("database")
    }

    /// The requirements of `depends: [DEPENDS]`, read as `osec audit` reads a file.
    fn requirements(depends: &str) -> Vec<Requirement> {
        let dir = std::env::temp_dir().join(format!(
            "osec-constraint-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file: PathBuf = dir.join("x.opam");
        std::fs::write(
            &file,
            format!("opam-version: \"2.0\"\ndepends: [{depends}]\n"),
        )
        .expect("write");
        let inventory = Input::OpamFile { file }.read().expect("reads");
        let _ = std::fs::remove_dir_all(&dir);
        inventory.requirements().to_vec()
    }

    fn admitted(depends: &str, db: &vulndb::Database) -> Vec<String> {
        requirements(depends)
            .iter()
            .flat_map(|r| findings(r, db).unwrap())
            .flat_map(|f| f.constraint.map(|c| c.admitted).unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_range_without_versions_is_tried_at_its_bounds_and_the_constraints_versions() {
        let db = database();
        assert_eq!(admitted(r#""ranged" {>= "2.5"}"#, &db), ["2.5"]);
        assert_eq!(admitted(r#""ranged""#, &db), ["1.5"]);
        assert_eq!(admitted(r#""ranged" {< "1.5"}"#, &db), Vec::<String>::new());
        assert_eq!(
            admitted(r#""ranged" {>= "3.0"}"#, &db),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unknown_packages_and_entries_that_never_apply_give_nothing() {
        let db = database();
        assert!(admitted(r#""other" {< "1.0"}"#, &db).is_empty());
        assert!(admitted(r#""pkg" {false}"#, &db).is_empty());
        assert_eq!(
            admitted(r#""pkg" {= version}"#, &db),
            AFFECTED,
            "unknown version: all"
        );
    }

    /// Every version the strategy draws, in opam's order, written out by hand so
    /// that the expected result does not come from the code under test.
    const IN_OPAM_ORDER: [&str; 14] = [
        "0", "0.9", "0.9.1", "1.0~", "1.0~rc1", "1.0", "1.0.1", "1.1", "1.2", "1.10", "2.0~beta",
        "2.0", "2.0.0", "3",
    ];

    fn rank(version: &str) -> usize {
        IN_OPAM_ORDER
            .iter()
            .position(|v| *v == version)
            .expect("a version of the table")
    }

    /// A version constraint, kept as a tree to evaluate it independently.
    #[derive(Debug, Clone)]
    enum Constraint {
        Atom(&'static str, &'static str),
        Both(Box<Constraint>, Box<Constraint>),
        Either(Box<Constraint>, Box<Constraint>),
    }

    impl Constraint {
        fn text(&self) -> String {
            match self {
                Constraint::Atom(op, v) => format!("{op} \"{v}\""),
                Constraint::Both(a, b) => format!("({}) & ({})", a.text(), b.text()),
                Constraint::Either(a, b) => format!("({}) | ({})", a.text(), b.text()),
            }
        }

        /// Whether `version` satisfies the constraint, by the ranks of the table.
        fn holds(&self, version: &str) -> bool {
            match self {
                Constraint::Atom(op, bound) => {
                    let (v, b) = (rank(version), rank(bound));
                    match *op {
                        "=" => v == b,
                        "!=" => v != b,
                        "<" => v < b,
                        "<=" => v <= b,
                        ">" => v > b,
                        _ => v >= b,
                    }
                }
                Constraint::Both(a, b) => a.holds(version) && b.holds(version),
                Constraint::Either(a, b) => a.holds(version) || b.holds(version),
            }
        }
    }

    fn constraint() -> impl Strategy<Value = Constraint> {
        let atom = (
            proptest::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]),
            proptest::sample::select(IN_OPAM_ORDER.to_vec()),
        )
            .prop_map(|(op, v)| Constraint::Atom(op, v));
        atom.prop_recursive(3, 8, 2, |inner| {
            (inner.clone(), any::<bool>(), inner).prop_map(|(a, both, b)| {
                if both {
                    Constraint::Both(Box::new(a), Box::new(b))
                } else {
                    Constraint::Either(Box::new(a), Box::new(b))
                }
            })
        })
    }

    #[test]
    fn the_order_table_is_opams_order() {
        for pair in IN_OPAM_ORDER.windows(2) {
            let [lower, higher] = pair else { continue };
            assert!(
                Version::parse(lower).expect("version") < Version::parse(higher).expect("version"),
                "{lower} < {higher}"
            );
        }
    }

    proptest! {
        /// The admitted versions are exactly the affected versions that the constraint
        /// admits, evaluated on the hand-written order above.
        #[test]
        fn admits_exactly_the_affected_versions_the_constraint_matches(constraint in constraint()) {
            let db = database();
            let expected: Vec<&str> = AFFECTED
                .into_iter()
                .filter(|v| constraint.holds(v))
                .collect();
            let text = constraint.text();
            prop_assert_eq!(admitted(&format!("\"pkg\" {{{text}}}"), &db), expected);
        }
    }

    #[test]
    fn versions_of_another_package_of_the_record_are_not_candidates() {
        // pkg-lwt had a 1.1.5 release, pkg did not; both are inside the range.
        let record = osv::from_str(
            r#"{"id": "OSEC-2026-92", "modified": "2026-01-01T00:00:00Z",
                "affected": [
                  {"package": {"ecosystem": "opam", "name": "pkg"}, "versions": ["1.0", "1.1"],
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]},
                  {"package": {"ecosystem": "opam", "name": "pkg-lwt"}, "versions": ["1.0", "1.1", "1.1.5"],
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]}
                ]}"#,
        )
        .expect("a valid record");
        let db = vulndb::Loader::new()
            .from_records("test", [("OSEC-2026-92.json".to_owned(), record)])
            .expect("database");
        assert_eq!(admitted(r#""pkg" {>= "1.0"}"#, &db), ["1.0", "1.1"]);
        assert_eq!(
            admitted(r#""pkg-lwt" {>= "1.0"}"#, &db),
            ["1.0", "1.1", "1.1.5"]
        );
    }
}
