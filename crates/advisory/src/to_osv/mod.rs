//! Conversion of an advisory to an OSV record, as osv.dev imports it from the
//! `generated-osv` branch of ocaml/security-advisories.
//!
//! Field by field, as the published records are written today:
//! `schema_version` `1.7.4`; `id`, `modified`, `published`, `withdrawn` (UTC);
//! `aliases`, `upstream`, `related` (left out when empty); `summary` from the
//! heading and `details` the Markdown after it; one `severity` typed by the
//! vector's version (`CVSS:4.` → `CVSS_V4`, `CVSS:3.` → `CVSS_V3`, otherwise
//! `CVSS_V2`); one `affected` entry per package with `package` {`opam`, name,
//! purl}, the ECOSYSTEM ranges of the constraint, then the ranges of `events`,
//! the `versions` list, `ecosystem_specific` {`opam_constraint`,
//! `affected_bindings`}; `references`, `credits` (always written, possibly
//! empty); `database_specific` {`osv`, `human_link`, `cwe`}.
//!
//! Where the reference converter (hannesm/advisories) is wrong, this one is right:
//! - `versions` are in opam's order (the reference sorts the results of `&` and
//!   `|` as strings) and come from the repositories given, never from `opam`;
//! - every operator (`=`, `!=`, `>`, `>=`, `<`, `<=`) and any nesting of `&`, `|`
//!   and groups converts (the reference aborts on `=`, `!=`, `>` and on `|` under
//!   `&`); ECOSYSTEM ranges come from the exact intervals of the constraint
//!   ([`intervals`]) and are checked against the released versions, so a range
//!   never claims a version the constraint excludes;
//! - several packages per advisory, one `affected` entry each;
//! - the events of a range keep the order they are written in (the reference
//!   reverses them when an `introduced` event is given), and non-GIT event ranges
//!   carry no `repo`;
//! - `opam_constraint` keeps the parentheses the formula needs
//!   (`(< "1" | > "2") & != "5"`), which the reference drops.
//!
//! # Limitations
//! - With several packages, the ranges of `events` and the `affected_bindings` are
//!   repeated in every package's entry (the header does not say which package they
//!   belong to).
//! - A range that starts after a version (`> "v"`, `!= "v"`) starts at the first
//!   released version after `v`: a later release between `v` and that version would
//!   be missed, and with no release after `v` at all the interval gets no range (a
//!   note says so). OSV has no excluded lower bound.
//! - `introduced: "0"` means "from the beginning" in OSV, also for versions opam
//!   orders before `0` (`~beta`); a constraint `>= "0"` with such a release is caught
//!   by the range check ([`ConvertError::RangesDisagree`]) rather than published.

pub mod intervals;

use opam_model::{ReleasedVersions, Version};

use crate::date::parse_date;
use crate::model::{
    Advisory, Affected, Constraint, ConstraintKind, CreditKind, EventKind, RangeKind, ReferenceKind,
};
use intervals::{VersionSet, events_of, range_contains};

/// The OSV schema version the records declare.
pub const SCHEMA_VERSION: &str = "1.7.4";

/// Where the database is browsed: the `osv` and `human_link` of `database_specific`
/// are under it.
pub const DATABASE_TREE_URL: &str = "https://github.com/ocaml/security-advisories/tree/";

/// What the conversion needs besides the advisory.
#[derive(Clone, Copy)]
pub struct ConvertOptions<'a> {
    /// The released versions of packages (from one or more repositories), used for
    /// `versions`, for ranges starting after a version (`> "v"`, `!= "v"`), and to
    /// check the ranges. `None` when no repository is given.
    pub released: Option<&'a ReleasedVersions>,
    /// Whether each `affected` entry lists its `versions` (needs `released`).
    pub with_versions: bool,
}

impl std::fmt::Debug for ConvertOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvertOptions")
            .field("released", &self.released.is_some())
            .field("with_versions", &self.with_versions)
            .finish()
    }
}

/// A record and what the conversion had to say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The OSV record.
    pub record: osv::Vulnerability,
    /// Facts worth a warning that don't stop the export (an interval OSV cannot
    /// express, a package no repository has).
    pub notes: Vec<String>,
}

/// Why an advisory cannot be converted. The linter reports all of these first, so
/// an advisory that passes lint converts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// A required field is absent or malformed.
    #[error("the advisory has no valid `{field}` field (run `osec lint` for details)")]
    Missing {
        /// The field's name.
        field: &'static str,
    },
    /// A date is not RFC 3339.
    #[error("`{field}`: {message}")]
    Date {
        /// The field's name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A value outside the OSV vocabulary (reference, credit, range or event kind).
    #[error(
        "`{field}`: `{value}` is not one of the kinds OSV defines (run `osec lint` for details)"
    )]
    Vocabulary {
        /// The field's name.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// `versions` were asked for but no repository was given.
    #[error("the `versions` lists need at least one repository (give --repo, or --no-versions)")]
    NoRepository,
    /// The package URL of a package name cannot be built.
    #[error("package `{package}` has no valid package URL: {message}")]
    Purl {
        /// The package.
        package: String,
        /// Why.
        message: String,
    },
    /// The ECOSYSTEM ranges disagree with the constraint on a released version:
    /// a bug in this converter, reported rather than published.
    #[error(
        "internal error: the ranges written for `{package}` {} version {version}, which the constraint {}",
        if *.claimed { "claim" } else { "miss" },
        if *.claimed { "excludes" } else { "includes" }
    )]
    RangesDisagree {
        /// The package.
        package: String,
        /// The released version.
        version: String,
        /// Whether the ranges claim it (else they miss it).
        claimed: bool,
    },
}

/// Converts an advisory to its OSV record.
pub fn to_osv(
    advisory: &Advisory,
    options: &ConvertOptions<'_>,
) -> Result<Conversion, ConvertError> {
    let id = advisory
        .advisory_id()
        .ok_or(ConvertError::Missing { field: "id" })?;
    let id_text = advisory
        .id
        .as_ref()
        .map(|s| s.value.clone())
        .unwrap_or_default();
    let modified = timestamp(
        advisory.modified.as_ref().map(|s| s.value.as_str()),
        "modified",
    )?
    .ok_or(ConvertError::Missing { field: "modified" })?;
    let mut record = osv::Vulnerability::new(id_text.clone(), modified);
    record.schema_version = Some(SCHEMA_VERSION.to_owned());
    record.published = timestamp(
        advisory.published.as_ref().map(|s| s.value.as_str()),
        "published",
    )?;
    record.withdrawn = timestamp(
        advisory.withdrawn.as_ref().map(|s| s.value.as_str()),
        "withdrawn",
    )?;
    record.aliases = non_empty(
        advisory
            .aliases
            .iter()
            .map(|a| a.value.as_str().to_owned())
            .collect(),
    );
    record.upstream = non_empty(advisory.upstream.iter().map(|s| s.value.clone()).collect());
    record.related = non_empty(advisory.related.iter().map(|s| s.value.clone()).collect());
    record.summary = Some(
        advisory
            .summary
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default(),
    );
    record.details = Some(advisory.details.clone());
    record.severity = advisory.severity.as_ref().map(|s| vec![severity(&s.value)]);

    let mut notes = Vec::new();
    if options.with_versions && options.released.is_none() {
        return Err(ConvertError::NoRepository);
    }
    let event_ranges = event_ranges(advisory)?;
    let mut affected = Vec::with_capacity(advisory.affected.len());
    for entry in &advisory.affected {
        affected.push(affected_entry(
            advisory,
            entry,
            &event_ranges,
            options,
            &mut notes,
        )?);
    }
    record.affected = Some(affected);
    record.references = Some(
        advisory
            .references
            .iter()
            .map(|r| {
                Ok(osv::Reference {
                    kind: reference_kind(&r.kind.value)?,
                    url: r.url.value.clone(),
                })
            })
            .collect::<Result<_, ConvertError>>()?,
    );
    record.credits = Some(
        advisory
            .credits
            .iter()
            .map(|c| {
                Ok(osv::Credit {
                    name: c.name.value.clone(),
                    contact: non_empty(c.contacts.iter().map(|s| s.value.clone()).collect()),
                    kind: Some(credit_kind(&c.kind.value)?),
                })
            })
            .collect::<Result<_, ConvertError>>()?,
    );
    let mut database = osv::JsonObject::new();
    let year = id.year();
    database.insert(
        "osv".into(),
        format!("{DATABASE_TREE_URL}generated-osv/{year}/{id_text}.json").into(),
    );
    database.insert(
        "human_link".into(),
        format!("{DATABASE_TREE_URL}main/advisories/{year}/{id_text}.md").into(),
    );
    if !advisory.cwe.is_empty() {
        let cwe: Vec<serde_json::Value> = advisory
            .cwe
            .iter()
            .map(|c| c.value.clone().into())
            .collect();
        database.insert("cwe".into(), cwe.into());
    }
    record.database_specific = Some(database);
    Ok(Conversion { record, notes })
}

fn non_empty(items: Vec<String>) -> Option<Vec<String>> {
    (!items.is_empty()).then_some(items)
}

/// An advisory date as an OSV timestamp in UTC.
fn timestamp(
    text: Option<&str>,
    field: &'static str,
) -> Result<Option<osv::Timestamp>, ConvertError> {
    text.map(|text| {
        parse_date(text)
            .map(osv::Timestamp::from_jiff)
            .map_err(|err| ConvertError::Date {
                field,
                message: err.to_string(),
            })
    })
    .transpose()
}

fn severity(vector: &str) -> osv::Severity {
    let kind = if vector.starts_with("CVSS:4.") {
        osv::SeverityKind::CvssV4
    } else if vector.starts_with("CVSS:3.") {
        osv::SeverityKind::CvssV3
    } else {
        osv::SeverityKind::CvssV2
    };
    osv::Severity {
        kind,
        score: vector.to_owned(),
    }
}

/// The ranges of the `events` field, in the order written.
fn event_ranges(advisory: &Advisory) -> Result<Vec<osv::Range>, ConvertError> {
    advisory
        .events
        .iter()
        .map(|range| {
            let kind = match &range.kind.value {
                RangeKind::Git => osv::RangeKind::Git,
                RangeKind::Ecosystem => osv::RangeKind::Ecosystem,
                RangeKind::Semver => osv::RangeKind::Semver,
                RangeKind::Other(other) => {
                    return Err(ConvertError::Vocabulary {
                        field: "events",
                        value: other.clone(),
                    });
                }
            };
            let mut events = Vec::with_capacity(range.events.len() + 1);
            if !range
                .events
                .iter()
                .any(|e| e.kind.value == EventKind::Introduced)
            {
                events.push(osv::Event::Introduced("0".into()));
            }
            for event in &range.events {
                let value = event.value.value.clone();
                events.push(match &event.kind.value {
                    EventKind::Introduced => osv::Event::Introduced(value),
                    EventKind::Fixed => osv::Event::Fixed(value),
                    EventKind::LastAffected => osv::Event::LastAffected(value),
                    EventKind::Other(other) => {
                        return Err(ConvertError::Vocabulary {
                            field: "events",
                            value: other.clone(),
                        });
                    }
                });
            }
            let repo = (kind == osv::RangeKind::Git).then(|| range.repo.value.clone());
            Ok(osv::Range {
                kind,
                repo,
                events,
                database_specific: None,
            })
        })
        .collect()
}

fn affected_entry(
    advisory: &Advisory,
    entry: &Affected,
    event_ranges: &[osv::Range],
    options: &ConvertOptions<'_>,
    notes: &mut Vec<String>,
) -> Result<osv::Affected, ConvertError> {
    let name = entry.package.value.as_str();
    let purl = purl::Purl::builder("opam", name)
        .build()
        .map_err(|err| ConvertError::Purl {
            package: name.to_owned(),
            message: err.to_string(),
        })?;
    let mut out = osv::Affected::new(osv::Package {
        ecosystem: osv::OPAM_ECOSYSTEM.to_owned(),
        name: name.to_owned(),
        purl: Some(purl.to_string()),
    });
    let set = entry
        .constraint
        .as_ref()
        .map_or_else(VersionSet::all, VersionSet::of_constraint);
    let released: Vec<String> = match options.released {
        Some(source) => match entry.released_versions(source) {
            // In opam's order already, each version once.
            Some(versions) => versions.iter().map(|v| v.as_str().to_owned()).collect(),
            None => {
                notes.push(format!(
                    "package `{name}` is in none of the repositories: its `versions` list is empty"
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };

    let mut ranges = Vec::new();
    for interval in set.intervals() {
        match events_of(interval, &released) {
            Some(events) => ranges.push(osv::Range {
                kind: osv::RangeKind::Ecosystem,
                repo: None,
                events,
                database_specific: None,
            }),
            None => notes.push(format!(
                "`{name}`: the versions after {} that the constraint accepts have no release yet; OSV cannot \
                 express a range that starts after a version, so no ECOSYSTEM range covers them",
                match &interval.lower {
                    intervals::Bound::Excluded(v) => format!("\"{v}\""),
                    _ => String::from("the lower bound"),
                }
            )),
        }
    }
    if set.intervals().is_empty() {
        notes.push(format!(
            "`{name}`: the constraint accepts no version at all"
        ));
    }
    check_ranges(name, &set, &ranges, &released)?;
    ranges.extend(event_ranges.iter().cloned());
    out.ranges = Some(ranges);

    if options.with_versions {
        let versions = options
            .released
            .and_then(|source| affected_versions(entry, source))
            .unwrap_or_default();
        out.versions = Some(versions.iter().map(|v| v.as_str().to_owned()).collect());
    }
    let mut ecosystem = osv::JsonObject::new();
    ecosystem.insert(
        "opam_constraint".into(),
        opam_constraint(name, entry.constraint.as_ref()).into(),
    );
    if !advisory.affected_bindings.is_empty() {
        let bindings: Vec<serde_json::Value> = advisory
            .affected_bindings
            .iter()
            .map(|b| b.value.clone().into())
            .collect();
        ecosystem.insert("affected_bindings".into(), bindings.into());
    }
    out.ecosystem_specific = Some(ecosystem);
    Ok(out)
}

/// The released versions an `affected` entry covers, in opam's order: the `versions`
/// list of its OSV record, which `osec repo annotate` and `osec repo exposure` use
/// too. `None` when no repository has the package (or its name is invalid).
pub fn affected_versions<'a>(
    entry: &Affected,
    released: &'a ReleasedVersions,
) -> Option<Vec<&'a Version>> {
    let set = entry
        .constraint
        .as_ref()
        .map_or_else(VersionSet::all, VersionSet::of_constraint);
    let versions = entry.released_versions(released)?;
    Some(
        versions
            .iter()
            .filter(|v| set.contains(v.as_str()))
            .collect(),
    )
}

/// Every released version is in the ECOSYSTEM ranges exactly when the constraint
/// accepts it.
fn check_ranges(
    name: &str,
    set: &VersionSet,
    ranges: &[osv::Range],
    released: &[String],
) -> Result<(), ConvertError> {
    for version in released {
        let accepted = set.contains(version);
        let claimed = ranges.iter().any(|r| range_contains(&r.events, version));
        if accepted != claimed {
            return Err(ConvertError::RangesDisagree {
                package: name.to_owned(),
                version: version.clone(),
                claimed,
            });
        }
    }
    Ok(())
}

/// `name {formula}` as opam writes it, with the parentheses the formula needs.
pub fn opam_constraint(name: &str, constraint: Option<&Constraint>) -> String {
    match constraint {
        None => name.to_owned(),
        Some(c) => {
            let mut text = format!("{name} {{");
            write_formula(c, false, &mut text);
            text.push('}');
            text
        }
    }
}

fn write_formula(constraint: &Constraint, under_and: bool, out: &mut String) {
    match &constraint.kind {
        ConstraintKind::Atom { op, version } => {
            out.push_str(op.value.as_str());
            out.push(' ');
            out.push_str(&ocaml_string_literal(&version.value));
        }
        ConstraintKind::And(all) => {
            for (i, operand) in all.iter().enumerate() {
                if i > 0 {
                    out.push_str(" & ");
                }
                write_formula(operand, true, out);
            }
        }
        ConstraintKind::Or(any) => {
            if under_and {
                out.push('(');
            }
            for (i, operand) in any.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                write_formula(operand, false, out);
            }
            if under_and {
                out.push(')');
            }
        }
    }
}

/// A string as OCaml's `%S` writes it: quoted, with `"` and `\` escaped, and bytes
/// outside printable ASCII as `\n`, `\t`, `\r`, `\b` or a decimal `\ddd`.
fn ocaml_string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for byte in text.bytes() {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'\x08' => out.push_str("\\b"),
            b' '..=b'~' => out.push(char::from(byte)),
            other => out.push_str(&format!("\\{other:03}")),
        }
    }
    out.push('"');
    out
}

fn reference_kind(kind: &ReferenceKind) -> Result<osv::ReferenceKind, ConvertError> {
    Ok(match kind {
        ReferenceKind::Advisory => osv::ReferenceKind::Advisory,
        ReferenceKind::Article => osv::ReferenceKind::Article,
        ReferenceKind::Detection => osv::ReferenceKind::Detection,
        ReferenceKind::Discussion => osv::ReferenceKind::Discussion,
        ReferenceKind::Report => osv::ReferenceKind::Report,
        ReferenceKind::Fix => osv::ReferenceKind::Fix,
        ReferenceKind::Introduced => osv::ReferenceKind::Introduced,
        ReferenceKind::Package => osv::ReferenceKind::Package,
        ReferenceKind::Evidence => osv::ReferenceKind::Evidence,
        ReferenceKind::Web => osv::ReferenceKind::Web,
        ReferenceKind::Other(other) => {
            return Err(ConvertError::Vocabulary {
                field: "references",
                value: other.clone(),
            });
        }
    })
}

fn credit_kind(kind: &CreditKind) -> Result<osv::CreditKind, ConvertError> {
    Ok(match kind {
        CreditKind::Finder => osv::CreditKind::Finder,
        CreditKind::Reporter => osv::CreditKind::Reporter,
        CreditKind::Analyst => osv::CreditKind::Analyst,
        CreditKind::Coordinator => osv::CreditKind::Coordinator,
        CreditKind::RemediationDeveloper => osv::CreditKind::RemediationDeveloper,
        CreditKind::RemediationReviewer => osv::CreditKind::RemediationReviewer,
        CreditKind::RemediationVerifier => osv::CreditKind::RemediationVerifier,
        CreditKind::Tool => osv::CreditKind::Tool,
        CreditKind::Sponsor => osv::CreditKind::Sponsor,
        CreditKind::OtherRole => osv::CreditKind::Other,
        CreditKind::Other(other) => {
            return Err(ConvertError::Vocabulary {
                field: "credits",
                value: other.clone(),
            });
        }
    })
}
