//! The OSV 1.7 record, field by field.
//!
//! Field order in every struct is the order of the schema's format overview,
//! so serialising writes the fields in that order. Optional fields that are
//! absent stay absent; an empty array stays an empty array (published records
//! write `"references": []`), which is why optional arrays are `Option<Vec<_>>`.
//! The accessor methods of the same names give a plain slice.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Timestamp;

/// A free-form JSON object (`database_specific`, `ecosystem_specific`); keys
/// keep the order they were written in.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// One OSV record: a vulnerability and the packages and versions it affects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vulnerability {
    /// The OSV schema version the record was written for (`1.7.4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// The record's identifier, `<DB>-<ENTRYID>` (`OSEC-2026-16`).
    pub id: String,
    /// When the record last changed.
    pub modified: Timestamp,
    /// When the record was first published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// When the record was withdrawn; a withdrawn record never matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Timestamp>,
    /// IDs of the same vulnerability in other databases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// IDs of upstream records this one derives from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<Vec<String>>,
    /// IDs of closely related but different vulnerabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<Vec<String>>,
    /// A one-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The full description, in CommonMark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Severity scores of the whole vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Vec<Severity>>,
    /// The affected packages and versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected: Option<Vec<Affected>>,
    /// Links to advisories, fixes, reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<Reference>>,
    /// People and organisations credited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<Vec<Credit>>,
    /// Anything else the publishing database records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<JsonObject>,
}

impl Vulnerability {
    /// A record with only the two required fields set.
    pub fn new(id: impl Into<String>, modified: Timestamp) -> Self {
        Vulnerability {
            schema_version: None,
            id: id.into(),
            modified,
            published: None,
            withdrawn: None,
            aliases: None,
            upstream: None,
            related: None,
            summary: None,
            details: None,
            severity: None,
            affected: None,
            references: None,
            credits: None,
            database_specific: None,
        }
    }

    /// Whether the record has been withdrawn.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// The aliases, empty when absent.
    pub fn aliases(&self) -> &[String] {
        self.aliases.as_deref().unwrap_or_default()
    }

    /// The upstream IDs, empty when absent.
    pub fn upstream(&self) -> &[String] {
        self.upstream.as_deref().unwrap_or_default()
    }

    /// The related IDs, empty when absent.
    pub fn related(&self) -> &[String] {
        self.related.as_deref().unwrap_or_default()
    }

    /// The top-level severities, empty when absent.
    pub fn severity(&self) -> &[Severity] {
        self.severity.as_deref().unwrap_or_default()
    }

    /// The affected entries, empty when absent.
    pub fn affected(&self) -> &[Affected] {
        self.affected.as_deref().unwrap_or_default()
    }

    /// The references, empty when absent.
    pub fn references(&self) -> &[Reference] {
        self.references.as_deref().unwrap_or_default()
    }

    /// The credits, empty when absent.
    pub fn credits(&self) -> &[Credit] {
        self.credits.as_deref().unwrap_or_default()
    }
}

/// One affected package: which versions of it are vulnerable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    /// The package; absent only for entries described by GIT ranges alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// Severity for this package only (never together with the top-level one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Vec<Severity>>,
    /// Affected version ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<Range>>,
    /// Every affected version, enumerated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// Data defined by the package's ecosystem (opam: `opam_constraint`,
    /// `affected_bindings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<JsonObject>,
    /// Data defined by the publishing database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<JsonObject>,
}

impl Affected {
    /// An entry for `package` with nothing else set.
    pub fn new(package: Package) -> Self {
        Affected {
            package: Some(package),
            severity: None,
            ranges: None,
            versions: None,
            ecosystem_specific: None,
            database_specific: None,
        }
    }

    /// The per-package severities, empty when absent.
    pub fn severity(&self) -> &[Severity] {
        self.severity.as_deref().unwrap_or_default()
    }

    /// The ranges, empty when absent.
    pub fn ranges(&self) -> &[Range] {
        self.ranges.as_deref().unwrap_or_default()
    }

    /// The enumerated versions, empty when absent.
    pub fn versions(&self) -> &[String] {
        self.versions.as_deref().unwrap_or_default()
    }
}

/// A package in an ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The ecosystem (`opam`), optionally with a `:suffix` (`Debian:12`).
    pub ecosystem: String,
    /// The package's name within its ecosystem.
    pub name: String,
    /// The package URL (`pkg:opam/cohttp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A range of affected versions, as a timeline of events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// How the versions in the events are to be compared.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The repository the commits of a GIT range belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The timeline: introduced, fixed, last_affected and limit events.
    pub events: Vec<Event>,
    /// Data defined by the publishing database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<JsonObject>,
}

/// The `type` of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// Semantic versions (SemVer 2.0 precedence).
    Semver,
    /// Versions ordered by the package's ecosystem (opam's order for `opam`).
    Ecosystem,
    /// Full-length git commit hashes in `repo`.
    Git,
}

impl RangeKind {
    /// The name the schema uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RangeKind::Semver => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => "GIT",
        }
    }
}

impl fmt::Display for RangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event of a range's timeline. JSON: an object with exactly one key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// The vulnerability appears at this version (`"0"`: from the beginning).
    Introduced(String),
    /// This version no longer has the vulnerability.
    Fixed(String),
    /// The last version known to be affected (inclusive).
    LastAffected(String),
    /// Versions from here on are outside the range (`"*"`: no limit).
    Limit(String),
}

impl Event {
    /// The JSON key of this event.
    pub fn key(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
            Event::Limit(_) => "limit",
        }
    }

    /// The version (or commit) the event is about.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

const EVENT_KEYS: &[&str] = &["introduced", "fixed", "last_affected", "limit"];

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.key(), self.version())?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EventVisitor;

        impl<'de> Visitor<'de> for EventVisitor {
            type Value = Event;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an event object with exactly one of `introduced`, `fixed`, `last_affected`, `limit`",
                )
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
                let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? else {
                    return Err(de::Error::custom(
                        "empty event object: an event has exactly one of `introduced`, `fixed`, `last_affected`, `limit`",
                    ));
                };
                let version: String = map.next_value()?;
                let event = match key.as_ref() {
                    "introduced" => Event::Introduced(version),
                    "fixed" => Event::Fixed(version),
                    "last_affected" => Event::LastAffected(version),
                    "limit" => Event::Limit(version),
                    other => return Err(de::Error::unknown_field(other, EVENT_KEYS)),
                };
                if let Some(second) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    return Err(de::Error::custom(format_args!(
                        "an event has exactly one key, but this one has `{}` and `{second}`: write one event object per key",
                        event.key()
                    )));
                }
                Ok(event)
            }
        }

        deserializer.deserialize_map(EventVisitor)
    }
}

/// A severity score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Severity {
    /// The scoring system.
    #[serde(rename = "type")]
    pub kind: SeverityKind,
    /// The score or vector in that system.
    pub score: String,
}

/// The scoring system of a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SeverityKind {
    /// A CVSS v2 vector.
    #[serde(rename = "CVSS_V2")]
    CvssV2,
    /// A CVSS v3.0 or v3.1 vector (`CVSS:3.1/...`).
    #[serde(rename = "CVSS_V3")]
    CvssV3,
    /// A CVSS v4.0 vector (`CVSS:4.0/...`).
    #[serde(rename = "CVSS_V4")]
    CvssV4,
    /// Ubuntu's priority (`negligible` … `critical`).
    #[serde(rename = "Ubuntu")]
    Ubuntu,
}

impl SeverityKind {
    /// The name the schema uses.
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityKind::CvssV2 => "CVSS_V2",
            SeverityKind::CvssV3 => "CVSS_V3",
            SeverityKind::CvssV4 => "CVSS_V4",
            SeverityKind::Ubuntu => "Ubuntu",
        }
    }
}

impl fmt::Display for SeverityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A link to more information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// What the link points to.
    #[serde(rename = "type")]
    pub kind: ReferenceKind,
    /// The address (absolute URL).
    pub url: String,
}

/// The kinds of reference the schema defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReferenceKind {
    /// A published security advisory.
    Advisory,
    /// An article or blog post.
    Article,
    /// A tool, script or rule that detects the vulnerability.
    Detection,
    /// A discussion: mailing list, issue comments.
    Discussion,
    /// A report: an issue or bug tracker entry.
    Report,
    /// A source code change that fixes the vulnerability.
    Fix,
    /// A source code change that introduced the vulnerability.
    Introduced,
    /// A git repository.
    Git,
    /// The package's page.
    Package,
    /// A proof of exploitability or other evidence.
    Evidence,
    /// Any other web page.
    Web,
}

impl ReferenceKind {
    /// The name the schema uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Advisory => "ADVISORY",
            ReferenceKind::Article => "ARTICLE",
            ReferenceKind::Detection => "DETECTION",
            ReferenceKind::Discussion => "DISCUSSION",
            ReferenceKind::Report => "REPORT",
            ReferenceKind::Fix => "FIX",
            ReferenceKind::Introduced => "INTRODUCED",
            ReferenceKind::Git => "GIT",
            ReferenceKind::Package => "PACKAGE",
            ReferenceKind::Evidence => "EVIDENCE",
            ReferenceKind::Web => "WEB",
        }
    }
}

impl fmt::Display for ReferenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Someone credited for work on the vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// The person's or organisation's name.
    pub name: String,
    /// Ways to reach them, as URLs (`mailto:…`, `https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Vec<String>>,
    /// Their role.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CreditKind>,
}

impl Credit {
    /// The contacts, empty when absent.
    pub fn contact(&self) -> &[String] {
        self.contact.as_deref().unwrap_or_default()
    }
}

/// The roles a credit can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreditKind {
    /// Found the vulnerability.
    Finder,
    /// Reported it.
    Reporter,
    /// Validated or analysed it.
    Analyst,
    /// Coordinated the response.
    Coordinator,
    /// Wrote the fix.
    RemediationDeveloper,
    /// Reviewed the fix.
    RemediationReviewer,
    /// Verified the fix.
    RemediationVerifier,
    /// A tool that found it.
    Tool,
    /// Supported the work.
    Sponsor,
    /// Any other role.
    Other,
}

impl CreditKind {
    /// The name the schema uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditKind::Finder => "FINDER",
            CreditKind::Reporter => "REPORTER",
            CreditKind::Analyst => "ANALYST",
            CreditKind::Coordinator => "COORDINATOR",
            CreditKind::RemediationDeveloper => "REMEDIATION_DEVELOPER",
            CreditKind::RemediationReviewer => "REMEDIATION_REVIEWER",
            CreditKind::RemediationVerifier => "REMEDIATION_VERIFIER",
            CreditKind::Tool => "TOOL",
            CreditKind::Sponsor => "SPONSOR",
            CreditKind::Other => "OTHER",
        }
    }
}

impl fmt::Display for CreditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_serialises_as_one_key_object() {
        let json = serde_json::to_string(&Event::LastAffected("1.2".into())).unwrap();
        assert_eq!(json, r#"{"last_affected":"1.2"}"#);
    }

    #[test]
    fn event_with_two_keys_is_rejected_with_both_named() {
        let err = serde_json::from_str::<Event>(r#"{"introduced": "0", "fixed": "1.0"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`introduced` and `fixed`"), "{err}");
    }

    #[test]
    fn empty_or_unknown_event_is_rejected() {
        let err = serde_json::from_str::<Event>("{}").unwrap_err().to_string();
        assert!(err.contains("empty event object"), "{err}");
        let err = serde_json::from_str::<Event>(r#"{"fixedd": "1"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `fixedd`"), "{err}");
    }

    #[test]
    fn enumerations_use_the_schema_spelling() {
        assert_eq!(
            serde_json::to_string(&SeverityKind::CvssV4).unwrap(),
            r#""CVSS_V4""#
        );
        assert_eq!(
            serde_json::to_string(&CreditKind::RemediationDeveloper).unwrap(),
            r#""REMEDIATION_DEVELOPER""#
        );
        assert_eq!(
            serde_json::to_string(&RangeKind::Ecosystem).unwrap(),
            r#""ECOSYSTEM""#
        );
        for kind in [
            ReferenceKind::Advisory,
            ReferenceKind::Web,
            ReferenceKind::Introduced,
        ] {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }

    #[test]
    fn unknown_reference_type_is_an_error() {
        let err = serde_json::from_str::<Reference>(r#"{"type": "BLOG", "url": "https://x"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `BLOG`"), "{err}");
    }
}
