//! Hostile and ambiguous zip archives (issue 14): a name listed twice, two
//! records with one ID, more entries or inflated bytes than the limits.

use vulndb::{Database, Error, Limits, Loader};

use crate::support::{minimal, zip_of, zip_with_one_name_twice};

/// Issue 14: the same entry name twice, the second withdrawing the record's
/// affected packages. On main the zip reader kept the last entry and the
/// vulnerability disappeared from every audit.
#[test]
fn an_entry_name_listed_twice_is_an_error_naming_it_and_both_entries() {
    let emptied = r#"{"id": "OSEC-2026-06", "modified": "2026-02-01T00:00:00Z", "affected": []}"#;
    let bytes = zip_with_one_name_twice(
        "OSEC-2026-06.json",
        "OSEC-2026-XX.json",
        &[
            (
                "OSEC-2026-01.json".into(),
                minimal("OSEC-2026-01").into_bytes(),
            ),
            (
                "OSEC-2026-06.json".into(),
                minimal("OSEC-2026-06").into_bytes(),
            ),
            ("OSEC-2026-XX.json".into(), emptied.as_bytes().to_vec()),
        ],
    );
    let err = Database::from_zip_bytes(&bytes).unwrap_err();
    assert!(
        matches!(&err, Error::DuplicateEntry { name, first: 2, second: 3, .. } if name == "OSEC-2026-06.json"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "<embedded>: entries 2 and 3 are both named OSEC-2026-06.json: the archive is \
         ambiguous; re-create it with each file once"
    );
}

#[test]
fn a_name_listed_twice_is_found_behind_data_prepended_to_the_archive() {
    let mut bytes = b"#!/bin/sh\nexit 0\n".to_vec();
    bytes.extend(zip_with_one_name_twice(
        "a.json",
        "b.json",
        &[
            ("a.json".into(), minimal("OSEC-2026-01").into_bytes()),
            ("b.json".into(), minimal("OSEC-2026-02").into_bytes()),
        ],
    ));
    let err = Loader::new().load_zip_bytes(&bytes, "all.zip").unwrap_err();
    assert_eq!(
        err.to_string(),
        "all.zip: entries 1 and 2 are both named a.json: the archive is ambiguous; re-create \
         it with each file once"
    );
}

#[test]
fn two_entries_with_one_id_in_a_zip_name_both_entries() {
    let bytes = zip_of(&[
        (
            "2026/OSEC-2026-06.json".into(),
            minimal("OSEC-2026-06").into_bytes(),
        ),
        ("copy.json".into(), minimal("OSEC-2026-06").into_bytes()),
    ]);
    let err = Loader::new().load_zip_bytes(&bytes, "all.zip").unwrap_err();
    assert_eq!(
        err.to_string(),
        "all.zip!copy.json: record OSEC-2026-06 is also defined in \
         all.zip!2026/OSEC-2026-06.json; an ID names one record"
    );
}

/// A record padded with 2 MiB of spaces: valid JSON that deflates a
/// thousandfold, the stuff of zip bombs.
fn padded(id: &str) -> Vec<u8> {
    let mut text = minimal(id).into_bytes();
    text.extend(std::iter::repeat_n(b' ', 2 << 20));
    text
}

#[test]
fn records_inflating_past_the_limit_are_refused_before_inflating() {
    let files: Vec<(String, Vec<u8>)> = (1..=3)
        .map(|n| {
            (
                format!("OSEC-2026-0{n}.json"),
                padded(&format!("OSEC-2026-0{n}")),
            )
        })
        .collect();
    let bytes = zip_of(&files);
    assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
    let declared: u64 = files.iter().map(|(_, text)| text.len() as u64).sum();
    let limits = Limits {
        max_inflated_bytes: 5 << 20,
        ..Limits::default()
    };
    let err = Loader::new()
        .with_limits(limits)
        .load_zip_bytes(&bytes, "bomb.zip")
        .unwrap_err();
    assert!(
        matches!(err, Error::InflatedTooLarge { size, limit, .. } if size == declared && limit == 5 << 20),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "bomb.zip: its records inflate to {declared} bytes, more than the limit of 5242880: "
        )),
        "{err}"
    );
    // Raised to what the archive needs, it loads.
    let raised = Limits {
        max_inflated_bytes: declared,
        ..limits
    };
    let db = Loader::new()
        .with_limits(raised)
        .load_zip_bytes(&bytes, "bomb.zip")
        .unwrap();
    assert_eq!(db.len(), 3);
}

#[test]
fn more_entries_than_the_limit_are_refused() {
    let files: Vec<(String, Vec<u8>)> = (1..=5)
        .map(|n| {
            (
                format!("OSEC-2026-0{n}.json"),
                minimal(&format!("OSEC-2026-0{n}")).into_bytes(),
            )
        })
        .collect();
    let bytes = zip_of(&files);
    let four = Limits {
        max_entries: 4,
        ..Limits::default()
    };
    let err = Loader::new()
        .with_limits(four)
        .load_zip_bytes(&bytes, "all.zip")
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManyEntries {
                entries: 5,
                limit: 4,
                ..
            }
        ),
        "{err:?}"
    );
    let five = Limits {
        max_entries: 5,
        ..Limits::default()
    };
    assert_eq!(
        Loader::new()
            .with_limits(five)
            .load_zip_bytes(&bytes, "all.zip")
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn the_default_limits_are_one_gibibyte_and_a_million_entries() {
    assert_eq!(
        Limits::default(),
        Limits {
            max_inflated_bytes: 1 << 30,
            max_entries: 1_000_000
        }
    );
}
