//! `osec osv export | publish`.

use std::path::Path;
use std::process::{Command, Output};

fn osec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_osec"))
        .args(args)
        .output()
        .expect("run osec")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn advisory(id: &str, extra: &str) -> String {
    format!(
        "```\nid: {id}\nmodified: \"2026-01-05T00:00:00Z\"\naffected: \"pkg\" {{> \"0.9\" & != \"1.1\"}}\n{extra}```\n\n\
         # Summary of {id}\n\nDetails.\n"
    )
}

/// An advisories directory with two advisories and a one-package repository.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("advisories/2026/OSEC-2026-01.md"),
        &advisory("OSEC-2026-01", ""),
    );
    write(
        &root.join("advisories/2026/OSEC-2026-02.md"),
        &advisory("OSEC-2026-02", ""),
    );
    for version in ["0.9", "1.0", "1.1", "1.10"] {
        write(
            &root.join(format!("repo/packages/pkg/pkg.{version}/opam")),
            "opam-version: \"2.0\"\n",
        );
    }
    dir
}

fn path(dir: &tempfile::TempDir, relative: &str) -> String {
    dir.path().join(relative).display().to_string()
}

#[test]
fn export_needs_a_repository_or_no_versions() {
    let dir = setup();
    let output = osec(&[
        "osv",
        "export",
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--no-versions"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn export_writes_records_with_versions_from_the_repository() {
    let dir = setup();
    let output = osec(&[
        "osv",
        "export",
        "--repo",
        &path(&dir, "repo"),
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("exported 2 of 2 advisories (2 changed)"),
        "{}",
        stderr(&output)
    );
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2026/OSEC-2026-01.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        record["affected"][0]["versions"],
        serde_json::json!(["1.0", "1.10"])
    );
    assert_eq!(
        record["affected"][0]["ranges"],
        serde_json::json!([
            {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.1"}]},
            {"type": "ECOSYSTEM", "events": [{"introduced": "1.10"}]}
        ])
    );
    let again = osec(&[
        "osv",
        "export",
        "--repo",
        &path(&dir, "repo"),
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    assert!(stderr(&again).contains("(0 changed)"), "{}", stderr(&again));
}

#[test]
fn an_advisory_failing_lint_is_reported_and_the_rest_exported_with_exit_1() {
    let dir = setup();
    write(
        &dir.path().join("advisories/2026/OSEC-2026-02.md"),
        &advisory("OSEC-2026-02", "colour: red\n"),
    );
    let output = osec(&[
        "osv",
        "export",
        "--no-versions",
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error[ADV005]: unknown field `colour`"),
        "{err}"
    );
    assert!(err.contains("OSEC-2026-02.md:5:1"), "{err}");
    assert!(
        err.contains("OSEC-2026-02.md has lint errors (shown above): not exported"),
        "{err}"
    );
    assert!(dir.path().join("out/2026/OSEC-2026-01.json").is_file());
    assert!(!dir.path().join("out/2026/OSEC-2026-02.json").exists());
}

#[test]
fn publish_adds_all_zip_and_modified_id_csv() {
    let dir = setup();
    let output = osec(&[
        "osv",
        "publish",
        "--no-versions",
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.path().join("out/all.zip").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/modified_id.csv")).unwrap(),
        "2026-01-05T00:00:00Z,OSEC-2026-01\n2026-01-05T00:00:00Z,OSEC-2026-02\n"
    );
    assert!(stderr(&output).contains("created"), "{}", stderr(&output));
}

#[test]
fn a_removed_advisory_is_reported_and_its_record_kept() {
    let dir = setup();
    osec(&[
        "osv",
        "export",
        "--no-versions",
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    std::fs::remove_file(dir.path().join("advisories/2026/OSEC-2026-02.md")).unwrap();
    let output = osec(&[
        "osv",
        "export",
        "--no-versions",
        &path(&dir, "advisories"),
        &path(&dir, "out"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("OSEC-2026-02.json has no advisory any more"),
        "{}",
        stderr(&output)
    );
    assert!(dir.path().join("out/2026/OSEC-2026-02.json").is_file());
}
