//! The typed advisory: what a header says, each value with the span it was written at.
//!
//! Values whose validity is a lint question (dates, CVSS vectors, CWE and alias
//! formats, reference and credit kinds) are kept as written, with an `Other` arm or a
//! checked accessor, so that a broken advisory still reads completely and the linter
//! reports every problem, not only the first.

use std::fmt;
use std::str::FromStr;

use opam_file::{RelOp, Span, Spanned};
use opam_model::{PackageName, ReleasedVersions, Version};

use crate::id::AdvisoryId;

/// One advisory: its header fields, summary and details. Spans point into the `.md` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Advisory {
    /// `id`, as written (an identifier such as `OSEC-2026-01`).
    pub id: Option<Spanned<String>>,
    /// `modified`: when the advisory last changed (RFC 3339).
    pub modified: Option<Spanned<String>>,
    /// `published`: when the advisory was first published (RFC 3339).
    pub published: Option<Spanned<String>>,
    /// `withdrawn`: when the advisory was withdrawn (RFC 3339).
    pub withdrawn: Option<Spanned<String>>,
    /// `aliases`: the same vulnerability in other databases (CVE, GHSA).
    pub aliases: Vec<Spanned<Alias>>,
    /// `upstream`: identifiers of the upstream vulnerabilities this one derives from.
    pub upstream: Vec<Spanned<String>>,
    /// `related`: identifiers of related but different vulnerabilities.
    pub related: Vec<Spanned<String>>,
    /// `severity`: a CVSS vector.
    pub severity: Option<Spanned<String>>,
    /// `severity_score`: the score of the vector, as written (`"9.1 (Critical)"`, `"6.8"`).
    pub severity_score: Option<Spanned<String>>,
    /// `affected`: the affected packages, each with its version constraint.
    pub affected: Vec<Affected>,
    /// `affected_bindings`: the affected functions or modules.
    pub affected_bindings: Vec<Spanned<String>>,
    /// `events`: the ranges of the fix and introduction in source control or versions.
    pub events: Vec<EventRange>,
    /// `references`: links about the vulnerability.
    pub references: Vec<Reference>,
    /// `credits`: the people and tools that took part.
    pub credits: Vec<Credit>,
    /// `cwe`: weakness identifiers, `CWE-<n>`.
    pub cwe: Vec<Spanned<String>>,
    /// `historical`: the affected versions are only in opam-repository-archive.
    pub historical: Option<Spanned<bool>>,
    /// The summary, the text of the `# ` heading after the header.
    pub summary: Option<Spanned<String>>,
    /// The Markdown details after the summary, trimmed.
    pub details: String,
}

impl Advisory {
    /// The advisory's identifier, when `id` is present and well-formed.
    pub fn advisory_id(&self) -> Option<AdvisoryId> {
        self.id.as_ref().and_then(|id| id.value.parse().ok())
    }

    /// `modified` as a timestamp, when present and valid RFC 3339.
    pub fn modified_at(&self) -> Option<jiff::Timestamp> {
        self.modified
            .as_ref()
            .and_then(|d| crate::date::parse_date(&d.value).ok())
    }

    /// `published` as a timestamp, when present and valid RFC 3339.
    pub fn published_at(&self) -> Option<jiff::Timestamp> {
        self.published
            .as_ref()
            .and_then(|d| crate::date::parse_date(&d.value).ok())
    }

    /// `withdrawn` as a timestamp, when present and valid RFC 3339.
    pub fn withdrawn_at(&self) -> Option<jiff::Timestamp> {
        self.withdrawn
            .as_ref()
            .and_then(|d| crate::date::parse_date(&d.value).ok())
    }

    /// The `severity` vector, parsed (CVSS 2.0, 3.0, 3.1 or 4.0), when present and valid;
    /// its `score()` and `severity()` give the recomputed score and rating.
    pub fn cvss(&self) -> Option<cvss::Cvss> {
        self.severity.as_ref().and_then(|s| s.value.parse().ok())
    }
}

/// A package the advisory applies to, with the versions affected.
#[derive(Debug, Clone, PartialEq)]
pub struct Affected {
    /// The opam package name.
    pub package: Spanned<String>,
    /// The affected versions; `None` means every version.
    pub constraint: Option<Constraint>,
}

impl Affected {
    /// The released versions of the package, in opam's order; `None` when no
    /// repository has it (or its name is not a valid package name).
    pub fn released_versions<'a>(&self, released: &'a ReleasedVersions) -> Option<&'a [Version]> {
        released.versions(&PackageName::parse(&self.package.value).ok()?)
    }
}

/// A version constraint formula, as in `{>= "1.0" & < "1.2" | = "2.0"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// The formula.
    pub kind: ConstraintKind,
    /// Where it is written.
    pub span: Span,
}

/// The shapes of a constraint formula.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstraintKind {
    /// `op "version"`.
    Atom {
        /// The relational operator.
        op: Spanned<RelOp>,
        /// The version it compares to.
        version: Spanned<String>,
    },
    /// All of them hold (two or more): `a & b & c`, kept as one flat chain (see
    /// [`opam_file::LogChain`]).
    And(Vec<Constraint>),
    /// Any of them holds (two or more): `a | b | c`.
    Or(Vec<Constraint>),
}

impl Constraint {
    /// Every `op "version"` atom of the formula, left to right.
    pub fn atoms(&self) -> Vec<(&Spanned<RelOp>, &Spanned<String>)> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            match &c.kind {
                ConstraintKind::Atom { op, version } => out.push((op, version)),
                ConstraintKind::And(operands) | ConstraintKind::Or(operands) => {
                    stack.extend(operands.iter().rev());
                }
            }
        }
        out
    }

    /// Whether `version` satisfies the formula, given a comparison of versions.
    pub fn matches<F>(&self, version: &str, compare: &F) -> bool
    where
        F: Fn(&str, &str) -> std::cmp::Ordering,
    {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match &self.kind {
            ConstraintKind::Atom { op, version: bound } => {
                let ord = compare(version, &bound.value);
                match op.value {
                    RelOp::Eq => ord == Equal,
                    RelOp::Neq => ord != Equal,
                    RelOp::Geq => ord != Less,
                    RelOp::Gt => ord == Greater,
                    RelOp::Leq => ord != Greater,
                    RelOp::Lt => ord == Less,
                }
            }
            ConstraintKind::And(all) => all.iter().all(|c| c.matches(version, compare)),
            ConstraintKind::Or(any) => any.iter().any(|c| c.matches(version, compare)),
        }
    }
}

/// An alias: the same vulnerability's identifier in another database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Alias {
    /// `CVE-YYYY-NNNN` (four or more digits).
    Cve(String),
    /// `GHSA-xxxx-xxxx-xxxx` (GitHub Security Advisory).
    Ghsa(String),
    /// Anything else; the linter rejects it.
    Other(String),
}

impl Alias {
    /// The identifier as written.
    pub fn as_str(&self) -> &str {
        match self {
            Alias::Cve(s) | Alias::Ghsa(s) | Alias::Other(s) => s,
        }
    }

    /// Classifies an identifier.
    pub fn new(text: &str) -> Alias {
        if is_cve(text) {
            Alias::Cve(text.to_owned())
        } else if is_ghsa(text) {
            Alias::Ghsa(text.to_owned())
        } else {
            Alias::Other(text.to_owned())
        }
    }
}

fn is_cve(text: &str) -> bool {
    let mut parts = text.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("CVE"), Some(year), Some(number), None)
            if year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && number.len() >= 4
                && number.bytes().all(|b| b.is_ascii_digit())
    )
}

fn is_ghsa(text: &str) -> bool {
    // GitHub's alphabet for the three groups: digits 2-9 and lowercase letters
    // without the confusable ones, but accept any lowercase alphanumerics.
    let Some(rest) = text.strip_prefix("GHSA-") else {
        return false;
    };
    let groups: Vec<&str> = rest.split('-').collect();
    groups.len() == 3
        && groups.iter().all(|g| {
            g.len() == 4
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CWE identifier, `CWE-<n>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cwe(pub u32);

/// Why a text is not a CWE identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a CWE identifier of the form CWE-<number>")]
pub struct InvalidCwe {
    /// The rejected text.
    pub text: String,
}

impl FromStr for Cwe {
    type Err = InvalidCwe;

    fn from_str(text: &str) -> Result<Cwe, InvalidCwe> {
        let invalid = || InvalidCwe {
            text: text.to_owned(),
        };
        let digits = text.strip_prefix("CWE-").ok_or_else(invalid)?;
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        digits.parse().map(Cwe).map_err(|_| invalid())
    }
}

impl fmt::Display for Cwe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CWE-{}", self.0)
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value outside the vocabulary; the linter rejects it.
            Other(String),
        }

        impl $name {
            /// Every known value, as written in a header.
            pub const KNOWN: &'static [&'static str] = &[$($text),*];

            /// Classifies a keyword.
            pub fn new(text: &str) -> $name {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }

            /// The keyword as written in a header.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The type of a reference, from the OSV schema (`references[].type`, lowercase).
    ReferenceKind {
        /// A published security advisory.
        Advisory = "advisory",
        /// An article or blog post.
        Article = "article",
        /// A way to detect the vulnerability in production.
        Detection = "detection",
        /// A discussion thread.
        Discussion = "discussion",
        /// A report, typically in an issue tracker.
        Report = "report",
        /// A link to the fix.
        Fix = "fix",
        /// A link to the change that introduced the vulnerability.
        Introduced = "introduced",
        /// The package's home page.
        Package = "package",
        /// A demonstration of the vulnerability.
        Evidence = "evidence",
        /// Any other web page.
        Web = "web",
    }
}

vocabulary! {
    /// The role of a credited party, from the OSV schema (`credits[].type`, lowercase).
    CreditKind {
        /// Found the vulnerability.
        Finder = "finder",
        /// Reported it.
        Reporter = "reporter",
        /// Validated it.
        Analyst = "analyst",
        /// Coordinated the response.
        Coordinator = "coordinator",
        /// Wrote the fix.
        RemediationDeveloper = "remediation_developer",
        /// Reviewed the fix.
        RemediationReviewer = "remediation_reviewer",
        /// Tested the fix.
        RemediationVerifier = "remediation_verifier",
        /// A tool used to find it.
        Tool = "tool",
        /// Supported the work.
        Sponsor = "sponsor",
        /// Any other role.
        OtherRole = "other",
    }
}

vocabulary! {
    /// The type of an event range, from the OSV schema (`ranges[].type`, lowercase).
    RangeKind {
        /// Commits of a git repository.
        Git = "git",
        /// Versions of the package's ecosystem (opam order).
        Ecosystem = "ecosystem",
        /// Semantic versions.
        Semver = "semver",
    }
}

vocabulary! {
    /// The kind of an event in a range, from the OSV schema.
    EventKind {
        /// The first affected commit or version.
        Introduced = "introduced",
        /// The first fixed commit or version.
        Fixed = "fixed",
        /// The last affected commit or version.
        LastAffected = "last_affected",
    }
}

/// One range of events: `git "https://repo" [[fixed "sha"]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRange {
    /// The range type.
    pub kind: Spanned<RangeKind>,
    /// The repository URL (for `git`) or a label.
    pub repo: Spanned<String>,
    /// The events in order.
    pub events: Vec<Event>,
}

/// One event of a range: `[fixed "sha"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event kind.
    pub kind: Spanned<EventKind>,
    /// The commit or version.
    pub value: Spanned<String>,
}

/// One reference: `[report "https://…"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The reference type.
    pub kind: Spanned<ReferenceKind>,
    /// The URL.
    pub url: Spanned<String>,
}

/// One credit: `[reporter "Name" ["mailto:…"]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Credit {
    /// The role.
    pub kind: Spanned<CreditKind>,
    /// The name.
    pub name: Spanned<String>,
    /// Ways to reach them (URLs, `mailto:`).
    pub contacts: Vec<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_aliases() {
        assert_eq!(
            Alias::new("CVE-2015-8869"),
            Alias::Cve("CVE-2015-8869".into())
        );
        assert_eq!(
            Alias::new("CVE-2026-123456"),
            Alias::Cve("CVE-2026-123456".into())
        );
        assert_eq!(
            Alias::new("GHSA-j26j-m5xr-g23c"),
            Alias::Ghsa("GHSA-j26j-m5xr-g23c".into())
        );
        for other in [
            "CVE-2015-886",
            "CVE-15-8869",
            "GHSA-J26J-m5xr-g23c",
            "GHSA-j26j-m5xr",
            "cve-2015-8869",
        ] {
            assert!(matches!(Alias::new(other), Alias::Other(_)), "{other}");
        }
    }

    #[test]
    fn parses_cwe() {
        assert_eq!("CWE-119".parse::<Cwe>().unwrap(), Cwe(119));
        for bad in ["CWE-", "CWE-0119", "cwe-119", "CWE-11a", "119"] {
            assert!(bad.parse::<Cwe>().is_err(), "{bad}");
        }
    }

    #[test]
    fn vocabularies_keep_unknown_values() {
        assert_eq!(ReferenceKind::new("fix"), ReferenceKind::Fix);
        assert_eq!(
            ReferenceKind::new("patch"),
            ReferenceKind::Other("patch".into())
        );
        assert_eq!(
            CreditKind::new("remediation_developer").as_str(),
            "remediation_developer"
        );
        assert_eq!(EventKind::new("limit"), EventKind::Other("limit".into()));
    }

    #[test]
    fn constraint_matches_with_given_order() {
        let sp = Span::default();
        let atom = |op, v: &str| Constraint {
            kind: ConstraintKind::Atom {
                op: Spanned::new(op, sp),
                version: Spanned::new(v.to_owned(), sp),
            },
            span: sp,
        };
        let c = Constraint {
            kind: ConstraintKind::Or(vec![
                atom(RelOp::Lt, "4"),
                Constraint {
                    kind: ConstraintKind::And(vec![atom(RelOp::Geq, "5"), atom(RelOp::Lt, "7")]),
                    span: sp,
                },
            ]),
            span: sp,
        };
        let cmp = |a: &str, b: &str| a.cmp(b);
        assert!(c.matches("3", &cmp));
        assert!(!c.matches("4", &cmp));
        assert!(c.matches("6", &cmp));
        assert!(!c.matches("7", &cmp));
        assert_eq!(c.atoms().len(), 3);
    }
}
