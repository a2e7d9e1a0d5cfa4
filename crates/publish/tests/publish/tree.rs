use std::path::{Path, PathBuf};

use publish::{ExportOptions, FileChange, NoProgress, OutcomeKind};

use crate::support::{advisory_text, schema_errors, write_advisory};

fn options() -> ExportOptions<'static> {
    ExportOptions {
        released: None,
        with_versions: false,
        now: "2026-11-24T00:00:00Z".parse().unwrap(),
    }
}

fn export(advisories: &Path, out: &Path) -> publish::ExportReport {
    publish::export(&[advisories.to_path_buf()], out, &options(), &NoProgress).unwrap()
}

fn changes(report: &publish::ExportReport) -> Vec<(String, FileChange)> {
    report
        .outcomes
        .iter()
        .map(|o| match &o.kind {
            OutcomeKind::Exported { change, .. } => (
                o.source.file_name().unwrap().to_str().unwrap().to_owned(),
                *change,
            ),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let advisories = dir.path().join("advisories");
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-01-05T00:00:00Z", ""),
    );
    write_advisory(
        &advisories,
        "OSEC-2026-02",
        &advisory_text("OSEC-2026-02", "2026-02-05T00:00:00Z", ""),
    );
    write_advisory(
        &advisories,
        "OSEC-2025-01",
        &advisory_text("OSEC-2025-01", "2026-01-05T00:00:00Z", ""),
    );
    let out = dir.path().join("out");
    (dir, advisories, out)
}

#[test]
fn writes_year_directories_with_published_layout() {
    let (_dir, advisories, out) = setup();
    let report = export(&advisories, &out);
    assert!(report.is_complete());
    let text = std::fs::read_to_string(out.join("2026/OSEC-2026-01.json")).unwrap();
    assert!(
        text.starts_with("{\n  \"schema_version\": \"1.7.4\",\n  \"id\": \"OSEC-2026-01\",\n"),
        "{text}"
    );
    assert!(text.ends_with("}\n") && !text.ends_with("}\n\n"));
    assert!(schema_errors(&serde_json::from_str(&text).unwrap()).is_empty());
    assert!(out.join("2025/OSEC-2025-01.json").is_file());
}

#[test]
fn rewrites_only_files_whose_bytes_change() {
    let (_dir, advisories, out) = setup();
    let first = export(&advisories, &out);
    assert!(
        changes(&first)
            .iter()
            .all(|(_, c)| *c == FileChange::Created)
    );
    let before = std::fs::read(out.join("2026/OSEC-2026-02.json")).unwrap();
    let second = export(&advisories, &out);
    assert!(
        changes(&second)
            .iter()
            .all(|(_, c)| *c == FileChange::Unchanged),
        "{:?}",
        changes(&second)
    );
    assert_eq!(
        std::fs::read(out.join("2026/OSEC-2026-02.json")).unwrap(),
        before,
        "same input, same bytes"
    );
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-03-01T00:00:00Z", ""),
    );
    let third = export(&advisories, &out);
    assert_eq!(
        changes(&third),
        [
            ("OSEC-2025-01.md".to_owned(), FileChange::Unchanged),
            ("OSEC-2026-01.md".to_owned(), FileChange::Updated),
            ("OSEC-2026-02.md".to_owned(), FileChange::Unchanged),
        ]
    );
    assert_eq!(third.changed(), 1);
}

#[test]
fn an_advisory_failing_lint_is_skipped_its_old_record_kept_and_the_rest_exported() {
    let (_dir, advisories, out) = setup();
    export(&advisories, &out);
    let old = std::fs::read(out.join("2026/OSEC-2026-02.json")).unwrap();
    write_advisory(
        &advisories,
        "OSEC-2026-02",
        &advisory_text("OSEC-2026-02", "2026-02-06T00:00:00Z", "colour: red\n"),
    );
    let report = export(&advisories, &out);
    assert!(!report.is_complete());
    assert_eq!(report.exported(), 2);
    let failed = report
        .outcomes
        .iter()
        .find(|o| o.source.ends_with("OSEC-2026-02.md"))
        .unwrap();
    let OutcomeKind::LintFailed(lint) = &failed.kind else {
        panic!("{:?}", failed.kind)
    };
    let rendered = advisory::lint::render(
        std::slice::from_ref(lint.as_ref()),
        advisory::lint::OutputFormat::Human,
    );
    assert!(
        rendered.contains("colour"),
        "the lint diagnostic names the problem: {rendered}"
    );
    assert!(
        rendered.contains("OSEC-2026-02.md:6:1"),
        "with file and line: {rendered}"
    );
    assert_eq!(
        std::fs::read(out.join("2026/OSEC-2026-02.json")).unwrap(),
        old,
        "previous record intact"
    );
}

#[test]
fn records_whose_advisory_disappeared_are_reported_not_removed() {
    let (_dir, advisories, out) = setup();
    export(&advisories, &out);
    std::fs::remove_file(advisories.join("2025/OSEC-2025-01.md")).unwrap();
    let report = export(&advisories, &out);
    assert_eq!(report.orphans, [out.join("2025/OSEC-2025-01.json")]);
    assert!(out.join("2025/OSEC-2025-01.json").is_file());
    assert!(
        report.is_complete(),
        "an orphan is a warning, not a failure"
    );
}

#[test]
fn publish_writes_all_zip_and_modified_id_csv_as_osv_dev_serves_them() {
    let (_dir, advisories, out) = setup();
    let report = publish::publish(
        std::slice::from_ref(&advisories),
        &out,
        &options(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(report.index.records, 3);
    assert_eq!(report.index.zip.1, FileChange::Created);
    let csv = std::fs::read_to_string(out.join("modified_id.csv")).unwrap();
    assert_eq!(
        csv,
        "2026-02-05T00:00:00Z,OSEC-2026-02\n2026-01-05T00:00:00Z,OSEC-2025-01\n2026-01-05T00:00:00Z,OSEC-2026-01\n"
    );
    let zip_bytes = std::fs::read(out.join("all.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip_bytes)).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "OSEC-2025-01.json",
            "OSEC-2026-01.json",
            "OSEC-2026-02.json"
        ]
    );
    let mut entry = archive.by_name("OSEC-2026-01.json").unwrap();
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut text).unwrap();
    assert_eq!(
        text,
        std::fs::read(out.join("2026/OSEC-2026-01.json")).unwrap(),
        "the zip holds the tree's bytes"
    );
    drop(entry);

    let db = vulndb::Database::from_zip_file(&out.join("all.zip")).unwrap();
    assert_eq!(db.len(), 3);
    assert!(db.get("OSEC-2026-02").unwrap().is_some());

    let again = publish::publish(&[advisories], &out, &options(), &NoProgress).unwrap();
    assert_eq!(
        (again.index.zip.1, again.index.csv.1),
        (FileChange::Unchanged, FileChange::Unchanged)
    );
    assert_eq!(
        std::fs::read(out.join("all.zip")).unwrap(),
        zip_bytes,
        "deterministic archive"
    );
}

fn publish(advisories: &Path, out: &Path) -> publish::PublishReport {
    publish::publish(&[advisories.to_path_buf()], out, &options(), &NoProgress).unwrap()
}

/// The names of the entries of `OUT/all.zip`.
fn zip_names(out: &Path) -> Vec<String> {
    let bytes = std::fs::read(out.join("all.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Issue 14: a stale copy left in the wrong year directory was included in
/// `all.zip` (twice the same entry name), and a copy named after another ID stopped
/// publication. Both are the record of no advisory: they are reported, and the
/// index holds exactly the records exported.
#[test]
fn copies_that_are_the_record_of_no_advisory_are_reported_and_not_indexed() {
    let (_dir, advisories, out) = setup();
    export(&advisories, &out);
    for copy in ["2025/OSEC-2026-01.json", "2026/OSEC-2026-09.json"] {
        std::fs::copy(out.join("2026/OSEC-2026-01.json"), out.join(copy)).unwrap();
    }
    let report = publish(&advisories, &out);
    assert_eq!(report.export.exported(), 3);
    assert_eq!(
        report.export.orphans,
        [
            out.join("2025/OSEC-2026-01.json"),
            out.join("2026/OSEC-2026-09.json")
        ]
    );
    assert_eq!(report.index.records, 3);
    assert_eq!(
        zip_names(&out),
        [
            "OSEC-2025-01.json",
            "OSEC-2026-01.json",
            "OSEC-2026-02.json"
        ]
    );
    let csv = std::fs::read_to_string(out.join("modified_id.csv")).unwrap();
    assert_eq!(csv.matches("OSEC-2026-01").count(), 1, "{csv}");
    assert!(!csv.contains("OSEC-2026-09"), "{csv}");
}

#[test]
fn a_broken_record_in_the_tree_is_rewritten_by_the_export() {
    let (_dir, advisories, out) = setup();
    export(&advisories, &out);
    let good = std::fs::read(out.join("2026/OSEC-2026-02.json")).unwrap();
    std::fs::write(out.join("2026/OSEC-2026-02.json"), "{\n  \"id\": \n").unwrap();
    let report = publish(&advisories, &out);
    assert_eq!(report.export.changed(), 1);
    assert_eq!(
        std::fs::read(out.join("2026/OSEC-2026-02.json")).unwrap(),
        good
    );
    assert_eq!(report.index.records, 3);
}

/// Issue 14: a symlinked year directory was followed (records written outside OUT,
/// an outside file overwritten) and its records were missing from `all.zip` while
/// the export said "exported 3 of 3". Now the export stops with an error naming the
/// link, and nothing outside OUT changes.
#[test]
fn a_symlinked_year_directory_stops_the_export_and_nothing_outside_changes() {
    let (dir, advisories, out) = setup();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("OSEC-2026-01.json"), "theirs").unwrap();
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("2026")).unwrap();
    let err = publish::publish(
        std::slice::from_ref(&advisories),
        &out,
        &options(),
        &NoProgress,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(&format!(
            "{} is a symbolic link",
            out.join("2026").display()
        )),
        "{err}"
    );
    assert_eq!(names(&outside), ["OSEC-2026-01.json"]);
    assert_eq!(
        std::fs::read(outside.join("OSEC-2026-01.json")).unwrap(),
        b"theirs"
    );
    assert!(
        !out.join("all.zip").exists(),
        "no index of a partial export"
    );
}

/// Issue 14: records were created 0600 whatever the umask, and an existing 0644
/// record became 0600 when updated.
#[test]
fn records_get_the_umask_mode_and_keep_their_own_when_updated() {
    let (dir, advisories, out) = setup();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    let umask_mode = mode(&probe);
    publish(&advisories, &out);
    for file in ["2026/OSEC-2026-01.json", "all.zip", "modified_id.csv"] {
        assert_eq!(mode(&out.join(file)), umask_mode, "{file}");
    }
    use std::os::unix::fs::PermissionsExt as _;
    let record = out.join("2026/OSEC-2026-01.json");
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o664)).unwrap();
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-03-01T00:00:00Z", ""),
    );
    let report = publish(&advisories, &out);
    assert_eq!(report.export.changed(), 1);
    assert_eq!(mode(&record), 0o664);
}

#[test]
fn a_read_only_record_that_must_change_stops_the_export_unchanged() {
    let (_dir, advisories, out) = setup();
    export(&advisories, &out);
    use std::os::unix::fs::PermissionsExt as _;
    let record = out.join("2026/OSEC-2026-01.json");
    let before = std::fs::read(&record).unwrap();
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert!(
        export(&advisories, &out).is_complete(),
        "unchanged bytes need no write"
    );
    write_advisory(
        &advisories,
        "OSEC-2026-01",
        &advisory_text("OSEC-2026-01", "2026-03-01T00:00:00Z", ""),
    );
    let err = publish::export(&[advisories], &out, &options(), &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("OSEC-2026-01.json") && err.contains("read-only"),
        "{err}"
    );
    assert_eq!(std::fs::read(&record).unwrap(), before);
}

/// Issue 14: temporary files of an interrupted run were never removed.
#[test]
fn temporary_files_of_an_interrupted_run_are_removed() {
    let (_dir, advisories, out) = setup();
    std::fs::create_dir_all(out.join("2026")).unwrap();
    let leftover = format!("{}1234-0-abc", safe_fs::TEMP_PREFIX);
    std::fs::write(out.join("2026").join(&leftover), "{\"id\": \"OSEC-20").unwrap();
    std::fs::write(out.join(&leftover), "PK").unwrap();
    publish(&advisories, &out);
    assert_eq!(
        names(&out.join("2026")),
        ["OSEC-2026-01.json", "OSEC-2026-02.json"]
    );
    assert_eq!(names(&out), ["2025", "2026", "all.zip", "modified_id.csv"]);
}

/// An advisory that cannot be read (here a FIFO, which must not block) is reported
/// as a lint failure (`ADV028`); the others are exported and indexed.
#[test]
fn an_unreadable_advisory_is_reported_and_the_rest_exported() {
    let (_dir, advisories, out) = setup();
    let fifo = advisories.join("2026/OSEC-2026-03.md");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // On another thread, so that a read that blocks fails the test instead of
    // hanging it.
    let (send, receive) = std::sync::mpsc::channel();
    let (from, to) = (advisories.clone(), out.clone());
    std::thread::spawn(move || send.send(publish(&from, &to)).unwrap());
    let report = receive
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the export blocked on a FIFO");
    assert_eq!(report.export.exported(), 3);
    assert_eq!(report.index.records, 3);
    let failed = report
        .export
        .outcomes
        .iter()
        .find(|o| o.source == fifo)
        .unwrap();
    let OutcomeKind::LintFailed(lint) = &failed.kind else {
        panic!("{:?}", failed.kind)
    };
    assert!(lint.is_unreadable());
}

#[test]
fn every_operator_nesting_and_several_packages_give_schema_valid_records() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    for (name, version) in [
        ("a", "0.9"),
        ("a", "1.0"),
        ("a", "1.1"),
        ("a", "1.10"),
        ("b", "2.0"),
        ("b", "2.1"),
    ] {
        let path = repo.join(format!("packages/{name}/{name}.{version}/opam"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "opam-version: \"2.0\"\n").unwrap();
    }
    let advisories = dir.path().join("advisories");
    let header = "withdrawn: \"2026-02-01T00:00:00Z\"\n\
                  aliases: [ CVE-2026-0001 ]\n\
                  affected: [ \"a\" {(> \"0.9\" & != \"1.1\") | = \"0.9\" | <= \"0.1\"} \"b\" {>= \"2.0\" & < \"2.1\" | > \"2.1\"} ]\n\
                  events: [ [ git \"https://example.org/a.git\" [ [introduced \"1111111111111111111111111111111111111111\"] [last_affected \"2222222222222222222222222222222222222222\"] ] ] ]\n\
                  credits: [ [finder \"Zoë Ünal\" [\"mailto:z@example.org\"]] ]\n";
    let text = advisory_text("OSEC-2026-03", "2026-02-01T00:00:00Z", header)
        .replace("affected: \"pkg\" {< \"1.0\"}\n", "");
    write_advisory(&advisories, "OSEC-2026-03", &text);
    let stack =
        opam_model::RepositoryStack::new(vec![opam_model::Repository::open(&repo).unwrap()]);
    let released = opam_model::ReleasedVersions::of_stack(&stack);
    let options = ExportOptions {
        released: Some(&released),
        ..options()
    };
    let options = ExportOptions {
        with_versions: true,
        ..options
    };
    let out = dir.path().join("out");
    let report = publish::export(&[advisories], &out, &options, &NoProgress).unwrap();
    assert!(report.is_complete(), "{:?}", report.outcomes);
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026/OSEC-2026-03.json")).unwrap())
            .unwrap();
    assert!(
        schema_errors(&record).is_empty(),
        "{:#?}",
        schema_errors(&record)
    );
    assert_eq!(record["withdrawn"], "2026-02-01T00:00:00Z");
    assert_eq!(
        record["affected"][0]["versions"],
        serde_json::json!(["0.9", "1.0", "1.10"])
    );
    assert_eq!(
        record["affected"][1]["versions"],
        serde_json::json!(["2.0"])
    );
    assert_eq!(
        record["affected"][0]["ecosystem_specific"]["opam_constraint"],
        "a {> \"0.9\" & != \"1.1\" | = \"0.9\" | <= \"0.1\"}"
    );
    assert_eq!(record["credits"][0]["name"], "Zoë Ünal");
    osv::from_str(&record.to_string())
        .unwrap()
        .validate()
        .unwrap();
}
