//! Reading records from JSON and writing them in the published layout.

use crate::{Error, Result, Vulnerability};

/// Parses one OSV record from JSON text.
///
/// Errors carry the line and column of the problem. The record is not
/// checked beyond its shape: call [`Vulnerability::validate`] for that.
pub fn from_str(text: &str) -> Result<Vulnerability> {
    serde_json::from_str(text).map_err(|e| Error::from_json(&e))
}

/// Parses one OSV record from JSON bytes (which must be UTF-8).
pub fn from_slice(bytes: &[u8]) -> Result<Vulnerability> {
    serde_json::from_slice(bytes).map_err(|e| Error::from_json(&e))
}

/// Writes a record the way published OSV trees are written: fields in schema
/// order, two-space indentation, a trailing newline. The same record always
/// gives the same bytes.
pub fn to_string_pretty(vulnerability: &Vulnerability) -> String {
    // Serialising this model cannot fail: every map key is a string and no
    // field has a fallible serialiser.
    let mut text = serde_json::to_string_pretty(vulnerability)
        .expect("an OSV record always serialises to JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str =
        "{\n  \"id\": \"OSEC-2026-01\",\n  \"modified\": \"2026-01-01T00:00:00Z\"\n}\n";

    #[test]
    fn minimal_record_round_trips() {
        let record = from_str(MINIMAL).unwrap();
        assert_eq!(record.id, "OSEC-2026-01");
        assert_eq!(to_string_pretty(&record), MINIMAL);
    }

    #[test]
    fn missing_required_field_names_it_and_its_position() {
        let err = from_str("{\n  \"id\": \"OSEC-2026-01\"\n}").unwrap_err();
        let Error::Json {
            line,
            column,
            message,
        } = err
        else {
            panic!("expected a JSON error, got {err:?}");
        };
        assert_eq!((line, column), (3, 1));
        assert_eq!(message, "missing field `modified`");
    }

    #[test]
    fn unknown_top_level_field_is_rejected() {
        let err = from_str(
            r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z", "modifed": "x"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("line 1, column "), "{err}");
        assert!(err.contains("unknown field `modifed`"), "{err}");
    }

    #[test]
    fn bad_timestamp_is_a_json_error_with_the_reason() {
        let err = from_str(r#"{"id": "OSEC-2026-01", "modified": "2026-01-01"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an OSV timestamp"), "{err}");
    }

    #[test]
    fn null_arrays_read_as_absent() {
        let record = from_str(
            r#"{"id": "OSEC-2026-01", "modified": "2026-01-01T00:00:00Z", "aliases": null, "affected": null}"#,
        )
        .unwrap();
        assert_eq!(record.aliases, None);
        assert!(record.affected().is_empty());
    }
}
