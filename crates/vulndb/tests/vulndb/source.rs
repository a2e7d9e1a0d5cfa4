//! `source::Choice`: the database the user means, in order of preference
//! (`--db`, the cache, the embedded snapshot), what it must hold, and its age.

use vulndb::cache::{self, Metadata, MetadataProblem};
use vulndb::source::{AgeBasis, Choice, OpenError, Origin};

use crate::support::{minimal, minimal_in, temp_tree, zip_of};

fn zip_with(ids: &[&str]) -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> = ids
        .iter()
        .map(|id| (format!("{id}.json"), minimal(id).into_bytes()))
        .collect();
    zip_of(&files)
}

/// The embedded bytes of these tests: leaked once, as `include_bytes!` would be static.
fn embedded() -> &'static [u8] {
    Box::leak(zip_with(&["OSEC-2026-90"]).into_boxed_slice())
}

fn ids(opened: &vulndb::source::Opened) -> Vec<String> {
    opened
        .db
        .records()
        .unwrap()
        .into_iter()
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn given_wins_over_the_cache_which_wins_over_the_embedded_snapshot() {
    let dir = temp_tree(&[]);
    let cache_dir = dir.path().join("cache");
    let given = dir.path().join("given.zip");
    std::fs::write(&given, zip_with(&["OSEC-2026-01"])).unwrap();
    let choice = Choice::new()
        .with_cache_dir(&cache_dir)
        .with_embedded(embedded());

    let opened = choice.open().unwrap();
    assert!(
        matches!(opened.origin, Origin::Embedded),
        "{:?}",
        opened.origin
    );
    assert_eq!(opened.db.source(), "<embedded>");
    assert_eq!(ids(&opened), ["OSEC-2026-90"]);

    std::fs::create_dir_all(&cache_dir).unwrap();
    std::fs::write(
        cache_dir.join(cache::DATABASE_FILE),
        zip_with(&["OSEC-2026-50"]),
    )
    .unwrap();
    let opened = choice.open().unwrap();
    let Origin::Cache { path, metadata } = &opened.origin else {
        panic!("{:?}", opened.origin);
    };
    assert_eq!(path, &cache_dir.join("opam-all.zip"));
    assert!(matches!(metadata, Err(MetadataProblem::Missing { .. })));
    assert_eq!(ids(&opened), ["OSEC-2026-50"]);

    let opened = choice.clone().with_given([given.clone()]).open().unwrap();
    assert!(matches!(&opened.origin, Origin::Given(path) if path == &given));
    assert_eq!(ids(&opened), ["OSEC-2026-01"]);
}

#[test]
fn nothing_to_open_is_an_error_saying_what_to_do() {
    let err = Choice::new().open().unwrap_err();
    assert!(matches!(err, OpenError::NoDatabase), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("run `osec db fetch` or pass --db"),
        "{err}"
    );
}

#[test]
fn several_given_are_opened_one_by_one_and_refused_where_one_is_used() {
    let dir = temp_tree(&[
        ("a/OSEC-2026-01.json", &minimal("OSEC-2026-01")),
        ("b/OSEC-2026-02.json", &minimal("OSEC-2026-02")),
    ]);
    let choice = Choice::new().with_given([dir.path().join("a"), dir.path().join("b")]);
    let each = choice.open_each().unwrap();
    let sources: Vec<Vec<String>> = each.iter().map(ids).collect();
    assert_eq!(sources, [["OSEC-2026-01"], ["OSEC-2026-02"]]);
    let err = choice.open().unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 databases given where one is used: pass --db once"
    );
}

/// A server reloads by opening again: the same choice sees the new file.
#[test]
fn opening_again_reads_the_database_as_it_is_now() {
    let dir = temp_tree(&[]);
    let given = dir.path().join("all.zip");
    std::fs::write(&given, zip_with(&["OSEC-2026-01"])).unwrap();
    let choice = Choice::new()
        .with_given([given.clone()])
        .with_cache_dir(dir.path().join("cache"));
    assert_eq!(ids(&choice.open().unwrap()), ["OSEC-2026-01"]);
    std::fs::write(&given, zip_with(&["OSEC-2026-01", "OSEC-2026-02"])).unwrap();
    assert_eq!(
        ids(&choice.open().unwrap()),
        ["OSEC-2026-01", "OSEC-2026-02"]
    );
}

/// Issue 14: a PyPI database given to `--db` reported every opam package clean.
#[test]
fn a_database_without_records_of_the_required_ecosystem_is_refused() {
    let dir = temp_tree(&[
        ("PYSEC-2026-1.json", &minimal_in("PYSEC-2026-1", "PyPI")),
        ("GHSA-1.json", &minimal_in("GHSA-1", "npm")),
    ]);
    let choice = Choice::new().with_given([dir.path().to_owned()]);
    assert_eq!(choice.open().unwrap().db.len(), 2);
    let err = choice.clone().require_ecosystem("opam").open().unwrap_err();
    assert!(
        matches!(&err, OpenError::NoRecordsFor { ecosystem, records: 2, .. } if ecosystem == "opam"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string()
            .replace(&dir.path().display().to_string(), "DIR"),
        "DIR: 2 records, none about an opam package (ecosystems: PyPI, npm): it is not a \
         database of opam advisories, and checking against it would find nothing; pass an \
         opam database, or --allow-empty-db to use it anyway"
    );
    // One opam record is enough.
    let mixed = temp_tree(&[
        ("PYSEC-2026-1.json", &minimal_in("PYSEC-2026-1", "PyPI")),
        ("OSEC-2026-01.json", &minimal("OSEC-2026-01")),
    ]);
    let opened = Choice::new()
        .with_given([mixed.path().to_owned()])
        .require_ecosystem("opam")
        .open()
        .unwrap();
    assert_eq!(opened.db.ecosystems(), ["PyPI", "opam"]);
}

#[test]
fn a_corrupt_cache_is_an_error_saying_what_to_do() {
    let dir = temp_tree(&[("cache/opam-all.zip", "not a zip")]);
    let err = Choice::new()
        .with_cache_dir(dir.path().join("cache"))
        .with_embedded(embedded())
        .open()
        .unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "loading the cached database {} (run `osec db fetch` to replace it, or delete it \
             to use the embedded one)",
            dir.path().join("cache/opam-all.zip").display()
        )),
        "{err}"
    );
}

#[test]
fn the_age_counts_from_the_last_check_for_a_cache_with_metadata_else_the_newest_record() {
    let dir = temp_tree(&[]);
    let cache_dir = dir.path().join("cache");
    std::fs::create_dir_all(&cache_dir).unwrap();
    let zip = zip_with(&["OSEC-2026-50"]);
    std::fs::write(cache_dir.join(cache::DATABASE_FILE), &zip).unwrap();
    let choice = Choice::new().with_cache_dir(&cache_dir);
    let opened = choice.open().unwrap();
    let age = opened.age().unwrap();
    assert_eq!(age.basis, AgeBasis::NewestRecord);
    assert_eq!(age.since, "2026-01-01T00:00:00Z".parse().unwrap());

    let sha256: String = {
        use sha2::Digest as _;
        sha2::Sha256::digest(&zip)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let metadata = Metadata {
        url: "https://example.org/all.zip".to_owned(),
        etag: None,
        last_modified: None,
        fetched_at: "2026-03-01T00:00:00Z".parse().unwrap(),
        checked_at: "2026-04-01T00:00:00Z".parse().unwrap(),
        sha256,
        records: 1,
    };
    std::fs::write(cache_dir.join(cache::METADATA_FILE), metadata.to_json()).unwrap();
    let opened = choice.open().unwrap();
    let age = opened.age().unwrap();
    assert_eq!(age.basis, AgeBasis::Checked);
    assert_eq!(age.since, metadata.checked_at);
    let now = "2026-07-01T00:00:00Z".parse().unwrap();
    assert_eq!(age.days(now), 91);
    assert!(
        opened
            .stale_warning(now)
            .unwrap()
            .starts_with("the database is 91 days old")
    );
    assert_eq!(
        opened.newest_record_age().unwrap().basis,
        AgeBasis::NewestRecord
    );
}

#[cfg(feature = "embedded")]
#[test]
fn the_embedded_snapshot_holds_the_ocaml_advisories() {
    let opened = Choice::new()
        .with_embedded(vulndb::source::EMBEDDED_SNAPSHOT)
        .require_ecosystem("opam")
        .open()
        .unwrap();
    assert_eq!(opened.db.len(), 26);
    assert_eq!(opened.db.ecosystems(), ["opam"]);
    assert!(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/opam-all.zip")
            .is_file()
    );
}
