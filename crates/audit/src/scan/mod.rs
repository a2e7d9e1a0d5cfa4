//! Matching an [`Inventory`] against a [`vulndb::Database`]: one [`Finding`] per
//! vulnerability and affected installed package, with severity, fixes and the path
//! that brings the package in; for a plain `*.opam` file, one per vulnerability and
//! dependency whose constraint admits an affected version (see [`ConstraintMatch`]
//! and the module `constraint` for how).

mod constraint;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::input::{InstalledPackage, Inventory, Location, Note, Registry};

pub use constraint::{ConstraintMatch, Region};

/// How bad a vulnerability is, from its CVSS vector (CVSS 3.x and 4.0 rating bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Score 0.0, or `--severity-threshold none` (everything is reported).
    None,
    /// 0.1–3.9.
    Low,
    /// 4.0–6.9.
    Medium,
    /// 7.0–8.9.
    High,
    /// 9.0–10.0.
    Critical,
}

impl Severity {
    /// The lower-case name (`high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The band a CVSS base score falls in.
    pub fn of_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::None
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--severity-threshold` value that is not a level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}`: expected none, low, medium, high or critical")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(text: &str) -> Result<Severity, UnknownSeverity> {
        match text.to_ascii_lowercase().as_str() {
            "none" => Ok(Severity::None),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(UnknownSeverity(text.to_owned())),
        }
    }
}

/// The severity of a record as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// The CVSS vector, as the record gives it.
    pub vector: String,
    /// The base score computed from the vector (one decimal).
    pub score: f64,
    /// The band of the score.
    pub level: Severity,
}

impl Rating {
    /// The first CVSS v3/v4 vector of `record` that parses (the record-level severity,
    /// else the affected package's); `None` when there is none.
    pub fn of_record(record: &osv::Vulnerability, package: &str) -> Option<Rating> {
        let package_level = record
            .affected()
            .iter()
            .filter(|a| a.package.as_ref().is_some_and(|p| p.name == package))
            .flat_map(|a| a.severity().iter());
        record
            .severity()
            .iter()
            .chain(package_level)
            .find_map(|severity| {
                let vector = severity.score.parse::<cvss::Cvss>().ok()?;
                let score = (vector.score() * 10.0).round() / 10.0;
                Some(Rating {
                    vector: severity.score.clone(),
                    score,
                    level: Severity::of_score(score),
                })
            })
    }
}

/// One vulnerability affecting one installed package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The vulnerability's ID (`OSEC-2026-16`).
    pub id: String,
    /// Its other IDs, sorted (CVE, GHSA, other databases' records).
    pub aliases: Vec<String>,
    /// One line on what it is; empty when the record has none.
    pub summary: String,
    /// Its severity, when the record carries a CVSS vector.
    pub severity: Option<Rating>,
    /// The affected package.
    pub package: String,
    /// The installed version; empty for a finding on a plain `*.opam` file, where
    /// nothing is installed (see `constraint`).
    pub installed_version: String,
    /// Versions that fix it, later than the installed one, in version order.
    pub fixed_versions: Vec<String>,
    /// From a root to the package (`["myapp", "cohttp-lwt-unix", "cohttp"]`); empty
    /// when no root leads to it (a partial graph).
    pub path: Vec<String>,
    /// True when only test, doc or dev dependencies lead to the package.
    pub development_only: bool,
    /// The advisory's web page (its first `ADVISORY` reference, else `WEB`), if any.
    pub url: Option<String>,
    /// For a plain `*.opam` file: the dependency entry and the affected versions it
    /// admits. Absent from the JSON for other inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<ConstraintMatch>,
    /// Where the input writes the package (the lock file's entry, the `installed:`
    /// entry of a switch state or export, the dune `.pkg` file, the esy node). Absent
    /// from the JSON when the reader does not know it (and for plain `*.opam` files,
    /// whose [`ConstraintMatch::region`] says where the entry is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    /// What the finding is about, in short: `cohttp 6.2.2`, or for a plain `*.opam`
    /// file `cohttp {>= "5.0"}`.
    pub fn subject(&self) -> String {
        match &self.constraint {
            Some(c) => format!("{} {}", self.package, c.display_text()),
            None => format!("{} {}", self.package, self.installed_version),
        }
    }

    /// The path as text: `myapp → cohttp-lwt-unix → cohttp`.
    pub fn path_text(&self) -> String {
        self.path.join(" → ")
    }

    /// Whether this finding is at least `threshold`. A finding without a CVSS vector
    /// is reported at every threshold: its severity is unknown, not low.
    pub fn reaches(&self, threshold: Severity) -> bool {
        match &self.severity {
            Some(rating) => rating.level >= threshold,
            None => true,
        }
    }
}

/// What [`scan`] matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Match pinned packages too (by default a pinned package is taken not to be the
    /// public package of that name).
    pub include_pinned: bool,
}

/// The result of matching one inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scan {
    /// What was read (`opam-switch`, `opam-lock`…).
    pub kind: &'static str,
    /// The file or directory read.
    pub path: String,
    /// The `packages_scanned` of the JSON report (defined in the crate docs).
    pub packages_scanned: usize,
    /// Pinned packages left out (names, sorted, each once).
    pub pinned_skipped: Vec<String>,
    /// Findings sorted by package, then ID.
    pub findings: Vec<Finding>,
    /// What the reader noticed (see [`Note`]).
    pub notes: Vec<Note>,
    /// Every installed (or locked) package with its dependencies, by name: the bill
    /// of materials (`--format cyclonedx`). Not part of the JSON report.
    #[serde(skip)]
    pub components: Vec<Component>,
}

/// One installed (or locked) package and the installed packages it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The package.
    pub package: InstalledPackage,
    /// The names of the installed packages it depends on (in any way: build, test…),
    /// sorted, each once.
    pub depends_on: Vec<String>,
}

impl Component {
    /// Every package of `inventory`, by name, with its dependencies on installed
    /// packages (a dependency the input names but did not install is left out).
    pub fn list(inventory: &Inventory) -> Vec<Component> {
        let mut components: Vec<Component> = inventory
            .packages()
            .map(|package| {
                let mut depends_on: Vec<String> = inventory
                    .dependencies(&package.name)
                    .filter(|dependency| inventory.package(dependency.name).is_some())
                    .map(|dependency| dependency.name.to_owned())
                    .collect();
                depends_on.sort();
                depends_on.dedup();
                Component {
                    package: package.clone(),
                    depends_on,
                }
            })
            .collect();
        components.sort_by(|a, b| a.package.name.cmp(&b.package.name));
        components
    }
}

/// Matches every opam package version of `inventory` against `db`: one finding per
/// vulnerability (records linked by aliases are one) and package version. The
/// project's own packages and npm packages are not matched; nor are pinned ones,
/// unless `options` says so. Everything a dev tool's lock directory holds is
/// development-only. Fails only when a record of a prepared database cannot be read
/// (see `vulndb`).
pub fn scan(
    inventory: &Inventory,
    db: &vulndb::Database,
    options: ScanOptions,
) -> Result<Scan, vulndb::Error> {
    let paths = inventory.paths();
    let dev_tool = inventory.input().dev_tool().is_some();
    let mut findings = Vec::new();
    let mut pinned_skipped = Vec::new();
    let mut scanned = 0;
    for package in inventory.packages() {
        if package.registry != Registry::Opam {
            continue;
        }
        if package.pinned && !options.include_pinned {
            pinned_skipped.push(package.name.clone());
            continue;
        }
        scanned += 1;
        let path = paths.get(package.name.as_str());
        let location = inventory.location(&package.name, &package.version);
        let mut found = package_findings(db, &package.name, &package.version)?;
        for finding in &mut found {
            finding.path = path.map(|p| p.packages.clone()).unwrap_or_default();
            finding.development_only = dev_tool || path.is_some_and(|p| p.development_only);
            finding.location = location.cloned();
        }
        findings.extend(found);
    }
    for requirement in inventory.requirements() {
        scanned += 1;
        findings.extend(constraint::findings(requirement, db)?);
    }
    // Stable: entries of one file for the same package and ID stay in file order.
    findings.sort_by(|a, b| (&a.package, &a.id).cmp(&(&b.package, &b.id)));
    pinned_skipped.sort();
    pinned_skipped.dedup();
    Ok(Scan {
        kind: inventory.input().kind(),
        path: inventory.input().path().display().to_string(),
        packages_scanned: scanned,
        pinned_skipped,
        findings,
        notes: inventory.notes().to_vec(),
        components: Component::list(inventory),
    })
}

/// The findings of one opam package version, without a dependency path: what
/// `osec hook check` tells opam before it installs that version.
pub fn package_findings(
    db: &vulndb::Database,
    name: &str,
    version: &str,
) -> Result<Vec<Finding>, vulndb::Error> {
    let query = vulndb::Query::opam(name, version);
    let mut findings = Vec::new();
    for hit in db.query(&query)? {
        let record = hit.vulnerability();
        findings.push(Finding {
            id: hit.id().to_owned(),
            aliases: hit.aliases().into_iter().map(str::to_owned).collect(),
            summary: record.summary.clone().unwrap_or_default(),
            severity: hit
                .records()
                .iter()
                .find_map(|r| Rating::of_record(r, name)),
            package: name.to_owned(),
            installed_version: version.to_owned(),
            fixed_versions: hit.fixed_versions().to_vec(),
            path: Vec::new(),
            development_only: false,
            url: advisory_url(record),
            constraint: None,
            location: None,
        });
    }
    Ok(findings)
}

pub(crate) fn advisory_url(record: &osv::Vulnerability) -> Option<String> {
    let by_kind = |kind: osv::ReferenceKind| {
        record
            .references()
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.url.clone())
    };
    by_kind(osv::ReferenceKind::Advisory).or_else(|| by_kind(osv::ReferenceKind::Web))
}

/// Findings grouped by vulnerability ID (for renderers listing each rule once).
pub(crate) fn by_id(findings: &[Finding]) -> BTreeMap<&str, Vec<&Finding>> {
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        groups.entry(finding.id.as_str()).or_default().push(finding);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_in_the_cvss_bands() {
        let levels: Vec<Severity> = [0.0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10.0]
            .into_iter()
            .map(Severity::of_score)
            .collect();
        use Severity::*;
        assert_eq!(
            levels,
            [
                None, Low, Low, Medium, Medium, High, High, Critical, Critical
            ]
        );
        assert_eq!("Moderate".parse::<Severity>(), Ok(Medium));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn every_level_reads_and_prints_by_its_name() {
        use Severity::*;
        for (texts, level, name) in [
            (["none", "None"], None, "none"),
            (["low", "LOW"], Low, "low"),
            (["medium", "Moderate"], Medium, "medium"),
            (["high", "High"], High, "high"),
            (["critical", "CRITICAL"], Critical, "critical"),
        ] {
            for text in texts {
                assert_eq!(text.parse::<Severity>(), Ok(level), "{text}");
            }
            assert_eq!(level.as_str(), name);
            assert_eq!(level.to_string(), name);
        }
    }

    #[test]
    fn a_package_level_rating_is_the_queried_packages() {
        // No record-level severity; each package its own vector (9.8 and 5.3 are
        // the scores FIRST's calculator gives these two CVSS 3.1 vectors).
        let record = osv::from_str(
            r#"{"id": "OSEC-2026-90", "modified": "2026-01-01T00:00:00Z",
                "affected": [
                  {"package": {"ecosystem": "opam", "name": "a"}, "versions": ["1"],
                   "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]},
                  {"package": {"ecosystem": "opam", "name": "b"}, "versions": ["1"],
                   "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}]}
                ]}"#,
        )
        .unwrap();
        let rating = |package| Rating::of_record(&record, package).map(|r| (r.score, r.level));
        assert_eq!(rating("a"), Some((9.8, Severity::Critical)));
        assert_eq!(rating("b"), Some((5.3, Severity::Medium)));
        assert_eq!(rating("c"), None);
    }

    #[test]
    fn the_subject_is_the_installed_version_or_else_the_constraint() {
        let mut finding = Finding {
            id: "OSEC-2026-16".to_owned(),
            aliases: Vec::new(),
            summary: String::new(),
            severity: None,
            package: "cohttp".to_owned(),
            installed_version: "6.2.2".to_owned(),
            fixed_versions: Vec::new(),
            path: Vec::new(),
            development_only: false,
            url: None,
            constraint: None,
            location: None,
        };
        assert_eq!(finding.subject(), "cohttp 6.2.2");
        finding.installed_version.clear();
        finding.constraint = Some(ConstraintMatch {
            field: "depends",
            text: "{>= \"5.0\"}".to_owned(),
            kind: "normal",
            admitted: vec!["6.2.2".to_owned()],
            region: Region {
                start_line: 9,
                start_column: 3,
                end_line: 9,
                end_column: 22,
            },
        });
        assert_eq!(finding.subject(), "cohttp {>= \"5.0\"}");
        if let Some(constraint) = &mut finding.constraint {
            constraint.text.clear();
        }
        assert_eq!(finding.subject(), "cohttp (any version)");
    }

    #[test]
    fn the_url_is_the_first_advisory_reference_else_the_first_web_page() {
        let url = |references: &str| {
            let record = osv::from_str(&format!(
                r#"{{"id": "OSEC-2026-90", "modified": "2026-01-01T00:00:00Z",
                    "references": [{references}]}}"#
            ))
            .unwrap();
            advisory_url(&record)
        };
        let fix = r#"{"type": "FIX", "url": "https://example.org/fix"}"#;
        let web = r#"{"type": "WEB", "url": "https://example.org/web"}"#;
        let advisory = r#"{"type": "ADVISORY", "url": "https://example.org/advisory"}"#;
        let advisory2 = r#"{"type": "ADVISORY", "url": "https://example.org/advisory2"}"#;
        assert_eq!(
            url(&format!("{fix}, {web}, {advisory}, {advisory2}")).as_deref(),
            Some("https://example.org/advisory")
        );
        assert_eq!(
            url(&format!("{fix}, {web}")).as_deref(),
            Some("https://example.org/web")
        );
        assert_eq!(url(fix), None);
    }
}
