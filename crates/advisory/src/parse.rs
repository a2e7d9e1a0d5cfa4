//! Reading an advisory file into an [`Advisory`], reporting every structural problem.
//!
//! Phases: split the Markdown ([`Parts::split`]), parse the header with
//! `opam_file::parse`, then read each field into the typed model. Spans of the header
//! are shifted by the fence offset, so every span points into the `.md` file. A field
//! that cannot be read is reported ([`Rule::InvalidFieldValue`]) and left out; reading
//! goes on with the next field, so one run shows every problem.

use std::collections::BTreeMap;

use opam_file::{ItemKind, LogOp, OpamFile, Span, Spanned, Value, ValueKind};

use crate::lint::Finding;
use crate::lint::rules::{
    duplicate_field, header_syntax, invalid_field_value, missing_field, missing_header,
    missing_summary, unknown_field,
};
use crate::markdown::Parts;
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
    pub findings: Vec<Finding>,
}

/// Reads an advisory from the text of its `.md` file.
pub fn parse(text: &str) -> ParsedAdvisory {
    let mut findings = Vec::new();
    let mut advisory = Advisory::default();
    let parts = match Parts::split(text) {
        Ok(parts) => parts,
        Err(err) => {
            findings.push(missing_header::finding(&err));
            return ParsedAdvisory {
                advisory,
                parts: None,
                header: None,
                findings,
            };
        }
    };
    read_summary(text, &parts, &mut advisory, &mut findings);
    let header_text = text.get(parts.header.range()).unwrap_or("");
    let header = match opam_file::parse(header_text.as_bytes()) {
        Ok(file) => file,
        Err(err) => {
            findings.push(header_syntax::finding(&err, parts.header_offset()));
            return ParsedAdvisory {
                advisory,
                parts: Some(parts),
                header: None,
                findings,
            };
        }
    };
    let mut reader = HeaderReader {
        offset: parts.header_offset(),
        findings: &mut findings,
    };
    reader.read(&header, &mut advisory, parts.open_fence);
    ParsedAdvisory {
        advisory,
        parts: Some(parts),
        header: Some(header),
        findings,
    }
}

fn read_summary(text: &str, parts: &Parts, advisory: &mut Advisory, findings: &mut Vec<Finding>) {
    match parts.summary {
        Some(span) if !span.range().is_empty() => {
            let summary = text.get(span.range()).unwrap_or("").to_owned();
            advisory.summary = Some(Spanned::new(summary, span));
        }
        _ => findings.push(missing_summary::finding(parts)),
    }
    advisory.details = text
        .get(parts.details.range())
        .unwrap_or("")
        .trim()
        .to_owned();
}

/// Reads header items into the model; `offset` moves header spans into the file.
struct HeaderReader<'a> {
    offset: u32,
    findings: &'a mut Vec<Finding>,
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
                    let span = self.span(section.kind.span);
                    self.findings
                        .push(unknown_field::section(&section.kind.value, span));
                    continue;
                }
            };
            let name_span = self.span(name.span);
            if !FIELDS.contains(&name.value.as_str()) {
                self.findings
                    .push(unknown_field::finding(&name.value, name_span));
                continue;
            }
            if let Some(first) = seen.get(name.value.as_str()) {
                self.findings
                    .push(duplicate_field::finding(&name.value, name_span, *first));
                continue;
            }
            seen.insert(&name.value, name_span);
            if let Err((expected, found)) = self.read_field(&name.value, value, advisory) {
                let span = self.span(found.span);
                self.findings.push(invalid_field_value::finding(
                    &name.value,
                    expected,
                    found,
                    span,
                ));
            }
        }
        for required in REQUIRED_FIELDS {
            if !seen.contains_key(required) {
                self.findings
                    .push(missing_field::finding(required, open_fence));
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
