//! The 26 records published on ocaml/security-advisories' `generated-osv` branch.

use crate::support::{published_records, schema_errors};

#[test]
fn there_are_26_published_records() {
    assert_eq!(published_records().len(), 26);
}

#[test]
fn every_published_record_round_trips_byte_for_byte() {
    for (name, text) in published_records() {
        let record = osv::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(osv::to_string_pretty(&record), text, "{name}");
    }
}

#[test]
fn every_published_record_passes_validate() {
    for (name, text) in published_records() {
        let record = osv::from_str(&text).unwrap();
        if let Err(invalid) = record.validate() {
            panic!("{name}: {invalid}");
        }
    }
}

#[test]
fn every_published_record_satisfies_the_official_schema() {
    for (name, text) in published_records() {
        let record = osv::from_str(&text).unwrap();
        let written: serde_json::Value =
            serde_json::from_str(&osv::to_string_pretty(&record)).unwrap();
        assert_eq!(schema_errors(&written), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn the_schema_is_not_vacuous() {
    // A GIT range without repo and an unknown top-level field: both caught.
    let (_, text) = published_records().into_iter().next().unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["affected"][0]["ranges"][1]
        .as_object_mut()
        .unwrap()
        .remove("repo");
    value["surprise"] = serde_json::Value::Bool(true);
    assert_eq!(
        schema_errors(&value).len(),
        2,
        "{:?}",
        schema_errors(&value)
    );
}

#[test]
fn published_records_use_opam_with_versions_and_ecosystem_ranges() {
    // What vulndb relies on: every affected entry names an opam package,
    // enumerates its versions and has an ECOSYSTEM range.
    for (name, text) in published_records() {
        let record = osv::from_str(&text).unwrap();
        for affected in record.affected() {
            let package = affected.package.as_ref().unwrap();
            assert_eq!(package.ecosystem, osv::OPAM_ECOSYSTEM, "{name}");
            assert!(!affected.versions().is_empty(), "{name}");
            assert!(
                affected
                    .ranges()
                    .iter()
                    .any(|r| r.kind == osv::RangeKind::Ecosystem),
                "{name}"
            );
        }
    }
}
