use std::path::Path;

use audit::input::{Input, detect};
use audit::policy::Policy;
use audit::report::Format;
use audit::scan::{Finding, ScanOptions, scan};

use crate::{embedded_database, report};

/// The plain opam files of the `opam-files` scenario, by a relative path (stable in
/// snapshots).
const OPAM_FILES: &str = "tests/data/audit/opam-files";

fn findings(file: &str) -> Vec<Finding> {
    let input = Input::OpamFile {
        file: Path::new(OPAM_FILES).join(file),
    };
    let inventory = input.read().unwrap_or_else(|e| panic!("{e}"));
    scan(&inventory, &embedded_database(), ScanOptions::default())
        .unwrap()
        .findings
}

/// One line per finding: ID, package, constraint, admitted first…last (count), fixes,
/// region, dev-only flag.
fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let c = f.constraint.as_ref().expect("an opam-file finding");
            format!(
                "{} {} {} {} {} [{}] fixed {} at {}:{}-{}:{}{}",
                f.id,
                f.package,
                c.field,
                c.display_text(),
                c.admitted_text(),
                c.kind,
                f.fixed_versions.join(","),
                c.region.start_line,
                c.region.start_column,
                c.region.end_line,
                c.region.end_column,
                if f.development_only { " dev-only" } else { "" }
            )
        })
        .collect()
}

#[test]
fn constraints_admitting_affected_versions_are_findings_with_versions_and_region() {
    let found = findings("webapp.opam");
    assert_eq!(
        summary(&found),
        [
            "OSEC-2026-16 cohttp depends {>= \"5.0\"} 5.0.0…6.2.2 (14 versions) [normal] fixed 6.3.0 at 9:3-9:22",
            "OSEC-2026-01 ocaml depends {>= \"4.14\"} 4.14.0…5.4.0 (14 versions) [normal] fixed 4.14.3,5.4.1 at 6:3-6:22",
            "OSEC-2026-04 ocaml depends {>= \"4.14\"} 4.14.0…4.14.3 (4 versions) [normal] fixed 4.14.4 at 6:3-6:22",
            "OSEC-2026-05 ocaml depends {>= \"4.14\"} 4.14.0…5.4.2 (17 versions) [normal] fixed 4.14.4,5.5.0 at 6:3-6:22",
            // `os` is unknown: the filter counts as true (conservative)
            "OSEC-2026-06 tls depopts {>= \"1.0.0\" & os != \"win32\"} 1.0.0…2.0.4 (8 versions) [normal] fixed 2.1.0 at 14:3-14:37",
            "OSEC-2026-07 tls depopts {>= \"1.0.0\" & os != \"win32\"} 1.0.0…2.0.4 (8 versions) [normal] fixed 2.1.0 at 14:3-14:37",
        ]
    );
    let cohttp = found[0].constraint.as_ref().expect("constraint");
    // every affected version from 5.0 on, pre-releases included, in opam order
    assert_eq!(
        cohttp.admitted,
        [
            "5.0.0",
            "5.1.0",
            "5.2.0",
            "5.3.0",
            "5.3.1",
            "6.0.0~alpha0",
            "6.0.0~alpha1",
            "6.0.0~alpha2",
            "6.0.0~beta2",
            "6.0.0",
            "6.1.0",
            "6.1.1",
            "6.2.1",
            "6.2.2"
        ]
    );
    assert!(found.iter().all(|f| !f.summary.is_empty()));
    assert!(found.iter().all(|f| f.installed_version.is_empty()));
}

#[test]
fn constraints_excluding_every_affected_version_are_not_findings() {
    let input = Input::OpamFile {
        file: Path::new(OPAM_FILES).join("safe.opam"),
    };
    let inventory = input.read().expect("reads");
    let result = scan(&inventory, &embedded_database(), ScanOptions::default()).unwrap();
    assert_eq!(result.packages_scanned, 5);
    assert!(
        result.findings.is_empty(),
        "{:?}",
        summary(&result.findings)
    );
}

#[test]
fn a_test_only_dependency_is_a_development_only_finding_that_no_dev_skips() {
    let found = findings("archiver.opam");
    assert_eq!(
        summary(&found),
        [
            "OSEC-2026-08 tar depends {with-test & < \"3.5.0\"} 0.8.0…3.3.0 (21 versions) [with-test] fixed 3.5.0 at 7:3-7:32 dev-only"
        ]
    );
    let policy = Policy {
        skip_development: true,
        ..Policy::default()
    };
    let decision = policy.apply(found, crate::TODAY);
    assert!(decision.reported.is_empty());
    assert_eq!(decision.ignored[0].reason, "development only");
}

#[test]
fn an_entry_that_applies_without_flags_too_is_not_development_only() {
    let dir = tempdir("either");
    let file = dir.join("either.opam");
    std::fs::write(
        &file,
        "opam-version: \"2.0\"\ndepends: [\n  \"tar\" {with-test | >= \"3.3.0\"}\n  \"cohttp\" {!with-test & < \"1.0.0\"}\n  \"tls\" {false & < \"2.1.0\"}\n  \"ocaml\" {>= \"5.5.0\" | (with-doc & < \"4.14.1\")}\n]\n",
    )
    .expect("write");
    let input = Input::OpamFile { file };
    let inventory = input.read().expect("reads");
    let found = scan(&inventory, &embedded_database(), ScanOptions::default())
        .unwrap()
        .findings;
    let lines: Vec<String> = summary(&found)
        .into_iter()
        .map(|l| l.split(" fixed ").next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            // `!with-test`: applies without flags; < 1.0.0 admits the 0.x versions
            "OSEC-2026-16 cohttp depends {!with-test & < \"1.0.0\"} 0.9.1…0.99.0 (47 versions) [normal]",
            // only `with-doc` admits the versions below 4.14.1: development only
            "OSEC-2016-01 ocaml depends {>= \"5.5.0\" | (with-doc & < \"4.14.1\")} 3.07…4.02.4 (28 versions) [normal]",
            "OSEC-2017-01 ocaml depends {>= \"5.5.0\" | (with-doc & < \"4.14.1\")} 4.04.0…4.04.1 (2 versions) [normal]",
            "OSEC-2018-01 ocaml depends {>= \"5.5.0\" | (with-doc & < \"4.14.1\")} 3.07…4.06.2 (39 versions) [normal]",
            "OSEC-2026-01 ocaml depends {>= \"5.5.0\" | (with-doc & < \"4.14.1\")} 3.07…4.14.0 (63 versions) [normal]",
            "OSEC-2026-04 ocaml depends {>= \"5.5.0\" | (with-doc & < \"4.14.1\")} 3.07…4.14.0 (63 versions) [normal]",
            "OSEC-2026-05 ocaml depends {>= \"5.5.0\" | (with-doc & < \"4.14.1\")} 3.07…4.14.0 (63 versions) [normal]",
            // `with-test` admits every version, and the entry applies without it to 3.3.0
            "OSEC-2026-08 tar depends {with-test | >= \"3.3.0\"} 0.8.0…3.3.0 (21 versions) [normal]",
        ]
    );
    let dev: Vec<(&str, bool)> = found
        .iter()
        .map(|f| (f.package.as_str(), f.development_only))
        .collect();
    assert_eq!(
        dev,
        [
            ("cohttp", false),
            ("ocaml", true),
            ("ocaml", true),
            ("ocaml", true),
            ("ocaml", true),
            ("ocaml", true),
            ("ocaml", true),
            ("tar", false)
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A fresh directory under the target's temporary directory.
fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("osec-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_project_with_only_opam_files_gives_one_input_per_file() {
    let found = detect(Path::new(OPAM_FILES)).expect("detect");
    let names: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "opam-file tests/data/audit/opam-files/archiver.opam",
            "opam-file tests/data/audit/opam-files/safe.opam",
            "opam-file tests/data/audit/opam-files/webapp.opam",
        ]
    );
}

#[test]
fn reports_of_opam_files_in_every_format() {
    let inputs = detect(Path::new(OPAM_FILES)).expect("detect");
    let report = report(&inputs, &Policy::default(), ScanOptions::default());
    assert!(report.is_vulnerable());
    for (name, format) in [
        ("table", Format::Table),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("markdown", Format::Markdown),
        ("cyclonedx", Format::CycloneDx),
    ] {
        insta::assert_snapshot!(format!("opam_files_{name}"), report.render(format, false));
    }
}

/// Each dependency flag is a setting of its own: `build` and `post` entries apply when
/// installing, `dev` and `with-dev-setup` ones only in development. The affected
/// versions are those the records list (each entry names one).
#[test]
fn every_dependency_flag_is_tried_on_its_own() {
    let dir = tempdir("flags");
    let file = dir.join("flags.opam");
    std::fs::write(
        &file,
        "opam-version: \"2.0\"\ndepends: [\n  \"cohttp\" {build & = \"6.2.2\"}\n  \"ocaml\" {post & = \"5.4.2\"}\n  \"tls\" {dev & = \"2.0.4\"}\n  \"tar\" {with-dev-setup & = \"3.3.0\"}\n]\n",
    )
    .expect("write");
    let inventory = Input::OpamFile { file }.read().expect("reads");
    let found = scan(&inventory, &embedded_database(), ScanOptions::default())
        .unwrap()
        .findings;
    assert_eq!(
        summary(&found),
        [
            "OSEC-2026-16 cohttp depends {build & = \"6.2.2\"} 6.2.2 (1 version) [build] fixed 6.3.0 at 3:3-3:31",
            "OSEC-2026-05 ocaml depends {post & = \"5.4.2\"} 5.4.2 (1 version) [post] fixed 5.5.0 at 4:3-4:29",
            "OSEC-2026-08 tar depends {with-dev-setup & = \"3.3.0\"} 3.3.0 (1 version) [with-dev-setup] fixed 3.5.0 at 6:3-6:37 dev-only",
            "OSEC-2026-06 tls depends {dev & = \"2.0.4\"} 2.0.4 (1 version) [dev] fixed 2.1.0 at 5:3-5:26 dev-only",
            "OSEC-2026-07 tls depends {dev & = \"2.0.4\"} 2.0.4 (1 version) [dev] fixed 2.1.0 at 5:3-5:26 dev-only",
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}
