//! Checks beyond what parsing guarantees: the rules of the OSV format that the
//! JSON schema cannot express (or that a value built in code can break).
//!
//! Every violation names the JSON path of the offending value
//! (`affected[0].ranges[1].events[2]`) and a [`Rule`]. All violations are
//! collected, not just the first.

use std::cmp::Ordering;
use std::fmt;

mod affected;
mod ids;

pub use ids::{KNOWN_ECOSYSTEMS, base_ecosystem};

use crate::{Credit, SeverityKind, Vulnerability};
use ids::{check_id_shape, check_record_id};

/// An ordering of the versions of one ecosystem.
///
/// Implemented here for SemVer ([`SemverOrder`]); the opam order comes from
/// `opam-model` and is plugged in by whoever has it (vulndb, advisory).
pub trait VersionOrder {
    /// Compares two versions, or says why one of them is not a version.
    fn compare(&self, a: &str, b: &str) -> Result<Ordering, String>;
}

/// SemVer 2.0 precedence (build metadata ignored), as `SEMVER` ranges use.
#[derive(Debug, Clone, Copy, Default)]
pub struct SemverOrder;

impl VersionOrder for SemverOrder {
    fn compare(&self, a: &str, b: &str) -> Result<Ordering, String> {
        let parse = |text: &str| {
            semver::Version::parse(text)
                .map_err(|e| format!("`{text}` is not a semantic version: {e}"))
        };
        Ok(parse(a)?.cmp_precedence(&parse(b)?))
    }
}

/// The rule a [`Violation`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// `id`, or an ID in `aliases`, `upstream`, `related`, is not `<DB>-<ENTRYID>`,
    /// or uses a database prefix the schema does not define.
    IdFormat,
    /// The record lists its own ID among its aliases, upstream or related IDs.
    SelfReference,
    /// The same entry appears twice in a list (IDs, versions, contacts).
    Duplicate,
    /// `published` is after `modified`, or `withdrawn` before `published`.
    TimestampOrder,
    /// `schema_version` is not a semantic version.
    SchemaVersion,
    /// Severity is given both for the whole record and for an affected package,
    /// or a score does not match its type.
    Severity,
    /// An affected entry has no package but has non-GIT ranges or versions.
    MissingPackage,
    /// The package's ecosystem is not one the schema defines.
    Ecosystem,
    /// The package name is empty.
    PackageName,
    /// The package URL does not parse or does not name the package.
    Purl,
    /// A GIT range without `repo`, or an ECOSYSTEM range with one.
    RangeRepo,
    /// A range has no `introduced` event.
    MissingIntroduced,
    /// A range has both `fixed` and `last_affected` events.
    FixedWithLastAffected,
    /// An event has an empty version, or a special value where it has no meaning.
    EventVersion,
    /// A GIT event is not a full-length commit hash.
    GitCommit,
    /// A version in an ordered range is not a version of that ordering.
    InvalidVersion,
    /// Events are not in ascending version order, two events share a version,
    /// or a `fixed`/`last_affected` event closes nothing.
    EventOrder,
    /// A reference URL or credit contact is not an absolute URL.
    Url,
    /// A credit has an empty name.
    CreditName,
}

impl Rule {
    /// A short stable name for the rule (for tests and machine output).
    pub fn name(self) -> &'static str {
        match self {
            Rule::IdFormat => "id-format",
            Rule::SelfReference => "self-reference",
            Rule::Duplicate => "duplicate",
            Rule::TimestampOrder => "timestamp-order",
            Rule::SchemaVersion => "schema-version",
            Rule::Severity => "severity",
            Rule::MissingPackage => "missing-package",
            Rule::Ecosystem => "ecosystem",
            Rule::PackageName => "package-name",
            Rule::Purl => "purl",
            Rule::RangeRepo => "range-repo",
            Rule::MissingIntroduced => "missing-introduced",
            Rule::FixedWithLastAffected => "fixed-with-last-affected",
            Rule::EventVersion => "event-version",
            Rule::GitCommit => "git-commit",
            Rule::InvalidVersion => "invalid-version",
            Rule::EventOrder => "event-order",
            Rule::Url => "url",
            Rule::CreditName => "credit-name",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken rule, at one place in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    path: String,
    rule: Rule,
    message: String,
}

impl Violation {
    /// The JSON path of the offending value (`affected[0].package.purl`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule broken.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// What is wrong and what to do, for people.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.path, self.message, self.rule)
    }
}

/// A record that breaks one or more rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Invalid {
    id: String,
    violations: Vec<Violation>,
}

impl Invalid {
    /// The ID of the record.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Every violation, in the order of the record's fields.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.violations.len();
        write!(
            f,
            "OSV record {} breaks {count} rule{}",
            self.id,
            if count == 1 { "" } else { "s" }
        )?;
        for violation in &self.violations {
            write!(f, "\n  {violation}")?;
        }
        Ok(())
    }
}

/// Checks records, with version orders for the ecosystems it should know.
///
/// ```
/// use osv::{Validator, SemverOrder};
/// let record = osv::from_str(r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z"}"#)?;
/// Validator::new().with_ecosystem_order("npm", &SemverOrder).validate(&record)?;
/// # Ok::<(), osv::Error>(())
/// ```
#[derive(Default)]
pub struct Validator<'a> {
    ecosystem_orders: Vec<(&'a str, &'a dyn VersionOrder)>,
}

impl fmt::Debug for Validator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .ecosystem_orders
            .iter()
            .map(|(name, _)| *name)
            .collect();
        f.debug_struct("Validator")
            .field("ecosystem_orders", &names)
            .finish()
    }
}

impl<'a> Validator<'a> {
    /// A validator that orders SEMVER ranges and no ECOSYSTEM range: the
    /// order of events in ECOSYSTEM ranges is then not checked.
    pub fn new() -> Self {
        Validator::default()
    }

    /// Also checks the event order of ECOSYSTEM ranges of `ecosystem`
    /// (matched without its `:suffix`) with `order`.
    pub fn with_ecosystem_order(mut self, ecosystem: &'a str, order: &'a dyn VersionOrder) -> Self {
        self.ecosystem_orders.push((ecosystem, order));
        self
    }

    fn order_for(&self, ecosystem: &str) -> Option<&'a dyn VersionOrder> {
        let base = base_ecosystem(ecosystem);
        self.ecosystem_orders
            .iter()
            .find(|(name, _)| *name == base)
            .map(|(_, order)| *order)
    }

    /// Checks `record`; every violation found is reported.
    pub fn validate(&self, record: &Vulnerability) -> Result<(), Invalid> {
        let mut check = Checker {
            validator: self,
            violations: Vec::new(),
        };
        check.record(record);
        if check.violations.is_empty() {
            Ok(())
        } else {
            Err(Invalid {
                id: record.id.clone(),
                violations: check.violations,
            })
        }
    }
}

impl Vulnerability {
    /// Checks the rules the schema cannot express, ordering SEMVER ranges
    /// only (see [`Validator`] to add an ecosystem's order).
    pub fn validate(&self) -> Result<(), Invalid> {
        Validator::new().validate(self)
    }
}

struct Checker<'v, 'a> {
    validator: &'v Validator<'a>,
    violations: Vec<Violation>,
}

impl Checker<'_, '_> {
    fn report(&mut self, path: impl Into<String>, rule: Rule, message: impl Into<String>) {
        self.violations.push(Violation {
            path: path.into(),
            rule,
            message: message.into(),
        });
    }

    fn record(&mut self, record: &Vulnerability) {
        if let Err(why) = check_record_id(&record.id) {
            self.report("id", Rule::IdFormat, why);
        }
        if let Some(version) = &record.schema_version
            && semver::Version::parse(version).is_err()
        {
            self.report(
                "schema_version",
                Rule::SchemaVersion,
                format!("`{version}` is not a semantic version like `1.7.4`"),
            );
        }
        if let Some(published) = &record.published {
            if published > &record.modified {
                self.report(
                    "published",
                    Rule::TimestampOrder,
                    format!(
                        "published ({published}) is after modified ({}): a record is modified when it is published",
                        record.modified
                    ),
                );
            }
            if let Some(withdrawn) = &record.withdrawn
                && withdrawn < published
            {
                self.report(
                    "withdrawn",
                    Rule::TimestampOrder,
                    format!("withdrawn ({withdrawn}) is before published ({published})"),
                );
            }
        }
        for (field, ids) in [
            ("aliases", record.aliases()),
            ("upstream", record.upstream()),
            ("related", record.related()),
        ] {
            self.id_list(field, ids, &record.id);
        }
        let top_level_severity = !record.severity().is_empty();
        self.severities("severity", record.severity());
        for (index, affected) in record.affected().iter().enumerate() {
            let path = format!("affected[{index}]");
            if top_level_severity && !affected.severity().is_empty() {
                self.report(
                    format!("{path}.severity"),
                    Rule::Severity,
                    "severity is set both for the record and for this package: keep one",
                );
            }
            self.affected(&path, affected);
        }
        for (index, reference) in record.references().iter().enumerate() {
            if !is_absolute_url(&reference.url) {
                self.report(
                    format!("references[{index}].url"),
                    Rule::Url,
                    format!("`{}` is not an absolute URL", reference.url),
                );
            }
        }
        for (index, credit) in record.credits().iter().enumerate() {
            self.credit(&format!("credits[{index}]"), credit);
        }
    }

    fn id_list(&mut self, field: &str, ids: &[String], own_id: &str) {
        for (index, id) in ids.iter().enumerate() {
            let path = || format!("{field}[{index}]");
            if let Err(why) = check_id_shape(id) {
                self.report(path(), Rule::IdFormat, why);
            }
            if id == own_id {
                self.report(
                    path(),
                    Rule::SelfReference,
                    format!("the record lists its own ID `{id}` in `{field}`"),
                );
            }
            if ids.get(..index).is_some_and(|before| before.contains(id)) {
                self.report(path(), Rule::Duplicate, format!("`{id}` is listed twice"));
            }
        }
    }

    fn severities(&mut self, path: &str, severities: &[crate::Severity]) {
        for (index, severity) in severities.iter().enumerate() {
            let score = severity.score.as_str();
            let expected_prefix = match severity.kind {
                SeverityKind::CvssV2 => None,
                SeverityKind::CvssV3 => Some("CVSS:3."),
                SeverityKind::CvssV4 => Some("CVSS:4.0/"),
                SeverityKind::Ubuntu => None,
            };
            let fits = match severity.kind {
                SeverityKind::CvssV2 => !score.starts_with("CVSS:") && score.contains("AV:"),
                SeverityKind::CvssV3 | SeverityKind::CvssV4 => {
                    expected_prefix.is_some_and(|prefix| score.starts_with(prefix))
                }
                SeverityKind::Ubuntu => {
                    ["negligible", "low", "medium", "high", "critical"].contains(&score)
                }
            };
            if !fits {
                self.report(
                    format!("{path}[{index}].score"),
                    Rule::Severity,
                    format!(
                        "`{score}` is not a {} score; use the type that matches the vector's version",
                        severity.kind
                    ),
                );
            }
        }
    }

    fn credit(&mut self, path: &str, credit: &Credit) {
        if credit.name.trim().is_empty() {
            self.report(
                format!("{path}.name"),
                Rule::CreditName,
                "a credit needs a name",
            );
        }
        let contacts = credit.contact();
        for (index, contact) in contacts.iter().enumerate() {
            let contact_path = || format!("{path}.contact[{index}]");
            if !is_absolute_url(contact) {
                self.report(
                    contact_path(),
                    Rule::Url,
                    format!(
                        "`{contact}` is not a URL: write `mailto:{contact}` for an e-mail address or a full `https://` address"
                    ),
                );
            }
            if contacts
                .get(..index)
                .is_some_and(|before| before.contains(contact))
            {
                self.report(
                    contact_path(),
                    Rule::Duplicate,
                    format!("contact `{contact}` is listed twice"),
                );
            }
        }
    }
}

/// `scheme:rest` with an RFC 3986 scheme and a non-empty rest, no whitespace.
fn is_absolute_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(char::is_whitespace)
}
