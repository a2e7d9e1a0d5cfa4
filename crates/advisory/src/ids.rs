//! Advisory IDs in a database: the next free one, and reservations.
//!
//! A database is a directory that holds `advisories/` (or is that directory itself,
//! see [`Database::open`]). An ID is taken when an advisory file `OSEC-YYYY-NN.md`
//! lies anywhere under it, or when a reservation placeholder
//! `advisories/reserved/YYYY/OSEC-YYYY-NN.reserved` does: people preparing embargoed
//! advisories reserve an ID first ([`Database::reserve`]), so that two of them never
//! publish the same one. IDs are read from file names, as `osec lint` requires them to
//! match the `id` field (`ADV010`).
//!
//! The next free ID of a year is one past the highest taken number of that year;
//! numbers left free below it (a withdrawn draft, say) are not handed out again.
//!
//! Reserving is safe against other processes: the placeholder is created with an
//! exclusive create (`O_EXCL`), which fails when the file exists, atomically on a
//! local file system; on that failure the next number is tried. Two `osec reserve`
//! runs at the same moment therefore never get the same ID. Drafts made by
//! `osec new` and `osec import` go through the same reservation
//! ([`Database::claim`]), so they cannot collide with a reservation either.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::id::AdvisoryId;
use crate::tree::find_advisories;

/// The directory, under `advisories/`, of the reservation placeholders.
pub const RESERVED_DIR: &str = "reserved";

/// The extension of a reservation placeholder (not `.md`: a placeholder is not an
/// advisory, and `osec lint` and `osec osv export` leave it alone).
pub const RESERVATION_EXTENSION: &str = "reserved";

/// How many numbers [`Database::reserve`] tries before giving up: only reached when
/// thousands of reservations are made at the same moment.
const MAX_ATTEMPTS: u32 = 1000;

/// Why an ID could not be found or reserved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Listing the advisories failed.
    #[error(transparent)]
    Find(#[from] crate::error::Error),
    /// A directory or placeholder could not be read or written.
    #[error("cannot {action} {}: {source}", safe_fs::display_path(path))]
    Io {
        /// What was being done ("create", "read", "remove").
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The year is not one an ID can have.
    #[error("{year} is not a year an advisory ID can have (four digits)")]
    InvalidYear {
        /// The year given.
        year: i32,
    },
    /// Every number tried was taken by another process at the same moment.
    #[error(
        "no free ID found for {year} after {MAX_ATTEMPTS} attempts in {}",
        safe_fs::display_path(dir)
    )]
    Exhausted {
        /// The year.
        year: u16,
        /// The reservation directory.
        dir: PathBuf,
    },
    /// The ID asked for is already taken by a published advisory.
    #[error(
        "{id} is already published as {}; choose another ID (`osec next-id`)",
        safe_fs::display_path(path)
    )]
    Published {
        /// The ID.
        id: AdvisoryId,
        /// The advisory file.
        path: PathBuf,
    },
}

/// A reservation placeholder: the ID it holds and its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The reserved ID, from the file name.
    pub id: AdvisoryId,
    /// The placeholder file.
    pub path: PathBuf,
}

/// The IDs a database has taken: published advisories and reservations, each with the
/// file that takes it (the first in path order when several do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TakenIds {
    /// IDs of advisory files.
    pub published: BTreeMap<AdvisoryId, PathBuf>,
    /// IDs of reservation placeholders.
    pub reserved: BTreeMap<AdvisoryId, PathBuf>,
}

impl TakenIds {
    /// Whether `id` is published or reserved.
    pub fn contains(&self, id: AdvisoryId) -> bool {
        self.published.contains_key(&id) || self.reserved.contains_key(&id)
    }

    /// One past the highest number taken in `year`, or `OSEC-YEAR-01`.
    pub fn next(&self, year: u16) -> Option<AdvisoryId> {
        let highest = self
            .published
            .keys()
            .chain(self.reserved.keys())
            .filter(|id| id.year() == year)
            .map(|id| id.number())
            .max()
            .unwrap_or(0);
        AdvisoryId::new(year, highest.checked_add(1)?)
    }
}

/// A database of advisories on disk, for finding and reserving IDs.
#[derive(Debug, Clone)]
pub struct Database {
    advisories: PathBuf,
}

impl Database {
    /// The database in `dir`: `dir/advisories` when that is a directory, else `dir`
    /// itself (so both the repository and its `advisories/` may be named).
    pub fn open(dir: &Path) -> Database {
        // `advisories/…`, not `./advisories/…`, in the paths shown for `.`.
        let nested = if dir == Path::new(".") {
            PathBuf::from("advisories")
        } else {
            dir.join("advisories")
        };
        let advisories = if nested.is_dir() {
            nested
        } else {
            dir.to_path_buf()
        };
        Database { advisories }
    }

    /// The `advisories/` directory.
    pub fn advisories_dir(&self) -> &Path {
        &self.advisories
    }

    /// Where reservations of `year` are kept.
    pub fn reservation_dir(&self, year: u16) -> PathBuf {
        self.advisories
            .join(RESERVED_DIR)
            .join(format!("{year:04}"))
    }

    /// Where the advisory `id` is published: `advisories/YYYY/ID.md`.
    pub fn advisory_path(&self, id: AdvisoryId) -> PathBuf {
        self.advisories
            .join(format!("{:04}", id.year()))
            .join(format!("{id}.md"))
    }

    /// Every ID taken, by advisory files and by reservations.
    pub fn taken(&self) -> Result<TakenIds, IdError> {
        let mut taken = TakenIds::default();
        if self.advisories.exists() {
            for path in find_advisories(std::slice::from_ref(&self.advisories))? {
                if let Some(id) = id_of_file(&path, ".md") {
                    taken.published.entry(id).or_insert(path);
                }
            }
        }
        for reservation in find_reservations(std::slice::from_ref(&self.advisories))? {
            taken
                .reserved
                .entry(reservation.id)
                .or_insert(reservation.path);
        }
        Ok(taken)
    }

    /// The next free ID of `year`.
    pub fn next_id(&self, year: i32) -> Result<AdvisoryId, IdError> {
        let year = check_year(year)?;
        self.taken()?.next(year).ok_or(IdError::Exhausted {
            year,
            dir: self.reservation_dir(year),
        })
    }

    /// Reserves the next free ID of `year`: creates its placeholder, saying when
    /// (`now`) and why. Safe against other processes reserving at the same moment.
    pub fn reserve(&self, year: i32, now: jiff::Timestamp) -> Result<Reservation, IdError> {
        let year = check_year(year)?;
        let dir = self.reservation_dir(year);
        std::fs::create_dir_all(&dir).map_err(|source| IdError::Io {
            action: "create",
            path: dir.clone(),
            source,
        })?;
        let exhausted = || IdError::Exhausted {
            year,
            dir: dir.clone(),
        };
        let mut candidate = self.taken()?.next(year).ok_or_else(exhausted)?;
        for _ in 0..MAX_ATTEMPTS {
            let path = dir.join(format!("{candidate}.{RESERVATION_EXTENSION}"));
            match create_exclusive(&path, placeholder_text(candidate, now).as_bytes()) {
                Ok(()) => {
                    return Ok(Reservation {
                        id: candidate,
                        path,
                    });
                }
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    let next = candidate.number().checked_add(1).ok_or_else(exhausted)?;
                    candidate = AdvisoryId::new(year, next).ok_or_else(exhausted)?;
                }
                Err(source) => {
                    return Err(IdError::Io {
                        action: "create",
                        path,
                        source,
                    });
                }
            }
        }
        Err(exhausted())
    }

    /// The ID a new advisory file gets: `id` when given (it must not be published
    /// yet; a reservation of it is fine), else a fresh reservation of `year`. The
    /// returned claim's reservation is removed with [`Claim::release`] once the
    /// advisory file is written.
    pub fn claim(
        &self,
        id: Option<AdvisoryId>,
        year: i32,
        now: jiff::Timestamp,
    ) -> Result<Claim, IdError> {
        match id {
            Some(id) => {
                let taken = self.taken()?;
                if let Some(path) = taken.published.get(&id) {
                    return Err(IdError::Published {
                        id,
                        path: path.clone(),
                    });
                }
                Ok(Claim {
                    id,
                    placeholder: taken.reserved.get(&id).cloned(),
                })
            }
            None => {
                let reservation = self.reserve(year, now)?;
                Ok(Claim {
                    id: reservation.id,
                    placeholder: Some(reservation.path),
                })
            }
        }
    }
}

/// An ID taken for a new advisory file, with the placeholder that holds it until the
/// file exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The ID.
    pub id: AdvisoryId,
    /// Its reservation placeholder, if it has one.
    pub placeholder: Option<PathBuf>,
}

impl Claim {
    /// Removes the placeholder: the advisory file now holds the ID.
    pub fn release(&self) -> Result<(), IdError> {
        match &self.placeholder {
            Some(path) => match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(source) => Err(IdError::Io {
                    action: "remove",
                    path: path.clone(),
                    source,
                }),
            },
            None => Ok(()),
        }
    }
}

fn check_year(year: i32) -> Result<u16, IdError> {
    u16::try_from(year)
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .ok_or(IdError::InvalidYear { year })
}

/// The ID a file name `OSEC-YYYY-NN<extension>` holds.
fn id_of_file(path: &Path, extension: &str) -> Option<AdvisoryId> {
    path.file_name()?
        .to_str()?
        .strip_suffix(extension)?
        .parse()
        .ok()
}

/// The text of a placeholder: only its name matters, the text is for people.
fn placeholder_text(id: AdvisoryId, now: jiff::Timestamp) -> String {
    format!(
        "# {id} reserved by `osec reserve` on {}.\n\
         # Publish the advisory as advisories/{:04}/{id}.md, then delete this file.\n",
        now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        id.year()
    )
}

/// Creates `path` holding `bytes`; fails with `AlreadyExists` when it exists, which
/// the exclusive create decides atomically. A run killed while writing leaves the
/// file, shorter: as a placeholder it still holds its ID.
fn create_exclusive(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The reservation placeholders under `paths` (files named `OSEC-YYYY-NN.reserved`
/// inside a `reserved` directory, at any depth; hidden directories skipped), sorted.
pub fn find_reservations(paths: &[PathBuf]) -> Result<Vec<Reservation>, IdError> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, false, &mut found)?;
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

fn walk(dir: &Path, in_reserved: bool, found: &mut Vec<Reservation>) -> Result<(), IdError> {
    let io = |source| IdError::Io {
        action: "read",
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<std::io::Result<_>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| IdError::Io {
            action: "read",
            path: path.clone(),
            source,
        })?;
        if file_type.is_dir() {
            if !name.starts_with('.') {
                walk(&path, in_reserved || name == RESERVED_DIR, found)?;
            }
        } else if in_reserved {
            let extension = format!(".{RESERVATION_EXTENSION}");
            if let Some(id) = id_of_file(&path, &extension) {
                found.push(Reservation { id, path });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-12-05T10:00:00Z".parse().unwrap()
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn next_id_counts_published_and_reserved_of_the_year() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path());
        assert_eq!(db.next_id(2026).unwrap().to_string(), "OSEC-2026-01");
        touch(&dir.path().join("2026/OSEC-2026-01.md"));
        touch(&dir.path().join("2026/OSEC-2026-07.md"));
        touch(&dir.path().join("2025/OSEC-2025-30.md"));
        assert_eq!(db.next_id(2026).unwrap().to_string(), "OSEC-2026-08");
        touch(&dir.path().join("reserved/2026/OSEC-2026-09.reserved"));
        assert_eq!(db.next_id(2026).unwrap().to_string(), "OSEC-2026-10");
        assert_eq!(db.next_id(2025).unwrap().to_string(), "OSEC-2025-31");
        // A file outside `reserved/` with the placeholder extension reserves nothing.
        touch(&dir.path().join("2026/OSEC-2026-20.reserved"));
        assert_eq!(db.next_id(2026).unwrap().to_string(), "OSEC-2026-10");
    }

    #[test]
    fn the_repository_or_its_advisories_directory_may_be_named() {
        let dir = tempfile::tempdir().unwrap();
        touch(&dir.path().join("advisories/2026/OSEC-2026-03.md"));
        for named in [dir.path().to_path_buf(), dir.path().join("advisories")] {
            let db = Database::open(&named);
            assert_eq!(db.advisories_dir(), dir.path().join("advisories"));
            assert_eq!(db.next_id(2026).unwrap().to_string(), "OSEC-2026-04");
        }
    }

    #[test]
    fn reserve_skips_a_number_another_process_took() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path());
        let first = db.reserve(2026, now()).unwrap();
        assert_eq!(first.id.to_string(), "OSEC-2026-01");
        assert_eq!(
            first.path,
            dir.path().join("reserved/2026/OSEC-2026-01.reserved")
        );
        let text = std::fs::read_to_string(&first.path).unwrap();
        assert!(text.contains("2026-12-05T10:00:00Z"), "{text}");
        assert!(text.contains("advisories/2026/OSEC-2026-01.md"), "{text}");
        assert!(create_exclusive(&first.path, b"").is_err(), "exclusive");
        // Another process took OSEC-2026-02 after this one listed the directory:
        // simulated by a name the listing does not count (a directory) but that the
        // exclusive create finds taken.
        std::fs::create_dir(dir.path().join("reserved/2026/OSEC-2026-02.reserved")).unwrap();
        let third = db.reserve(2026, now()).unwrap();
        assert_eq!(third.id.to_string(), "OSEC-2026-03");
    }

    #[test]
    fn claim_of_a_published_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        touch(&dir.path().join("2026/OSEC-2026-01.md"));
        let db = Database::open(dir.path());
        let id = "OSEC-2026-01".parse().ok();
        let err = db.claim(id, 2026, now()).unwrap_err();
        assert!(err.to_string().contains("already published"), "{err}");
        let claim = db.claim(None, 2026, now()).unwrap();
        assert_eq!(claim.id.to_string(), "OSEC-2026-02");
        let placeholder = claim.placeholder.clone().unwrap();
        assert!(placeholder.exists());
        claim.release().unwrap();
        assert!(!placeholder.exists());
    }

    #[test]
    fn years_must_have_four_digits() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path());
        for year in [999, 10000, -2026] {
            assert!(matches!(db.next_id(year), Err(IdError::InvalidYear { .. })));
        }
    }
}
