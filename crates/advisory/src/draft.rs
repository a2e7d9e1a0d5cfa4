//! Drafts: new advisory files, written in canonical layout, with markers where text is
//! still to be written.
//!
//! A [`Draft`] holds the values of an advisory as plain text; [`Draft::render`] writes
//! the file (header, summary heading, details) and passes it through
//! [`crate::format::format_advisory`], so that `osec fmt --check` accepts it as is.
//! Wherever the author still has to write or check something, the draft says
//! [`DRAFT_MARKER`] (`TODO(draft)`): in the summary, in the details skeleton, and in
//! comments at the end of the header (an import lists there what it could not carry
//! over). The lint rule `ADV030 draft-text` names every marker, so a draft cannot be
//! published by mistake; apart from those, the draft of [`NewAdvisory`] lints clean
//! ([`NewAdvisory::render`] checks it).
//!
//! `osec new` fills a [`NewAdvisory`] from its flags; `osec import` builds a [`Draft`]
//! from an OSV or CVE record ([`crate::import`]).

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::id::AdvisoryId;
use crate::ids::{Database, IdError};
use crate::lint::{LintOptions, Rule, lint_source};
use crate::model::{Alias, Constraint, CreditKind, Cwe};

/// The marker of text left to write in a draft; `osec lint` reports each one
/// (`ADV030 draft-text`).
pub const DRAFT_MARKER: &str = "TODO(draft)";

/// An advisory to write, as plain values. Empty lists and `None` leave their field out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// The advisory's ID.
    pub id: Option<AdvisoryId>,
    /// `modified`, RFC 3339.
    pub modified: String,
    /// `published`, RFC 3339.
    pub published: Option<String>,
    /// `withdrawn`, RFC 3339.
    pub withdrawn: Option<String>,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `upstream`.
    pub upstream: Vec<String>,
    /// `related`.
    pub related: Vec<String>,
    /// `severity`: a CVSS vector; `severity_score` is computed from it.
    pub severity: Option<String>,
    /// `affected`: package names with their constraint formula (without braces).
    pub affected: Vec<DraftPackage>,
    /// `events`.
    pub events: Vec<DraftRange>,
    /// `references`: (kind, URL).
    pub references: Vec<(String, String)>,
    /// `credits`.
    pub credits: Vec<DraftCredit>,
    /// `cwe`.
    pub cwe: Vec<String>,
    /// `affected_bindings`.
    pub affected_bindings: Vec<String>,
    /// The summary heading; `None` writes a marker.
    pub summary: Option<String>,
    /// The Markdown details.
    pub details: String,
    /// Things for the author to write or check, written as `# TODO(draft): …`
    /// comments at the end of the header, one per line.
    pub notes: Vec<String>,
}

/// An affected package of a [`Draft`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPackage {
    /// The opam package name.
    pub name: String,
    /// The version formula in opam syntax, such as `< "1.2" | >= "2.0" & < "2.3"`;
    /// `None` for every version.
    pub constraint: Option<String>,
}

/// A range of `events` of a [`Draft`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRange {
    /// `git`, `ecosystem` or `semver`.
    pub kind: String,
    /// The repository URL (for `git`) or a label.
    pub repo: String,
    /// (event kind, commit or version), in order.
    pub events: Vec<(String, String)>,
}

/// A credit of a [`Draft`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftCredit {
    /// The role (`reporter`, `remediation_developer`, …).
    pub kind: String,
    /// The name.
    pub name: String,
    /// Ways to reach them.
    pub contacts: Vec<String>,
}

/// Why a draft cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DraftError {
    /// A value given for a field is not valid.
    #[error("{field} `{value}`: {reason}")]
    InvalidValue {
        /// The field or option (`--cwe`, `affected`).
        field: String,
        /// The value.
        value: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// The written file does not read back as the values given (a value broke the
    /// header syntax, say).
    #[error("the draft does not read back as an advisory: {0}")]
    Unreadable(String),
    /// The draft has lint findings other than the text left to write.
    #[error("the draft would not pass `osec lint`:\n{0}")]
    Lint(String),
}

impl Draft {
    /// The advisory file: header in canonical layout, `# summary`, details.
    pub fn render(&self) -> Result<String, DraftError> {
        let mut header = String::new();
        if let Some(id) = self.id {
            let _ = writeln!(header, "id: {id}");
        }
        let _ = writeln!(header, "modified: {}", quote(&self.modified));
        for (name, value) in [
            ("published", &self.published),
            ("withdrawn", &self.withdrawn),
        ] {
            if let Some(value) = value {
                let _ = writeln!(header, "{name}: {}", quote(value));
            }
        }
        for (name, words) in [
            ("aliases", &self.aliases),
            ("upstream", &self.upstream),
            ("related", &self.related),
        ] {
            write_list(&mut header, name, words.iter().map(|w| quote(w)));
        }
        if let Some(vector) = &self.severity {
            let _ = writeln!(header, "severity: {}", quote(vector));
            if let Ok(parsed) = vector.parse::<cvss::Cvss>() {
                let _ = writeln!(
                    header,
                    "severity_score: {}",
                    quote(&severity_score(&parsed))
                );
            }
        }
        write_list(
            &mut header,
            "affected",
            self.affected.iter().map(|p| match &p.constraint {
                Some(formula) => format!("{} {{{formula}}}", quote(&p.name)),
                None => quote(&p.name),
            }),
        );
        write_list(
            &mut header,
            "events",
            self.events.iter().map(|range| {
                let events: Vec<String> = range
                    .events
                    .iter()
                    .map(|(kind, value)| format!("[{kind} {}]", quote(value)))
                    .collect();
                format!(
                    "[{} {} [{}]]",
                    range.kind,
                    quote(&range.repo),
                    events.join(" ")
                )
            }),
        );
        write_list(
            &mut header,
            "references",
            self.references
                .iter()
                .map(|(kind, url)| format!("[{kind} {}]", quote(url))),
        );
        write_list(
            &mut header,
            "credits",
            self.credits.iter().map(|credit| {
                let contacts: Vec<String> = credit.contacts.iter().map(|c| quote(c)).collect();
                if contacts.is_empty() {
                    format!("[{} {}]", credit.kind, quote(&credit.name))
                } else {
                    format!(
                        "[{} {} [{}]]",
                        credit.kind,
                        quote(&credit.name),
                        contacts.join(" ")
                    )
                }
            }),
        );
        write_list(&mut header, "cwe", self.cwe.iter().map(|c| quote(c)));
        write_list(
            &mut header,
            "affected_bindings",
            self.affected_bindings.iter().map(|b| quote(b)),
        );
        for note in &self.notes {
            for line in note.lines() {
                let _ = writeln!(header, "# {DRAFT_MARKER}: {line}");
            }
        }
        let summary = match &self.summary {
            Some(summary) => summary.replace(['\r', '\n'], " ").trim().to_owned(),
            None => format!("{DRAFT_MARKER}: one-line summary of the vulnerability"),
        };
        let mut text = format!("```\n{header}```\n\n# {summary}\n");
        if !self.details.trim().is_empty() {
            let _ = write!(text, "\n{}\n", self.details.trim());
        }
        let text = crate::format::format_advisory(&text)
            .map_err(|err| DraftError::Unreadable(err.to_string()))?;
        let parsed = crate::parse(&text);
        if let Some(problem) = parsed.problems.first() {
            return Err(DraftError::Unreadable(format!("{problem:?}")));
        }
        Ok(text)
    }
}

fn write_list(out: &mut String, name: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if !items.is_empty() {
        let _ = writeln!(out, "{name}: [ {} ]", items.join(" "));
    }
}

/// `text` as an opam string literal: `"` and `\` escaped, control characters as
/// escapes, everything else (UTF-8 included) as it is.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && c.is_ascii() => {
                let _ = write!(out, "\\{:03}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The score and rating of a vector as `severity_score` writes them: `"9.1 (Critical)"`.
pub fn severity_score(vector: &cvss::Cvss) -> String {
    format!("{:.1} ({})", vector.score(), rating_name(vector.severity()))
}

/// A rating as people write it: `None`, `Low`, `Medium`, `High`, `Critical`.
pub fn rating_name(severity: cvss::Severity) -> &'static str {
    match severity {
        cvss::Severity::None => "None",
        cvss::Severity::Low => "Low",
        cvss::Severity::Medium => "Medium",
        cvss::Severity::High => "High",
        cvss::Severity::Critical => "Critical",
    }
}

/// A timestamp as the header writes it: UTC, whole seconds.
pub fn timestamp_text(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What `osec new` is given: one affected package and what is known so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewAdvisory {
    /// `--package`: the affected opam package.
    pub package: String,
    /// `--constraint`: its affected versions, `{< "1.2.3"}` (braces optional).
    pub constraint: String,
    /// `--summary`: the one-line summary.
    pub summary: Option<String>,
    /// `--cve`: CVE identifiers.
    pub cves: Vec<String>,
    /// `--cwe`: `CWE-N` identifiers.
    pub cwes: Vec<String>,
    /// `--cvss`: the CVSS vector.
    pub cvss: Option<String>,
    /// `--fixed REPO@COMMIT`: the commits that fix it.
    pub fixed: Vec<String>,
    /// `--credit ROLE:NAME`.
    pub credits: Vec<String>,
    /// `--binding Module.value`: affected functions.
    pub bindings: Vec<String>,
}

impl NewAdvisory {
    /// The draft for ID `id`, dated `now`, with the details skeleton.
    pub fn to_draft(&self, id: AdvisoryId, now: jiff::Timestamp) -> Result<Draft, DraftError> {
        let invalid = |field: &str, value: &str, reason: &str| DraftError::InvalidValue {
            field: field.to_owned(),
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        if opam_model::PackageName::parse(&self.package).is_err() {
            return Err(invalid(
                "--package",
                &self.package,
                "not an opam package name (letters, digits and `-_+`, not only digits)",
            ));
        }
        let formula = self.constraint.trim();
        let formula = formula
            .strip_prefix('{')
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(formula)
            .trim();
        check_constraint(&self.package, formula)?;
        for cve in &self.cves {
            if !matches!(Alias::new(cve), Alias::Cve(_)) {
                return Err(invalid(
                    "--cve",
                    cve,
                    "not a CVE identifier (CVE-YYYY-NNNN)",
                ));
            }
        }
        for cwe in &self.cwes {
            if cwe.parse::<Cwe>().is_err() {
                return Err(invalid("--cwe", cwe, "not a CWE identifier (CWE-N)"));
            }
        }
        if let Some(vector) = &self.cvss
            && let Some(problem) = crate::lint::rules::invalid_cvss::vector_problem(vector)
        {
            return Err(invalid("--cvss", vector, &problem));
        }
        let mut events = Vec::new();
        for fixed in &self.fixed {
            let Some((repo, commit)) = fixed.rsplit_once('@') else {
                return Err(invalid(
                    "--fixed",
                    fixed,
                    "write REPO@COMMIT, such as https://github.com/o/r@<40 hex digits>",
                ));
            };
            if !repo.starts_with("https://") {
                return Err(invalid(
                    "--fixed",
                    fixed,
                    "the repository must be an https:// URL",
                ));
            }
            if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    "--fixed",
                    fixed,
                    "the commit must be a full commit ID of 40 hexadecimal digits",
                ));
            }
            events.push(DraftRange {
                kind: "git".into(),
                repo: repo.to_owned(),
                events: vec![("fixed".into(), commit.to_owned())],
            });
        }
        let mut credits = Vec::new();
        for credit in &self.credits {
            let known = CreditKind::KNOWN.join(", ");
            let Some((role, name)) = credit.split_once(':') else {
                return Err(invalid(
                    "--credit",
                    credit,
                    &format!("write ROLE:NAME, ROLE one of {known}"),
                ));
            };
            if matches!(CreditKind::new(role.trim()), CreditKind::Other(_)) {
                return Err(invalid(
                    "--credit",
                    credit,
                    &format!("the role must be one of {known}"),
                ));
            }
            if name.trim().is_empty() {
                return Err(invalid("--credit", credit, "the name is empty"));
            }
            credits.push(DraftCredit {
                kind: role.trim().to_owned(),
                name: name.trim().to_owned(),
                contacts: Vec::new(),
            });
        }
        for binding in &self.bindings {
            if binding.trim().is_empty() || binding.chars().any(char::is_whitespace) {
                return Err(invalid(
                    "--binding",
                    binding,
                    "write Module.value, without spaces",
                ));
            }
        }
        let today = timestamp_text(now);
        Ok(Draft {
            id: Some(id),
            modified: today.clone(),
            published: Some(today),
            aliases: self.cves.clone(),
            severity: self.cvss.clone(),
            affected: vec![DraftPackage {
                name: self.package.clone(),
                constraint: (!formula.is_empty()).then(|| formula.to_owned()),
            }],
            events,
            credits,
            cwe: self.cwes.clone(),
            affected_bindings: self.bindings.clone(),
            summary: self.summary.clone().filter(|s| !s.trim().is_empty()),
            details: details_skeleton(&self.bindings, now),
            ..Draft::default()
        })
    }

    /// The advisory file for ID `id`, dated `now`; it lints clean apart from the
    /// `ADV030` markers of the text left to write, which is checked here.
    pub fn render(&self, id: AdvisoryId, now: jiff::Timestamp) -> Result<String, DraftError> {
        let text = self.to_draft(id, now)?.render()?;
        let path = std::path::PathBuf::from(format!("advisories/{:04}/{id}.md", id.year()));
        let options = LintOptions {
            now,
            packages: None,
        };
        let report = lint_source(&path, text.clone(), &options);
        let others: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule != Rule::DraftText)
            .map(|f| format!("{}[{}] {}", f.level().as_str(), f.rule.code(), f.message))
            .collect();
        if others.is_empty() {
            Ok(text)
        } else {
            Err(DraftError::Lint(others.join("\n")))
        }
    }
}

/// Why a draft file could not be created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CreateError {
    /// No ID could be claimed.
    #[error(transparent)]
    Id(#[from] IdError),
    /// The draft could not be made.
    #[error(transparent)]
    Draft(#[from] DraftError),
    /// An advisory file is already where the draft goes.
    #[error("{} already exists", safe_fs::display_path(path))]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Writing the file failed.
    #[error(transparent)]
    Write(#[from] safe_fs::Error),
}

/// The text of a draft that is printed instead of written: rendered with `id`, or
/// with the next free ID of `year` in `db` (nothing is claimed).
pub fn preview_draft(
    db: &Database,
    id: Option<AdvisoryId>,
    year: i32,
    render: impl FnOnce(AdvisoryId) -> Result<String, DraftError>,
) -> Result<String, CreateError> {
    let id = match id {
        Some(id) => id,
        None => db.next_id(year)?,
    };
    Ok(render(id)?)
}

/// Writes a new advisory file into `db`: claims `id` (or reserves the next free ID of
/// `year`), renders the text for it with `render`, writes `advisories/YYYY/ID.md`
/// atomically, then drops the reservation. On failure the reservation this call made
/// is dropped again and nothing is written.
pub fn create_draft(
    db: &Database,
    id: Option<AdvisoryId>,
    year: i32,
    now: jiff::Timestamp,
    render: impl FnOnce(AdvisoryId) -> Result<String, DraftError>,
) -> Result<(AdvisoryId, PathBuf), CreateError> {
    let claim = db.claim(id, year, now)?;
    let made_here = id.is_none();
    let result = (|| {
        let path = db.advisory_path(claim.id);
        if path.exists() {
            return Err(CreateError::Exists { path });
        }
        let text = render(claim.id)?;
        safe_fs::write_file(&path, text.as_bytes())?;
        Ok(path)
    })();
    match result {
        Ok(path) => {
            claim.release()?;
            Ok((claim.id, path))
        }
        Err(err) => {
            if made_here {
                // The reservation was only for this draft; a failure to remove it
                // leaves an ID unused, which is harmless, so the first error is kept.
                let _ = claim.release();
            }
            Err(err)
        }
    }
}

/// The constraint `formula` (opam syntax, without braces; empty for every version)
/// of package `package`, as the header reader reads it, or why it does not read.
pub(crate) fn parse_formula(package: &str, formula: &str) -> Result<Option<Constraint>, String> {
    let field = if formula.trim().is_empty() {
        format!("affected: {}", quote(package))
    } else {
        format!("affected: {} {{{formula}}}", quote(package))
    };
    let text = format!("```\n{field}\n```\n# T\n");
    let parsed = crate::parse(&text);
    let problem = parsed.problems.iter().find_map(|p| match p {
        crate::ParseProblem::HeaderSyntax { error, .. } => Some(error.to_string()),
        crate::ParseProblem::InvalidFieldValue { expected, .. } => {
            Some(format!("expected {expected}"))
        }
        _ => None,
    });
    match (problem, parsed.advisory.affected.into_iter().next()) {
        (None, Some(affected)) => Ok(affected.constraint),
        (Some(problem), _) => Err(problem),
        (None, None) => Err("no package read".to_owned()),
    }
}

/// Checks that `formula` reads as a version constraint of an affected package.
fn check_constraint(package: &str, formula: &str) -> Result<(), DraftError> {
    match parse_formula(package, formula) {
        Ok(_) => Ok(()),
        Err(reason) => Err(DraftError::InvalidValue {
            field: "--constraint".into(),
            value: formula.to_owned(),
            reason: format!(
                "not an opam version constraint ({reason}); write it as in an opam file, such as \
                 {{< \"1.2.3\"}} or {{>= \"2.0\" & < \"2.3\" | = \"1.0\"}}"
            ),
        }),
    }
}

/// The sections an advisory's details have, each with the text left to write.
fn details_skeleton(bindings: &[String], now: jiff::Timestamp) -> String {
    let date = now.strftime("%Y-%m-%d");
    let affected = if bindings.is_empty() {
        format!(
            "{DRAFT_MARKER}: the functions or modules that are affected, or remove this section."
        )
    } else {
        bindings
            .iter()
            .map(|b| format!("- `{b}`"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "## Description\n\n\
         {DRAFT_MARKER}: what the vulnerability is, who can exploit it and how, and what \
         they gain.\n\n\
         ## Affected functions\n\n{affected}\n\n\
         ## Workaround\n\n\
         {DRAFT_MARKER}: what users can do until they upgrade, or \"None: upgrade to a fixed \
         version.\"\n\n\
         ## Timeline\n\n\
         - {date}: {DRAFT_MARKER}: report received; maintainers contacted; fix released; \
         advisory published.\n"
    )
}
