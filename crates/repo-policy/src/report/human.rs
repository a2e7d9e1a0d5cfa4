//! Text for people, in rustc's layout: `error[POL001]: PACKAGE: message`, the file at
//! HEAD with line and column, the source line with carets, the value at BASE as a
//! note, and what to do as help; a summary line at the end.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use opam_file::Severity;

use super::{Finding, Location, Report, Side};

pub(super) fn render(report: &Report) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for finding in &report.findings {
        let group = group(report, finding);
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "checked {}: {}: {}\n",
        report.range_text(),
        report.counts_text(),
        report.totals_text()
    ));
    out
}

fn group<'a>(report: &'a Report, finding: &'a Finding) -> Group<'a> {
    let level = match finding.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level
        .primary_title(format!("{}: {}", finding.package, finding.message))
        .id(finding.rule.code());
    let revision = |side: Side| match side {
        Side::Base => format!("BASE ({})", report.base.short()),
        Side::Head => format!("HEAD ({})", report.head.short()),
    };
    let location = &finding.location;
    let snippet = location.region.and_then(|region| {
        let file = report.source(location.side, &location.path)?;
        let label = match location.side {
            Side::Base => "at BASE",
            Side::Head => "at HEAD",
        };
        Some(
            Snippet::source(file.text.as_str())
                .path(file.path.as_str())
                .fold(true)
                .annotation(
                    AnnotationKind::Primary
                        .span(snippet_range(&file.text, region.span))
                        .label(label),
                ),
        )
    });
    let mut group = match snippet {
        Some(snippet) => title.element(snippet),
        None => title.element(Origin::path(location.path.as_str())),
    };
    if location.side == Side::Base {
        group = group
            .element(Level::NOTE.message(format!("this is the file at {}", revision(Side::Base))));
    }
    if let Some(old) = &finding.old {
        let place = finding
            .old_location
            .as_ref()
            .map(|at| format!(" ({})", position(at)))
            .unwrap_or_default();
        group = group
            .element(Level::NOTE.message(format!("at {}: {old}{place}", revision(Side::Base))));
    }
    if let Some(new) = &finding.new {
        group = group.element(Level::NOTE.message(format!("at {}: {new}", revision(Side::Head))));
    }
    group.element(Level::HELP.message(finding.rule.help()))
}

/// `path:line:column`, or the path alone.
fn position(location: &Location) -> String {
    match &location.region {
        Some(region) => format!(
            "{}:{}:{}",
            location.path, region.start_line, region.start_column
        ),
        None => location.path.clone(),
    }
}

/// A byte range inside `text` on character boundaries, for annotate-snippets.
fn snippet_range(text: &str, span: opam_file::Span) -> std::ops::Range<usize> {
    let clamp = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = clamp(span.start as usize);
    let end = clamp(span.end as usize).max(start);
    start..end
}
