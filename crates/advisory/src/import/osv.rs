//! OSV records to drafts: osv.dev's and GitHub's (GHSA) records, and our own.
//!
//! Field by field:
//! - `id`: an OSEC ID is kept, with `modified`, `published` and `withdrawn` as
//!   written (a re-import of our own record); any other ID becomes an alias (CVE,
//!   GHSA) or a `related` entry (other databases' IDs, with a note), the draft gets a
//!   new ID of the year of `published`, `modified` is now, `published` and
//!   `withdrawn` are kept.
//! - `aliases`: CVE and GHSA IDs as aliases; others under `related`, with a note
//!   (OSEC records keep theirs as they are). `upstream`, `related`: as they are.
//! - `summary` and `details`: the heading and the Markdown (a missing summary is left
//!   to write). `schema_version` is not kept: the export writes its own.
//! - `severity`: the first CVSS vector, its score computed; other entries are noted.
//! - `affected`: entries of the `opam` ecosystem only (others are noted). The
//!   constraint is the entry's `ecosystem_specific.opam_constraint` when the ranges it
//!   gives are the entry's first ECOSYSTEM ranges, else it is computed from all the
//!   ECOSYSTEM ranges, or from `versions` when there are none
//!   ([`super::formula`]). `versions` is checked against the constraint (and, with
//!   `--repo`, against the releases it matches); a difference is noted. GIT and
//!   SEMVER ranges, and the ECOSYSTEM ranges after the constraint's, become `events`
//!   (the `introduced: "0"` the export adds is left out, as are `limit` events, which
//!   are noted); `ecosystem_specific.affected_bindings` becomes `affected_bindings`.
//!   An advisory's `events` and bindings apply to every package: when entries differ,
//!   the draft has all of them and a note.
//! - `references`: their types in lowercase; `GIT` (which advisories lack) becomes
//!   `web`, with a note. `credits`: role in lowercase, `other` when absent (noted).
//! - `database_specific`: `cwe` (ours) and `cwe_ids` (GitHub's) become `cwe`; our
//!   `osv` and `human_link` are dropped when they are the links of the ID (the export
//!   writes them again); everything else is noted, as are `database_specific` of
//!   entries and ranges, other `ecosystem_specific` keys and severities of entries.

use super::formula::{formula_text, set_of_range, set_of_versions};
use super::{ImportOptions, Imported, Notes, compact, released_of, year_of};
use crate::draft::{Draft, DraftCredit, DraftPackage, DraftRange, parse_formula};
use crate::id::AdvisoryId;
use crate::model::Alias;
use crate::to_osv::DATABASE_TREE_URL;
use crate::to_osv::intervals::{VersionSet, events_of};

/// The draft of an OSV record.
pub fn from_osv(record: &::osv::Vulnerability, options: &ImportOptions<'_>) -> Imported {
    let mut notes = Notes::new(&record.id);
    let own_id: Option<AdvisoryId> = record.id.parse().ok();
    let mut draft = Draft {
        id: own_id,
        upstream: record.upstream().to_vec(),
        related: record.related().to_vec(),
        summary: record.summary.clone().filter(|s| !s.trim().is_empty()),
        details: record.details.clone().unwrap_or_default(),
        withdrawn: record.withdrawn.as_ref().map(|t| t.as_str().to_owned()),
        ..Draft::default()
    };
    let now = crate::draft::timestamp_text(options.now);
    if own_id.is_some() {
        draft.modified = record.modified.as_str().to_owned();
        draft.published = record.published.as_ref().map(|t| t.as_str().to_owned());
        draft.aliases = record.aliases().to_vec();
    } else {
        draft.modified = now.clone();
        draft.published = Some(
            record
                .published
                .as_ref()
                .map_or(now, |t| t.as_str().to_owned()),
        );
        for (field, id) in std::iter::once(("id", &record.id))
            .chain(record.aliases().iter().map(|a| ("aliases", a)))
        {
            match Alias::new(id) {
                Alias::Cve(_) | Alias::Ghsa(_) => draft.aliases.push(id.clone()),
                _ => {
                    notes.add(
                        field,
                        format!("`{id}` is neither a CVE nor a GHSA ID: written under `related`, check it"),
                    );
                    draft.related.push(id.clone());
                }
            }
        }
    }
    if draft.summary.is_none() {
        notes.add("summary", "the record has no summary: write one");
    } else if draft.summary.as_ref().is_some_and(|s| s.contains('\n')) {
        notes.add("summary", "the summary had several lines, joined into one");
    }
    severity(record, &mut draft, &mut notes);
    affected(record, options, &mut draft, &mut notes);
    references(record, &mut draft, &mut notes);
    credits(record, &mut draft, &mut notes);
    database_specific(record, own_id, &mut draft, &mut notes);
    let year = own_id.map_or_else(
        || {
            draft
                .published
                .as_deref()
                .and_then(year_of)
                .unwrap_or_else(|| year_of(&draft.modified).unwrap_or(1970))
        },
        |id| i32::from(id.year()),
    );
    draft.notes = notes.into_vec();
    Imported {
        source: record.id.clone(),
        draft,
        year,
    }
}

fn severity(record: &::osv::Vulnerability, draft: &mut Draft, notes: &mut Notes) {
    for (index, entry) in record.severity().iter().enumerate() {
        let is_cvss = matches!(
            entry.kind,
            ::osv::SeverityKind::CvssV2 | ::osv::SeverityKind::CvssV3 | ::osv::SeverityKind::CvssV4
        );
        if is_cvss && draft.severity.is_none() {
            draft.severity = Some(entry.score.clone());
        } else {
            notes.add(
                &format!("severity[{index}]"),
                format!(
                    "{} `{}`: an advisory has one CVSS vector; not imported",
                    entry.kind.as_str(),
                    entry.score
                ),
            );
        }
    }
}

/// One opam entry, read.
struct Entry {
    package: DraftPackage,
    events: Vec<DraftRange>,
    bindings: Vec<String>,
}

fn affected(
    record: &::osv::Vulnerability,
    options: &ImportOptions<'_>,
    draft: &mut Draft,
    notes: &mut Notes,
) {
    let mut entries: Vec<Entry> = Vec::new();
    for (index, affected) in record.affected().iter().enumerate() {
        let field = format!("affected[{index}]");
        let Some(package) = &affected.package else {
            notes.add(&field, "an entry without a package: not imported");
            continue;
        };
        if ::osv::base_ecosystem(&package.ecosystem) != ::osv::OPAM_ECOSYSTEM {
            notes.add(
                &format!("{field}.package"),
                format!(
                    "`{}` is a package of ecosystem {}, not opam: not imported (name the opam \
                     package it corresponds to, if any, under `affected`)",
                    package.name, package.ecosystem
                ),
            );
            continue;
        }
        if let Some(entry) = opam_entry(affected, &package.name, &field, options, notes) {
            entries.push(entry);
        }
    }
    if record.affected().is_empty() {
        notes.add(
            "affected",
            "the record names no affected package: replace `TODO-package` under `affected`",
        );
    } else if entries.is_empty() {
        notes.add(
            "affected",
            "no entry is an opam package: replace `TODO-package` under `affected`",
        );
    }
    for (index, entry) in entries.iter().enumerate() {
        for range in &entry.events {
            if !draft.events.contains(range) {
                if index > 0 {
                    notes.add(
                        "affected",
                        format!(
                            "the ranges of `{}` differ from those of `{}`; an advisory's `events` \
                             apply to every package, so each package now has both",
                            entry.package.name,
                            entries.first().map_or("", |e| e.package.name.as_str())
                        ),
                    );
                }
                draft.events.push(range.clone());
            }
        }
        for binding in &entry.bindings {
            if !draft.affected_bindings.contains(binding) {
                if index > 0 {
                    notes.add(
                        "affected",
                        format!(
                            "the affected bindings of `{}` differ from those of the first package; \
                             an advisory's `affected_bindings` apply to every package",
                            entry.package.name
                        ),
                    );
                }
                draft.affected_bindings.push(binding.clone());
            }
        }
    }
    draft.affected = entries.into_iter().map(|e| e.package).collect();
}

fn opam_entry(
    affected: &::osv::Affected,
    name: &str,
    field: &str,
    options: &ImportOptions<'_>,
    notes: &mut Notes,
) -> Option<Entry> {
    if opam_model::PackageName::parse(name).is_err() {
        notes.add(
            &format!("{field}.package.name"),
            format!("`{name}` is not an opam package name: not imported"),
        );
        return None;
    }
    let released = released_of(options.released, name);
    let listed = affected.versions();
    let ecosystem: Vec<&::osv::Range> = affected
        .ranges()
        .iter()
        .filter(|r| r.kind == ::osv::RangeKind::Ecosystem)
        .collect();
    let specific = affected.ecosystem_specific.clone().unwrap_or_default();

    // Our own records: the constraint as written, when its ranges are the first ones.
    let mut constraint_ranges = 0;
    let mut from_record: Option<(Option<String>, VersionSet)> = None;
    if let Some(text) = specific.get("opam_constraint") {
        match own_constraint(text, name, &ecosystem, listed, released.as_deref()) {
            Ok((formula, set, count)) => {
                from_record = Some((formula, set));
                constraint_ranges = count;
            }
            Err(why) => notes.add(
                &format!("{field}.ecosystem_specific.opam_constraint"),
                format!("{why}; the constraint is computed from the ranges instead"),
            ),
        }
    }
    let (formula, set) = match from_record {
        Some(found) => found,
        None => {
            constraint_ranges = ecosystem.len();
            let mut problems = Vec::new();
            let set = if ecosystem.is_empty() && !listed.is_empty() {
                set_of_versions(listed, released.as_deref())
            } else if ecosystem.is_empty() {
                VersionSet::all()
            } else {
                ecosystem.iter().fold(VersionSet::default(), |set, range| {
                    set.union(&set_of_range(&range.events, &mut problems))
                })
            };
            for problem in problems {
                notes.add(&format!("{field}.ranges"), problem);
            }
            (formula_text(&set, released.as_deref()), set)
        }
    };
    if set.intervals().is_empty() {
        notes.add(
            &format!("{field}.ranges"),
            "the ranges admit no version at all: write the affected versions",
        );
    }
    if ecosystem.is_empty() && listed.is_empty() && affected.ranges().is_empty() {
        notes.add(
            field,
            "neither ranges nor versions: every version is taken as affected, check it",
        );
    }
    check_versions(listed, &set, released.as_deref(), field, notes);

    let mut events = Vec::new();
    let mut ecosystem_seen = 0;
    for (index, range) in affected.ranges().iter().enumerate() {
        let range_field = format!("{field}.ranges[{index}]");
        if range.kind == ::osv::RangeKind::Ecosystem {
            ecosystem_seen += 1;
            if ecosystem_seen <= constraint_ranges {
                continue;
            }
        }
        if let Some(range) = event_range(range, &range_field, notes) {
            events.push(range);
        }
        if let Some(extra) = &range.database_specific {
            notes.add(
                &format!("{range_field}.database_specific"),
                format!("{}: not imported", compact(&extra.clone().into())),
            );
        }
    }
    let mut bindings = Vec::new();
    for (key, value) in &specific {
        match (key.as_str(), value) {
            ("opam_constraint", _) => {}
            ("affected_bindings", serde_json::Value::Array(items))
                if items.iter().all(serde_json::Value::is_string) =>
            {
                bindings.extend(items.iter().filter_map(|b| b.as_str().map(str::to_owned)));
            }
            _ => notes.add(
                &format!("{field}.ecosystem_specific.{key}"),
                format!("{}: not imported", compact(value)),
            ),
        }
    }
    if let Some(extra) = &affected.database_specific {
        notes.add(
            &format!("{field}.database_specific"),
            format!("{}: not imported", compact(&extra.clone().into())),
        );
    }
    for (index, severity) in affected.severity().iter().enumerate() {
        notes.add(
            &format!("{field}.severity[{index}]"),
            format!(
                "{} `{}`: an advisory's severity is that of the whole record; not imported",
                severity.kind.as_str(),
                severity.score
            ),
        );
    }
    Some(Entry {
        package: DraftPackage {
            name: name.to_owned(),
            constraint: formula,
        },
        events,
        bindings,
    })
}

/// The constraint of `opam_constraint` (`name {formula}`), its set, and how many of
/// the entry's first ECOSYSTEM ranges it accounts for; or why it cannot be used.
fn own_constraint(
    text: &serde_json::Value,
    name: &str,
    ecosystem: &[&::osv::Range],
    listed: &[String],
    released: Option<&[String]>,
) -> Result<(Option<String>, VersionSet, usize), String> {
    let text = text.as_str().ok_or("not a string")?;
    let rest = text
        .strip_prefix(name)
        .ok_or_else(|| format!("`{text}` does not start with the package name `{name}`"))?
        .trim();
    let formula = if rest.is_empty() {
        ""
    } else {
        rest.strip_prefix('{')
            .and_then(|r| r.strip_suffix('}'))
            .ok_or_else(|| format!("`{text}` is not `{name} {{formula}}`"))?
            .trim()
    };
    let constraint = parse_formula(name, formula)
        .map_err(|why| format!("`{text}` is not an opam constraint: {why}"))?;
    let set = constraint
        .as_ref()
        .map_or_else(VersionSet::all, VersionSet::of_constraint);
    // The ranges the export writes for this constraint: with the listed versions
    // (which hold every release it uses), or with the repository's.
    let written = |releases: &[String]| -> Vec<Vec<::osv::Event>> {
        set.intervals()
            .iter()
            .filter_map(|i| events_of(i, releases))
            .collect()
    };
    let first: Vec<Vec<::osv::Event>> = ecosystem.iter().map(|r| r.events.clone()).collect();
    let agrees = |ranges: &Vec<Vec<::osv::Event>>| first.starts_with(ranges);
    let candidates = [Some(listed.to_vec()), released.map(<[String]>::to_vec)];
    let count = candidates
        .iter()
        .flatten()
        .map(|releases| written(releases))
        .find(|ranges| agrees(ranges))
        .map(|ranges| ranges.len())
        .ok_or_else(|| format!("`{text}` does not give the record's ECOSYSTEM ranges"))?;
    let formula = (!formula.is_empty()).then(|| formula.to_owned());
    Ok((formula, set, count))
}

/// Notes listed versions outside the constraint and, with the releases, releases the
/// constraint admits that the list leaves out.
fn check_versions(
    listed: &[String],
    set: &VersionSet,
    released: Option<&[String]>,
    field: &str,
    notes: &mut Notes,
) {
    let outside: Vec<&str> = listed
        .iter()
        .filter(|v| !set.contains(v))
        .map(String::as_str)
        .collect();
    if !outside.is_empty() {
        notes.add(
            &format!("{field}.versions"),
            format!(
                "{} listed but outside the ranges; the constraint follows the ranges, check it",
                outside.join(", ")
            ),
        );
    }
    if let Some(released) = released.filter(|_| !listed.is_empty()) {
        let missing: Vec<&str> = released
            .iter()
            .filter(|v| set.contains(v) && !listed.contains(v))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            notes.add(
                &format!("{field}.versions"),
                format!(
                    "the constraint also admits the releases {}, which the list leaves out; check it",
                    missing.join(", ")
                ),
            );
        }
    }
}

/// A range of `events`.
fn event_range(range: &::osv::Range, field: &str, notes: &mut Notes) -> Option<DraftRange> {
    let (kind, repo) = match range.kind {
        ::osv::RangeKind::Git => match &range.repo {
            Some(repo) => ("git", repo.clone()),
            None => {
                notes.add(field, "a GIT range without `repo`: not imported");
                return None;
            }
        },
        ::osv::RangeKind::Ecosystem => ("ecosystem", ::osv::OPAM_ECOSYSTEM.to_owned()),
        ::osv::RangeKind::Semver => ("semver", ::osv::OPAM_ECOSYSTEM.to_owned()),
    };
    let introduced = range
        .events
        .iter()
        .filter(|e| matches!(e, ::osv::Event::Introduced(_)))
        .count();
    let mut events = Vec::new();
    for (index, event) in range.events.iter().enumerate() {
        match event {
            // The export adds this event to a range without `introduced`.
            ::osv::Event::Introduced(v) if index == 0 && v == "0" && introduced == 1 => {}
            ::osv::Event::Limit(v) => notes.add(
                &format!("{field}.events[{index}]"),
                format!("`limit: {v}`: advisories have no limit events; not imported"),
            ),
            other => events.push((other.key().to_owned(), other.version().to_owned())),
        }
    }
    Some(DraftRange {
        kind: kind.to_owned(),
        repo,
        events,
    })
}

fn references(record: &::osv::Vulnerability, draft: &mut Draft, notes: &mut Notes) {
    for (index, reference) in record.references().iter().enumerate() {
        let kind = match reference.kind {
            ::osv::ReferenceKind::Git => {
                notes.add(
                    &format!("references[{index}]"),
                    format!(
                        "`{}` has type GIT, which advisories lack: written as `web`",
                        reference.url
                    ),
                );
                "web".to_owned()
            }
            other => other.as_str().to_ascii_lowercase(),
        };
        draft.references.push((kind, reference.url.clone()));
    }
}

fn credits(record: &::osv::Vulnerability, draft: &mut Draft, notes: &mut Notes) {
    for (index, credit) in record.credits().iter().enumerate() {
        let kind = match credit.kind {
            Some(kind) => kind.as_str().to_ascii_lowercase(),
            None => {
                notes.add(
                    &format!("credits[{index}]"),
                    format!(
                        "`{}` has no role: written as `other`, check it",
                        credit.name
                    ),
                );
                "other".to_owned()
            }
        };
        draft.credits.push(DraftCredit {
            kind,
            name: credit.name.clone(),
            contacts: credit.contact().to_vec(),
        });
    }
}

fn database_specific(
    record: &::osv::Vulnerability,
    own_id: Option<AdvisoryId>,
    draft: &mut Draft,
    notes: &mut Notes,
) {
    let Some(specific) = &record.database_specific else {
        return;
    };
    let mut rest = serde_json::Map::new();
    for (key, value) in specific {
        let strings = value
            .as_array()
            .filter(|items| items.iter().all(serde_json::Value::is_string));
        match (key.as_str(), strings) {
            ("cwe" | "cwe_ids", Some(items)) => {
                for cwe in items.iter().filter_map(|c| c.as_str()) {
                    if !draft.cwe.iter().any(|c| c == cwe) {
                        draft.cwe.push(cwe.to_owned());
                    }
                }
            }
            ("osv" | "human_link", _) if own_id.is_some_and(|id| own_link(id, key) == *value) => {}
            ("severity", _) if rating_agrees(draft, value) => {}
            _ => {
                rest.insert(key.clone(), value.clone());
            }
        }
    }
    if !rest.is_empty() {
        notes.add(
            "database_specific",
            format!("{}: not imported", compact(&rest.into())),
        );
    }
}

/// The `osv` or `human_link` the export writes for `id`.
fn own_link(id: AdvisoryId, key: &str) -> serde_json::Value {
    let year = id.year();
    match key {
        "osv" => format!("{DATABASE_TREE_URL}generated-osv/{year}/{id}.json").into(),
        _ => format!("{DATABASE_TREE_URL}main/advisories/{year}/{id}.md").into(),
    }
}

/// Whether GitHub's rating (`"HIGH"`, `"MODERATE"`) is the one of the imported vector.
fn rating_agrees(draft: &Draft, rating: &serde_json::Value) -> bool {
    let Some(rating) = rating.as_str() else {
        return false;
    };
    let Some(vector) = draft
        .severity
        .as_ref()
        .and_then(|v| v.parse::<cvss::Cvss>().ok())
    else {
        return false;
    };
    let ours = vector.severity().as_str();
    rating.eq_ignore_ascii_case(ours)
        || (rating.eq_ignore_ascii_case("moderate") && ours == "medium")
}
