//! The audit report and its renderers: one [`Report`] value, five formats
//! ([`Format`]). The JSON form is the serialisation of [`Report`] (schema
//! `osec-audit/1`, documented in the crate docs).

mod cyclonedx;
mod markdown;
pub mod openvex;
mod sarif;
mod table;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::input::{self, Input, Note};
use crate::plan::Plan;
use crate::policy::{Decision, Ignored, PolicyWarning};
use crate::reach::Reachability;
use crate::scan::{Component, ConstraintMatch, Finding, Scan, Severity};

/// The name and version of the JSON report's layout.
pub const SCHEMA: &str = "osec-audit/1";

/// Output formats of `osec audit --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// The report as JSON (schema osec-audit/1).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Markdown for a pull-request comment.
    Markdown,
    /// CycloneDX 1.6 JSON: components with purls and their vulnerabilities.
    #[cfg_attr(feature = "clap", value(name = "cyclonedx"))]
    CycloneDx,
    /// OpenVEX 0.2.0: one statement per finding, from its reachability.
    #[cfg_attr(feature = "clap", value(name = "openvex"))]
    OpenVex,
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
    /// `opam-switch`, `opam-export`, `opam-lock`, `dune-lock`, `dune-dev-tool`,
    /// `esy-lock`, `opam-file`.
    pub kind: &'static str,
    /// The file or directory read.
    pub path: String,
    /// What was matched against the database (defined in the crate docs).
    pub packages_scanned: usize,
    /// Pinned packages not matched (see `--include-pinned`).
    pub pinned_skipped: Vec<String>,
    /// Findings at or above the threshold, not ignored: these fail the run.
    pub findings: Vec<Finding>,
    /// Findings set aside by the policy, each with its reason.
    pub ignored: Vec<Ignored>,
    /// What the reader noticed about the input (see [`Note`]).
    pub notes: Vec<Note>,
    /// The upgrade plan of each vulnerable package, by name (empty without
    /// repositories).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<Plan>,
    /// Every installed (or locked) package and its dependencies (empty for a plain
    /// `*.opam` file): what `--format cyclonedx` lists. Not part of the JSON report.
    #[serde(skip)]
    pub components: Vec<Component>,
    /// `--reachability`: the verdict of each reported finding (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachability: Option<Vec<FindingReachability>>,
    /// `--reachable-only`: how many not-referenced findings were hidden (absent
    /// without it). They count for nothing, the exit code included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_not_referenced: Option<usize>,
}

/// One finding's reachability: its ID and the scan's [`ocaml_reach::Outcome`]
/// (`package`, `verdict`, the verdict's details, `bindings`, `files_scanned`, `notes`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReachability {
    /// The vulnerability's ID.
    pub id: String,
    /// The verdict for the finding's package.
    #[serde(flatten)]
    pub outcome: ocaml_reach::Outcome,
}

impl InputReport {
    /// The plan for `package`, if one was made.
    pub fn plan_for(&self, package: &str) -> Option<&Plan> {
        self.plans.iter().find(|plan| plan.package == package)
    }

    /// The reachability of `finding`, when analysed.
    pub fn reachability_of(&self, finding: &Finding) -> Option<&ocaml_reach::Outcome> {
        self.reachability
            .iter()
            .flatten()
            .find(|r| r.id == finding.id && r.outcome.package == finding.package)
            .map(|r| &r.outcome)
    }

    /// Keeps the verdicts (`reachability`) and, with `reachable_only`, hides the
    /// findings found not referenced, counting them.
    pub fn set_reachability(&mut self, reachability: Reachability, reachable_only: bool) {
        if reachable_only {
            let before = self.findings.len();
            self.findings.retain(|f| {
                !matches!(
                    reachability.get(&(f.id.clone(), f.package.clone())),
                    Some(ocaml_reach::Outcome {
                        verdict: ocaml_reach::Verdict::NotReferenced { .. },
                        ..
                    })
                )
            });
            self.hidden_not_referenced = Some(before - self.findings.len());
        }
        self.reachability = Some(
            reachability
                .into_iter()
                .map(|((id, _), outcome)| FindingReachability { id, outcome })
                .collect(),
        );
    }
}

/// An input that could not be read. The other inputs are still read and reported; the
/// run ends with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The kind of input it was taken for (as [`InputReport::kind`]).
    pub kind: &'static str,
    /// The input as found or named.
    pub path: String,
    /// The file the error is about (the input itself, or a file inside it).
    pub file: String,
    /// The line where reading stopped, for bad content.
    pub line: Option<u32>,
    /// The column where reading stopped, for bad content.
    pub column: Option<u32>,
    /// The error as `osec` prints it (file, position, what is wrong, what to do).
    pub message: String,
}

impl InputError {
    /// The error reading `input`.
    pub fn new(input: &Input, error: &input::Error) -> InputError {
        let position = error.position();
        InputError {
            kind: input.kind(),
            path: input.path().display().to_string(),
            file: error.path().display().to_string(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            message: error.to_string(),
        }
    }
}

/// One vulnerability of one package version, however many inputs carry it: what the
/// reports count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vulnerability {
    /// The vulnerability's ID.
    pub id: String,
    /// The affected package.
    pub package: String,
    /// Its version; empty for plain `*.opam` files' constraints (all of a package's
    /// constraint findings are then one vulnerability).
    pub installed_version: String,
    /// The inputs whose reported findings carry it, in report order.
    pub inputs: Vec<String>,
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
    /// Inputs that could not be read (they make the exit code 2).
    pub errors: Vec<InputError>,
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
            errors: Vec::new(),
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
            notes: scan.notes,
            plans: Vec::new(),
            components: scan.components,
            reachability: None,
            hidden_not_referenced: None,
        });
    }

    /// Every reported finding of every input.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.inputs.iter().flat_map(|input| input.findings.iter())
    }

    /// The reported vulnerabilities, each package version once, with the inputs that
    /// carry it (sorted by package, version, ID).
    pub fn vulnerabilities(&self) -> Vec<Vulnerability> {
        let mut found: BTreeMap<(&str, &str, &str), Vec<String>> = BTreeMap::new();
        for input in &self.inputs {
            for finding in &input.findings {
                let key = (
                    finding.package.as_str(),
                    finding.installed_version.as_str(),
                    finding.id.as_str(),
                );
                let inputs = found.entry(key).or_default();
                if !inputs.contains(&input.path) {
                    inputs.push(input.path.clone());
                }
            }
        }
        found
            .into_iter()
            .map(|((package, version, id), inputs)| Vulnerability {
                id: id.to_owned(),
                package: package.to_owned(),
                installed_version: version.to_owned(),
                inputs,
            })
            .collect()
    }

    /// The reachability of every analysed finding, over all inputs (the first input's
    /// verdict when several analysed the same one).
    pub fn reachability(&self) -> Reachability {
        let mut all = Reachability::new();
        for input in &self.inputs {
            for r in input.reachability.iter().flatten() {
                all.entry((r.id.clone(), r.outcome.package.clone()))
                    .or_insert_with(|| r.outcome.clone());
            }
        }
        all
    }

    /// How many not-referenced findings `--reachable-only` hid, over all inputs.
    pub fn hidden_not_referenced(&self) -> Option<usize> {
        self.inputs
            .iter()
            .filter_map(|i| i.hidden_not_referenced)
            .reduce(|a, b| a + b)
    }

    /// True when some finding fails the run (exit code 1).
    pub fn is_vulnerable(&self) -> bool {
        self.findings().next().is_some()
    }

    /// Renders the report. `colour` applies to [`Format::Table`] only.
    pub fn render(&self, format: Format, colour: bool) -> String {
        match format {
            Format::Table => table::render(self, colour),
            Format::Json => to_json(&JsonReport {
                report: self,
                vulnerabilities: self.vulnerabilities(),
            }),
            Format::Sarif => to_json(&sarif::document(self)),
            Format::Markdown => markdown::render(self),
            Format::CycloneDx => to_json(&cyclonedx::document(self)),
            // Dated by the database, so that the same inputs give the same bytes; an
            // empty database has no date, and gives the epoch.
            Format::OpenVex => openvex::render(
                self,
                &self.reachability(),
                self.database
                    .last_modified
                    .as_deref()
                    .unwrap_or("1970-01-01T00:00:00Z"),
            ),
        }
    }
}

/// The JSON report: [`Report`] and its [`Report::vulnerabilities`].
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    report: &'a Report,
    vulnerabilities: Vec<Vulnerability>,
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

/// How many vulnerabilities the report counts, as a phrase: `1 vulnerability`,
/// `3 vulnerabilities`.
fn count_text(count: usize) -> String {
    format!(
        "{count} vulnerabilit{}",
        if count == 1 { "y" } else { "ies" }
    )
}

/// A finding's reachability as a phrase: `called: Cohttp.Path.resolve_local_file at
/// src/main.ml:8:15 (project → cohttp-lwt-unix → cohttp)` (the advisory's binding,
/// where the project refers to it, and the packages the call goes through), `not referenced (in 12
/// files scanned)`, `unknown: the advisory names no affected functions`.
fn reach_text(finding: &Finding, outcome: &ocaml_reach::Outcome) -> String {
    /// References written out; the rest are counted.
    const SHOWN: usize = 3;
    match &outcome.verdict {
        ocaml_reach::Verdict::Called { references, more } => {
            let mut places: Vec<String> = references
                .iter()
                .take(SHOWN)
                .map(|r| {
                    format!(
                        "{} at {}:{}:{} ({})",
                        r.binding,
                        r.at.file.display(),
                        r.at.line,
                        r.at.column,
                        r.packages(&finding.package).join(" → ")
                    )
                })
                .collect();
            let hidden = references.len().saturating_sub(SHOWN) + more;
            if hidden > 0 {
                places.push(format!("and {hidden} more"));
            }
            format!("called: {}", places.join("; "))
        }
        ocaml_reach::Verdict::NotReferenced { files_scanned } => format!(
            "not referenced (in {files_scanned} file{} scanned)",
            if *files_scanned == 1 { "" } else { "s" }
        ),
        ocaml_reach::Verdict::Unknown { why } => {
            let reasons: Vec<String> = why.iter().map(openvex::why_text).collect();
            format!("unknown: {}", reasons.join("; "))
        }
    }
}

/// `--reachable-only`'s count as a sentence, when it hid something or was asked for.
fn hidden_text(hidden: usize) -> String {
    format!(
        "{hidden} not-referenced finding{} hidden (--reachable-only)",
        if hidden == 1 { "" } else { "s" }
    )
}

/// Pinned packages in short: the first few names, then how many more.
fn pinned_text(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
    match names.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!(
            "{} packages: {} and {more} more (all listed in --format json)",
            names.len(),
            shown.join(", ")
        ),
        _ => shown.join(", "),
    }
}
