//! The project's one diagnostic value and its renderers (text for people, JSON lines,
//! SARIF 2.1.0).
//!
//! A [`Diagnostic`] is data: a stable code from a registry ([`SYNTAX_RULES`] here;
//! other crates keep their own lists of [`Rule`]s), a severity, a one-line message,
//! a primary [`Label`] on a span, secondary labels and an optional help line.
//! Renderers read it with the [`SourceFile`] it points into:
//!
//! - [`render_human`]: rustc's layout (`error[SYN002]: …`, `--> path:line:col`, the
//!   source line, carets, `help: …`), via `annotate-snippets`;
//! - [`render_json_lines`]: one JSON object per diagnostic,
//!   `{path,line,column,severity,code,message}`;
//! - [`sarif`]: a SARIF 2.1.0 log, with rule descriptions.
//!
//! Lines and columns shown to people are 1-based and columns count characters; they
//! come from [`SourceFile::line_column`], unlike opam's own positions
//! ([`crate::OcamlLines`]: 0-based byte columns).

use std::cmp::Ordering;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::error::{LexerError, ParseError, ParseErrorKind};
use crate::source::{SourceFile, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The input is wrong: the command fails.
    Error,
    /// The input is suspicious but usable.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span of the source with a short message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    /// What the label points at.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

impl Label {
    /// A label on `span` saying `message`.
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// A stable code such as `SYN002` (never reused for another meaning).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// One short line saying what is wrong.
    pub message: String,
    /// Where it is.
    pub primary: Label,
    /// Other places that explain it.
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

/// A registered diagnostic code and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable code.
    pub code: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// The severity of its diagnostics.
    pub severity: Severity,
    /// One sentence: what it reports.
    pub summary: &'static str,
    /// How to fix it.
    pub help: &'static str,
}

/// The codes of the opam syntax, the `SYN` prefix. Append only: a code is never
/// renumbered or reused.
pub const SYNTAX_RULES: &[Rule] = &[
    Rule {
        code: "SYN001",
        name: "lexer-error",
        severity: Severity::Error,
        summary: "The text contains something opam's lexer rejects: a character that starts no token, an unterminated string or comment, an illegal escape, or `=:=`.",
        help: "fix the text at the caret: close the string or comment, or use one of the escapes \\\\ \\\" \\' \\n \\r \\t \\b \\DDD \\xHH",
    },
    Rule {
        code: "SYN002",
        name: "syntax-error",
        severity: Severity::Error,
        summary: "The tokens do not form an opam file: every item is `name: value` or `kind [\"name\"] { items }`.",
        help: "check the brackets, braces and parentheses before the caret; a field takes exactly one value",
    },
    Rule {
        code: "SYN003",
        name: "integer-out-of-range",
        severity: Severity::Error,
        summary: "An integer does not fit OCaml's 63-bit int, or is written so that OCaml cannot read it (`_`, `-_1`).",
        help: "write the number as a string, or start it with a digit",
    },
    Rule {
        code: "SYN004",
        name: "too-deeply-nested",
        severity: Severity::Error,
        summary: "Values or sections are nested more deeply than osec's limit.",
        help: "flatten the nested lists, groups or sections",
    },
    Rule {
        code: "SYN005",
        name: "opam-version-misplaced",
        severity: Severity::Error,
        summary: "An `opam-version` field breaks opam 2.1's rules: after a first `opam-version` of 2.1 or later no other may appear, and one of 2.1 or later must be the first item.",
        help: "keep a single `opam-version` field, as the first item of the file",
    },
];

/// The rule registered for `code`, if any.
pub fn syntax_rule(code: &str) -> Option<&'static Rule> {
    SYNTAX_RULES.iter().find(|rule| rule.code == code)
}

impl Diagnostic {
    /// The diagnostic for a parse error.
    pub fn from_parse_error(error: &ParseError) -> Diagnostic {
        let span = error.span();
        let (code, message, label, extra_help) = match error.kind() {
            ParseErrorKind::Lexer(
                lexer @ (LexerError::OpamVersionRepeated | LexerError::OpamVersionNotFirst),
            ) => ("SYN005", lexer.to_string(), "this field".to_owned(), None),
            ParseErrorKind::Lexer(lexer) => ("SYN001", lexer.to_string(), "here".to_owned(), None),
            ParseErrorKind::Syntax {
                found,
                hidden_lexer_error,
            } => (
                "SYN002",
                format!("syntax error: unexpected {found}"),
                "unexpected here".to_owned(),
                hidden_lexer_error.map(|hidden| {
                    format!(
                        "opam reads the first three tokens ahead and reports their errors as syntax errors; the lexer said: {hidden}"
                    )
                }),
            ),
            ParseErrorKind::IntOfString => (
                "SYN003",
                "integer out of range or malformed".to_owned(),
                "this integer".to_owned(),
                None,
            ),
            ParseErrorKind::TooDeep { limit } => (
                "SYN004",
                format!("values nested more than {limit} levels deep"),
                "too deep here".to_owned(),
                None,
            ),
        };
        let rule = syntax_rule(code);
        let help = match (extra_help, rule) {
            (Some(extra), _) => Some(extra),
            (None, Some(rule)) => Some(rule.help.to_owned()),
            (None, None) => None,
        };
        Diagnostic {
            code: code.to_owned(),
            severity: Severity::Error,
            message,
            primary: Label::new(span, label),
            secondary: Vec::new(),
            help,
        }
    }
}

/// Sorts diagnostics of one file by position, then code, so output is deterministic.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        a.primary
            .span
            .start
            .cmp(&b.primary.span.start)
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
            .then(Ordering::Equal)
    });
}

/// A byte range for annotate-snippets: inside the text and on character boundaries.
fn snippet_range(text: &str, span: Span) -> std::ops::Range<usize> {
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

/// The lines a diagnostic shows: from the line before its first label to the line
/// of its last, as a byte range of the text and the number of its first line.
///
/// annotate-snippets copies and indexes every line of the source it is given, several
/// times the size of the text in memory. These lines render the same as the whole
/// text (a test compares them); the line before the first label is among them
/// because the layout of a label that starts at the end of a line depends on it. The
/// lines between two labels are all kept: a diagnostic whose labels lie far apart
/// still costs memory in proportion to the text between them.
fn excerpt(file: &SourceFile, diagnostic: &Diagnostic) -> (std::ops::Range<usize>, usize) {
    let ranges = std::iter::once(&diagnostic.primary)
        .chain(&diagnostic.secondary)
        .map(|label| snippet_range(&file.text, label.span));
    let (low, high) = ranges.fold((usize::MAX, 0), |(low, high), range| {
        (low.min(range.start), high.max(range.end))
    });
    let line_of = |offset: usize| {
        file.line_column(u32::try_from(offset).unwrap_or(u32::MAX))
            .0
    };
    let first_line = line_of(low).saturating_sub(1).max(1);
    let index = file.line_index();
    let start = index.line_start(first_line - 1).map_or(0, |at| at as usize);
    // The 0-based number of the line after the last label's is its 1-based number.
    let end = index
        .line_start(line_of(high))
        .map_or(file.text.len(), |at| at as usize);
    (start..end, first_line)
}

/// Renders diagnostics of one file for people, in rustc's layout, without colour.
pub fn render_human(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let (lines, first_line) = excerpt(file, diagnostic);
        let source = file.text.get(lines.clone()).unwrap_or_default();
        let in_excerpt = |span: Span| {
            let range = snippet_range(&file.text, span);
            range.start.saturating_sub(lines.start)..range.end.saturating_sub(lines.start)
        };
        let mut snippet = Snippet::source(source)
            .line_start(first_line)
            .path(file.path.as_str())
            .fold(true)
            .annotation(
                AnnotationKind::Primary
                    .span(in_excerpt(diagnostic.primary.span))
                    .label(diagnostic.primary.message.as_str()),
            );
        for label in &diagnostic.secondary {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(in_excerpt(label.span))
                    .label(label.message.as_str()),
            );
        }
        let mut group = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_str())
            .element(snippet);
        if let Some(help) = &diagnostic.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report: [Group<'_>; 1] = [group];
        out.push_str(&renderer.render(&report));
        out.push('\n');
    }
    out
}

/// One JSON object per line: `{path,line,column,severity,code,message}`, with
/// 1-based line and character column.
pub fn render_json_lines(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (line, column) = file.line_column(diagnostic.primary.span.start);
        let object = serde_json::json!({
            "path": file.path,
            "line": line,
            "column": column,
            "severity": diagnostic.severity.as_str(),
            "code": diagnostic.code,
            "message": diagnostic.message,
        });
        out.push_str(&object.to_string());
        out.push('\n');
    }
    out
}

/// A SARIF 2.1.0 log of the diagnostics of several files, with `rules` describing
/// their codes, from a tool named `tool_name`.
pub fn sarif(tool_name: &str, files: &[(&SourceFile, &[Diagnostic])], rules: &[Rule]) -> String {
    let rule_objects: Vec<serde_json::Value> = rules
        .iter()
        .map(|rule| {
            serde_json::json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.help },
                "defaultConfiguration": { "level": rule.severity.as_str() },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (file, diagnostics) in files {
        for diagnostic in diagnostics.iter() {
            let (start_line, start_column) = file.line_column(diagnostic.primary.span.start);
            let (end_line, end_column) = file.line_column(diagnostic.primary.span.end);
            let mut result = serde_json::json!({
                "ruleId": diagnostic.code,
                "level": diagnostic.severity.as_str(),
                "message": { "text": diagnostic.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file.path },
                        "region": {
                            "startLine": start_line,
                            "startColumn": start_column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        }
                    }
                }],
            });
            if let Some(index) = rules.iter().position(|rule| rule.code == diagnostic.code)
                && let Some(object) = result.as_object_mut()
            {
                object.insert("ruleIndex".to_owned(), serde_json::json!(index));
            }
            results.push(result);
        }
    }
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": tool_name, "rules": rule_objects } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnose(path: &str, src: &str) -> (SourceFile, Vec<Diagnostic>) {
        let error = crate::parse(src.as_bytes()).expect_err("the example is invalid");
        (
            SourceFile::new(path, src.as_bytes()),
            vec![Diagnostic::from_parse_error(&error)],
        )
    }

    #[test]
    fn human_output_has_rustc_layout() {
        let (file, diagnostics) = diagnose("pkg.opam", "a: 1\nx: [\"a\" }\n");
        insta::assert_snapshot!(render_human(&file, &diagnostics), @r#"
        error[SYN002]: syntax error: unexpected `}`
         --> pkg.opam:2:9
          |
        2 | x: ["a" }
          |         ^ unexpected here
          |
          = help: check the brackets, braces and parentheses before the caret; a field takes exactly one value
        "#);
    }

    #[test]
    fn lexer_errors_have_their_own_code_and_opam_message() {
        let (file, diagnostics) = diagnose("opam", "a: 1\nb: \"\\q\"\n");
        insta::assert_snapshot!(render_human(&file, &diagnostics), @r#"
        error[SYN001]: illegal escape sequence
         --> opam:2:6
          |
        2 | b: "\q"
          |      ^ here
          |
          = help: fix the text at the caret: close the string or comment, or use one of the escapes \\ \" \' \n \r \t \b \DDD \xHH
        "#);
    }

    #[test]
    fn json_lines_give_human_positions() {
        let (file, diagnostics) = diagnose("opam", "a: \"é\" b: 99999999999999999999\n");
        assert_eq!(
            render_json_lines(&file, &diagnostics),
            "{\"path\":\"opam\",\"line\":1,\"column\":11,\"severity\":\"error\",\"code\":\"SYN003\",\"message\":\"integer out of range or malformed\"}\n"
        );
    }

    #[test]
    fn sarif_lists_rules_and_results() {
        let (file, diagnostics) = diagnose("opam", "x: [\n");
        let log: serde_json::Value =
            serde_json::from_str(&sarif("osec", &[(&file, &diagnostics)], SYNTAX_RULES))
                .expect("json");
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][1]["id"], "SYN002");
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "SYN002");
        assert_eq!(result["ruleIndex"], 1);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
    }

    #[test]
    fn registry_codes_are_unique_and_every_error_kind_has_one() {
        let mut codes: Vec<_> = SYNTAX_RULES.iter().map(|rule| rule.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), SYNTAX_RULES.len());
        for src in [
            "x: $",
            "x: [",
            "a: 1 x: _",
            "opam-version: \"2.1\" opam-version: \"2.1\"",
        ] {
            let error = crate::parse(src.as_bytes()).expect_err(src);
            let diagnostic = Diagnostic::from_parse_error(&error);
            assert!(syntax_rule(&diagnostic.code).is_some(), "{src}");
        }
    }

    /// What [`render_human`] printed when it gave annotate-snippets the whole text.
    fn render_whole_text(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
        let mut out = String::new();
        for diagnostic in diagnostics {
            let mut snippet = Snippet::source(file.text.as_str())
                .path(file.path.as_str())
                .fold(true)
                .annotation(
                    AnnotationKind::Primary
                        .span(snippet_range(&file.text, diagnostic.primary.span))
                        .label(diagnostic.primary.message.as_str()),
                );
            for label in &diagnostic.secondary {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(snippet_range(&file.text, label.span))
                        .label(label.message.as_str()),
                );
            }
            let mut group = Level::ERROR
                .primary_title(diagnostic.message.as_str())
                .id(diagnostic.code.as_str())
                .element(snippet);
            if let Some(help) = &diagnostic.help {
                group = group.element(Level::HELP.message(help.as_str()));
            }
            out.push_str(&Renderer::plain().render(&[group]));
            out.push('\n');
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Rendering from the lines around the labels prints what rendering from the
        /// whole text printed: the same lines, numbers, folds and carets.
        #[test]
        fn excerpts_render_as_the_whole_text(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "", "a", "x: [\"a\" }", "\té y", "  {", "}", "// c", "depends: [", "\u{1F600}",
                ]),
                0..14,
            ),
            crlf in proptest::bool::ANY,
            final_newline in proptest::bool::ANY,
            labels in proptest::collection::vec((0..300usize, 0..40usize), 1..4),
        ) {
            let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
            if final_newline {
                text.push('\n');
            }
            let file = SourceFile::new("f.opam", text.as_bytes());
            let label = |&(start, len): &(usize, usize)| {
                let start = start % (text.len() + 1);
                let end = (start + len).min(text.len());
                Label::new(Span::new(start as u32, end as u32), "here")
            };
            let diagnostic = Diagnostic {
                code: "SYN002".into(),
                severity: Severity::Error,
                message: "syntax error".into(),
                primary: label(&labels[0]),
                secondary: labels[1..].iter().map(label).collect(),
                help: None,
            };
            let diagnostics = [diagnostic];
            proptest::prop_assert_eq!(
                render_human(&file, &diagnostics),
                render_whole_text(&file, &diagnostics)
            );
        }
    }

    #[test]
    fn an_error_at_the_end_of_a_long_file_renders_its_last_lines_only() {
        let mut text = "x-field: \"value\"\n".repeat(100_000);
        text.push_str("broken: [\n");
        let error = crate::parse(text.as_bytes()).expect_err("unterminated list");
        let file = SourceFile::new("big.opam", text.as_bytes());
        let diagnostic = Diagnostic::from_parse_error(&error);
        let (lines, first_line) = excerpt(&file, &diagnostic);
        // The end of the file is after the last newline: its last line, and the one
        // before, are all the rendering needs.
        assert_eq!(first_line, 100_001);
        assert_eq!(&file.text[lines], "broken: [\n");
        let diagnostics = [diagnostic];
        assert_eq!(
            render_human(&file, &diagnostics),
            render_whole_text(&file, &diagnostics)
        );
    }

    #[test]
    fn columns_count_characters_for_people() {
        let file = SourceFile::new("f", "é: [\n  ab".as_bytes());
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(2), (1, 2));
        assert_eq!(file.line_column(9), (2, 4));
    }
}
