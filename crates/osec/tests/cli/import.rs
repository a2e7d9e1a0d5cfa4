//! `osec import`: the round trip of the real database through the command line, drafts
//! of hand-made records, and records that cannot be imported.

use std::path::{Path, PathBuf};

use crate::support::{TestDir, advisory};

fn advisory_data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../advisory/tests/data")
        .join(relative)
}

/// Every file under `dir`, sorted, as (path relative to `dir`, bytes).
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// `osec osv export` of the 26 real advisories, `osec import` of every record into an
/// empty database, `osec osv export` again: the same tree, byte for byte.
#[test]
fn export_import_export_of_the_real_database_gives_the_same_records() {
    let dir = TestDir::new();
    let real = advisory_data("real");
    let first = dir.path().join("first");
    let out = dir.osec(&[
        "osv",
        "export",
        "--no-versions",
        real.to_str().unwrap(),
        first.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records: Vec<PathBuf> = tree(&first)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "json"))
        .map(|(p, _)| first.join(p))
        .collect();
    assert_eq!(records.len(), 26);
    let mut args = vec!["import", "--db", "db"];
    args.extend(records.iter().map(|p| p.to_str().unwrap()));
    let out = dir.osec(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 26, "{}", out.stdout);
    assert!(!out.stderr.contains("TODO(draft)"), "{}", out.stderr);
    let second = dir.path().join("second");
    let db = dir.path().join("db");
    let out = dir.osec(&[
        "osv",
        "export",
        "--no-versions",
        db.to_str().unwrap(),
        second.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(tree(&first), tree(&second));
    // The drafts are in canonical layout and lint clean.
    let fmt = dir.osec(&["fmt", "--check", "db"]);
    assert_eq!((fmt.code, fmt.stdout.as_str()), (0, ""), "{}", fmt.stderr);
    let lint = dir.osec(&["lint", "db"]);
    assert_eq!(lint.code, 0, "{}", lint.stdout);
}

#[test]
fn import_writes_a_draft_with_the_next_free_id_and_its_notes() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    let record = advisory_data("import/CVE-2026-45389-opam.json");
    let out = dir.osec(&[
        "import",
        record.to_str().unwrap(),
        "--package",
        "example-http-lwt=http-lwt",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "advisories/2026/OSEC-2026-02.md\n");
    assert!(
        out.stderr
            .contains("CVE-2026-45389: 6 part(s) not carried over"),
        "{}",
        out.stderr
    );
    let text = dir.read("advisories/2026/OSEC-2026-02.md");
    assert!(
        text.contains("\"http-lwt\" {>= \"5.0.0\" & < \"5.4.1\"}"),
        "{text}"
    );
    let fmt = dir.osec(&["fmt", "--check", "advisories"]);
    assert_eq!((fmt.code, fmt.stdout.as_str()), (0, ""));
    // Lint names each note, and nothing else.
    assert_eq!(dir.lint_codes("advisories"), ["ADV030"; 6]);
}

#[test]
fn records_that_cannot_be_imported_are_named_and_the_others_written() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.path().join("advisories")).unwrap();
    dir.write(
        "broken.json",
        "{\n  \"id\": \"OSV-1\",\n  \"modified\": 3\n}\n",
    );
    let good = advisory_data("import/osv-opam-not-equal.json");
    let unknown = advisory_data("import/osv-unknown-field.json");
    let out = dir.osec(&[
        "import",
        "broken.json",
        unknown.to_str().unwrap(),
        good.to_str().unwrap(),
        "missing.json",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "advisories/2025/OSEC-2025-01.md\n");
    assert!(
        out.stderr
            .contains("error: broken.json: not a valid OSV record: line 3"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("osv-unknown-field.json: not a valid OSV record: line 8, column 14: unknown field `rangez`"), "{}", out.stderr);
    assert!(out.stderr.contains("missing.json"), "{}", out.stderr);
    let bad = dir.osec(&["import", "--package", "x=Not A Name", "broken.json"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("PRODUCT=NAME"), "{}", bad.stderr);
}
