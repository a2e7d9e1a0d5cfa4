//! The audit report and its renderers: one [`Report`] value, five formats
//! ([`Format`]). The JSON form is the serialisation of [`Report`] (schema
//! `osec-audit/1`, documented in the crate docs).

mod cyclonedx;
mod markdown;
pub mod openvex;
mod sarif;
mod table;

use serde::Serialize;

use crate::plan::Plan;
use crate::policy::{Decision, Ignored, PolicyWarning};
use crate::scan::{Component, ConstraintMatch, Finding, Scan, Severity};

/// The name and version of the JSON report's layout.
pub const SCHEMA: &str = "osec-audit/1";

/// Output formats of `osec audit --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// [`Report`] as JSON.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Markdown for a pull-request comment.
    Markdown,
    /// CycloneDX 1.6 JSON: components with purls and their vulnerabilities.
    CycloneDx,
}

/// Which database the report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseInfo {
    /// Where it was loaded from (`<embedded>`, a path).
    pub source: String,
    /// How many records it holds.
    pub records: usize,
    /// The newest `modified` time of its records (RFC 3339), if any.
    pub last_modified: Option<String>,
}

/// One input's results after the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputReport {
    /// `opam-switch`, `opam-export`, `opam-lock`, `dune-lock`, `esy-lock`, `opam-file`.
    pub kind: &'static str,
    /// The file or directory read.
    pub path: String,
    /// Packages (for `opam-file`: dependency entries) matched against the database.
    pub packages_scanned: usize,
    /// Pinned packages not matched (see `--include-pinned`).
    pub pinned_skipped: Vec<String>,
    /// Findings at or above the threshold, not ignored: these fail the run.
    pub findings: Vec<Finding>,
    /// Findings set aside by the policy, each with its reason.
    pub ignored: Vec<Ignored>,
    /// The upgrade plan of each vulnerable package, by name (empty without
    /// repositories).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<Plan>,
    /// Every installed (or locked) package and its dependencies (empty for a plain
    /// `*.opam` file): what `--format cyclonedx` lists. Not part of the JSON report.
    #[serde(skip)]
    pub components: Vec<Component>,
}

impl InputReport {
    /// The plan for `package`, if one was made.
    pub fn plan_for(&self, package: &str) -> Option<&Plan> {
        self.plans.iter().find(|plan| plan.package == package)
    }
}

/// Everything `osec audit` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The version of osec that wrote it.
    pub tool_version: String,
    /// The database used.
    pub database: DatabaseInfo,
    /// The `--severity-threshold`.
    pub threshold: Severity,
    /// One entry per input, in the order read.
    pub inputs: Vec<InputReport>,
    /// Expired and unused ignores.
    pub warnings: Vec<PolicyWarning>,
    /// Why there are no upgrade plans, when there are none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_note: Option<String>,
}

impl Report {
    /// A report with no inputs yet.
    pub fn new(tool_version: &str, database: DatabaseInfo, threshold: Severity) -> Report {
        Report {
            schema: SCHEMA,
            tool_version: tool_version.to_owned(),
            database,
            threshold,
            inputs: Vec::new(),
            warnings: Vec::new(),
            plan_note: None,
        }
    }

    /// Adds one input's scan as decided by the policy; warnings are merged (each once).
    pub fn push(&mut self, scan: Scan, decision: Decision) {
        for warning in decision.warnings {
            if !self.warnings.contains(&warning) {
                self.warnings.push(warning);
            }
        }
        self.inputs.push(InputReport {
            kind: scan.kind,
            path: scan.path,
            packages_scanned: scan.packages_scanned,
            pinned_skipped: scan.pinned_skipped,
            findings: decision.reported,
            ignored: decision.ignored,
            plans: Vec::new(),
            components: scan.components,
        });
    }

    /// Every reported finding of every input.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.inputs.iter().flat_map(|input| input.findings.iter())
    }

    /// True when some finding fails the run (exit code 1).
    pub fn is_vulnerable(&self) -> bool {
        self.findings().next().is_some()
    }

    /// Renders the report. `colour` applies to [`Format::Table`] only.
    pub fn render(&self, format: Format, colour: bool) -> String {
        match format {
            Format::Table => table::render(self, colour),
            Format::Json => to_json(self),
            Format::Sarif => to_json(&sarif::document(self)),
            Format::Markdown => markdown::render(self),
            Format::CycloneDx => to_json(&cyclonedx::document(self)),
        }
    }
}

fn to_json(value: &impl Serialize) -> String {
    // Serialising these plain data types cannot fail (string keys, no custom impls).
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The severity column: `high 7.5`, or `unknown`.
fn severity_text(finding: &Finding) -> String {
    match &finding.severity {
        Some(rating) => format!("{} {:.1}", rating.level, rating.score),
        None => "unknown".to_owned(),
    }
}

fn fixed_text(finding: &Finding) -> String {
    if finding.fixed_versions.is_empty() {
        "no fix".to_owned()
    } else {
        finding.fixed_versions.join(", ")
    }
}

fn path_text(finding: &Finding) -> String {
    let mut text = if finding.path.is_empty() {
        finding.package.clone()
    } else {
        finding.path_text()
    };
    if finding.development_only {
        text.push_str(" (dev only)");
    }
    text
}

/// A constraint as a cell: `{>= "5.0"}`, with the flag kind and `depopts` when they
/// apply: `{with-test} (with-test)`, `{>= "1"} (depopts)`.
fn constraint_text(constraint: &ConstraintMatch) -> String {
    let mut text = constraint.display_text().to_owned();
    if constraint.kind != "normal" {
        text.push_str(&format!(" ({})", constraint.kind));
    }
    if constraint.field != "depends" {
        text.push_str(&format!(" ({})", constraint.field));
    }
    text
}

/// The admitted affected versions and where the entry is: `5.0.0…6.2.2 (82 versions),
/// line 7`, with ` (dev only)` for a development-only entry.
fn admits_text(finding: &Finding, constraint: &ConstraintMatch) -> String {
    let mut text = format!(
        "{}, line {}",
        constraint.admitted_text(),
        constraint.region.start_line
    );
    if finding.development_only {
        text.push_str(" (dev only)");
    }
    text
}
