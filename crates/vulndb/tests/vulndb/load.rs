//! Loading from directories and zip archives; every failure names its place.

use proptest::prelude::*;
use vulndb::{Database, Error};

use crate::support::{minimal, temp_tree, zip_of};

/// The error's message with the temporary directory replaced by `DIR`.
fn message(error: &Error, dir: &tempfile::TempDir) -> String {
    error
        .to_string()
        .replace(&dir.path().display().to_string(), "DIR")
        .replace('\\', "/")
}

#[test]
fn loads_a_tree_skipping_hidden_entries_and_other_files() {
    let dir = temp_tree(&[
        ("2026/OSEC-2026-01.json", &minimal("OSEC-2026-01")),
        ("2025/deep/OSEC-2025-01.json", &minimal("OSEC-2025-01")),
        (".git/objects/x.json", "not even json"),
        ("README.md", "# not a record"),
        ("modified_id.csv", "2026-01-01T00:00:00Z,OSEC-2026-01\n"),
    ]);
    let db = Database::from_dir(dir.path()).unwrap();
    let ids: Vec<&str> = db
        .records()
        .unwrap()
        .into_iter()
        .map(|r| r.id.as_str())
        .collect();
    // Sorted by path.
    assert_eq!(ids, ["OSEC-2025-01", "OSEC-2026-01"]);
    assert!(
        db.origin("OSEC-2026-01")
            .unwrap()
            .unwrap()
            .ends_with("OSEC-2026-01.json")
    );
}

#[test]
fn open_detects_directory_and_zip() {
    let dir = temp_tree(&[("a/OSEC-2026-01.json", &minimal("OSEC-2026-01"))]);
    assert_eq!(Database::open(dir.path()).unwrap().len(), 1);
    let zip_path = dir.path().join("all.zip");
    std::fs::write(
        &zip_path,
        zip_of(&[(
            "OSEC-2026-02.json".into(),
            minimal("OSEC-2026-02").into_bytes(),
        )]),
    )
    .unwrap();
    let db = Database::open(&zip_path).unwrap();
    assert_eq!(
        db.get("OSEC-2026-02").unwrap().map(|r| r.id.as_str()),
        Some("OSEC-2026-02")
    );
    assert_eq!(
        db.origin("OSEC-2026-02").unwrap().map(|o| o
            .replace(&dir.path().display().to_string(), "DIR")
            .replace('\\', "/")),
        Some("DIR/all.zip!OSEC-2026-02.json".to_owned())
    );
}

#[test]
fn embedded_bytes_are_named_embedded() {
    let bytes = zip_of(&[("OSEC-2026-01.json".into(), b"{\n  \"id\": 1\n}".to_vec())]);
    let err = Database::from_zip_bytes(&bytes).unwrap_err().to_string();
    assert_eq!(
        err,
        "<embedded>!OSEC-2026-01.json:2:9: invalid type: integer `1`, expected a string"
    );
}

#[test]
fn broken_json_names_file_line_and_column() {
    let dir = temp_tree(&[
        ("OSEC-2026-01.json", &minimal("OSEC-2026-01")),
        (
            "OSEC-2026-02.json",
            "{\n  \"id\": \"OSEC-2026-02\",\n  \"modified\": \"2026-01-01T00:00:00Z\",\n}",
        ),
    ]);
    let err = Database::from_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Json {
                line: 4,
                column: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        message(&err, &dir),
        "DIR/OSEC-2026-02.json:4:1: trailing comma"
    );
}

#[test]
fn a_record_breaking_osv_rules_is_an_error_not_skipped() {
    let dir = temp_tree(&[(
        "OSEC-2026-01.json",
        r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z",
  "affected": [{"package": {"ecosystem": "opam", "name": "pkg"},
                "ranges": [{"type": "GIT", "events": [{"introduced": "0"}]}]}]}"#,
    )]);
    let err = Database::from_dir(dir.path()).unwrap_err();
    insta::assert_snapshot!(message(&err, &dir), @r"
    DIR/OSEC-2026-01.json: OSV record OSEC-2026-01 breaks 1 rule
      affected[0].ranges[0]: a GIT range needs `repo`, the repository its commits belong to [range-repo]
    ");
}

#[test]
fn duplicate_ids_name_both_files() {
    let dir = temp_tree(&[
        ("a/OSEC-2026-01.json", &minimal("OSEC-2026-01")),
        ("b/copy.json", &minimal("OSEC-2026-01")),
    ]);
    let err = Database::from_dir(dir.path()).unwrap_err();
    assert_eq!(
        message(&err, &dir),
        "DIR/b/copy.json: record OSEC-2026-01 is also defined in DIR/a/OSEC-2026-01.json; an ID names one record"
    );
}

#[test]
fn no_records_is_an_error() {
    let dir = temp_tree(&[("README.md", "nothing here")]);
    let err = Database::from_dir(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }));
    assert_eq!(
        message(&err, &dir),
        "DIR: no OSV records (*.json) found; pass a directory of OSV records or an osv.dev all.zip"
    );
    let err = Database::from_zip_bytes(&zip_of(&[])).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err:?}");
}

#[test]
fn a_missing_path_is_an_io_error_naming_it() {
    let dir = temp_tree(&[]);
    let err = Database::open(&dir.path().join("nowhere")).unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
    assert!(message(&err, &dir).starts_with("DIR/nowhere: "), "{err}");
}

#[test]
fn a_file_that_is_not_a_zip_is_a_zip_error() {
    let dir = temp_tree(&[("all.zip", "PK but not really")]);
    let err = Database::open(&dir.path().join("all.zip")).unwrap_err();
    assert!(matches!(err, Error::Zip { .. }), "{err:?}");
    assert!(
        message(&err, &dir).starts_with("DIR/all.zip: not a readable zip archive: "),
        "{err}"
    );
}

#[test]
fn a_truncated_zip_is_an_error() {
    let bytes = zip_of(&[(
        "OSEC-2026-01.json".into(),
        minimal("OSEC-2026-01").into_bytes(),
    )]);
    for cut in [bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Database::from_zip_bytes(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_as_a_zip_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(Database::from_zip_bytes(&bytes).is_err());
    }

    #[test]
    fn corrupted_zips_never_panic(flip in 0usize..4096, value in any::<u8>()) {
        let mut bytes = zip_of(&[
            ("OSEC-2026-01.json".into(), minimal("OSEC-2026-01").into_bytes()),
            ("OSEC-2026-02.json".into(), minimal("OSEC-2026-02").into_bytes()),
        ]);
        let at = flip % bytes.len();
        bytes[at] = value;
        let _ = Database::from_zip_bytes(&bytes);
    }
}
