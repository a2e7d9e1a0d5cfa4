//! Announcements of an advisory: the e-mail for the announce-only mailing list (a
//! subject line and a plain-text body wrapped at [`WIDTH`] columns) and the same text
//! in Markdown for a forum post.
//!
//! Both say, in order: the summary; per package the affected versions (its opam
//! constraint) and the fixed ones (the `fixed` events of its ECOSYSTEM ranges in the
//! OSV record); the CVE and other aliases; the CVSS vector with its score and rating
//! (computed from the vector); the CWEs; the dates; the affected functions; the
//! details, except their `## Workaround` (or `Workarounds`, `Mitigation`) and
//! `## Timeline` sections, which follow under their own headings; the credits by
//! role; and the links: the advisory, its OSV record and its references.
//!
//! The plain text is made from the Markdown of the details with pulldown-cmark:
//! paragraphs and list items are filled to the width, code blocks indented by four
//! columns, links written as `text <URL>`. A word longer than a line (a long URL) is
//! cut across lines, as RFC 3986 (appendix C) suggests for URLs in plain text, so
//! that no line of the body is over [`WIDTH`] columns (counted in characters).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use advisory::Advisory;
use advisory::model::{Alias, CreditKind};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The widest line of a plain-text body, in characters.
pub const WIDTH: usize = 72;

/// The format of an announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum AnnounceFormat {
    /// Subject and plain-text body, for the mailing list.
    Email,
    /// Markdown, for a forum post.
    Markdown,
}

/// An announcement: its subject line and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// The subject line (or the title of the forum post).
    pub subject: String,
    /// The body.
    pub body: String,
}

impl Announcement {
    /// The text to print: for e-mail, a `Subject:` header, a blank line and the body;
    /// for Markdown, the body (which starts with the subject as its heading).
    pub fn render(&self, format: AnnounceFormat) -> String {
        match format {
            AnnounceFormat::Email => format!("Subject: {}\n\n{}", self.subject, self.body),
            AnnounceFormat::Markdown => self.body.clone(),
        }
    }
}

/// Why an advisory file cannot be announced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnnounceError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] safe_fs::Error),
    /// The file does not read as an advisory.
    #[error(
        "{}: {count} problem(s) reading the advisory; run `osec lint` on it",
        safe_fs::display_path(path)
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// How many problems the reader found.
        count: usize,
    },
    /// The advisory cannot be converted to its OSV record.
    #[error("{}: {source}", safe_fs::display_path(path))]
    Convert {
        /// The file.
        path: PathBuf,
        /// Why.
        source: advisory::to_osv::ConvertError,
    },
}

/// The announcement of the advisory file at `path`, in `format`.
pub fn announce_file(path: &Path, format: AnnounceFormat) -> Result<Announcement, AnnounceError> {
    let text = advisory::tree::read_advisory_text(path)?;
    let parsed = advisory::parse(&text);
    if !parsed.problems.is_empty() {
        return Err(AnnounceError::Unreadable {
            path: path.to_owned(),
            count: parsed.problems.len(),
        });
    }
    let options = advisory::to_osv::ConvertOptions {
        released: None,
        with_versions: false,
    };
    let record = advisory::to_osv(&parsed.advisory, &options)
        .map_err(|source| AnnounceError::Convert {
            path: path.to_owned(),
            source,
        })?
        .record;
    Ok(announce(&parsed.advisory, &record, format))
}

/// What the announcement says, gathered from the advisory and its OSV record.
struct Facts<'a> {
    id: &'a str,
    summary: String,
    packages: Vec<Package>,
    cves: Vec<&'a str>,
    other_ids: Vec<&'a str>,
    cvss: Option<(String, &'a str)>,
    cwes: Vec<&'a str>,
    published: Option<&'a str>,
    modified: Option<&'a str>,
    withdrawn: Option<&'a str>,
    bindings: Vec<&'a str>,
    description: String,
    workaround: String,
    timeline: String,
    credits: Vec<(&'static str, Vec<&'a str>)>,
    advisory_url: Option<String>,
    osv_url: Option<String>,
    references: Vec<(&'a str, &'a str)>,
}

struct Package {
    name: String,
    constraint: String,
    fixed: Vec<String>,
    open_ended: bool,
}

/// The announcement of `advisory`, whose OSV record is `record` (as
/// [`advisory::to_osv()`] makes it).
pub fn announce(
    advisory: &Advisory,
    record: &osv::Vulnerability,
    format: AnnounceFormat,
) -> Announcement {
    let facts = Facts::of(advisory, record);
    let packages: Vec<&str> = facts.packages.iter().map(|p| p.name.as_str()).collect();
    let mut subject = format!("{}: {}", facts.id, facts.summary);
    if !packages.is_empty() {
        let _ = write!(subject, " ({})", packages.join(", "));
    }
    if facts.withdrawn.is_some() {
        subject = format!("[withdrawn] {subject}");
    }
    let body = match format {
        AnnounceFormat::Email => facts.plain_text(),
        AnnounceFormat::Markdown => facts.markdown(&subject),
    };
    Announcement { subject, body }
}

impl<'a> Facts<'a> {
    fn of(advisory: &'a Advisory, record: &'a osv::Vulnerability) -> Facts<'a> {
        let (description, workaround, timeline) = split_sections(&advisory.details);
        let packages = record
            .affected()
            .iter()
            .filter_map(|affected| {
                let name = affected.package.as_ref()?.name.clone();
                let constraint = affected
                    .ecosystem_specific
                    .as_ref()
                    .and_then(|s| s.get("opam_constraint"))
                    .and_then(|c| c.as_str())
                    .map_or_else(|| name.clone(), str::to_owned);
                let mut fixed = Vec::new();
                let mut open_ended = false;
                for range in affected.ranges() {
                    if range.kind != osv::RangeKind::Ecosystem {
                        continue;
                    }
                    let mut closed = false;
                    for event in &range.events {
                        match event {
                            osv::Event::Fixed(v) => {
                                closed = true;
                                if !fixed.contains(v) {
                                    fixed.push(v.clone());
                                }
                            }
                            osv::Event::LastAffected(_) => closed = true,
                            _ => {}
                        }
                    }
                    open_ended |= !closed;
                }
                if affected
                    .ranges()
                    .iter()
                    .all(|r| r.kind != osv::RangeKind::Ecosystem)
                {
                    open_ended = true;
                }
                Some(Package {
                    name,
                    constraint,
                    fixed,
                    open_ended,
                })
            })
            .collect();
        let (cves, other_ids) = advisory
            .aliases
            .iter()
            .map(|a| a.value.as_str())
            .partition(|a| matches!(Alias::new(a), Alias::Cve(_)));
        let cvss = advisory
            .cvss()
            .zip(advisory.severity.as_ref())
            .map(|(vector, text)| {
                (
                    advisory::draft::severity_score(&vector),
                    text.value.as_str(),
                )
            });
        let mut credits: Vec<(&'static str, Vec<&str>)> = Vec::new();
        for credit in &advisory.credits {
            let role = role_name(&credit.kind.value);
            match credits.iter_mut().find(|(r, _)| *r == role) {
                Some((_, names)) => names.push(&credit.name.value),
                None => credits.push((role, vec![&credit.name.value])),
            }
        }
        let link = |key: &str| {
            record
                .database_specific
                .as_ref()
                .and_then(|s| s.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let day = |date: Option<&'a str>| date.map(|d| d.get(..10).unwrap_or(d));
        let published = day(advisory.published.as_ref().map(|d| d.value.as_str()));
        let modified = day(advisory.modified.as_ref().map(|d| d.value.as_str()))
            .filter(|m| Some(*m) != published);
        Facts {
            id: advisory
                .id
                .as_ref()
                .map_or("OSEC-?", |id| id.value.as_str()),
            summary: advisory
                .summary
                .as_ref()
                .map_or_else(|| record.id.clone(), |s| s.value.clone()),
            packages,
            cves,
            other_ids,
            cvss,
            cwes: advisory.cwe.iter().map(|c| c.value.as_str()).collect(),
            published,
            modified,
            withdrawn: day(advisory.withdrawn.as_ref().map(|d| d.value.as_str())),
            bindings: advisory
                .affected_bindings
                .iter()
                .map(|b| b.value.as_str())
                .collect(),
            description,
            workaround,
            timeline,
            credits,
            advisory_url: link("human_link"),
            osv_url: link("osv"),
            references: advisory
                .references
                .iter()
                .map(|r| (r.kind.value.as_str(), r.url.value.as_str()))
                .collect(),
        }
    }

    /// The fields before the text: (label, values).
    fn fields(&self) -> Vec<(String, Vec<String>)> {
        let mut fields = Vec::new();
        for package in &self.packages {
            fields.push(("Package".to_owned(), vec![package.name.clone()]));
            fields.push(("Affected".to_owned(), vec![package.constraint.clone()]));
            let mut fixed = package.fixed.join(", ");
            if package.open_ended {
                if !fixed.is_empty() {
                    fixed.push_str("; ");
                }
                fixed.push_str("no fixed release for every affected series");
            }
            fields.push(("Fixed in".to_owned(), vec![fixed]));
        }
        let mut push = |label: &str, values: Vec<String>| {
            if !values.is_empty() {
                fields.push((label.to_owned(), values));
            }
        };
        push("CVE", self.cves.iter().map(|c| (*c).to_owned()).collect());
        push("Other IDs", joined(&self.other_ids));
        push(
            "CVSS",
            self.cvss
                .iter()
                .flat_map(|(score, vector)| [score.clone(), (*vector).to_owned()])
                .collect(),
        );
        push("CWE", joined(&self.cwes));
        push(
            "Functions",
            self.bindings.iter().map(|b| (*b).to_owned()).collect(),
        );
        push(
            "Published",
            self.published.iter().map(|d| (*d).to_owned()).collect(),
        );
        push(
            "Updated",
            self.modified.iter().map(|d| (*d).to_owned()).collect(),
        );
        push(
            "Withdrawn",
            self.withdrawn.iter().map(|d| (*d).to_owned()).collect(),
        );
        fields
    }

    /// The parts of the details, each under its heading (empty when absent).
    fn text_sections(&self) -> [(&'static str, &str); 3] {
        [
            ("Description", &self.description),
            ("Workaround", &self.workaround),
            ("Timeline", &self.timeline),
        ]
    }

    fn credit_lines(&self) -> Vec<(String, String)> {
        self.credits
            .iter()
            .map(|(role, names)| ((*role).to_owned(), names.join(", ")))
            .collect()
    }

    fn link_lines(&self) -> Vec<(String, String)> {
        let mut links = Vec::new();
        if let Some(url) = &self.advisory_url {
            links.push(("Advisory".to_owned(), url.clone()));
        }
        if let Some(url) = &self.osv_url {
            links.push(("OSV record".to_owned(), url.clone()));
        }
        for (kind, url) in &self.references {
            links.push((capitalised(kind), (*url).to_owned()));
        }
        links
    }

    fn plain_text(&self) -> String {
        let mut out = Lines::default();
        let title = format!("OCaml security advisory {}", self.id);
        out.push(&title);
        out.push(&"=".repeat(title.chars().count().min(WIDTH)));
        out.blank();
        out.fill(&self.summary, "", "");
        if self.withdrawn.is_some() {
            out.blank();
            out.fill("This advisory has been withdrawn.", "", "");
        }
        out.blank();
        let fields = self.fields();
        let label_width = fields.iter().map(|(l, _)| l.len() + 2).max().unwrap_or(0);
        for (label, values) in &fields {
            let rest = " ".repeat(label_width);
            for (index, value) in values.iter().enumerate() {
                let first = if index == 0 {
                    format!("{:<label_width$}", format!("{label}:"))
                } else {
                    rest.clone()
                };
                out.fill(value, &first, &rest);
            }
        }
        for (heading, markdown) in self.text_sections() {
            if markdown.is_empty() {
                continue;
            }
            out.section(heading);
            plain_markdown(markdown, &mut out);
        }
        for (heading, lines) in [
            ("Credits", self.credit_lines()),
            ("Links", self.link_lines()),
        ] {
            if lines.is_empty() {
                continue;
            }
            out.section(heading);
            for (label, text) in lines {
                if heading == "Links" {
                    // RFC 3986, appendix C: a URL in angle brackets may be cut across
                    // lines; readers join the pieces.
                    out.push(&format!("{label}:"));
                    out.fill(&format!("<{text}>"), "  ", "  ");
                } else {
                    out.fill(&text, &format!("{label}: "), "  ");
                }
            }
        }
        out.finish()
    }

    fn markdown(&self, subject: &str) -> String {
        let mut out = format!("# {}\n\n", escape_markdown(subject));
        if self.withdrawn.is_some() {
            out.push_str("**This advisory has been withdrawn.**\n\n");
        }
        for (label, values) in self.fields() {
            let values: Vec<String> = values
                .iter()
                .map(|v| match label.as_str() {
                    "Affected" | "Functions" | "CVSS" => code_span(v),
                    "CVE" => format!("[{v}](https://www.cve.org/CVERecord?id={v})"),
                    "CWE" => v
                        .split(", ")
                        .map(|c| match c.strip_prefix("CWE-") {
                            Some(n) => {
                                format!("[{c}](https://cwe.mitre.org/data/definitions/{n}.html)")
                            }
                            None => c.to_owned(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => escape_markdown(v),
                })
                .collect();
            let _ = writeln!(out, "- **{label}:** {}", values.join(" "));
        }
        for (heading, markdown) in self.text_sections() {
            if !markdown.is_empty() {
                let _ = write!(out, "\n## {heading}\n\n{}\n", demote_headings(markdown));
            }
        }
        for (heading, lines, links) in [
            ("Credits", self.credit_lines(), false),
            ("Links", self.link_lines(), true),
        ] {
            if lines.is_empty() {
                continue;
            }
            let _ = write!(out, "\n## {heading}\n\n");
            for (label, text) in lines {
                if links {
                    let _ = writeln!(out, "- {label}: <{text}>");
                } else {
                    let _ = writeln!(out, "- {label}: {}", escape_markdown(&text));
                }
            }
        }
        out
    }
}

/// The items on one line, or no line when there are none.
fn joined(items: &[&str]) -> Vec<String> {
    if items.is_empty() {
        Vec::new()
    } else {
        vec![items.join(", ")]
    }
}

fn role_name(kind: &CreditKind) -> &'static str {
    match kind.as_str() {
        "finder" => "Found by",
        "reporter" => "Reported by",
        "analyst" => "Analysis",
        "coordinator" => "Coordination",
        "remediation_developer" => "Fix",
        "remediation_reviewer" => "Fix review",
        "remediation_verifier" => "Fix verification",
        "tool" => "Tools",
        "sponsor" => "Sponsors",
        _ => "Also",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The details without the workaround and timeline sections, then those two, as
/// Markdown (each without its heading).
fn split_sections(details: &str) -> (String, String, String) {
    let mut parts = [String::new(), String::new(), String::new()];
    let mut current = 0;
    let mut fence: Option<&str> = None;
    for line in details.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = trimmed.get(..3);
        } else if let Some(heading) = line.strip_prefix("## ") {
            let heading = heading.trim().trim_end_matches(':').to_ascii_lowercase();
            current = match heading.as_str() {
                "workaround" | "workarounds" | "mitigation" | "mitigations" => 1,
                "timeline" => 2,
                _ => 0,
            };
            if current != 0 {
                continue;
            }
        }
        if let Some(part) = parts.get_mut(current) {
            part.push_str(line);
            part.push('\n');
        }
    }
    let [description, workaround, timeline] = parts;
    (
        description.trim().to_owned(),
        workaround.trim().to_owned(),
        timeline.trim().to_owned(),
    )
}

/// The details' headings one level down, under the announcement's own `##`.
fn demote_headings(markdown: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = trimmed.get(..3);
        } else if line.starts_with('#') && line.trim_start_matches('#').starts_with(' ') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// `text` as a code span, with enough backticks around it.
fn code_span(text: &str) -> String {
    let fence = if text.contains('`') { "`` " } else { "`" };
    let close = if text.contains('`') { " ``" } else { "`" };
    format!("{fence}{text}{close}")
}

/// Markdown's punctuation escaped, so that a name or summary shows as written.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Plain-text lines, none wider than [`WIDTH`].
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
}

impl Lines {
    fn push(&mut self, line: &str) {
        self.lines.push(line.trim_end().to_owned());
    }

    /// A blank line, unless there is one already (or nothing yet).
    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn section(&mut self, heading: &str) {
        self.blank();
        self.push(heading);
        self.push(&"-".repeat(heading.chars().count()));
        self.blank();
    }

    /// `text` filled to the width: `first` before its first line, `rest` before the
    /// others; a word longer than a line is cut.
    fn fill(&mut self, text: &str, first: &str, rest: &str) {
        let mut line = first.to_owned();
        let mut empty = true;
        for word in text.split_whitespace() {
            let len = line.chars().count();
            let word_len = word.chars().count();
            if !empty && len + 1 + word_len > WIDTH {
                self.push(&line);
                line = rest.to_owned();
                empty = true;
            }
            let len = line.chars().count();
            let room = WIDTH.saturating_sub(len + usize::from(!empty));
            if word_len <= room {
                if !empty {
                    line.push(' ');
                }
                line.push_str(word);
                empty = false;
                continue;
            }
            // A word longer than a line: cut it, starting on a line of its own.
            if !empty {
                self.push(&line);
                line = rest.to_owned();
            }
            let mut remaining: Vec<char> = word.chars().collect();
            loop {
                let room = WIDTH.saturating_sub(line.chars().count()).max(1);
                if remaining.len() <= room {
                    line.extend(remaining.iter());
                    break;
                }
                // Cut after the last `/` that fits (a URL's path), else where it must.
                let cut = remaining
                    .get(..room)
                    .and_then(|head| head.iter().rposition(|c| *c == '/'))
                    .filter(|at| *at > 0)
                    .map_or(room, |at| at + 1);
                let tail = remaining.split_off(cut);
                line.extend(remaining.iter());
                self.push(&line);
                line = rest.to_owned();
                remaining = tail;
            }
            empty = false;
        }
        if !empty || !first.trim().is_empty() {
            self.push(&line);
        }
    }

    /// A line of code, cut at the width (the cut lines marked by indentation alone).
    fn code(&mut self, line: &str, indent: &str) {
        let room = WIDTH.saturating_sub(indent.chars().count()).max(1);
        let expanded = line.replace('\t', "    ");
        let chars: Vec<char> = expanded.chars().collect();
        if chars.is_empty() {
            self.lines.push(String::new());
        }
        for piece in chars.chunks(room) {
            self.push(&format!("{indent}{}", piece.iter().collect::<String>()));
        }
    }

    fn finish(mut self) -> String {
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }
}

/// Markdown as plain text into `out`.
fn plain_markdown(markdown: &str, out: &mut Lines) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // The prefix of each open list item or block quote: (first line, next lines), and
    // whether its first line is still to come.
    let mut prefixes: Vec<(String, String, bool)> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut inline = String::new();
    let mut links: Vec<String> = Vec::new();
    let mut code: Option<String> = None;
    let prefix = |prefixes: &mut Vec<(String, String, bool)>| -> (String, String) {
        let first: String = prefixes
            .iter()
            .map(|(f, r, fresh)| if *fresh { f.as_str() } else { r.as_str() })
            .collect();
        let rest: String = prefixes.iter().map(|(_, r, _)| r.as_str()).collect();
        for entry in prefixes.iter_mut() {
            entry.2 = false;
        }
        (first, rest)
    };
    let flush =
        |inline: &mut String, prefixes: &mut Vec<(String, String, bool)>, out: &mut Lines| {
            if inline.trim().is_empty() {
                inline.clear();
                return;
            }
            let (first, rest) = prefix(prefixes);
            for (index, part) in inline.split('\n').enumerate() {
                if index == 0 {
                    out.fill(part, &first, &rest);
                } else {
                    out.fill(part, &rest, &rest);
                }
            }
            inline.clear();
        };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Table(_)) => {
                flush(&mut inline, &mut prefixes, out);
                if prefixes.iter().all(|p| !p.2) {
                    out.blank();
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead) => {
                flush(&mut inline, &mut prefixes, out);
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = inline.trim().to_owned();
                flush(&mut inline, &mut prefixes, out);
                let (_, rest) = prefix(&mut prefixes);
                let width = text
                    .chars()
                    .count()
                    .min(WIDTH.saturating_sub(rest.chars().count()));
                out.push(&format!("{rest}{}", "~".repeat(width)));
            }
            Event::Start(Tag::List(start)) => {
                flush(&mut inline, &mut prefixes, out);
                if prefixes.is_empty() {
                    out.blank();
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut inline, &mut prefixes, out);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut inline, &mut prefixes, out);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "- ".to_owned(),
                };
                let rest = " ".repeat(marker.len());
                prefixes.push((marker, rest, true));
            }
            Event::End(TagEnd::Item) => {
                flush(&mut inline, &mut prefixes, out);
                prefixes.pop();
            }
            Event::Start(Tag::BlockQuote(_)) => {
                flush(&mut inline, &mut prefixes, out);
                out.blank();
                prefixes.push(("> ".to_owned(), "> ".to_owned(), true));
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                flush(&mut inline, &mut prefixes, out);
                prefixes.pop();
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut inline, &mut prefixes, out);
                if prefixes.iter().all(|p| !p.2) {
                    out.blank();
                }
                code = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                let text = code.take().unwrap_or_default();
                let (first, rest) = prefix(&mut prefixes);
                for (index, line) in text.trim_end_matches('\n').split('\n').enumerate() {
                    let lead = if index == 0 { &first } else { &rest };
                    out.code(line, &format!("{lead}    "));
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push(dest_url.to_string());
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(url) = links.pop()
                    && !inline.trim_end().ends_with(url.as_str())
                {
                    let _ = write!(inline, " <{url}>");
                }
            }
            Event::Start(Tag::TableCell) if !inline.is_empty() => inline.push_str(" | "),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => match &mut code {
                Some(code) => code.push_str(&text),
                None => inline.push_str(&text),
            },
            Event::Code(text) => {
                let _ = write!(inline, "`{text}`");
            }
            Event::SoftBreak => inline.push(' '),
            Event::HardBreak => inline.push('\n'),
            Event::Rule => {
                flush(&mut inline, &mut prefixes, out);
                out.blank();
                out.push(&"-".repeat(WIDTH / 2));
            }
            Event::TaskListMarker(done) => inline.push_str(if done { "[x] " } else { "[ ] " }),
            _ => {}
        }
    }
    flush(&mut inline, &mut prefixes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(markdown: &str) -> String {
        let mut out = Lines::default();
        plain_markdown(markdown, &mut out);
        out.finish()
    }

    #[test]
    fn paragraphs_and_lists_are_filled_with_hanging_indents() {
        let text = plain(
            "One two three four five six seven eight nine ten eleven twelve thirteen fourteen.\n\n\
             - item one that is long enough to need a second line when filled to the width\n\
             - item two\n  1. nested\n  2. again\n",
        );
        assert_eq!(
            text,
            "One two three four five six seven eight nine ten eleven twelve thirteen\n\
             fourteen.\n\
             \n\
             - item one that is long enough to need a second line when filled to the\n  \
             width\n\
             - item two\n  \
             1. nested\n  \
             2. again\n"
        );
    }

    #[test]
    fn long_words_and_code_are_cut_at_the_width() {
        let url = format!("https://example.org/{}", "a".repeat(100));
        let text = plain(&format!(
            "See [the page]({url}).\n\n```\n{}\n```\n",
            "x".repeat(80)
        ));
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        let joined: String = text.lines().map(str::trim).collect();
        assert!(joined.contains(&url), "{text}");
        assert!(
            text.contains(&format!("    {}\n    {}", "x".repeat(68), "x".repeat(12))),
            "{text}"
        );
    }

    #[test]
    fn workaround_and_timeline_sections_are_taken_out_of_the_details() {
        let (description, workaround, timeline) = split_sections(
            "Intro.\n\n## Workaround\n\nDo not.\n\n```\n## not a heading\n```\n\n## Timeline\n\n- 2026-01-01: found\n\n## Fix\n\nUpgrade.",
        );
        assert_eq!(description, "Intro.\n\n## Fix\n\nUpgrade.");
        assert_eq!(workaround, "Do not.\n\n```\n## not a heading\n```");
        assert_eq!(timeline, "- 2026-01-01: found");
    }
}
