//! Prepared copies of `all.zip` files (`Loader::with_cache_dir`): the same
//! answers as a full load, used only while intact and current.

use std::path::{Path, PathBuf};

use vulndb::{Database, Loader, Query};

use crate::support::{json_files, published_dir, zip_of};

/// A temporary directory with the published records as `all.zip` and an
/// empty cache directory.
struct Setup {
    _dir: tempfile::TempDir,
    zip: PathBuf,
    cache: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all.zip");
    std::fs::write(&zip, zip_of(&json_files(&published_dir()))).unwrap();
    let cache = dir.path().join("cache");
    Setup {
        zip,
        cache,
        _dir: dir,
    }
}

fn load(setup: &Setup) -> Database {
    Loader::new()
        .with_cache_dir(&setup.cache)
        .load_path(&setup.zip)
        .unwrap()
}

/// The one prepared file in the cache directory.
fn prepared_file(cache: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

/// Every answer a database gives about the published packages: for each
/// listed version and each fixed version, the findings (IDs, aliases, fixed
/// versions, the records themselves).
fn answers(db: &Database) -> Vec<String> {
    let full = Database::from_dir(&published_dir()).unwrap();
    let mut answers = Vec::new();
    for record in full.records().unwrap() {
        for affected in record.affected() {
            let package = affected.package.as_ref().unwrap();
            let fixes = affected
                .ranges()
                .iter()
                .flat_map(|r| &r.events)
                .filter_map(|e| match e {
                    osv::Event::Fixed(v) => Some(v),
                    _ => None,
                });
            for version in affected.versions().iter().chain(fixes) {
                for finding in db.query(&Query::opam(&package.name, version)).unwrap() {
                    answers.push(format!(
                        "{} {version}: {} {:?} {:?} {:?}",
                        package.name,
                        finding.id(),
                        finding.aliases(),
                        finding.fixed_versions(),
                        finding.records()
                    ));
                }
            }
        }
    }
    assert!(answers.len() > 900, "only {} answers", answers.len());
    answers
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[test]
fn a_prepared_load_answers_exactly_as_a_full_load() {
    let setup = setup();
    let full = Database::from_zip_file(&setup.zip).unwrap();
    let first = load(&setup);
    let file = prepared_file(&setup.cache);
    let second = load(&setup);
    #[cfg(unix)]
    {
        // Read, not rewritten: the file is the one the first load wrote.
        let before = inode(&file);
        let third = load(&setup);
        assert_eq!(inode(&file), before);
        assert_eq!(third.len(), full.len());
    }
    let expected = answers(&full);
    assert_eq!(answers(&first), expected);
    assert_eq!(answers(&second), expected);
    assert_eq!(second.records().unwrap(), full.records().unwrap());
    assert_eq!(second.last_modified(), full.last_modified());
    assert_eq!(second.packages(), full.packages());
    assert_eq!(
        second.origin("OSEC-2026-16").unwrap(),
        full.origin("OSEC-2026-16").unwrap()
    );
    assert_eq!(
        second.lookup("CVE-2015-8869").unwrap(),
        full.lookup("CVE-2015-8869").unwrap()
    );
}

#[test]
fn a_damaged_head_is_ignored_and_rewritten() {
    let setup = setup();
    let expected = answers(&load(&setup));
    let file = prepared_file(&setup.cache);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[40] ^= 0x55; // inside the head
    std::fs::write(&file, &bytes).unwrap();
    let db = load(&setup);
    assert_eq!(answers(&db), expected);
    assert_ne!(std::fs::read(&file).unwrap(), bytes, "rewritten");
}

/// The head's length is read before its hash can be checked: a damaged one
/// must not make the load allocate it (a terabyte here).
#[test]
fn a_head_length_beyond_the_file_is_ignored_without_allocating_it() {
    let setup = setup();
    let expected = answers(&load(&setup));
    let file = prepared_file(&setup.cache);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[8..16].copy_from_slice(&(1u64 << 40).to_le_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let db = load(&setup);
    assert_eq!(answers(&db), expected);
    assert_ne!(std::fs::read(&file).unwrap(), bytes, "rewritten");
}

#[test]
fn a_damaged_record_text_is_an_error_naming_the_prepared_file() {
    let setup = setup();
    load(&setup);
    let file = prepared_file(&setup.cache);
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 2; // inside the last record's text
    bytes[last] ^= 0x55;
    std::fs::write(&file, &bytes).unwrap();
    let db = load(&setup);
    let err = db.records().unwrap_err().to_string();
    assert!(err.contains("is damaged"), "{err}");
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("delete it"), "{err}");
}

#[test]
fn a_changed_archive_is_loaded_again() {
    let setup = setup();
    assert_eq!(load(&setup).len(), 26);
    let mut files = json_files(&published_dir());
    files.retain(|(name, _)| !name.ends_with("OSEC-2026-16.json"));
    std::fs::write(&setup.zip, zip_of(&files)).unwrap();
    let db = load(&setup);
    assert_eq!(db.len(), 25);
    assert!(db.get("OSEC-2026-16").unwrap().is_none());
    assert!(
        db.query(&Query::opam("cohttp", "6.2.2"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_unwritable_cache_directory_only_costs_speed() {
    let setup = setup();
    // A file where the cache directory should be: the prepared copy cannot be
    // written, and the load still succeeds in full.
    std::fs::write(&setup.cache, b"not a directory").unwrap();
    let db = load(&setup);
    assert_eq!(db.len(), 26);
    assert_eq!(
        db.query(&Query::opam("cohttp", "6.2.2")).unwrap()[0].id(),
        "OSEC-2026-16"
    );
}

#[test]
fn writing_a_prepared_copy_removes_copies_unused_for_30_days() {
    let setup = setup();
    std::fs::create_dir_all(&setup.cache).unwrap();
    let aged = |name: &str, days: u64| {
        let path = setup.cache.join(name);
        let file = std::fs::File::create(&path).unwrap();
        let then = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
        file.set_modified(then).unwrap();
        path
    };
    let old = aged("prepared-0000000000000001.bin", 40);
    let recent = aged("prepared-0000000000000002.bin", 10);
    let other = aged("opam-all.zip", 400);
    load(&setup);
    assert!(!old.exists(), "an unused copy is removed");
    assert!(recent.exists(), "a recent copy is kept");
    assert!(
        other.exists(),
        "files that are not prepared copies are kept"
    );
}
