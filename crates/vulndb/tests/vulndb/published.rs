//! The OCaml database's published records, loaded and queried.

use vulndb::{Database, Query};

use crate::support::{json_files, published_dir, zip_of};

fn from_dir() -> Database {
    Database::from_dir(&published_dir()).unwrap()
}

#[test]
fn directory_and_all_zip_load_the_same_records() {
    let dir_db = from_dir();
    assert_eq!(dir_db.len(), 26);
    let zip_db = Database::from_zip_bytes(&zip_of(&json_files(&published_dir()))).unwrap();
    let dir_records: Vec<_> = dir_db.records().unwrap();
    let zip_records: Vec<_> = zip_db.records().unwrap();
    assert_eq!(dir_records, zip_records);
    assert_eq!(
        zip_db.origin("OSEC-2026-16").unwrap(),
        Some("<embedded>!2026/OSEC-2026-16.json")
    );
}

#[test]
fn every_listed_version_finds_its_record() {
    let db = from_dir();
    let mut checked = 0;
    for record in db.records().unwrap() {
        for affected in record.affected() {
            let package = affected.package.as_ref().unwrap();
            for version in affected.versions() {
                let findings = db.query(&Query::opam(&package.name, version)).unwrap();
                assert!(
                    findings
                        .iter()
                        .any(|f| f.records().iter().any(|r| r.id == record.id)),
                    "{} {} {version}",
                    record.id,
                    package.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 900, "only {checked} versions checked");
}

#[test]
fn cohttp_6_2_2_has_osec_2026_16_fixed_in_6_3_0() {
    let db = from_dir();
    let findings = db.query(&Query::opam("cohttp", "6.2.2")).unwrap();
    let summary: Vec<(&str, &[String])> = findings
        .iter()
        .map(|f| (f.id(), f.fixed_versions()))
        .collect();
    assert_eq!(summary, vec![("OSEC-2026-16", &["6.3.0".to_owned()][..])]);
    assert_eq!(
        findings[0].vulnerability().summary.as_deref(),
        Some("Path traversal in Cohttp.Path.resolve_local_file")
    );
    assert!(
        db.query(&Query::opam("cohttp", "6.3.0"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn lookups_by_id_alias_and_package() {
    let db = from_dir();
    assert_eq!(db.lookup("CVE-2015-8869").unwrap().len(), 1);
    assert_eq!(db.lookup("CVE-2015-8869").unwrap()[0].id, "OSEC-2016-01");
    assert_eq!(db.lookup("OSEC-2016-01").unwrap()[0].id, "OSEC-2016-01");
    assert!(db.lookup("CVE-1999-0001").unwrap().is_empty());
    assert!(db.packages().contains(&("opam", "cohttp")));
    assert!(db.for_package("opam", "ocaml").unwrap().len() >= 3);
    assert_eq!(
        db.last_modified().map(|t| t.as_str()),
        Some("2026-08-22T11:05:00Z")
    );
}
