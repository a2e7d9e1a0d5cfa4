use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared reference data, or `None` when it is absent (recorded as a skip, a
/// failure under CI: see crate `test-references`).
pub(crate) fn data_dir(test: &str) -> Option<PathBuf> {
    test_references::require_data(test, "security-advisories")
}

/// The published records, copied from the `generated-osv` branch (see SOURCE there).
pub(crate) fn published_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../osv/tests/data/generated-osv")
}

/// The 26 real advisories, copied into crate `advisory`'s test data (see SOURCE.md
/// there).
pub(crate) fn real_advisories() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../advisory/tests/data/real")
}

/// The official OSV schema, compiled once.
pub(crate) fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../osv/tests/data/osv-schema/schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::validator_for(&schema).unwrap()
    })
}

/// The schema's complaints about a record.
pub(crate) fn schema_errors(record: &serde_json::Value) -> Vec<String> {
    schema()
        .iter_errors(record)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// A synthetic advisory `id` with the given extra header lines.
pub(crate) fn advisory_text(id: &str, modified: &str, extra: &str) -> String {
    format!(
        "```\nid: {id}\nmodified: \"{modified}\"\npublished: \"2025-01-01T00:00:00Z\"\n\
         affected: \"pkg\" {{< \"1.0\"}}\n{extra}```\n\n# Summary of {id}\n\nDetails of {id}.\n"
    )
}

/// Writes `advisories/YYYY/ID.md` under `root`.
pub(crate) fn write_advisory(root: &Path, id: &str, text: &str) -> PathBuf {
    let year = id.get(5..9).unwrap();
    let path = root.join(year).join(format!("{id}.md"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}
