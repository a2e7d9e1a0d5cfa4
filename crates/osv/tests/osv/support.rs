//! Test data paths and the compiled official schema.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The published records, as (relative path, text), sorted by path.
pub(crate) fn published_records() -> Vec<(String, String)> {
    let root = data_dir().join("generated-osv");
    let mut records = Vec::new();
    for year in std::fs::read_dir(&root).unwrap() {
        let year = year.unwrap().path();
        if !year.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&year).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path.strip_prefix(&root).unwrap().display().to_string();
                records.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    records.sort();
    records
}

/// The official OSV schema, compiled once.
pub(crate) fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(data_dir().join("osv-schema/schema.json")).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    })
}

/// The schema's complaints about `instance`, one line each.
pub(crate) fn schema_errors(instance: &serde_json::Value) -> Vec<String> {
    schema()
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}
