//! Checks beyond what parsing guarantees: the rules of the OSV format that the
//! JSON schema cannot express (or that a value built in code can break).
//!
//! Every violation names the JSON path of the offending value
//! (`affected[0].ranges[1].events[2]`) and a [`Rule`]. All violations are
//! collected, not just the first.

use std::cmp::Ordering;
use std::fmt;

use crate::{Affected, Credit, Event, Package, Range, RangeKind, SeverityKind, Vulnerability};

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

/// The database prefixes the OSV schema defines (schema 1.7, `$defs.prefix`).
const KNOWN_PREFIXES: &[&str] = &[
    "ASB-A",
    "PUB-A",
    "ALPINE",
    "ALSA",
    "ALBA",
    "ALEA",
    "AZL",
    "BELL",
    "BIT",
    "CGA",
    "CLEANSTART",
    "CLSA",
    "CURL",
    "CVE",
    "DEBIAN",
    "DHI",
    "DRUPAL",
    "DSA",
    "DLA",
    "ELA",
    "DTSA",
    "ECHO",
    "EEF",
    "FreeBSD",
    "GHSA",
    "GO",
    "GSD",
    "HSEC",
    "JLSEC",
    "KUBE",
    "LBSEC",
    "LSN",
    "MAL",
    "MINI",
    "MGASA",
    "OESA",
    "OSEC",
    "OSV",
    "openSUSE-SU",
    "PHSA",
    "PSF",
    "PYSEC",
    "RHBA",
    "RHEA",
    "RHSA",
    "RLSA",
    "RXSA",
    "RSEC",
    "ROOT",
    "RUSTSEC",
    "SUSE-SU",
    "SUSE-RU",
    "SUSE-FU",
    "SUSE-OU",
    "UBUNTU",
    "USN",
    "V8",
];

/// The ecosystems the OSV schema defines (schema 1.7, `$defs.ecosystemName`,
/// plus `GIT`, which `ecosystemWithSuffix` allows).
pub const KNOWN_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "TuxCare",
    "Ubuntu",
    "VSCode",
    "Wolfi",
    "GIT",
];

/// The ecosystem without its `:suffix` (`Debian:12` → `Debian`).
pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem
        .split_once(':')
        .map_or(ecosystem, |(base, _)| base)
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

    fn affected(&mut self, path: &str, affected: &Affected) {
        let ecosystem = affected.package.as_ref().map(|p| p.ecosystem.as_str());
        match &affected.package {
            Some(package) => self.package(&format!("{path}.package"), package),
            None => {
                let needs_package = !affected.versions().is_empty()
                    || affected.ranges().iter().any(|r| r.kind != RangeKind::Git);
                if needs_package {
                    self.report(
                        path,
                        Rule::MissingPackage,
                        "an entry without `package` may only have GIT ranges: add the package",
                    );
                }
            }
        }
        self.severities(&format!("{path}.severity"), affected.severity());
        for (index, range) in affected.ranges().iter().enumerate() {
            self.range(&format!("{path}.ranges[{index}]"), range, ecosystem);
        }
        let versions = affected.versions();
        let mut seen = std::collections::HashSet::with_capacity(versions.len());
        for (index, version) in versions.iter().enumerate() {
            let path = || format!("{path}.versions[{index}]");
            if version.is_empty() {
                self.report(path(), Rule::EventVersion, "empty version string");
            }
            if !seen.insert(version.as_str()) {
                self.report(
                    path(),
                    Rule::Duplicate,
                    format!("version `{version}` is listed twice"),
                );
            }
        }
    }

    fn package(&mut self, path: &str, package: &Package) {
        let base = base_ecosystem(&package.ecosystem);
        let suffix_ok = package
            .ecosystem
            .split_once(':')
            .is_none_or(|(_, suffix)| !suffix.is_empty());
        if !KNOWN_ECOSYSTEMS.contains(&base) || !suffix_ok {
            self.report(
                format!("{path}.ecosystem"),
                Rule::Ecosystem,
                format!(
                    "`{}` is not an OSV ecosystem (for OCaml packages it is `opam`)",
                    package.ecosystem
                ),
            );
        }
        if package.name.trim().is_empty() {
            self.report(
                format!("{path}.name"),
                Rule::PackageName,
                "the package name is empty",
            );
        }
        if let Some(purl) = &package.purl
            && let Err(why) = check_purl(purl, package)
        {
            self.report(format!("{path}.purl"), Rule::Purl, why);
        }
    }

    fn range(&mut self, path: &str, range: &Range, ecosystem: Option<&str>) {
        match (range.kind, &range.repo) {
            (RangeKind::Git, None) => self.report(
                path,
                Rule::RangeRepo,
                "a GIT range needs `repo`, the repository its commits belong to",
            ),
            (RangeKind::Ecosystem, Some(repo)) => self.report(
                format!("{path}.repo"),
                Rule::RangeRepo,
                format!(
                    "an ECOSYSTEM range has no `repo` (found `{repo}`): move it to a GIT range"
                ),
            ),
            _ => {}
        }
        let events = &range.events;
        if !events.iter().any(|e| matches!(e, Event::Introduced(_))) {
            self.report(
                format!("{path}.events"),
                Rule::MissingIntroduced,
                "a range needs an `introduced` event (`\"0\"` for \"from the beginning\")",
            );
        }
        let has_fixed = events.iter().any(|e| matches!(e, Event::Fixed(_)));
        let has_last = events.iter().any(|e| matches!(e, Event::LastAffected(_)));
        if has_fixed && has_last {
            self.report(
                format!("{path}.events"),
                Rule::FixedWithLastAffected,
                "a range has `fixed` or `last_affected` events, not both: split it in two ranges",
            );
        }
        let mut versions_ok = true;
        for (index, event) in events.iter().enumerate() {
            let event_path = || format!("{path}.events[{index}]");
            let version = event.version();
            if version.is_empty() {
                self.report(
                    event_path(),
                    Rule::EventVersion,
                    format!("empty `{}` version", event.key()),
                );
                versions_ok = false;
                continue;
            }
            if matches!(
                event,
                Event::Fixed(_) | Event::LastAffected(_) | Event::Limit(_)
            ) && version == "0"
            {
                self.report(
                    event_path(),
                    Rule::EventVersion,
                    format!("`\"0\"` means \"before every version\" and is only meaningful for `introduced`, not `{}`", event.key()),
                );
                versions_ok = false;
            }
            if range.kind == RangeKind::Git && !is_special(event) && !is_full_commit_hash(version) {
                self.report(
                    event_path(),
                    Rule::GitCommit,
                    format!(
                        "`{version}` is not a full-length lowercase commit hash (40 or 64 hex digits)"
                    ),
                );
            }
        }
        if !versions_ok {
            return;
        }
        let order: Option<&dyn VersionOrder> = match range.kind {
            RangeKind::Semver => Some(&SemverOrder),
            RangeKind::Ecosystem => ecosystem.and_then(|e| self.validator.order_for(e)),
            RangeKind::Git => None,
        };
        if let Some(order) = order {
            self.event_order(path, events, order);
        }
    }

    /// Events (limits aside) must ascend strictly, start with `introduced`,
    /// and each `fixed`/`last_affected` must close an open `introduced`.
    fn event_order(&mut self, path: &str, events: &[Event], order: &dyn VersionOrder) {
        let timeline: Vec<(usize, &Event)> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| !matches!(e, Event::Limit(_)))
            .collect();
        // Check every version first: ordering makes no sense otherwise.
        let mut all_valid = true;
        for (index, event) in &timeline {
            if is_special(event) {
                continue;
            }
            if let Err(why) = order.compare(event.version(), event.version()) {
                self.report(format!("{path}.events[{index}]"), Rule::InvalidVersion, why);
                all_valid = false;
            }
        }
        if !all_valid {
            return;
        }
        let mut open = false;
        let mut previous: Option<&Event> = None;
        for (index, event) in timeline {
            let event_path = || format!("{path}.events[{index}]");
            if let Some(prev) = previous {
                match compare_events(order, prev, event) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        self.report(
                            event_path(),
                            Rule::EventOrder,
                            format!(
                                "`{}` and `{}` are both at version `{}`: the range between them is empty",
                                prev.key(),
                                event.key(),
                                event.version()
                            ),
                        );
                    }
                    Ordering::Greater => {
                        self.report(
                            event_path(),
                            Rule::EventOrder,
                            format!(
                                "`{}: {}` comes after `{}: {}` but is an earlier version: list events in ascending version order",
                                event.key(),
                                event.version(),
                                prev.key(),
                                prev.version()
                            ),
                        );
                        // Once out of order, the open/closed walk is meaningless.
                        return;
                    }
                }
            }
            match event {
                Event::Introduced(_) => open = true,
                Event::Fixed(_) | Event::LastAffected(_) => {
                    if !open {
                        self.report(
                            event_path(),
                            Rule::EventOrder,
                            format!(
                                "`{}: {}` closes nothing: no `introduced` event is open before it",
                                event.key(),
                                event.version()
                            ),
                        );
                    }
                    open = false;
                }
                Event::Limit(_) => {}
            }
            previous = Some(event);
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

/// `introduced: "0"` sorts before everything; `limit: "*"` after everything.
fn is_special(event: &Event) -> bool {
    matches!(event, Event::Introduced(v) if v == "0")
        || matches!(event, Event::Limit(v) if v == "*")
}

fn compare_events(order: &dyn VersionOrder, a: &Event, b: &Event) -> Ordering {
    let rank = |e: &Event| match e {
        Event::Introduced(v) if v == "0" => 0,
        Event::Limit(v) if v == "*" => 2,
        _ => 1,
    };
    match (rank(a), rank(b)) {
        (1, 1) => order
            .compare(a.version(), b.version())
            .unwrap_or(Ordering::Equal),
        (ra, rb) => ra.cmp(&rb),
    }
}

fn is_full_commit_hash(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64)
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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

/// The shape every ID must have: `<DB>-<ENTRYID>`, no whitespace or slashes.
fn check_id_shape(id: &str) -> Result<(), String> {
    let well_formed = id
        .split_once('-')
        .is_some_and(|(db, entry)| !db.is_empty() && !entry.is_empty())
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c.is_control());
    if !well_formed {
        return Err(format!(
            "`{id}` is not an ID of the form `<DB>-<ENTRYID>` (like `CVE-2024-1234`)"
        ));
    }
    if let Some(rest) = id.strip_prefix("CVE-")
        && !is_year_and_number(rest, 4)
    {
        return Err(format!("`{id}` is not a CVE ID (`CVE-YYYY-NNNN`)"));
    }
    if let Some(rest) = id.strip_prefix("OSEC-")
        && !is_year_and_number(rest, 2)
    {
        return Err(format!(
            "`{id}` is not an OCaml advisory ID (`OSEC-YYYY-NN`)"
        ));
    }
    Ok(())
}

/// The record's own ID must also use a prefix the schema defines (or `x_`).
fn check_record_id(id: &str) -> Result<(), String> {
    check_id_shape(id)?;
    let known = id.starts_with("x_")
        || KNOWN_PREFIXES.iter().any(|prefix| {
            id.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('-'))
        });
    if known {
        Ok(())
    } else {
        Err(format!(
            "`{id}` does not start with a database prefix the OSV schema defines (`OSEC-` for the OCaml database, `x_` for a local one)"
        ))
    }
}

/// `YYYY-N…` with a four-digit year and at least `min_digits` digits after.
fn is_year_and_number(text: &str, min_digits: usize) -> bool {
    text.split_once('-').is_some_and(|(year, number)| {
        year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && number.len() >= min_digits
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Checks that a package URL is valid (ECMA-427 and its type's rules, by
/// crates/purl) and, for opam, names this very package.
fn check_purl(text: &str, package: &Package) -> Result<(), String> {
    let purl = purl::Purl::parse(text).map_err(|error| format!("`{text}`: {error}"))?;
    if base_ecosystem(&package.ecosystem) == "opam"
        && (purl.package_type() != "opam" || purl.name() != package.name)
    {
        return Err(format!(
            "`{text}` names another package than `{}`: write `pkg:opam/{}`",
            package.name, package.name
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Reference, ReferenceKind, Severity, Timestamp};

    /// A small valid opam record that each test breaks in one way.
    fn valid() -> Vulnerability {
        crate::from_str(
            r#"{
  "schema_version": "1.7.4",
  "id": "OSEC-2026-16",
  "modified": "2026-08-22T11:05:00Z",
  "published": "2026-08-20T18:15:00Z",
  "aliases": ["CVE-2026-1234"],
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
  "affected": [{
    "package": {"ecosystem": "opam", "name": "cohttp", "purl": "pkg:opam/cohttp"},
    "ranges": [
      {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.3.0"}]},
      {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.0"}, {"introduced": "2.0.0"}]},
      {"type": "GIT", "repo": "https://github.com/mirage/ocaml-cohttp.git",
       "events": [{"introduced": "0"}, {"fixed": "5f5a65ec3289c1cd8072bdf0ef22c181b4f11356"}]}
    ],
    "versions": ["6.2.1", "6.2.2"]
  }],
  "references": [{"type": "FIX", "url": "https://github.com/mirage/ocaml-cohttp/pull/1145"}],
  "credits": [{"name": "Someone", "contact": ["mailto:someone@example.org"], "type": "REPORTER"}]
}"#,
        )
        .unwrap()
    }

    /// A plain lexicographic order standing in for an ecosystem's order.
    struct TextOrder;

    impl VersionOrder for TextOrder {
        fn compare(&self, a: &str, b: &str) -> Result<Ordering, String> {
            Ok(a.cmp(b))
        }
    }

    fn violations(record: &Vulnerability) -> Vec<(String, Rule)> {
        Validator::new()
            .with_ecosystem_order("opam", &TextOrder)
            .validate(record)
            .err()
            .map(|invalid| {
                invalid
                    .violations()
                    .iter()
                    .map(|v| (v.path().to_owned(), v.rule()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn one(path: &str, rule: Rule) -> Vec<(String, Rule)> {
        vec![(path.to_owned(), rule)]
    }

    fn affected(record: &mut Vulnerability) -> &mut Affected {
        &mut record.affected.as_mut().unwrap()[0]
    }

    fn range(record: &mut Vulnerability, index: usize) -> &mut Range {
        &mut affected(record).ranges.as_mut().unwrap()[index]
    }

    #[test]
    fn the_valid_record_is_valid() {
        assert_eq!(violations(&valid()), vec![]);
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn id_must_use_a_known_prefix_and_the_osec_shape() {
        for bad in [
            "OSEC-26-1",
            "OSEC-2026-x1",
            "FOO-1",
            "OSEC2026",
            "OSEC-2026-01 ",
        ] {
            let mut record = valid();
            record.id = bad.into();
            assert_eq!(violations(&record), one("id", Rule::IdFormat), "{bad}");
        }
        let mut record = valid();
        record.id = "x_LOCAL-1".into();
        assert_eq!(violations(&record), vec![]);
    }

    #[test]
    fn alias_must_be_an_id_not_self_and_not_repeated() {
        let mut record = valid();
        record.aliases = Some(vec![
            "CVE-2026-1234".into(),
            "CVE-2026-1234".into(),
            "OSEC-2026-16".into(),
            "not an id".into(),
            "CVE-26-1".into(),
        ]);
        assert_eq!(
            violations(&record),
            vec![
                ("aliases[1]".into(), Rule::Duplicate),
                ("aliases[2]".into(), Rule::SelfReference),
                ("aliases[3]".into(), Rule::IdFormat),
                ("aliases[4]".into(), Rule::IdFormat),
            ]
        );
    }

    #[test]
    fn published_after_modified_and_withdrawn_before_published() {
        let mut record = valid();
        record.published = Some("2026-08-23T00:00:00Z".parse().unwrap());
        assert_eq!(violations(&record), one("published", Rule::TimestampOrder));
        let mut record = valid();
        record.withdrawn = Some("2026-08-01T00:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(violations(&record), one("withdrawn", Rule::TimestampOrder));
    }

    #[test]
    fn schema_version_must_be_semver() {
        let mut record = valid();
        record.schema_version = Some("1.7".into());
        assert_eq!(
            violations(&record),
            one("schema_version", Rule::SchemaVersion)
        );
    }

    #[test]
    fn severity_score_must_match_its_type() {
        let mut record = valid();
        record.severity.as_mut().unwrap()[0].kind = SeverityKind::CvssV4;
        assert_eq!(
            violations(&record),
            one("severity[0].score", Rule::Severity)
        );
    }

    #[test]
    fn severity_not_both_top_level_and_per_package() {
        let mut record = valid();
        affected(&mut record).severity = Some(vec![Severity {
            kind: SeverityKind::Ubuntu,
            score: "high".into(),
        }]);
        assert_eq!(
            violations(&record),
            one("affected[0].severity", Rule::Severity)
        );
    }

    #[test]
    fn entry_without_package_may_only_have_git_ranges() {
        let mut record = valid();
        affected(&mut record).package = None;
        assert_eq!(
            violations(&record),
            one("affected[0]", Rule::MissingPackage)
        );
    }

    #[test]
    fn ecosystem_must_be_known() {
        for bad in ["OPAM", "opam:", "ocaml"] {
            let mut record = valid();
            affected(&mut record).package.as_mut().unwrap().ecosystem = bad.into();
            // The purl check only applies its opam rule to `opam`.
            assert_eq!(
                violations(&record),
                one("affected[0].package.ecosystem", Rule::Ecosystem),
                "{bad}"
            );
        }
    }

    #[test]
    fn package_name_must_not_be_empty() {
        let mut record = valid();
        let package = affected(&mut record).package.as_mut().unwrap();
        package.name = String::new();
        package.purl = None;
        assert_eq!(
            violations(&record),
            one("affected[0].package.name", Rule::PackageName)
        );
    }

    #[test]
    fn purl_must_parse_and_name_the_package() {
        for bad in [
            "cohttp",
            "pkg:",
            "pkg:opam/lwt",
            "pkg:npm/cohttp",
            "pkg:opam/",
        ] {
            let mut record = valid();
            affected(&mut record).package.as_mut().unwrap().purl = Some(bad.into());
            assert_eq!(
                violations(&record),
                one("affected[0].package.purl", Rule::Purl),
                "{bad}"
            );
        }
        let mut record = valid();
        affected(&mut record).package.as_mut().unwrap().purl = Some("pkg:opam/cohttp@6.2.2".into());
        assert_eq!(violations(&record), vec![]);
    }

    #[test]
    fn git_range_needs_repo_and_ecosystem_range_has_none() {
        let mut record = valid();
        range(&mut record, 2).repo = None;
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[2]", Rule::RangeRepo)
        );
        let mut record = valid();
        range(&mut record, 0).repo = Some("https://github.com/mirage/ocaml-cohttp".into());
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[0].repo", Rule::RangeRepo)
        );
    }

    #[test]
    fn range_needs_introduced() {
        let mut record = valid();
        range(&mut record, 0).events = vec![Event::Fixed("6.3.0".into())];
        let found = violations(&record);
        assert_eq!(
            found.first(),
            Some(&(
                "affected[0].ranges[0].events".into(),
                Rule::MissingIntroduced
            ))
        );
    }

    #[test]
    fn fixed_and_last_affected_exclude_each_other() {
        let mut record = valid();
        range(&mut record, 0)
            .events
            .push(Event::LastAffected("7.0".into()));
        assert!(violations(&record).contains(&(
            "affected[0].ranges[0].events".into(),
            Rule::FixedWithLastAffected
        )));
    }

    #[test]
    fn event_versions_must_not_be_empty_or_a_misplaced_zero() {
        let mut record = valid();
        range(&mut record, 0).events = vec![Event::Introduced(String::new())];
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[0].events[0]", Rule::EventVersion)
        );
        let mut record = valid();
        range(&mut record, 0).events =
            vec![Event::Introduced("0".into()), Event::Fixed("0".into())];
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[0].events[1]", Rule::EventVersion)
        );
    }

    #[test]
    fn git_events_are_full_hashes() {
        let mut record = valid();
        range(&mut record, 2).events[1] = Event::Fixed("5f5a65e".into());
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[2].events[1]", Rule::GitCommit)
        );
    }

    #[test]
    fn git_events_may_be_listed_in_any_order() {
        // Published OSEC records list a GIT range's fix before its introduction.
        let mut record = valid();
        range(&mut record, 2).events = vec![
            Event::Fixed("850021c200c7507f2a928a66fa1291ff4ae3a622".into()),
            Event::Introduced("507507829e9639374ede5a2dade1bb6d6b98ad49".into()),
        ];
        assert_eq!(violations(&record), vec![]);
    }

    #[test]
    fn semver_range_versions_must_be_semver() {
        let mut record = valid();
        range(&mut record, 1).events[1] = Event::Fixed("1.2".into());
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[1].events[1]", Rule::InvalidVersion)
        );
    }

    #[test]
    fn events_must_ascend() {
        let mut record = valid();
        range(&mut record, 1).events = vec![
            Event::Introduced("1.0.0".into()),
            Event::Fixed("0.9.0".into()),
        ];
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[1].events[1]", Rule::EventOrder)
        );
        // The ECOSYSTEM order is the one given to the validator.
        let mut record = valid();
        range(&mut record, 0).events =
            vec![Event::Introduced("b".into()), Event::Fixed("a".into())];
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[0].events[1]", Rule::EventOrder)
        );
        // Without an order for the ecosystem, ECOSYSTEM order is not checked.
        assert_eq!(record.validate(), Ok(()));
    }

    #[test]
    fn events_at_the_same_version_make_an_empty_range() {
        let mut record = valid();
        range(&mut record, 1).events = vec![
            Event::Introduced("1.0.0".into()),
            Event::Fixed("1.0.0".into()),
        ];
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[1].events[1]", Rule::EventOrder)
        );
    }

    #[test]
    fn fixed_must_close_an_introduced() {
        let mut record = valid();
        range(&mut record, 1).events = vec![
            Event::Introduced("1.0.0".into()),
            Event::Fixed("1.1.0".into()),
            Event::Fixed("1.2.0".into()),
        ];
        assert_eq!(
            violations(&record),
            one("affected[0].ranges[1].events[2]", Rule::EventOrder)
        );
    }

    #[test]
    fn limits_are_outside_the_timeline() {
        let mut record = valid();
        range(&mut record, 1).events = vec![
            Event::Limit("*".into()),
            Event::Introduced("1.0.0".into()),
            Event::Limit("0.5.0".into()),
            Event::LastAffected("1.1.0".into()),
        ];
        assert_eq!(violations(&record), vec![]);
    }

    #[test]
    fn versions_must_be_unique_and_non_empty() {
        let mut record = valid();
        affected(&mut record).versions = Some(vec!["1.0".into(), String::new(), "1.0".into()]);
        assert_eq!(
            violations(&record),
            vec![
                ("affected[0].versions[1]".into(), Rule::EventVersion),
                ("affected[0].versions[2]".into(), Rule::Duplicate),
            ]
        );
    }

    #[test]
    fn reference_urls_and_contacts_are_absolute_urls() {
        let mut record = valid();
        record.references = Some(vec![Reference {
            kind: ReferenceKind::Web,
            url: "github.com/ocaml".into(),
        }]);
        record.credits.as_mut().unwrap()[0].contact = Some(vec!["someone@example.org".into()]);
        assert_eq!(
            violations(&record),
            vec![
                ("references[0].url".into(), Rule::Url),
                ("credits[0].contact[0]".into(), Rule::Url),
            ]
        );
    }

    #[test]
    fn credit_needs_a_name() {
        let mut record = valid();
        record.credits.as_mut().unwrap()[0].name = " ".into();
        assert_eq!(
            violations(&record),
            one("credits[0].name", Rule::CreditName)
        );
    }

    #[test]
    fn report_of_a_badly_broken_record_renders_every_violation() {
        let record = crate::from_str(
            r#"{
  "schema_version": "1.7",
  "id": "OSEC-2026-1",
  "modified": "2026-01-01T00:00:00Z",
  "published": "2026-02-01T00:00:00Z",
  "aliases": ["OSEC-2026-1", "CVE-2026-77"],
  "affected": [{
    "package": {"ecosystem": "Opam", "name": "lwt", "purl": "pkg:opam/cohttp"},
    "ranges": [
      {"type": "ECOSYSTEM", "repo": "https://github.com/ocsigen/lwt", "events": [{"fixed": "5.0"}, {"last_affected": "4.0"}]},
      {"type": "GIT", "events": [{"introduced": "abc"}]},
      {"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "1.0.0"}]}
    ],
    "versions": ["4.0", "4.0"]
  }],
  "references": [{"type": "WEB", "url": "www.example.org"}],
  "credits": [{"name": "", "contact": ["someone@example.org"]}]
}"#,
        )
        .unwrap();
        insta::assert_snapshot!(record.validate().unwrap_err().to_string());
    }

    #[test]
    fn report_lists_every_violation_with_path_and_rule() {
        let mut record = valid();
        record.id = "FOO".into();
        record.credits.as_mut().unwrap()[0].name = String::new();
        let text = record.validate().unwrap_err().to_string();
        assert_eq!(
            text,
            "OSV record FOO breaks 2 rules\n  id: `FOO` is not an ID of the form `<DB>-<ENTRYID>` (like `CVE-2024-1234`) [id-format]\n  credits[0].name: a credit needs a name [credit-name]"
        );
    }
}
