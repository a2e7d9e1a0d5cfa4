//! What a `--db` names, how it is loaded, and how a change to it is noticed.
//!
//! A `--db` is an OSV directory or an osv.dev-style `all.zip` (loaded by
//! [`vulndb::Loader`]), or a directory of OSEC advisories (Markdown with an opam
//! header): a directory holding at least one `OSEC-*.md` file is read as
//! advisories, linted, and converted with [`advisory::to_osv`], as `osec osv
//! export` would, with the released versions of the `--repo` repositories when
//! some are given (then each record lists its `versions`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use advisory::lint::{Level, LintOptions, OutputFormat, lint_read, render};
use advisory::to_osv::{ConvertOptions, to_osv};
use opam_model::{ReleasedVersions, RepositorySpec};

use vulndb::source::{Choice, Opened, Origin};

use crate::error::LoadError;

/// One database to serve: a `--db` path, or the database `osec audit` would
/// use without one (the cache `osec db fetch` keeps, else the embedded
/// snapshot). Loaded again on every reload.
#[derive(Debug, Clone)]
pub struct DatabaseSpec {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// A `--db` path, and what a zip archive there may hold.
    Given(PathBuf, vulndb::Limits),
    /// What `choice` opens; a change under `watch` (the cache directory) is
    /// noticed.
    Chosen {
        choice: Choice,
        watch: Option<PathBuf>,
    },
}

/// A database loaded from one [`DatabaseSpec`].
#[derive(Debug)]
pub struct LoadedDatabase {
    /// The database and where it came from.
    pub opened: Opened,
    /// What the conversion of advisories had to say (an interval OSV cannot
    /// express, a package no repository has); empty for OSV sources.
    pub notes: Vec<String>,
}

impl LoadedDatabase {
    /// What the database was loaded from, for logs, metrics and messages.
    pub fn name(&self) -> &str {
        self.opened.db.source()
    }
}

impl DatabaseSpec {
    /// A `--db` path: an OSV directory, an `all.zip`, or advisories.
    pub fn path(path: impl Into<PathBuf>) -> DatabaseSpec {
        DatabaseSpec {
            kind: Kind::Given(path.into(), vulndb::Limits::default()),
        }
    }

    /// Loads a zip archive at this `--db` path within `limits` (see
    /// [`vulndb::Limits`]); [`DatabaseSpec::chosen`] takes them from its
    /// [`Choice`].
    pub fn with_limits(self, limits: vulndb::Limits) -> DatabaseSpec {
        match self.kind {
            Kind::Given(path, _) => DatabaseSpec {
                kind: Kind::Given(path, limits),
            },
            chosen => DatabaseSpec { kind: chosen },
        }
    }

    /// The database `choice` opens ([`Choice::open`]), as `osec audit` does
    /// without `--db`; `watch` is the directory whose changes mean a reload
    /// (the cache directory).
    pub fn chosen(choice: Choice, watch: Option<PathBuf>) -> DatabaseSpec {
        DatabaseSpec {
            kind: Kind::Chosen { choice, watch },
        }
    }

    /// Loads the database: advisories converted to OSV, or OSV records.
    /// `repos` gives the released versions used when converting advisories.
    pub fn load(&self, repos: &[RepositorySpec]) -> Result<LoadedDatabase, LoadError> {
        let (path, limits) = match &self.kind {
            Kind::Given(path, limits) => (path, *limits),
            Kind::Chosen { choice, .. } => {
                return Ok(LoadedDatabase {
                    opened: choice.open()?,
                    notes: Vec::new(),
                });
            }
        };
        let advisories = if path.is_dir() {
            advisory::tree::find_advisories(std::slice::from_ref(path)).map_err(|e| {
                LoadError::Advisories {
                    path: path.clone(),
                    message: e.to_string(),
                }
            })?
        } else {
            Vec::new()
        };
        if !advisories.is_empty() {
            return load_advisories(path, repos);
        }
        let opened = Choice::new()
            .with_given([path.clone()])
            .with_limits(limits)
            .open()?;
        Ok(LoadedDatabase {
            opened,
            notes: Vec::new(),
        })
    }

    /// A value that changes when the database on disk changes: the path's
    /// length and modification time, and for a directory those of every
    /// entry below it (hidden ones skipped, as loading skips them). Reading
    /// it costs one `stat` per file. An unreadable path gives a value of its
    /// own, so that its repair is noticed too.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        match &self.kind {
            Kind::Given(path, _) => stamp(path, &mut hasher),
            Kind::Chosen {
                watch: Some(dir), ..
            } => stamp(dir, &mut hasher),
            Kind::Chosen { watch: None, .. } => {}
        }
        hasher.finish()
    }
}

/// Lints and converts the advisories under `path`. One advisory with a
/// lint error fails the whole load: serving the others would answer
/// "not affected" for what it describes.
fn load_advisories(path: &Path, repos: &[RepositorySpec]) -> Result<LoadedDatabase, LoadError> {
    let failed = |message: String| LoadError::Advisories {
        path: path.to_owned(),
        message,
    };
    let sources =
        advisory::tree::read_advisories(&[path.to_owned()]).map_err(|e| failed(e.to_string()))?;
    let released = if repos.is_empty() {
        None
    } else {
        let packages = advisory::lint::affected_packages(&sources);
        Some(
            ReleasedVersions::for_packages(repos, &packages)
                .map_err(|e| failed(format!("reading the --repo repositories: {e}")))?,
        )
    };
    let options = LintOptions {
        now: jiff::Timestamp::now(),
        packages: released.as_ref(),
    };
    let (rejected, reports): (Vec<_>, Vec<_>) = lint_read(sources, &options)
        .into_iter()
        .partition(|report| report.count(Level::Error) > 0);
    if !rejected.is_empty() {
        let rendered = render(&rejected, OutputFormat::Human);
        return Err(failed(format!(
            "{} advisories fail lint (fix them, or check with `osec lint`):\n{rendered}",
            rejected.len()
        )));
    }
    let convert = ConvertOptions {
        released: released.as_ref(),
        with_versions: released.is_some(),
    };
    let mut records = Vec::with_capacity(reports.len());
    let mut notes = Vec::new();
    for report in &reports {
        let origin = report.path.display().to_string();
        let conversion =
            to_osv(&report.advisory, &convert).map_err(|e| failed(format!("{origin}: {e}")))?;
        notes.extend(
            conversion
                .notes
                .into_iter()
                .map(|n| format!("{origin}: {n}")),
        );
        records.push((origin, conversion.record));
    }
    let db = vulndb::Loader::new()
        .from_records(&path.display().to_string(), records)
        .map_err(|source| LoadError::Database {
            name: path.display().to_string(),
            source,
        })?;
    Ok(LoadedDatabase {
        opened: Opened {
            db,
            origin: Origin::Given(path.to_owned()),
        },
        notes,
    })
}

/// Hashes the length and modification time of `path` and, for a directory,
/// of every entry below it in name order.
fn stamp(path: &Path, hasher: &mut DefaultHasher) {
    let Ok(metadata) = std::fs::metadata(path) else {
        "missing".hash(hasher);
        return;
    };
    metadata.len().hash(hasher);
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .hash(hasher);
    if !metadata.is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        "unreadable".hash(hasher);
        return;
    };
    let mut names: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name())
        .filter(|name| !name.as_encoded_bytes().starts_with(b"."))
        .collect();
    names.sort();
    for name in names {
        name.hash(hasher);
        stamp(&path.join(name), hasher);
    }
}
