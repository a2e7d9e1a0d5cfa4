//! `osec site build`: the database as a static web site and an Atom feed.
//!
//! The site works from a `file://` URL and from any static host: every link
//! between its pages is relative, and it loads nothing from elsewhere (one style
//! sheet and one small script, both written beside the pages). It holds:
//!
//! ```text
//! OUT/index.html                    every advisory, newest first, with a filter
//! OUT/advisories/OSEC-YYYY-NN.html  one page per advisory
//! OUT/osv/OSEC-YYYY-NN.json         its OSV record
//! OUT/packages/index.html           every affected package
//! OUT/packages/NAME.html            one page per package
//! OUT/packages/NAME.json            that package's OSV records, a JSON array by ID
//! OUT/feed.xml                      Atom (RFC 4287): the most recently modified advisories
//! OUT/style.css, OUT/filter.js
//! ```
//!
//! The same input gives the same bytes: nothing depends on the clock or the
//! machine. Each file is written atomically and only when its bytes change; files
//! of the layout above that a previous build wrote and this one did not (a removed
//! advisory, a package no longer affected) are deleted. Nothing else under OUT is
//! touched, and nothing outside it: file names come from checked advisory IDs and
//! package names.

mod cwe;
mod feed;
mod html;
mod markdown;
mod pages;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use advisory::lint::{FileReport, Level, LintOptions, lint_read};
use advisory::to_osv::{ConvertError, ConvertOptions, to_osv};
use advisory::{Advisory, AdvisoryId};
use opam_model::ReleasedVersions;

use crate::archive::{IndexedRecord, modified_text};
use crate::error::{Error, Result};
use crate::export::{Outcome, OutcomeKind};
use safe_fs::{FileChange, OutputRoot};

/// The title of the site and its feed when none is given.
pub const DEFAULT_TITLE: &str = "OCaml security advisories";

/// How many advisories the feed holds when not told otherwise.
pub const DEFAULT_FEED_ENTRIES: usize = 20;

/// What a build needs besides the advisories and the output directory.
#[derive(Clone)]
pub struct SiteOptions<'a> {
    /// Released versions from the repositories: with them, pages list the affected
    /// versions one by one; without, they show the constraint and its ranges.
    pub released: Option<&'a ReleasedVersions>,
    /// The current time, for the lint rules about dates in the future (it is not
    /// written anywhere).
    pub now: jiff::Timestamp,
    /// Where the site will be served (`https://example.org/advisories/`): the feed's
    /// links and entry IDs are absolute under it. Without it, the feed's links are
    /// relative to the feed itself and each entry's ID is the advisory's link in
    /// the database repository (`database_specific.human_link`).
    pub base_url: Option<String>,
    /// The URL under which the advisory files are browsed: the link to an
    /// advisory's source is this followed by the file's path relative to the
    /// advisories directory. Without it, pages link to the record's
    /// `database_specific.human_link`.
    pub source_url: Option<String>,
    /// The site's title.
    pub title: String,
    /// How many advisories the feed holds, the most recently modified ones.
    pub feed_entries: usize,
}

impl std::fmt::Debug for SiteOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteOptions")
            .field("released", &self.released.is_some())
            .field("now", &self.now)
            .field("base_url", &self.base_url)
            .field("source_url", &self.source_url)
            .field("title", &self.title)
            .field("feed_entries", &self.feed_entries)
            .finish()
    }
}

/// The result of a build.
#[derive(Debug, Default)]
pub struct SiteReport {
    /// One outcome per advisory file, in path order; `Exported` names the
    /// advisory's page.
    pub outcomes: Vec<Outcome>,
    /// Every file of the site, with what happened to it, in path order.
    pub files: Vec<(PathBuf, FileChange)>,
    /// Files of an earlier build that this one no longer has, now deleted.
    pub removed: Vec<PathBuf>,
}

impl SiteReport {
    /// Whether every advisory made it onto the site.
    pub fn is_complete(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.kind, OutcomeKind::Exported { .. }))
    }

    /// The number of advisories on the site.
    pub fn published(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.kind, OutcomeKind::Exported { .. }))
            .count()
    }

    /// The number of files created or updated.
    pub fn changed(&self) -> usize {
        self.files
            .iter()
            .filter(|(_, change)| *change != FileChange::Unchanged)
            .count()
    }

    /// What `osec site build` says on standard error: the problems of single
    /// advisories, the files removed, and a summary line naming `out`.
    pub fn render(&self, out: &Path) -> String {
        let mut text = crate::export::render_outcomes(&self.outcomes, "left out of the site");
        for removed in &self.removed {
            text.push_str(&format!(
                "removed {} (no longer part of the site)\n",
                removed.display()
            ));
        }
        text.push_str(&format!(
            "site of {} of {} advisories in {}: {} files, {} changed\n",
            self.published(),
            self.outcomes.len(),
            out.display(),
            self.files.len(),
            self.changed()
        ));
        text
    }
}

/// One advisory as the pages show it.
pub(crate) struct SiteAdvisory {
    pub(crate) id: AdvisoryId,
    /// The ID as written, `OSEC-2026-05`.
    pub(crate) id_text: String,
    pub(crate) advisory: Advisory,
    pub(crate) record: osv::Vulnerability,
    /// The link to the advisory's Markdown file.
    pub(crate) source_url: Option<String>,
    /// The details, rendered and sanitised.
    pub(crate) details_html: String,
    /// The affected packages that have a page (valid opam names), in header order.
    pub(crate) packages: Vec<String>,
}

impl SiteAdvisory {
    /// The rating of the CVSS vector, recomputed from the vector.
    pub(crate) fn rating(&self) -> Rating {
        match self.advisory.cvss().map(|cvss| cvss.severity()) {
            Some(cvss::Severity::Critical) => Rating::Critical,
            Some(cvss::Severity::High) => Rating::High,
            Some(cvss::Severity::Medium) => Rating::Medium,
            Some(cvss::Severity::Low) => Rating::Low,
            Some(cvss::Severity::None) => Rating::None,
            None => Rating::Unrated,
        }
    }

    /// When the advisory was published, else last modified: the order of the index.
    fn date(&self) -> &osv::Timestamp {
        self.record
            .published
            .as_ref()
            .unwrap_or(&self.record.modified)
    }
}

/// A CVSS rating, or none for an advisory without a (valid) vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rating {
    Critical,
    High,
    Medium,
    Low,
    None,
    Unrated,
}

impl Rating {
    /// Every rating, most severe first: the filter's choices.
    pub(crate) const ALL: [Rating; 6] = [
        Rating::Critical,
        Rating::High,
        Rating::Medium,
        Rating::Low,
        Rating::None,
        Rating::Unrated,
    ];

    /// The word shown.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Rating::Critical => "Critical",
            Rating::High => "High",
            Rating::Medium => "Medium",
            Rating::Low => "Low",
            Rating::None => "None",
            Rating::Unrated => "Not rated",
        }
    }

    /// The value of the filter and the CSS class.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Rating::Critical => "critical",
            Rating::High => "high",
            Rating::Medium => "medium",
            Rating::Low => "low",
            Rating::None => "none",
            Rating::Unrated => "unrated",
        }
    }
}

/// What every page needs to know about the site.
pub(crate) struct SiteContext<'a> {
    pub(crate) title: &'a str,
    /// `--base-url`, ending with `/`.
    pub(crate) base_url: Option<&'a str>,
    pub(crate) feed_entries: usize,
}

/// Builds the site for the advisories under `paths` (files, or directories searched
/// for `OSEC-*.md`) into `out`. Advisories with lint errors or that cannot be
/// converted are left out and reported; the rest of the site is built.
pub fn build_site(paths: &[PathBuf], out: &Path, options: &SiteOptions<'_>) -> Result<SiteReport> {
    let base_url = options
        .base_url
        .as_deref()
        .map(|url| directory_url("--base-url", url))
        .transpose()?;
    let source_url = options
        .source_url
        .as_deref()
        .map(|url| directory_url("--source-url", url))
        .transpose()?;
    let lint_options = LintOptions {
        now: options.now,
        packages: options.released,
    };
    let reports = lint_read(advisory::tree::read_advisories(paths)?, &lint_options);
    let convert_options = ConvertOptions {
        released: options.released,
        with_versions: options.released.is_some(),
    };

    let mut outcomes = Vec::with_capacity(reports.len());
    let mut advisories = Vec::with_capacity(reports.len());
    for report in reports {
        let source = report.path.clone();
        if report.count(Level::Error) > 0 {
            outcomes.push(Outcome {
                source,
                kind: OutcomeKind::LintFailed(Box::new(report)),
            });
            continue;
        }
        let link = source_url
            .as_deref()
            .and_then(|base| source_link(base, paths, &report.path));
        match site_advisory(report, link, &convert_options) {
            Ok((advisory, notes)) => {
                let path = out.join(pages::advisory_path(&advisory.id_text));
                let record = IndexedRecord {
                    id: advisory.record.id.clone(),
                    modified: modified_text(advisory.record.modified.to_jiff()),
                    bytes: osv::to_string_pretty(&advisory.record).into_bytes(),
                };
                outcomes.push(Outcome {
                    source,
                    kind: OutcomeKind::Exported {
                        path,
                        // Replaced by the page's own change once it is written.
                        change: FileChange::Unchanged,
                        notes,
                        record,
                    },
                });
                advisories.push(advisory);
            }
            Err(err) => outcomes.push(Outcome {
                source,
                kind: OutcomeKind::ConversionFailed(err),
            }),
        }
    }
    // Two files with the same ID would write the same page: keep the first.
    let mut seen = BTreeSet::new();
    advisories.retain(|a| seen.insert(a.id_text.clone()));
    advisories.sort_by(|a, b| b.date().cmp(a.date()).then(b.id.cmp(&a.id)));

    let site = SiteContext {
        title: &options.title,
        base_url: base_url.as_deref(),
        feed_entries: options.feed_entries,
    };
    let files = render_files(&advisories, &site);
    let mut report = SiteReport {
        outcomes,
        ..SiteReport::default()
    };
    let root = OutputRoot::open(out)?;
    for (relative, bytes) in &files {
        let path = out.join(relative);
        let change = root.write(relative, bytes)?;
        report.files.push((path, change));
    }
    let changes: BTreeMap<&Path, FileChange> = report
        .files
        .iter()
        .map(|(path, change)| (path.as_path(), *change))
        .collect();
    for outcome in &mut report.outcomes {
        if let OutcomeKind::Exported { path, change, .. } = &mut outcome.kind
            && let Some(written) = changes.get(path.as_path())
        {
            *change = *written;
        }
    }
    let written: BTreeSet<&Path> = files.keys().map(PathBuf::as_path).collect();
    report.removed = remove_stale(out, &written)?;
    Ok(report)
}

/// Every file of the site, by path relative to the output directory.
fn render_files(advisories: &[SiteAdvisory], site: &SiteContext<'_>) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut add = |path: String, text: String| {
        files.insert(PathBuf::from(path), text.into_bytes());
    };
    add("style.css".into(), pages::STYLE.to_owned());
    add("filter.js".into(), pages::FILTER_SCRIPT.to_owned());
    add("index.html".into(), pages::index(advisories, site));
    for advisory in advisories {
        add(
            pages::advisory_path(&advisory.id_text),
            pages::advisory_page(advisory, site),
        );
        add(
            format!("osv/{}.json", advisory.id_text),
            osv::to_string_pretty(&advisory.record),
        );
    }
    let packages = by_package(advisories);
    add(
        "packages/index.html".into(),
        pages::package_index(&packages, site),
    );
    for (name, entries) in &packages {
        add(
            format!("packages/{name}.html"),
            pages::package_page(name, entries, site),
        );
        add(format!("packages/{name}.json"), package_json(entries));
    }
    add("feed.xml".into(), feed::atom(advisories, site));
    files
}

/// The advisories of each package, newest first.
fn by_package(advisories: &[SiteAdvisory]) -> BTreeMap<&str, Vec<&SiteAdvisory>> {
    let mut packages: BTreeMap<&str, Vec<&SiteAdvisory>> = BTreeMap::new();
    for advisory in advisories {
        for name in &advisory.packages {
            let entries = packages.entry(name.as_str()).or_default();
            if !entries.iter().any(|e| e.id == advisory.id) {
                entries.push(advisory);
            }
        }
    }
    packages
}

/// The records of a package's advisories as one JSON array, in ID order, laid out
/// as `osv::to_string_pretty` lays out each record.
fn package_json(entries: &[&SiteAdvisory]) -> String {
    let mut sorted: Vec<&SiteAdvisory> = entries.to_vec();
    sorted.sort_by_key(|a| a.id);
    let records: Vec<String> = sorted
        .iter()
        .map(|a| {
            osv::to_string_pretty(&a.record)
                .trim_end()
                .lines()
                .map(|line| format!("  {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    if records.is_empty() {
        return "[]\n".to_owned();
    }
    format!("[\n{}\n]\n", records.join(",\n"))
}

fn site_advisory(
    report: FileReport,
    source_url: Option<String>,
    options: &ConvertOptions<'_>,
) -> std::result::Result<(SiteAdvisory, Vec<String>), ConvertError> {
    let conversion = to_osv(&report.advisory, options)?;
    let id = report
        .advisory
        .advisory_id()
        .ok_or(ConvertError::Missing { field: "id" })?;
    let source_url = source_url.or_else(|| human_link(&conversion.record));
    let details_html = markdown::render_details(&report.advisory.details, source_url.as_deref());
    let mut packages = Vec::new();
    for affected in &report.advisory.affected {
        let name = &affected.package.value;
        if opam_model::PackageName::parse(name).is_ok() && !packages.contains(name) {
            packages.push(name.clone());
        }
    }
    let advisory = SiteAdvisory {
        id,
        id_text: conversion.record.id.clone(),
        advisory: report.advisory,
        record: conversion.record,
        source_url,
        details_html,
        packages,
    };
    Ok((advisory, conversion.notes))
}

/// `database_specific.human_link` of a record.
pub(crate) fn human_link(record: &osv::Vulnerability) -> Option<String> {
    record
        .database_specific
        .as_ref()?
        .get("human_link")?
        .as_str()
        .map(str::to_owned)
}

/// `url` checked to be an absolute web URL, with a `/` added when it has none, so
/// that relative paths can be appended.
fn directory_url(option: &'static str, url: &str) -> Result<String> {
    if html::external_url(url).is_none() {
        return Err(Error::Url {
            option,
            url: url.to_owned(),
        });
    }
    Ok(if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
}

/// The source link of `file`: `base` followed by its path relative to the
/// advisories directory it was found under (its file name when it was named
/// directly), with `/` between components.
fn source_link(base: &str, roots: &[PathBuf], file: &Path) -> Option<String> {
    let relative = roots
        .iter()
        .filter(|root| root.as_path() != file)
        .find_map(|root| file.strip_prefix(root).ok())
        .map(Path::to_path_buf)
        .or_else(|| file.file_name().map(PathBuf::from))?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(format!("{base}{}", parts?.join("/")))
}

/// Deletes the files under `out` that the site's layout owns (`advisories/*.html`,
/// `osv/*.json`, `packages/*.html`, `packages/*.json`) and that this build did not
/// write. Returns them, sorted.
fn remove_stale(out: &Path, written: &BTreeSet<&Path>) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for (dir, extensions) in [
        ("advisories", &["html"][..]),
        ("osv", &["json"][..]),
        ("packages", &["html", "json"][..]),
    ] {
        let dir_path = out.join(dir);
        let entries = match std::fs::read_dir(&dir_path) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(Error::Read {
                    path: dir_path,
                    source,
                });
            }
        };
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read {
                path: dir_path.clone(),
                source,
            })?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let owned = !name.starts_with('.')
                && Path::new(name)
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| extensions.contains(&e));
            let relative = Path::new(dir).join(name);
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if owned && is_file && !written.contains(relative.as_path()) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|source| Error::Remove {
                    path: path.clone(),
                    source,
                })?;
                removed.push(path);
            }
        }
    }
    removed.sort();
    Ok(removed)
}
