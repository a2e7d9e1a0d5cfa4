//! `annotate` on what it can't use: an error before anything is planned, or an error
//! notice naming the file (and the run counted as failed), never a silent pass and
//! never a half-edited file.

use std::path::{Path, PathBuf};

use repo_policy::{AnnotateOptions, Error, annotate};

use crate::support::{annotate_fixture, real_advisories, snapshot};

const COHTTP: &str = "packages/cohttp/cohttp.6.2.2/opam";

#[test]
fn a_repository_that_is_not_a_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tarball = dir.path().join("opam-repository.tar.gz");
    std::fs::write(&tarball, b"not really").expect("write");
    for path in [tarball, dir.path().join("missing")] {
        let error = annotate(&path, &[real_advisories()], AnnotateOptions::default())
            .expect_err("not a directory");
        assert!(matches!(error, Error::NotADirectory { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.starts_with(&format!("{}: not a directory", path.display())));
        assert!(
            message.contains("extract or check it out first"),
            "{message}"
        );
    }
}

#[test]
fn no_advisories_at_the_paths_given() {
    let repo = annotate_fixture();
    let empty = tempfile::tempdir().expect("tempdir");
    let error = annotate(
        repo.path(),
        &[empty.path().to_owned()],
        AnnotateOptions::default(),
    )
    .expect_err("no advisories");
    assert!(matches!(error, Error::NoAdvisories { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("no advisory (OSEC-*.md) under ")
    );
    let missing = empty.path().join("missing");
    let error = annotate(
        repo.path(),
        std::slice::from_ref(&missing),
        AnnotateOptions::default(),
    )
    .expect_err("missing advisories");
    assert!(matches!(error, Error::Advisories(_)), "{error:?}");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
}

/// Plans on a copy of the fixture with `file` replaced by `text`.
fn plan_with(file: &str, text: &str) -> (tempfile::TempDir, repo_policy::Annotation) {
    let repo = annotate_fixture();
    std::fs::write(repo.path().join(file), text).expect("write");
    let plan = annotate(
        repo.path(),
        &[real_advisories()],
        AnnotateOptions::default(),
    )
    .expect("the plan is made");
    (repo, plan)
}

#[test]
fn an_unparsable_affected_file_is_an_error_with_its_position_and_others_go_on() {
    let (repo, plan) = plan_with(
        COHTTP,
        "opam-version: \"2.0\"\ndepends: [\n  \"lwt\" {>= }\n]\n",
    );
    assert_eq!(plan.errors(), 1, "{}", plan.render(false));
    let [notice] = plan.notices.as_slice() else {
        panic!("one notice: {:?}", plan.notices);
    };
    assert_eq!(notice.path, Path::new(COHTTP));
    assert_eq!(notice.position, Some((3, 13)));
    assert!(
        notice
            .message
            .starts_with("cohttp.6.2.2: not annotated: the file does not parse"),
        "{}",
        notice.message
    );
    // The six other affected files are still planned; the broken one is untouched.
    assert_eq!(plan.edits.len(), 6);
    assert!(plan.edits.iter().all(|e| e.path != Path::new(COHTTP)));
    let before = snapshot(repo.path());
    plan.write().expect("written");
    let after = snapshot(repo.path());
    assert_eq!(after[Path::new(COHTTP)], before[Path::new(COHTTP)]);
    assert!(
        plan.render(true)
            .ends_with("6 files changed of 12 read; 1 error\n")
    );
}

#[test]
fn a_malformed_annotation_is_an_error_not_overwritten() {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/annotate")
            .join(COHTTP),
    )
    .expect("read");
    let text = format!("{original}x-security-advisories: [OSEC-2026-16]\n");
    let (_repo, plan) = plan_with(COHTTP, &text);
    assert_eq!(plan.errors(), 1);
    let notice = &plan.notices[0];
    let line = text.lines().count();
    assert_eq!(notice.position, Some((line, 25)));
    assert!(
        notice.message.contains("list of strings"),
        "{}",
        notice.message
    );
    assert!(plan.edits.iter().all(|e| e.path != Path::new(COHTTP)));
}

#[test]
fn an_unknown_entry_in_the_marks_record_is_an_error() {
    // A file not affected, that says osec marked it: taking the marks out is refused.
    let file = "packages/ocaml/ocaml.5.6.0/opam";
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/annotate")
            .join(file),
    )
    .expect("read");
    let text = format!(
        "{original}x-security-advisories: [\"OSEC-2026-01\"]\nx-security-advisories-marks: [\"hidden\"]\n"
    );
    let (_repo, plan) = plan_with(file, &text);
    assert_eq!(plan.errors(), 1, "{}", plan.render(false));
    assert!(
        plan.notices[0]
            .message
            .contains("\"hidden\", which osec did not write")
    );
}

#[test]
fn an_advisory_with_lint_errors_is_rejected_and_counted() {
    let repo = annotate_fixture();
    let advisories = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(real_advisories().join("2026/OSEC-2026-16.md"))
        .expect("read")
        .replacen("\"cohttp\" {< \"6.3.0\"}", "\"cohttp\" {< 6.3.0}", 1);
    let path: PathBuf = advisories.path().join("OSEC-2026-16.md");
    std::fs::write(&path, text).expect("write");
    let before = snapshot(repo.path());
    let plan = annotate(
        repo.path(),
        &[advisories.path().to_owned()],
        AnnotateOptions::default(),
    )
    .expect("the plan is made");
    assert_eq!(plan.rejected.len(), 1);
    assert_eq!(plan.errors(), 1);
    assert!(plan.edits.is_empty());
    assert!(plan.render(false).contains("has lint errors: not used"));
    plan.write().expect("nothing to write");
    assert_eq!(snapshot(repo.path()), before);
}
