//! Turning lint reports into output: findings become the project's
//! [`opam_file::Diagnostic`] and are printed by its renderers (rustc-style text, SARIF);
//! the JSON document of `osec lint --format json` is built here.

use opam_file::diagnostic::{self, render_human, sarif};
use opam_file::{Diagnostic, Label, Severity, SourceFile};

use super::{FileReport, Finding, Level, Rule, totals};

/// The output formats of `osec lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum OutputFormat {
    /// rustc-style text for people.
    // The source line and carets, then a summary line.
    Human,
    /// One JSON document with the diagnostics and totals.
    // `{"diagnostics": [{path, line, column, severity, code, message}], "errors": N, "warnings": N}`.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

impl Finding {
    /// The finding as the project's diagnostic value.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let severity = match self.level() {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        };
        Diagnostic {
            code: self.rule.code().to_owned(),
            severity,
            message: self.message.clone(),
            primary: Label::new(self.span, self.rule.name()),
            secondary: self
                .related
                .iter()
                .map(|(span, label)| Label::new(*span, label.clone()))
                .collect(),
            help: self.help.clone(),
        }
    }
}

impl Rule {
    /// The rule as SARIF describes it: summary from "What it checks", help from "Fix".
    pub fn to_description(self) -> diagnostic::Rule {
        let severity = match self.level() {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        };
        let fix = self
            .doc()
            .split("## Fix")
            .nth(1)
            .map(str::trim)
            .unwrap_or("");
        diagnostic::Rule {
            code: self.code(),
            name: self.name(),
            severity,
            summary: self.summary(),
            description: self.description(),
            help: fix,
        }
    }
}

fn source_file(report: &FileReport) -> SourceFile {
    SourceFile::new(report.path.display().to_string(), report.source.as_bytes())
}

/// The diagnostic with its text safe for a terminal: control characters in the data
/// it quotes (a field name, an ID) escaped. The quoted source lines are made safe in
/// [`render_text`].
fn escaped(mut diagnostic: Diagnostic) -> Diagnostic {
    let escape = |text: &mut String| {
        if let std::borrow::Cow::Owned(escaped) = safe_fs::escape_control(text) {
            *text = escaped;
        }
    };
    escape(&mut diagnostic.message);
    escape(&mut diagnostic.primary.message);
    for label in &mut diagnostic.secondary {
        escape(&mut label.message);
    }
    if let Some(help) = &mut diagnostic.help {
        escape(help);
    }
    diagnostic
}

/// Renders the reports of a run in `format`.
pub fn render(reports: &[FileReport], format: OutputFormat) -> String {
    match format {
        OutputFormat::Human => render_text(reports),
        OutputFormat::Json => render_json(reports),
        OutputFormat::Sarif => render_sarif(reports),
    }
}

/// The diagnostics of advisories a command could not use (`osec repo`, `osec osv
/// export`, `osec site build`), for people; empty when there are none.
pub fn render_rejected(rejected: &[FileReport]) -> String {
    if rejected.is_empty() {
        String::new()
    } else {
        render_text(rejected)
    }
}

fn render_text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports.iter().filter(|r| !r.findings.is_empty()) {
        let diagnostics: Vec<Diagnostic> = report
            .findings
            .iter()
            .map(|finding| escaped(finding.to_diagnostic()))
            .collect();
        // The renderer shows C0 controls, DEL and bidirectional controls of quoted
        // lines as symbols; C1 controls are masked here, offsets unchanged.
        let text = safe_fs::mask_c1_controls(&report.source);
        let file = SourceFile::new(safe_fs::display_path(&report.path), text.as_bytes());
        out.push_str(&render_human(&file, &diagnostics));
    }
    let totals = totals(reports);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "checked {}: {}, {}\n",
        plural(reports.len(), "advisory file"),
        plural(totals.errors, "error"),
        plural(totals.warnings, "warning")
    ));
    out
}

fn render_json(reports: &[FileReport]) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        let file = source_file(report);
        for finding in &report.findings {
            let (line, column) = file.line_column(finding.span.start);
            diagnostics.push(serde_json::json!({
                "path": file.path,
                "line": line,
                "column": column,
                "severity": finding.level().as_str(),
                "code": finding.rule.code(),
                "message": finding.message,
            }));
        }
    }
    let totals = totals(reports);
    let document = serde_json::json!({
        "diagnostics": diagnostics,
        "errors": totals.errors,
        "warnings": totals.warnings,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn render_sarif(reports: &[FileReport]) -> String {
    let files: Vec<(SourceFile, Vec<Diagnostic>)> = reports
        .iter()
        .map(|r| {
            (
                source_file(r),
                r.findings.iter().map(Finding::to_diagnostic).collect(),
            )
        })
        .collect();
    let borrowed: Vec<(&SourceFile, &[Diagnostic])> =
        files.iter().map(|(f, d)| (f, d.as_slice())).collect();
    let rules: Vec<diagnostic::Rule> = Rule::ALL.iter().map(|r| r.to_description()).collect();
    let tool = diagnostic::SarifTool {
        name: "osec",
        version: env!("CARGO_PKG_VERSION"),
        information_uri: "https://github.com/ocaml/osec",
    };
    let mut text = sarif(&tool, &borrowed, &rules);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
