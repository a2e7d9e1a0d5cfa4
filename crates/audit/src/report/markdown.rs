//! `--format markdown`: a pull-request comment.
//!
//! Everything that comes from data (paths, package names, versions, summaries, the
//! database's name, messages) goes through [`escape`]: every ASCII punctuation
//! character is backslash-escaped, so none starts emphasis, a link, a table cell or an
//! HTML tag (`<embedded>` stays text), and line breaks become spaces. Links only carry
//! `http(s)` URLs, made safe by [`link_destination`].

use std::fmt::Write as _;

use super::{
    Report, admits_text, constraint_text, count_text, fixed_text, hidden_text, path_text,
    pinned_text, reach_text, severity_text,
};

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let vulnerabilities = report.vulnerabilities();
    let _ = writeln!(
        out,
        "## osec audit: {}\n",
        count_text(vulnerabilities.len())
    );
    for input in &report.inputs {
        let opam_file = input.kind == "opam-file";
        let _ = writeln!(
            out,
            "### {} ({}, {} {})\n",
            escape(&input.path),
            input.kind,
            input.packages_scanned,
            if opam_file {
                "dependencies"
            } else {
                "packages"
            }
        );
        if !input.pinned_skipped.is_empty() {
            let _ = writeln!(
                out,
                "Pinned, not matched (use \\-\\-include\\-pinned): {}\n",
                escape(&pinned_text(&input.pinned_skipped))
            );
        }
        for note in &input.notes {
            let _ = writeln!(out, "> **Note:** {}\n", escape(&note.to_string()));
        }
        if input.findings.is_empty() {
            out.push_str("No vulnerabilities found.\n\n");
        } else {
            if opam_file {
                out.push_str(
                    "| ID | Package | Constraint | Severity | Fixed in | Admits (affected) | Summary |\n",
                );
            } else {
                out.push_str(
                    "| ID | Package | Installed | Severity | Fixed in | Path | Summary |\n",
                );
            }
            out.push_str("|---|---|---|---|---|---|---|\n");
            for f in &input.findings {
                let id = match f.url.as_deref().and_then(link_destination) {
                    Some(url) => format!("[{}]({url})", escape(&f.id)),
                    None => escape(&f.id),
                };
                let (third, sixth) = match &f.constraint {
                    Some(c) => (constraint_text(c), admits_text(f, c)),
                    None => (f.installed_version.clone(), path_text(f)),
                };
                let _ = writeln!(
                    out,
                    "| {id} | {} | {} | {} | {} | {} | {} |",
                    escape(&f.package),
                    escape(&third),
                    escape(&severity_text(f)),
                    escape(&fixed_text(f)),
                    escape(&sixth),
                    escape(&f.summary)
                );
            }
            out.push('\n');
            let mut reached = false;
            for f in &input.findings {
                if let Some(outcome) = input.reachability_of(f) {
                    let _ = writeln!(
                        out,
                        "- **{}** in {}: {}",
                        escape(&f.id),
                        escape(&f.package),
                        escape(&reach_text(f, outcome))
                    );
                    reached = true;
                }
            }
            if reached {
                out.push('\n');
            }
        }
        if let Some(hidden) = input.hidden_not_referenced {
            let _ = writeln!(out, "{}\n", escape(&hidden_text(hidden)));
        }
        if !input.plans.is_empty() {
            out.push_str("**Upgrade plans**\n\n");
            for plan in &input.plans {
                let _ = writeln!(
                    out,
                    "- `{}` {}: {}",
                    plan.package,
                    escape(&plan.installed_version),
                    escape(&plan.summary())
                );
                for note in &plan.notes {
                    let _ = writeln!(out, "  - note: {}", escape(note));
                }
            }
            out.push('\n');
        }
        if !input.ignored.is_empty() {
            out.push_str("<details><summary>Ignored</summary>\n\n");
            for ignored in &input.ignored {
                let _ = writeln!(
                    out,
                    "- {} in {}: {}",
                    escape(&ignored.finding.id),
                    escape(&ignored.finding.subject()),
                    escape(&ignored.reason)
                );
            }
            out.push_str("\n</details>\n\n");
        }
    }
    if !report.errors.is_empty() {
        out.push_str("### Inputs that could not be read\n\n");
        for error in &report.errors {
            let _ = writeln!(out, "- {}", escape(&error.message));
        }
        out.push('\n');
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", escape(&warning.to_string()));
    }
    for shared in vulnerabilities.iter().filter(|v| v.inputs.len() > 1) {
        let inputs: Vec<String> = shared.inputs.iter().map(|i| escape(i)).collect();
        let _ = writeln!(
            out,
            "- {} in {} {} is in {} inputs: {}",
            escape(&shared.id),
            escape(&shared.package),
            escape(&shared.installed_version),
            shared.inputs.len(),
            inputs.join(", ")
        );
    }
    if vulnerabilities.iter().any(|v| v.inputs.len() > 1) {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<sub>Database: {} ({} records).</sub>",
        escape(&report.database.source),
        report.database.records
    );
    out
}

/// Text from data as Markdown that renders as that text, and stays readable as plain
/// text: the characters that start inline markup (GitHub's `~` and `$` included)
/// backslash-escaped, and any ASCII punctuation in first place, or after leading digits
/// where it would make an ordered list's marker (`0.`, `12) x`) (CommonMark allows the
/// escape for every punctuation character; GitHub's tables take `\|` as a literal
/// bar); line breaks and other control characters as spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits_before = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // Inline markup can start anywhere; `-`, `+`, `#`, `=`, `.`… only matter at
        // the start of a line or cell, where any punctuation is escaped, and so do
        // `.` and `)` after digits there when a space or the end follows (`1.0` is
        // no list).
        let starts_block = match digits_before {
            0 => c.is_ascii_punctuation(),
            n if n > 0 && (c == '.' || c == ')') => {
                chars.peek().is_none_or(|next| next.is_whitespace())
            }
            _ => false,
        };
        digits_before = if digits_before >= 0 && c.is_ascii_digit() {
            digits_before + 1
        } else {
            -1
        };
        if "\\`*_[]<>|&~!$".contains(c) || starts_block {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// An `http(s)` URL as a link destination: characters that would end the destination,
/// the table cell or the line, or start an entity, percent-encoded. `None` for any other
/// scheme (a `javascript:` link from a record never becomes clickable).
fn link_destination(url: &str) -> Option<String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '<' | '>' | '(' | ')' | '|' | '\\' | '`' | '"' | '&' | '[' | ']' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c if c.is_control() => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    let _ = write!(out, "%{byte:02X}");
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_only_web_urls_and_encode_what_would_end_them() {
        assert_eq!(
            link_destination("https://x.org/a b)|<c>&d").as_deref(),
            Some("https://x.org/a%20b%29%7C%3Cc%3E%26d")
        );
        assert_eq!(link_destination("javascript:alert(1)"), None);
        assert_eq!(link_destination("ftp://x.org/a"), None);
    }

    #[test]
    fn escapes_punctuation_and_line_breaks() {
        assert_eq!(escape("<embedded>"), "\\<embedded\\>");
        assert_eq!(escape("a|b\nc*d"), "a\\|b c\\*d");
        assert_eq!(escape("café 1.0"), "café 1.0");
        assert_eq!(escape("-1.0 OSEC-2026-16"), "\\-1.0 OSEC-2026-16");
        // An ordered list's marker: digits, then `.` or `)`.
        assert_eq!(escape("0."), "0\\.");
        assert_eq!(escape("12) x"), "12\\) x");
        assert_eq!(escape("1.2.3 1."), "1.2.3 1.");
    }

    /// The text and the raw HTML a CommonMark reader (with GitHub's tables) sees in
    /// `markdown`.
    fn rendered(markdown: &str) -> (String, Vec<String>) {
        use pulldown_cmark::{Event, Options, Parser};
        let mut text = String::new();
        let mut html = Vec::new();
        for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
            match event {
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::Html(h) | Event::InlineHtml(h) => html.push(h.to_string()),
                Event::SoftBreak | Event::HardBreak => text.push('\n'),
                _ => {}
            }
        }
        (text, html)
    }

    proptest::proptest! {
        /// Escaped data reads back as the same text, and never as HTML, wherever the
        /// report puts it: a heading, a table cell, a list item, a quote.
        #[test]
        fn escaped_data_renders_as_itself(data in "[ -~éλ…\u{2028}]{1,40}") {
            let expected = data.trim().to_owned();
            proptest::prop_assume!(!expected.is_empty());
            let escaped = escape(&data);
            for (before, after) in [
                ("### ", " (opam-lock)"),
                ("| A | B |\n|---|---|\n| x | ", " |"),
                ("- ", ""),
                ("> **Note:** ", ""),
                ("<sub>Database: ", "</sub>"),
            ] {
                let (text, html) = rendered(&format!("{before}{escaped}{after}\n"));
                proptest::prop_assert!(
                    text.contains(&expected),
                    "{before:?}: {escaped:?} rendered as {text:?}"
                );
                let allowed = ["<sub>", "</sub>"];
                proptest::prop_assert!(
                    html.iter().all(|h| allowed.contains(&h.as_str())),
                    "{before:?}: {escaped:?} gave HTML {html:?}"
                );
            }
        }
    }

    #[test]
    fn the_database_name_is_not_eaten_as_a_tag() {
        let (text, html) = rendered(&format!(
            "<sub>Database: {} (26 records).</sub>\n",
            escape("<embedded>")
        ));
        assert_eq!(text, "Database: <embedded> (26 records).");
        assert_eq!(html, ["<sub>", "</sub>"]);
    }
}
