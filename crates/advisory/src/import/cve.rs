//! CVE JSON 5 records (cvelistV5, the CVE Services API) to drafts.
//!
//! Field by field, from `cveMetadata` and the CNA's container (`containers.cna`):
//! - `cveId` is the alias; a GHSA ID in `source.advisory` (GitHub writes it there) is
//!   a second one. The draft gets a new ID of the year of `datePublished`, `published`
//!   from it (UTC when the record gives no offset), `modified` now. A `REJECTED`
//!   record is withdrawn at `dateRejected` (or `dateUpdated`), its `rejectedReasons`
//!   becoming the details; `replacedBy` goes to `related`.
//! - `title` is the summary (left to write when absent); the English `descriptions`
//!   entry the details, followed by sections made of `impacts`, `configurations`,
//!   `workarounds`, `solutions`, `exploits` and a `Timeline` of `timeline` and
//!   `datePublic`. Descriptions in other languages are noted; `supportingMedia` (the
//!   same text as HTML) is not kept.
//! - `problemTypes` entries with a `cweId` are the `cwe`s (other entries noted);
//!   `metrics`: the first CVSS vector (3.1, then 3.0, 4.0, 2.0 in each entry) is the
//!   severity, the others are noted; `references`: `tags` decide the type
//!   (`patch` → fix, `issue-tracking` → report, `vendor-advisory`,
//!   `third-party-advisory` → advisory, `exploit` → evidence, `mailing-list` →
//!   discussion, `technical-description`, `media-coverage` → article, `product` →
//!   package, else web); `credits`: `type` with `_` for spaces, `value` the name.
//! - `affected`: an entry is an opam package when its `collectionURL` is
//!   opam.ocaml.org or opam-repository and it has a `packageName`, or when its
//!   `product` (or `packageName`) is mapped to one (`--package PRODUCT=NAME`); other
//!   entries are noted. Versions: `defaultStatus` and then each `versions` entry in
//!   order, `affected` adding and `unaffected` removing versions: a single version,
//!   `version` to `lessThan` (excluded) or `lessThanOrEqual`, or GitHub's comparator
//!   lists (`">= 5.0.0, < 5.4.1"`); `versionType: git` entries with the entry's `repo`
//!   become GIT `events`. `programRoutines` become `affected_bindings`. Versions are
//!   compared in opam's order whatever their `versionType`.
//! - Not kept and not noted: record metadata (`dataType`, `dataVersion`,
//!   `assignerOrgId`, `assignerShortName`, `requesterUserId`, `serial`,
//!   `dateReserved`, `dateUpdated`, `providerMetadata`, `dateAssigned`), the names of
//!   references (labels of their URLs), the copy of the record in the old format
//!   (`x_legacyV4Record`) and the generator's name (`x_generator`), and containers of
//!   ADPs that only repeat the CNA's references. Everything else is noted.

use opam_file::RelOp;
use serde_json::{Map, Value};

use super::formula::formula_text;
use super::{ImportError, ImportOptions, Imported, Notes, compact, released_of, year_of};
use crate::draft::{Draft, DraftCredit, DraftPackage, DraftRange, timestamp_text};
use crate::model::Alias;
use crate::to_osv::intervals::{Bound, VersionSet};

/// The draft of a CVE JSON 5 record.
pub fn from_cve(record: &Value, options: &ImportOptions<'_>) -> Result<Imported, ImportError> {
    let meta = record.get("cveMetadata").and_then(Value::as_object);
    let cve_id = meta
        .and_then(|m| m.get("cveId"))
        .and_then(Value::as_str)
        .filter(|id| matches!(Alias::new(id), Alias::Cve(_)))
        .ok_or_else(|| ImportError::Field {
            record: "the CVE record".into(),
            field: "cveMetadata.cveId".into(),
            message: "missing, or not a CVE ID".into(),
        })?
        .to_owned();
    let field_error = |field: &str, message: &str| ImportError::Field {
        record: cve_id.clone(),
        field: field.to_owned(),
        message: message.to_owned(),
    };
    let meta = meta.ok_or_else(|| field_error("cveMetadata", "missing"))?;
    let cna = record
        .pointer("/containers/cna")
        .and_then(Value::as_object)
        .ok_or_else(|| field_error("containers.cna", "missing: the record has no CNA container"))?;
    let mut notes = Notes::new(&cve_id);
    let mut draft = Draft {
        modified: timestamp_text(options.now),
        aliases: vec![cve_id.clone()],
        ..Draft::default()
    };
    for (key, value) in record.as_object().into_iter().flatten() {
        if !matches!(
            key.as_str(),
            "dataType" | "dataVersion" | "cveMetadata" | "containers"
        ) {
            notes.add(key, format!("{}: not imported", compact(value)));
        }
    }
    let rejected = meta.get("state").and_then(Value::as_str) == Some("REJECTED");
    draft.published = meta
        .get("datePublished")
        .and_then(Value::as_str)
        .and_then(|d| utc(d, "cveMetadata.datePublished", &mut notes));
    if rejected {
        let date = meta
            .get("dateRejected")
            .or_else(|| meta.get("dateUpdated"))
            .and_then(Value::as_str)
            .and_then(|d| utc(d, "cveMetadata.dateRejected", &mut notes));
        draft.withdrawn = Some(date.unwrap_or_else(|| draft.modified.clone()));
    }
    for (key, value) in meta {
        if !matches!(
            key.as_str(),
            "cveId"
                | "state"
                | "datePublished"
                | "dateRejected"
                | "dateUpdated"
                | "dateReserved"
                | "assignerOrgId"
                | "assignerShortName"
                | "requesterUserId"
                | "serial"
        ) {
            notes.add(
                &format!("cveMetadata.{key}"),
                format!("{}: not imported", compact(value)),
            );
        }
    }
    let mut sections = Sections::default();
    read_cna(cna, options, &mut draft, &mut sections, &mut notes);
    read_adp(record, cna, &mut notes);
    draft.details = sections.render();
    if draft.summary.is_none() {
        notes.add(
            "containers.cna.title",
            "the record has no title: write the summary",
        );
    }
    let year = draft
        .published
        .as_deref()
        .and_then(year_of)
        .or_else(|| cve_id.get(4..8).and_then(|y| y.parse().ok()))
        .unwrap_or(1970);
    draft.notes = notes.into_vec();
    Ok(Imported {
        source: cve_id,
        draft,
        year,
    })
}

/// A CVE date as an RFC 3339 UTC timestamp (a date without offset is UTC).
fn utc(text: &str, field: &str, notes: &mut Notes) -> Option<String> {
    let has_offset = text.ends_with('Z')
        || text
            .get(19..)
            .is_some_and(|rest| rest.contains('+') || rest.contains('-'));
    let full = if has_offset {
        text.to_owned()
    } else {
        format!("{text}Z")
    };
    match crate::date::parse_date(&full) {
        Ok(at) => Some(::osv::Timestamp::from_jiff(at).as_str().to_owned()),
        Err(err) => {
            notes.add(field, format!("{err}: not imported"));
            None
        }
    }
}

/// The details: the description, then the sections made of the other texts.
#[derive(Default)]
struct Sections {
    description: String,
    parts: Vec<(&'static str, Vec<String>)>,
    timeline: Vec<(String, String)>,
}

impl Sections {
    fn add(&mut self, heading: &'static str, text: String) {
        match self.parts.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, texts)) => texts.push(text),
            None => self.parts.push((heading, vec![text])),
        }
    }

    fn render(mut self) -> String {
        let mut out = self.description.trim().to_owned();
        for (heading, texts) in &self.parts {
            out.push_str(&format!("\n\n## {heading}\n\n{}", texts.join("\n\n")));
        }
        if !self.timeline.is_empty() {
            self.timeline.sort();
            out.push_str("\n\n## Timeline\n");
            for (date, what) in &self.timeline {
                out.push_str(&format!("\n- {date}: {what}"));
            }
        }
        out.trim().to_owned()
    }
}

fn read_cna(
    cna: &Map<String, Value>,
    options: &ImportOptions<'_>,
    draft: &mut Draft,
    sections: &mut Sections,
    notes: &mut Notes,
) {
    let mut packages: Vec<(String, VersionSet)> = Vec::new();
    for (key, value) in cna {
        let field = format!("containers.cna.{key}");
        match key.as_str() {
            "providerMetadata" | "dateAssigned" | "x_legacyV4Record" | "x_generator" => {}
            "title" => draft.summary = value.as_str().map(str::to_owned),
            "descriptions" => descriptions(value, &field, sections, notes),
            "rejectedReasons" => {
                for text in english_texts(value, &field, notes) {
                    sections.add("Rejected", text);
                }
            }
            "replacedBy" => draft
                .related
                .extend(strings(value).into_iter().map(str::to_owned)),
            "affected" => {
                for (index, entry) in value.as_array().into_iter().flatten().enumerate() {
                    let field = format!("{field}[{index}]");
                    affected_entry(entry, &field, options, &mut packages, draft, notes);
                }
            }
            "problemTypes" => problem_types(value, &field, draft, notes),
            "metrics" => metrics(value, &field, draft, notes),
            "references" => references(value, draft),
            "credits" => credits(value, &field, draft, notes),
            "impacts" => {
                for (index, impact) in value.as_array().into_iter().flatten().enumerate() {
                    let field = format!("{field}[{index}].descriptions");
                    for text in english_texts(
                        impact.get("descriptions").unwrap_or(&Value::Null),
                        &field,
                        notes,
                    ) {
                        sections.add("Impact", text);
                    }
                }
            }
            "configurations" | "workarounds" | "solutions" | "exploits" => {
                let heading = match key.as_str() {
                    "configurations" => "Configurations",
                    "workarounds" => "Workaround",
                    "solutions" => "Solution",
                    _ => "Exploits",
                };
                for text in english_texts(value, &field, notes) {
                    sections.add(heading, text);
                }
            }
            "timeline" => {
                for entry in value.as_array().into_iter().flatten() {
                    let time = entry.get("time").and_then(Value::as_str).unwrap_or("");
                    let what = entry.get("value").and_then(Value::as_str).unwrap_or("");
                    sections
                        .timeline
                        .push((time.get(..10).unwrap_or(time).to_owned(), what.to_owned()));
                }
            }
            "datePublic" => {
                if let Some(date) = value.as_str() {
                    let day = date.get(..10).unwrap_or(date).to_owned();
                    sections.timeline.push((day, "made public".to_owned()));
                }
            }
            "source" => source(value, &field, draft, notes),
            _ => notes.add(&field, format!("{}: not imported", compact(value))),
        }
    }
    for (name, set) in packages {
        let released = released_of(options.released, &name);
        if set.intervals().is_empty() {
            notes.add(
                "containers.cna.affected",
                format!("no version of `{name}` is marked affected: write its constraint"),
            );
        }
        draft.affected.push(DraftPackage {
            constraint: formula_text(&set, released.as_deref()),
            name,
        });
    }
    if draft.affected.is_empty() {
        notes.add(
            "containers.cna.affected",
            "no entry names an opam package: replace `TODO-package` under `affected` (or map a product with \
             --package PRODUCT=NAME)",
        );
    }
}

fn descriptions(value: &Value, field: &str, sections: &mut Sections, notes: &mut Notes) {
    let texts = english_texts(value, field, notes);
    sections.description = texts.join("\n\n");
}

/// The `value`s of `[{lang, value}]` in English (`en`, `en-…`); other languages noted.
fn english_texts(value: &Value, field: &str, notes: &mut Notes) -> Vec<String> {
    let mut out = Vec::new();
    for (index, entry) in value.as_array().into_iter().flatten().enumerate() {
        let lang = entry.get("lang").and_then(Value::as_str).unwrap_or("en");
        let Some(text) = entry.get("value").and_then(Value::as_str) else {
            continue;
        };
        if lang == "en" || lang.starts_with("en-") || lang == "eng" {
            out.push(text.trim().to_owned());
        } else {
            notes.add(
                &format!("{field}[{index}]"),
                format!("the text in language `{lang}` is not imported"),
            );
        }
    }
    out
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn source(value: &Value, field: &str, draft: &mut Draft, notes: &mut Notes) {
    for (key, value) in value.as_object().into_iter().flatten() {
        match (key.as_str(), value.as_str()) {
            ("advisory", Some(id)) if matches!(Alias::new(id), Alias::Ghsa(_)) => {
                if !draft.aliases.iter().any(|a| a == id) {
                    draft.aliases.push(id.to_owned());
                }
            }
            // GitHub's records say how the issue was found; nothing an advisory holds.
            ("discovery", Some("UNKNOWN")) => {}
            _ => notes.add(
                &format!("{field}.{key}"),
                format!("{}: not imported", compact(value)),
            ),
        }
    }
}

fn problem_types(value: &Value, field: &str, draft: &mut Draft, notes: &mut Notes) {
    for (i, problem) in value.as_array().into_iter().flatten().enumerate() {
        let descriptions = problem.get("descriptions").and_then(Value::as_array);
        for (j, description) in descriptions.into_iter().flatten().enumerate() {
            match description.get("cweId").and_then(Value::as_str) {
                Some(cwe) if cwe.parse::<crate::model::Cwe>().is_ok() => {
                    if !draft.cwe.iter().any(|c| c == cwe) {
                        draft.cwe.push(cwe.to_owned());
                    }
                }
                _ => {
                    let text = description
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    if text != "n/a" {
                        notes.add(
                            &format!("{field}[{i}].descriptions[{j}]"),
                            format!("`{text}` has no CWE ID: not imported; add its CWE to `cwe`"),
                        );
                    }
                }
            }
        }
    }
}

fn metrics(value: &Value, field: &str, draft: &mut Draft, notes: &mut Notes) {
    const VERSIONS: [&str; 4] = ["cvssV3_1", "cvssV3_0", "cvssV4_0", "cvssV2_0"];
    for (index, metric) in value.as_array().into_iter().flatten().enumerate() {
        // The preferred version of this entry, when it gives several.
        let preferred = VERSIONS
            .iter()
            .find_map(|v| metric.get(*v).and_then(|m| m.get("vectorString")))
            .and_then(Value::as_str);
        for (key, value) in metric.as_object().into_iter().flatten() {
            let field = format!("{field}[{index}].{key}");
            let vector = value.get("vectorString").and_then(Value::as_str);
            if matches!(key.as_str(), "format" | "scenarios") {
                continue;
            }
            match vector.filter(|_| VERSIONS.contains(&key.as_str())) {
                Some(vector) if draft.severity.is_none() && preferred == Some(vector) => {
                    draft.severity = Some(vector.to_owned());
                }
                Some(vector) => notes.add(
                    &field,
                    format!("`{vector}`: an advisory has one CVSS vector; not imported"),
                ),
                None => notes.add(&field, format!("{}: not imported", compact(value))),
            }
        }
    }
}

fn references(value: &Value, draft: &mut Draft) {
    for reference in value.as_array().into_iter().flatten() {
        let Some(url) = reference.get("url").and_then(Value::as_str) else {
            continue;
        };
        let tags = strings(reference.get("tags").unwrap_or(&Value::Null));
        let kind = tags
            .iter()
            .find_map(|tag| match *tag {
                "patch" => Some("fix"),
                "issue-tracking" => Some("report"),
                "vendor-advisory" | "third-party-advisory" => Some("advisory"),
                "exploit" => Some("evidence"),
                "mailing-list" => Some("discussion"),
                "technical-description" | "media-coverage" => Some("article"),
                "product" => Some("package"),
                _ => None,
            })
            .unwrap_or("web");
        if !draft.references.iter().any(|(_, u)| u == url) {
            draft.references.push((kind.to_owned(), url.to_owned()));
        }
    }
}

fn credits(value: &Value, field: &str, draft: &mut Draft, notes: &mut Notes) {
    for (index, credit) in value.as_array().into_iter().flatten().enumerate() {
        let Some(name) = credit.get("value").and_then(Value::as_str) else {
            continue;
        };
        let role = credit
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("other")
            .replace(' ', "_");
        let kind = if crate::model::CreditKind::KNOWN.contains(&role.as_str()) {
            role
        } else {
            notes.add(
                &format!("{field}[{index}].type"),
                format!("`{role}` is not an OSV credit role: written as `other`, check it"),
            );
            "other".to_owned()
        };
        draft.credits.push(DraftCredit {
            kind,
            name: name.trim().to_owned(),
            contacts: Vec::new(),
        });
    }
}

/// Whether a `collectionURL` is an opam repository.
fn is_opam_collection(url: &str) -> bool {
    let url = url.trim_end_matches('/');
    url == "https://opam.ocaml.org"
        || url.ends_with("://opam.ocaml.org")
        || url.contains("github.com/ocaml/opam-repository")
}

fn affected_entry(
    entry: &Value,
    field: &str,
    options: &ImportOptions<'_>,
    packages: &mut Vec<(String, VersionSet)>,
    draft: &mut Draft,
    notes: &mut Notes,
) {
    let text = |key: &str| entry.get(key).and_then(Value::as_str);
    let product = text("product").unwrap_or("");
    let package_name = text("packageName");
    let mapped = options
        .packages
        .iter()
        .find(|(from, _)| Some(from.as_str()) == package_name || from == product)
        .map(|(_, to)| to.clone());
    let name = match (mapped, package_name) {
        (Some(name), _) => name,
        (None, Some(name)) if text("collectionURL").is_some_and(is_opam_collection) => {
            name.to_owned()
        }
        _ => {
            notes.add(
                field,
                format!(
                    "vendor `{}`, product `{product}` is not an opam package: not imported \
                     (give --package '{product}=NAME' to import it as NAME)",
                    text("vendor").unwrap_or("")
                ),
            );
            return;
        }
    };
    if opam_model::PackageName::parse(&name).is_err() {
        notes.add(
            field,
            format!("`{name}` is not an opam package name: not imported"),
        );
        return;
    }
    let mut set = if text("defaultStatus") == Some("affected") {
        VersionSet::all()
    } else {
        VersionSet::default()
    };
    for (index, version) in entry
        .get("versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = format!("{field}.versions[{index}]");
        if version.get("versionType").and_then(Value::as_str) == Some("git") {
            git_range(version, text("repo"), &field, draft, notes);
            continue;
        }
        let status = version.get("status").and_then(Value::as_str).unwrap_or("");
        let Some(range) = version_set(version, &field, notes) else {
            continue;
        };
        match status {
            "affected" => set = set.union(&range),
            "unaffected" => set = set.intersection(&complement(&range)),
            other => notes.add(
                &field,
                format!("status `{other}`: not imported, check these versions"),
            ),
        }
        if let Some(changes) = version.get("changes") {
            notes.add(
                &format!("{field}.changes"),
                format!(
                    "{}: status changes within a range are not imported; check the constraint",
                    compact(changes)
                ),
            );
        }
    }
    for (key, value) in entry.as_object().into_iter().flatten() {
        match key.as_str() {
            "vendor" | "product" | "packageName" | "collectionURL" | "repo" | "versions"
            | "defaultStatus" => {}
            "programRoutines" => {
                for routine in value.as_array().into_iter().flatten() {
                    if let Some(name) = routine.get("name").and_then(Value::as_str)
                        && !draft.affected_bindings.iter().any(|b| b == name)
                    {
                        draft.affected_bindings.push(name.to_owned());
                    }
                }
            }
            _ => notes.add(
                &format!("{field}.{key}"),
                format!("{}: not imported", compact(value)),
            ),
        }
    }
    match packages.iter_mut().find(|(n, _)| *n == name) {
        Some((_, existing)) => *existing = existing.union(&set),
        None => packages.push((name, set)),
    }
}

/// The versions one `versions` entry names, or `None` (noted) when they cannot be
/// written as an opam constraint.
fn version_set(version: &Value, field: &str, notes: &mut Notes) -> Option<VersionSet> {
    let text = |key: &str| version.get(key).and_then(Value::as_str);
    let start = text("version").unwrap_or("").trim();
    let unexpressible = |notes: &mut Notes, why: &str| {
        notes.add(
            field,
            format!(
                "{}: {why}; not imported, write the constraint",
                compact(version)
            ),
        );
        None
    };
    let check = |v: &str| opam_model::Version::parse(v).is_ok();
    if let Some((op, bound)) = text("lessThan")
        .map(|b| (RelOp::Lt, b))
        .or_else(|| text("lessThanOrEqual").map(|b| (RelOp::Leq, b)))
    {
        let lower = match start {
            "0" | "*" | "" => VersionSet::all(),
            v if check(v) => VersionSet::of_atom(RelOp::Geq, v),
            _ => return unexpressible(notes, "the first version is not an opam version"),
        };
        let upper = match bound.trim() {
            "*" => VersionSet::all(),
            b if check(b) && !b.contains('*') => VersionSet::of_atom(op, b),
            _ => return unexpressible(notes, "the bound is not an opam version"),
        };
        return Some(lower.intersection(&upper));
    }
    if start == "*" {
        return Some(VersionSet::all());
    }
    if start.starts_with(['<', '>', '=', '!']) {
        return comparators(start).or_else(|| unexpressible(notes, "the comparisons do not read"));
    }
    if check(start) {
        return Some(VersionSet::of_atom(RelOp::Eq, start));
    }
    unexpressible(notes, "not an opam version or range")
}

/// GitHub's comparator lists: `< 1.2`, `>= 5.0.0, < 5.4.1`.
fn comparators(text: &str) -> Option<VersionSet> {
    let mut set = VersionSet::all();
    for part in text.split(',') {
        let part = part.trim();
        let (op, rest) = [
            (">=", RelOp::Geq),
            ("<=", RelOp::Leq),
            ("!=", RelOp::Neq),
            (">", RelOp::Gt),
            ("<", RelOp::Lt),
            ("=", RelOp::Eq),
        ]
        .iter()
        .find_map(|(prefix, op)| part.strip_prefix(prefix).map(|rest| (*op, rest.trim())))?;
        opam_model::Version::parse(rest).ok()?;
        set = set.intersection(&VersionSet::of_atom(op, rest));
    }
    Some(set)
}

/// Every version not in `set`.
fn complement(set: &VersionSet) -> VersionSet {
    set.intervals()
        .iter()
        .fold(VersionSet::all(), |acc, interval| {
            let below = match &interval.lower {
                Bound::Unbounded => VersionSet::default(),
                Bound::Included(v) => VersionSet::of_atom(RelOp::Lt, v),
                Bound::Excluded(v) => VersionSet::of_atom(RelOp::Leq, v),
            };
            let above = match &interval.upper {
                Bound::Unbounded => VersionSet::default(),
                Bound::Included(v) => VersionSet::of_atom(RelOp::Gt, v),
                Bound::Excluded(v) => VersionSet::of_atom(RelOp::Geq, v),
            };
            acc.intersection(&below.union(&above))
        })
}

fn git_range(
    version: &Value,
    repo: Option<&str>,
    field: &str,
    draft: &mut Draft,
    notes: &mut Notes,
) {
    let text = |key: &str| version.get(key).and_then(Value::as_str);
    let Some(repo) = repo else {
        notes.add(
            field,
            "a git version without the entry's `repo`: not imported",
        );
        return;
    };
    if text("status") != Some("affected") {
        notes.add(field, "an unaffected git range: not imported");
        return;
    }
    let mut events = Vec::new();
    if let Some(start) = text("version").filter(|v| *v != "0") {
        events.push(("introduced".to_owned(), start.to_owned()));
    }
    match (text("lessThan"), text("lessThanOrEqual")) {
        (Some(fixed), _) => events.push(("fixed".to_owned(), fixed.to_owned())),
        (None, Some(last)) => events.push(("last_affected".to_owned(), last.to_owned())),
        (None, None) => {}
    }
    let range = DraftRange {
        kind: "git".into(),
        repo: repo.to_owned(),
        events,
    };
    if !draft.events.contains(&range) {
        draft.events.push(range);
    }
}

/// Notes the ADP containers, except those that only repeat the CNA's references.
fn read_adp(record: &Value, cna: &Map<String, Value>, notes: &mut Notes) {
    let cna_urls: Vec<&str> = cna
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("url").and_then(Value::as_str))
        .collect();
    let adps = record.pointer("/containers/adp").and_then(Value::as_array);
    for (index, adp) in adps.into_iter().flatten().enumerate() {
        let Some(adp) = adp.as_object() else { continue };
        let repeats_references = adp
            .keys()
            .all(|k| matches!(k.as_str(), "providerMetadata" | "title" | "references"))
            && adp
                .get("references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| r.get("url").and_then(Value::as_str))
                .all(|url| cna_urls.contains(&url));
        if repeats_references {
            continue;
        }
        let title = adp.get("title").and_then(Value::as_str).unwrap_or("an ADP");
        let keys: Vec<&str> = adp
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "providerMetadata" | "title"))
            .collect();
        notes.add(
            &format!("containers.adp[{index}]"),
            format!("{title} adds {}: not imported, check it", keys.join(", ")),
        );
    }
}
