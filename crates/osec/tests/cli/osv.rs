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
        stderr(&output).contains("OSEC-2026-02.json is the record of no advisory"),
        "{}",
        stderr(&output)
    );
    assert!(dir.path().join("out/2026/OSEC-2026-02.json").is_file());
}

fn publish(dir: &tempfile::TempDir) -> Output {
    osec(&[
        "osv",
        "publish",
        "--no-versions",
        &path(dir, "advisories"),
        &path(dir, "out"),
    ])
}

/// The IDs in `out/all.zip`, in order.
fn zip_names(dir: &tempfile::TempDir) -> Vec<String> {
    let bytes = std::fs::read(dir.path().join("out/all.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Issue 14: a symlinked year directory was followed: records were written outside
/// OUT, an outside file overwritten, and `all.zip` missed them while the command said
/// "exported 2 of 2" and exited 0.
#[test]
fn a_symlinked_year_directory_is_refused_and_nothing_outside_out_changes() {
    let dir = setup();
    write(&dir.path().join("elsewhere/OSEC-2026-01.json"), "theirs\n");
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", dir.path().join("out/2026")).unwrap();
    let output = publish(&dir);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "error: cannot write {out}/2026/OSEC-2026-01.json: {out}/2026 is a symbolic link, and \
             osec follows none under the output directory {out}; remove the link, or write to \
             another directory\n",
            out = path(&dir, "out")
        )
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("elsewhere/OSEC-2026-01.json")).unwrap(),
        "theirs\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("elsewhere"))
            .unwrap()
            .count(),
        1
    );
    assert!(!dir.path().join("out/all.zip").exists());
}

/// Issue 14: a stale copy left in the wrong year directory was included in
/// `all.zip` (a second `OSEC-2026-01.json` entry) and `modified_id.csv`.
#[test]
fn all_zip_holds_exactly_the_exported_records_not_a_stale_copy() {
    let dir = setup();
    publish(&dir);
    std::fs::create_dir_all(dir.path().join("out/2025")).unwrap();
    std::fs::write(
        dir.path().join("out/2025/OSEC-2026-01.json"),
        std::fs::read(dir.path().join("out/2026/OSEC-2026-01.json"))
            .unwrap()
            .into_iter()
            .map(|b| if b == b'5' { b'4' } else { b })
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let output = publish(&dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(zip_names(&dir), ["OSEC-2026-01.json", "OSEC-2026-02.json"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/modified_id.csv")).unwrap(),
        "2026-01-05T00:00:00Z,OSEC-2026-01\n2026-01-05T00:00:00Z,OSEC-2026-02\n"
    );
    let stderr = stderr(&output);
    assert!(
        stderr.contains("2025/OSEC-2026-01.json is the record of no advisory")
            && stderr.contains("exported 2 of 2 advisories")
            && stderr.contains("all.zip (2 records)"),
        "{stderr}"
    );
}

/// Issue 14: export and publish created files 0600 whatever the umask, and turned
/// an existing 0644 record into 0600.
#[test]
fn records_get_the_umask_mode_and_an_updated_record_keeps_its_mode() {
    let dir = setup();
    write(&dir.path().join("probe"), "");
    let umask_mode = mode(&dir.path().join("probe"));
    publish(&dir);
    for file in [
        "out/2026/OSEC-2026-01.json",
        "out/all.zip",
        "out/modified_id.csv",
    ] {
        assert_eq!(mode(&dir.path().join(file)), umask_mode, "{file}");
    }
    let record = dir.path().join("out/2026/OSEC-2026-02.json");
    std::fs::set_permissions(&record, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    write(
        &dir.path().join("advisories/2026/OSEC-2026-02.md"),
        &advisory("OSEC-2026-02", "").replace("2026-01-05", "2026-02-05"),
    );
    let output = publish(&dir);
    assert!(
        stderr(&output).contains("(1 changed)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(mode(&record), 0o644);
}

/// Issue 14: temporary files of an interrupted run stayed in OUT for ever.
#[test]
fn temporary_files_of_an_interrupted_run_are_cleaned_up() {
    let dir = setup();
    write(
        &dir.path().join("out/2026/.osec-tmp-999-0-1"),
        "{\"id\": \"OSE",
    );
    write(&dir.path().join("out/.osec-tmp-999-1-1"), "PK\u{3}\u{4}");
    let output = publish(&dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out/2026"))
        .unwrap()
        .chain(std::fs::read_dir(dir.path().join("out")).unwrap())
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2026",
            "OSEC-2026-01.json",
            "OSEC-2026-02.json",
            "all.zip",
            "modified_id.csv"
        ]
    );
}

/// Issue 14: control characters of advisory file names reached the terminal.
#[test]
fn file_names_are_printed_with_control_characters_escaped() {
    let dir = setup();
    write(
        &dir.path()
            .join("advisories/2026/OSEC-2026-03\u{1b}[1A\r.md"),
        &advisory("OSEC-2026-03", ""),
    );
    let output = publish(&dir);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let stderr = stderr(&output);
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\r'),
        "{stderr:?}"
    );
    assert!(
        stderr.contains("OSEC-2026-03\\u{1b}[1A\\r.md has lint errors (shown above): not exported"),
        "{stderr}"
    );
}
