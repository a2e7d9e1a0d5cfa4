//! Reading an advisory file into an [`Advisory`], reporting every structural problem.
//!
//! Phases: split the Markdown ([`Parts::split`]), parse the header with
//! `opam_file::parse`, then read each field into the typed model. Spans of the header
//! are shifted by the fence offset, so every span points into the `.md` file. A field
//! that cannot be read is reported ([`Rule::InvalidFieldValue`]) and left out; reading
//! goes on with the next field, so one run shows every problem.
//!
//! Problems are values ([`ParseProblem`]); the linter turns each into a finding of
//! its rule (`lint/rules/`), so this module does not depend on the linter.

use std::collections::BTreeMap;

use opam_file::{ItemKind, LogOp, OpamFile, Span, Spanned, Value, ValueKind};

use crate::markdown::{LayoutError, Parts};
use crate::model::{
    Advisory, Affected, Alias, Constraint, ConstraintKind, Credit, CreditKind, Event, EventKind,
    EventRange, RangeKind, Reference, ReferenceKind,
};

/// The header fields an advisory may have, in canonical order.
pub const FIELDS: &[&str] = &[
    "id",
    "modified",
    "published",
    "withdrawn",
    "aliases",
    "upstream",
    "related",
    "historical",
    "severity",
    "severity_score",
    "affected",
    "events",
    "references",
    "credits",
    "cwe",
    "affected_bindings",
];

/// The fields an advisory must have.
pub const REQUIRED_FIELDS: &[&str] = &["id", "modified", "affected"];

/// The result of reading one advisory file.
#[derive(Debug, Clone)]
pub struct ParsedAdvisory {
    /// What could be read.
    pub advisory: Advisory,
    /// The Markdown layout, when the file has a header fence.
    pub parts: Option<Parts>,
    /// The header as opam syntax, spans relative to the header text, when it parses.
    pub header: Option<OpamFile>,
    /// Structural problems: layout, syntax, unknown, duplicate, missing or malformed fields.
    pub problems: Vec<ParseProblem>,
}

/// A structural problem of an advisory file, found while reading it. Spans point
/// into the `.md` file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseProblem {
    /// The header fence is missing or not closed.
    MissingHeader(LayoutError),
    /// The header is not valid opam syntax.
    HeaderSyntax {
        /// The parser's error, its span relative to the header text.
        error: opam_file::ParseError,
        /// Where the header text starts in the file.
        header_offset: u32,
    },
    /// No `# summary` heading follows the header.
    MissingSummary {
        /// Where the heading should be.
        span: Span,
    },
    /// A section (`name { … }`) in the header, which holds only fields.
    UnexpectedSection {
        /// The section's kind.
        kind: String,
        /// Where it is.
        span: Span,
    },
    /// A field that advisories do not have.
    UnknownField {
        /// The field's name.
        name: String,
        /// Where the name is.
        span: Span,
    },
    /// A field given a second time.
    DuplicateField {
        /// The field's name.
        name: String,
        /// Where the second one is.
        span: Span,
        /// Where the first one is.
        first: Span,
    },
    /// A field whose value does not have the shape the field needs.
    InvalidFieldValue {
        /// The field's name.
        name: String,
        /// What the field takes.
        expected: &'static str,
        /// What the value that does not fit is ("a list", "a string"…).
        found: &'static str,
        /// Where that value is.
        span: Span,
    },
    /// A required field is missing.
    MissingField {
        /// The field's name.
        name: &'static str,
        /// The header's opening fence, where the problem is reported.
        open_fence: Span,
    },
}

/// Reads an advisory from the text of its `.md` file.
pub fn parse(text: &str) -> ParsedAdvisory {
    let mut problems = Vec::new();
    let mut advisory = Advisory::default();
    let parts = match Parts::split(text) {
        Ok(parts) => parts,
        Err(err) => {
            problems.push(ParseProblem::MissingHeader(err));
            return ParsedAdvisory {
                advisory,
                parts: None,
                header: None,
                problems,
            };
        }
    };
    read_summary(text, &parts, &mut advisory, &mut problems);
    let header_text = text.get(parts.header.range()).unwrap_or("");
    let header = match opam_file::parse(header_text.as_bytes()) {
        Ok(file) => file,
        Err(error) => {
            problems.push(ParseProblem::HeaderSyntax {
                error,
                header_offset: parts.header_offset(),
            });
            return ParsedAdvisory {
                advisory,
                parts: Some(parts),
                header: None,
                problems,
            };
        }
    };
    let mut reader = HeaderReader {
        offset: parts.header_offset(),
        problems: &mut problems,
    };
    reader.read(&header, &mut advisory, parts.open_fence);
    ParsedAdvisory {
        advisory,
        parts: Some(parts),
        header: Some(header),
        problems,
    }
}

fn read_summary(
    text: &str,
    parts: &Parts,
    advisory: &mut Advisory,
    problems: &mut Vec<ParseProblem>,
) {
    match parts.summary {
        Some(span) if !span.range().is_empty() => {
            let summary = text.get(span.range()).unwrap_or("").to_owned();
            advisory.summary = Some(Spanned::new(summary, span));
        }
        _ => problems.push(ParseProblem::MissingSummary {
            span: parts.after_header.unwrap_or(parts.close_fence),
        }),
    }
    advisory.details = text
        .get(parts.details.range())
        .unwrap_or("")
        .trim()
        .to_owned();
}

/// What a value is, for the "invalid-field-value" message.
fn describe(value: &Value) -> &'static str {
    match value.kind {
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Int(_) => "an integer",
        ValueKind::String(_) => "a string",
        ValueKind::Ident(_) => "an identifier",
        ValueKind::Relop(..) | ValueKind::PrefixRelop(..) => "a comparison",
        ValueKind::Logop(..) => "a logical formula",
        ValueKind::Pfxop(..) => "a prefixed value",
        ValueKind::List(_) => "a list",
        ValueKind::Group(_) => "a parenthesised group",
        ValueKind::Option(..) | ValueKind::StackedOptions(..) => "a value with options `{…}`",
        ValueKind::EnvBinding(..) => "an environment binding",
    }
}

/// Reads header items into the model; `offset` moves header spans into the file.
struct HeaderReader<'a> {
    offset: u32,
    problems: &'a mut Vec<ParseProblem>,
}

/// What a value should have been, for the "invalid-field-value" message.
type Expected = &'static str;

/// A value that is not what its field needs: what was expected, and the innermost
/// value that does not fit.
type Mismatch<'v> = (Expected, &'v Value);

impl HeaderReader<'_> {
    fn span(&self, span: Span) -> Span {
        span.shifted(self.offset)
    }

    fn read(&mut self, header: &OpamFile, advisory: &mut Advisory, open_fence: Span) {
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for item in &header.items {
            let (name, value) = match &item.kind {
                ItemKind::Variable(name, value) => (name, value),
                ItemKind::Section(section) => {
                    self.problems.push(ParseProblem::UnexpectedSection {
                        kind: section.kind.value.to_string(),
                        span: self.span(section.kind.span),
                    });
                    continue;
                }
            };
            let name_span = self.span(name.span);
            if !FIELDS.contains(&name.value.as_str()) {
                self.problems.push(ParseProblem::UnknownField {
                    name: name.value.to_string(),
                    span: name_span,
                });
                continue;
            }
            if let Some(first) = seen.get(name.value.as_str()) {
                self.problems.push(ParseProblem::DuplicateField {
                    name: name.value.to_string(),
                    span: name_span,
                    first: *first,
                });
                continue;
            }
            seen.insert(&name.value, name_span);
            if let Err((expected, found)) = self.read_field(&name.value, value, advisory) {
                self.problems.push(ParseProblem::InvalidFieldValue {
                    name: name.value.to_string(),
                    expected,
                    found: describe(found),
                    span: self.span(found.span),
                });
            }
        }
        for required in REQUIRED_FIELDS {
            if !seen.contains_key(required) {
                self.problems.push(ParseProblem::MissingField {
                    name: required,
                    open_fence,
                });
            }
        }
    }

    fn read_field<'v>(
        &mut self,
        name: &str,
        value: &'v Value,
        adv: &mut Advisory,
    ) -> Result<(), Mismatch<'v>> {
        let at = |expected: Expected| (expected, value);
        match name {
            "id" => {
                adv.id = Some(
                    self.word(value)
                        .ok_or(at("an identifier such as OSEC-2026-01"))?,
                )
            }
            "modified" => adv.modified = Some(self.string(value).ok_or(at(DATE))?),
            "published" => adv.published = Some(self.string(value).ok_or(at(DATE))?),
            "withdrawn" => adv.withdrawn = Some(self.string(value).ok_or(at(DATE))?),
            "aliases" => {
                let words = self
                    .words(value)
                    .ok_or(at("a list of identifiers such as [ CVE-2024-1234 ]"))?;
                adv.aliases = words
                    .into_iter()
                    .map(|w| Spanned::new(Alias::new(&w.value), w.span))
                    .collect();
            }
            "upstream" => adv.upstream = self.words(value).ok_or(at("a list of identifiers"))?,
            "related" => adv.related = self.words(value).ok_or(at("a list of identifiers"))?,
            "historical" => match value.kind {
                ValueKind::Bool(b) => adv.historical = Some(Spanned::new(b, self.span(value.span))),
                _ => return Err(at("`true` or `false`")),
            },
            "severity" => {
                adv.severity = Some(
                    self.string(value)
                        .ok_or(at("a string holding a CVSS vector"))?,
                )
            }
            "severity_score" => {
                adv.severity_score = Some(
                    self.string(value)
                        .ok_or(at("a string such as \"7.5 (High)\""))?,
                )
            }
            "affected" => adv.affected = self.affected(value)?,
            "events" => adv.events = self.events(value)?,
            "references" => adv.references = self.references(value)?,
            "credits" => adv.credits = self.credits(value)?,
            "cwe" => {
                adv.cwe = self
                    .words(value)
                    .ok_or(at("a list of identifiers such as [ CWE-79 ]"))?
            }
            "affected_bindings" => {
                adv.affected_bindings = self
                    .strings(value)
                    .ok_or(at("a list of strings such as [ \"Module.function\" ]"))?
            }
            _ => {}
        }
        Ok(())
    }

    fn string(&self, value: &Value) -> Option<Spanned<String>> {
        value
            .as_str()
            .map(|s| Spanned::new(s.to_owned(), self.span(value.span)))
    }

    /// An identifier, or a string holding one.
    fn word(&self, value: &Value) -> Option<Spanned<String>> {
        match &value.kind {
            ValueKind::Ident(s) => Some(Spanned::new(s.to_string(), self.span(value.span))),
            ValueKind::String(_) => self.string(value),
            _ => None,
        }
    }

    /// A list of words, or a single word.
    fn words(&self, value: &Value) -> Option<Vec<Spanned<String>>> {
        match &value.kind {
            ValueKind::List(items) => items.value.iter().map(|v| self.word(v)).collect(),
            _ => self.word(value).map(|w| vec![w]),
        }
    }

    fn strings(&self, value: &Value) -> Option<Vec<Spanned<String>>> {
        match &value.kind {
            ValueKind::List(items) => items.value.iter().map(|v| self.string(v)).collect(),
            ValueKind::String(_) => self.string(value).map(|s| vec![s]),
            _ => None,
        }
    }

    fn affected<'v>(&self, value: &'v Value) -> Result<Vec<Affected>, Mismatch<'v>> {
        const EXPECTED: Expected = "a package with its affected versions, such as \"pkg\" {< \"1.2.3\"}, \
                                    or a list of them";
        let one = |v: &'v Value| -> Result<Affected, Mismatch<'v>> {
            match &v.kind {
                ValueKind::String(_) => Ok(Affected {
                    package: self.string(v).ok_or((EXPECTED, v))?,
                    constraint: None,
                }),
                ValueKind::Option(package, formula)
                    if matches!(package.kind, ValueKind::String(_)) =>
                {
                    let package = self.string(package).ok_or((EXPECTED, v))?;
                    let constraint = match formula.value.as_slice() {
                        [single] => self.constraint(single)?,
                        [_, second, ..] => return Err((CONSTRAINT_ONE, second)),
                        [] => return Err((CONSTRAINT, v)),
                    };
                    Ok(Affected {
                        package,
                        constraint: Some(constraint),
                    })
                }
                _ => Err((EXPECTED, v)),
            }
        };
        match &value.kind {
            ValueKind::List(items) if !items.value.is_empty() => {
                items.value.iter().map(one).collect()
            }
            ValueKind::List(_) => Err((EXPECTED, value)),
            _ => one(value).map(|a| vec![a]),
        }
    }

    fn constraint<'v>(&self, value: &'v Value) -> Result<Constraint, Mismatch<'v>> {
        let span = self.span(value.span);
        let kind = match &value.kind {
            ValueKind::PrefixRelop(op, version) => ConstraintKind::Atom {
                op: Spanned::new(op.value, self.span(op.span)),
                version: self
                    .string(version)
                    .ok_or((CONSTRAINT_VERSION, &**version))?,
            },
            ValueKind::Logop(chain) => {
                let operands = chain
                    .operands
                    .iter()
                    .map(|operand| self.constraint(operand))
                    .collect::<Result<Vec<_>, _>>()?;
                match chain.op {
                    LogOp::And => ConstraintKind::And(operands),
                    LogOp::Or => ConstraintKind::Or(operands),
                }
            }
            ValueKind::Group(inner) => match inner.value.as_slice() {
                [single] => return self.constraint(single),
                _ => return Err((CONSTRAINT_ONE, value)),
            },
            _ => return Err((CONSTRAINT, value)),
        };
        Ok(Constraint { kind, span })
    }

    /// `[kind "text"]` or `[kind "text" extra]`: the list's items.
    fn tagged<'v>(
        &self,
        value: &'v Value,
    ) -> Option<(Spanned<String>, Spanned<String>, &'v [Value])> {
        let ValueKind::List(items) = &value.kind else {
            return None;
        };
        match items.value.as_slice() {
            [tag, text, rest @ ..] => {
                let tag = Spanned::new(tag.as_ident()?.to_owned(), self.span(tag.span));
                Some((tag, self.string(text)?, rest))
            }
            _ => None,
        }
    }

    /// A list of `[kind …]` entries, or one entry written alone.
    fn entries<'v>(&self, value: &'v Value) -> Option<&'v [Value]> {
        match &value.kind {
            ValueKind::List(items) => match items.value.first() {
                Some(first) if first.as_ident().is_some() => Some(std::slice::from_ref(value)),
                _ => Some(&items.value),
            },
            _ => None,
        }
    }

    fn events<'v>(&self, value: &'v Value) -> Result<Vec<EventRange>, Mismatch<'v>> {
        const EXPECTED: Expected =
            "a list of ranges such as [ [ git \"https://repo\" [ [fixed \"<commit>\"] ] ] ]";
        const EVENT: Expected = "an event such as [fixed \"<commit>\"]";
        let ranges = self.entries(value).ok_or((EXPECTED, value))?;
        ranges
            .iter()
            .map(|range| {
                let (kind, repo, rest) = self.tagged(range).ok_or((EXPECTED, range))?;
                let [events] = rest else {
                    return Err((EXPECTED, range));
                };
                let events = self
                    .entries(events)
                    .ok_or((EXPECTED, events))?
                    .iter()
                    .map(|event| match self.tagged(event) {
                        Some((kind, value, [])) => Ok(Event {
                            kind: kind.map(|k| EventKind::new(&k)),
                            value,
                        }),
                        _ => Err((EVENT, event)),
                    })
                    .collect::<Result<_, _>>()?;
                Ok(EventRange {
                    kind: kind.map(|k| RangeKind::new(&k)),
                    repo,
                    events,
                })
            })
            .collect()
    }

    fn references<'v>(&self, value: &'v Value) -> Result<Vec<Reference>, Mismatch<'v>> {
        const EXPECTED: Expected = "a list of references such as [ [report \"https://…\"] ]";
        const ENTRY: Expected = "a reference such as [report \"https://…\"]";
        self.entries(value)
            .ok_or((EXPECTED, value))?
            .iter()
            .map(|entry| match self.tagged(entry) {
                Some((kind, url, [])) => Ok(Reference {
                    kind: kind.map(|k| ReferenceKind::new(&k)),
                    url,
                }),
                _ => Err((ENTRY, entry)),
            })
            .collect()
    }

    fn credits<'v>(&self, value: &'v Value) -> Result<Vec<Credit>, Mismatch<'v>> {
        const EXPECTED: Expected = "a list of credits such as [ [reporter \"Name\"] ]";
        const ENTRY: Expected =
            "a credit such as [reporter \"Name\"] or [reporter \"Name\" [ \"mailto:…\" ]]";
        self.entries(value)
            .ok_or((EXPECTED, value))?
            .iter()
            .map(|entry| {
                let (kind, name, rest) = self.tagged(entry).ok_or((ENTRY, entry))?;
                let contacts = match rest {
                    [] => Vec::new(),
                    [contacts] => self.strings(contacts).ok_or((ENTRY, contacts))?,
                    _ => return Err((ENTRY, entry)),
                };
                Ok(Credit {
                    kind: kind.map(|k| CreditKind::new(&k)),
                    name,
                    contacts,
                })
            })
            .collect()
    }
}

const DATE: Expected = "a string holding an RFC 3339 date such as \"2026-01-31T12:00:00Z\"";
const CONSTRAINT: Expected = "a version constraint such as {>= \"1.0\" & < \"1.2.3\"}, made of \
                              `op \"version\"`, `&`, `|` and parentheses";
const CONSTRAINT_ONE: Expected = "one formula: join its parts with `&` or `|`";
const CONSTRAINT_VERSION: Expected = "a version in quotes, as in < \"1.2.3\"";

/// Maps a [`Spanned`] value, keeping its span.
trait MapSpanned<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U>;
}

impl<T> MapSpanned<T> for Spanned<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned::new(f(self.value), self.span)
    }
}
