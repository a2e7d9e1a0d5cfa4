//! The result of a check and its renderers: text for people (rustc's layout), JSON
//! (the contract documented in the crate docs), SARIF 2.1.0 for GitHub code
//! scanning, and a Markdown summary for a pull-request comment.

mod human;
mod json;
mod markdown;
mod sarif;

use std::collections::BTreeMap;
use std::path::PathBuf;

use opam_file::{Severity, SourceFile, Span};

use crate::codes::Rule;
use crate::git::Revision;

/// Which of the two revisions a location is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The revision compared against (`BASE`).
    Base,
    /// The revision checked (`HEAD`).
    Head,
}

impl Side {
    /// `base` or `head`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Base => "base",
            Side::Head => "head",
        }
    }
}

/// A span of a file with its lines and columns (1-based, columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Region {
    /// The line of the first character.
    pub start_line: usize,
    /// The column of the first character.
    pub start_column: usize,
    /// The line of the character after the last.
    pub end_line: usize,
    /// The column of the character after the last.
    pub end_column: usize,
    /// The bytes.
    pub span: Span,
}

impl Region {
    /// The region of `span` in `file`.
    pub fn of(file: &SourceFile, span: Span) -> Region {
        let (start_line, start_column) = file.line_column(span.start);
        let (end_line, end_column) = file.line_column(span.end);
        Region {
            start_line,
            start_column,
            end_line,
            end_column,
            span,
        }
    }
}

/// Where a finding points: a file of the repository at one revision, and the part
/// of it when there is one (a file under `files/` or a removed version has none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The revision the file is read at.
    pub side: Side,
    /// From the repository root, `/`-separated.
    pub path: String,
    /// The part of the file.
    pub region: Option<Region>,
}

/// One change that the policy reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of change.
    pub rule: Rule,
    /// The package version, `NAME.VERSION` (its directory's name).
    pub package: String,
    /// What changed: `url`, `extra-source "NAME"`, `patches`, `substs`,
    /// `extra-files`, `build`, `files/PATH`, `opam` or `version`.
    pub subject: String,
    /// One line saying what changed, without the package.
    pub message: String,
    /// Where: at HEAD, except for removals (at BASE).
    pub location: Location,
    /// The value at BASE, when there is one.
    pub old: Option<String>,
    /// The value at HEAD, when there is one.
    pub new: Option<String>,
    /// Where the value at BASE was.
    pub old_location: Option<Location>,
}

impl Finding {
    /// The rule's level.
    pub fn severity(&self) -> Severity {
        self.rule.level()
    }

    /// An identifier of the finding that stays the same across runs and line moves
    /// (SARIF's `partialFingerprints`): code, package, subject and the values.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}:{}:{}:{}:{}",
            self.rule.code(),
            self.package,
            self.subject,
            self.old.as_deref().unwrap_or(""),
            self.new.as_deref().unwrap_or("")
        )
    }
}

/// How many package versions differ between the two revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Present at both, with a different directory tree (checked for source changes).
    pub changed: usize,
    /// Only at HEAD (checked for checksums).
    pub added: usize,
    /// Only at BASE.
    pub removed: usize,
}

/// The result of `check-immutable`: the findings and what was compared.
#[derive(Debug, Clone)]
pub struct Report {
    /// The git repository, as given.
    pub repository: PathBuf,
    /// The revision compared against.
    pub base: Revision,
    /// The revision checked.
    pub head: Revision,
    /// The package versions that differ.
    pub counts: Counts,
    /// Sorted by package (`NAME.VERSION`), then code, then position.
    pub findings: Vec<Finding>,
    /// The texts of the files findings point into, for the text output.
    pub(crate) sources: BTreeMap<(Side, String), SourceFile>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Format {
    /// rustc-style text for people.
    Human,
    /// One JSON document (schema osec-repo-check-immutable/1).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// A Markdown summary for a pull-request comment.
    Markdown,
}

impl Report {
    /// The number of findings of level error: the violations.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// The number of findings of level warning.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == severity)
            .count()
    }

    /// The text of a file a finding points into.
    pub fn source(&self, side: Side, path: &str) -> Option<&SourceFile> {
        self.sources.get(&(side, path.to_owned()))
    }

    /// The report in `format`; the same report gives the same bytes.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Human => human::render(self),
            Format::Json => to_json(&json::document(self)),
            Format::Sarif => to_json(&sarif::document(self)),
            Format::Markdown => markdown::render(self),
        }
    }

    /// `BASE..HEAD (1234567..89abcde)`, for titles.
    fn range_text(&self) -> String {
        format!(
            "{}..{} ({}..{})",
            self.base.spec,
            self.head.spec,
            self.base.short(),
            self.head.short()
        )
    }

    /// `1 changed, 2 new, 0 removed package versions`.
    fn counts_text(&self) -> String {
        format!(
            "{} changed, {} new, {} removed package {}",
            self.counts.changed,
            self.counts.added,
            self.counts.removed,
            plural(
                self.counts.changed + self.counts.added + self.counts.removed,
                "version",
                "versions"
            )
        )
    }

    /// `2 errors, 1 warning`.
    fn totals_text(&self) -> String {
        format!(
            "{} {}, {} {}",
            self.errors(),
            plural(self.errors(), "error", "errors"),
            self.warnings(),
            plural(self.warnings(), "warning", "warnings")
        )
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn to_json(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
