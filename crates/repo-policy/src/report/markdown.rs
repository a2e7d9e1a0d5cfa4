//! `--format markdown`: a summary for a pull-request comment (GitHub-flavoured
//! Markdown): a verdict line, the range and counts, a table of findings (at most
//! [`MAX_ROWS`], so that the comment stays within GitHub's size limit) and what to do
//! for each code that occurs.

use std::collections::BTreeSet;

use opam_file::Severity;

use super::{Finding, Location, Report};
use crate::codes::Rule;

/// The most findings listed in the table; the rest are counted.
const MAX_ROWS: usize = 100;

/// Values longer than this are shortened in the middle of the table.
const MAX_VALUE: usize = 80;

pub(super) fn render(report: &Report) -> String {
    let verdict = match (report.errors(), report.warnings()) {
        (0, 0) => "✅ no change to released sources".to_owned(),
        (0, _) => format!("⚠️ {} to review", report.totals_text()),
        _ => format!("❌ {}", report.totals_text()),
    };
    let mut out = format!(
        "### osec repo check-immutable: {verdict}\n\n`{}`..`{}` (`{}`..`{}`): {}.\n",
        report.base.spec,
        report.head.spec,
        report.base.short(),
        report.head.short(),
        report.counts_text()
    );
    if report.findings.is_empty() {
        return out;
    }
    out.push_str("\n| | code | package | change | at BASE | at HEAD | file |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for finding in report.findings.iter().take(MAX_ROWS) {
        out.push_str(&row(finding));
    }
    if report.findings.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n… and {} more findings (see `--format json` or `--format sarif`).\n",
            report.findings.len() - MAX_ROWS
        ));
    }
    let rules: BTreeSet<Rule> = report.findings.iter().map(|f| f.rule).collect();
    out.push_str("\n<details><summary>What to do</summary>\n\n");
    for rule in rules {
        out.push_str(&format!(
            "- [**{}** `{}`]({}): {}\n",
            rule.code(),
            rule.name(),
            rule.help_uri(),
            rule.help()
        ));
    }
    out.push_str("\n</details>\n");
    out
}

fn row(finding: &Finding) -> String {
    let icon = match finding.severity() {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
    };
    format!(
        "| {icon} | {} | {} | {} | {} | {} | {} |\n",
        finding.rule.code(),
        code(&finding.package),
        cell(&finding.message),
        finding.old.as_deref().map(code).unwrap_or_default(),
        finding.new.as_deref().map(code).unwrap_or_default(),
        file(&finding.location),
    )
}

fn file(location: &Location) -> String {
    let line = location
        .region
        .map(|region| format!(" line {}", region.start_line))
        .unwrap_or_default();
    let side = match location.side {
        super::Side::Base => " (BASE)",
        super::Side::Head => "",
    };
    format!("{}{line}{side}", code(&location.path))
}

/// Text for a table cell: pipes escaped, line breaks as spaces.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A value as inline code in a cell, shortened in the middle when long.
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let shown: String = if chars.len() > MAX_VALUE {
        let head: String = chars.iter().take(MAX_VALUE / 2).collect();
        let tail: String = chars
            .iter()
            .skip(chars.len() - (MAX_VALUE / 2 - 1))
            .collect();
        format!("{head}…{tail}")
    } else {
        text.to_owned()
    };
    let fence = if shown.contains('`') { "``" } else { "`" };
    format!("{fence}{}{fence}", cell(&shown))
}
