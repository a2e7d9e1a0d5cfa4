//! `audit::run`: the whole audit from a request, as `osec audit` makes it.

use std::path::PathBuf;

use audit::{Inputs, NothingScanned, Outcome, Request, RunError, Verdict};

use crate::scenario;

/// A request for `inputs` against the embedded snapshot (by its path), on 2026-11-30.
fn request(inputs: Inputs) -> Request {
    Request::new(
        inputs,
        vulndb::source::Choice::new()
            .with_given([PathBuf::from("../vulndb/data/opam-all.zip")])
            .require_ecosystem("opam"),
        audit::Repositories::None,
        "2026-11-30T12:00:00Z".parse().unwrap(),
        "0.0.0-test",
    )
}

fn at(path: PathBuf) -> Inputs {
    Inputs {
        path,
        ..Inputs::default()
    }
}

fn audited(outcome: Outcome) -> Box<audit::Audited> {
    match outcome {
        Outcome::Audited(audited) => audited,
        Outcome::NothingScanned(why) => panic!("nothing scanned: {why}"),
    }
}

#[test]
fn a_project_gives_the_report_its_inputs_make_and_is_vulnerable() {
    let project = scenario("vulnerable");
    let outcome = audit::run(&request(at(project.clone()))).unwrap();
    assert_eq!(outcome.verdict(), Verdict::Vulnerable);
    let audited = audited(outcome);
    // The same report as reading, matching and deciding each input found there,
    // but the plain opam file (beside a switch and locks, the locks are what runs).
    let mut inputs = audit::input::detect(&project).unwrap();
    assert!(inputs.iter().any(|i| i.kind() == "opam-file"));
    inputs.retain(|i| i.kind() != "opam-file");
    let mut expected = crate::report(
        &inputs,
        &audit::policy::Policy::default(),
        audit::scan::ScanOptions::default(),
    );
    // Without repositories the report says why it has no upgrade plans.
    expected.plan_note = Some("no upgrade plans: no repository given (--repo)".to_owned());
    assert_eq!(audited.report, expected);
    assert!(matches!(
        audited.database.origin,
        vulndb::source::Origin::Given(_)
    ));
    // The snapshot's newest record is from 2026-08-22: 100 days before the run.
    assert!(
        audited
            .stale_database
            .as_deref()
            .is_some_and(|w| w.starts_with("the database is 100 days old")),
        "{:?}",
        audited.stale_database
    );
}

#[test]
fn a_clean_project_is_clean() {
    let outcome = audit::run(&request(at(scenario("clean")))).unwrap();
    assert_eq!(outcome.verdict(), Verdict::Clean);
}

/// Named inputs win over the path; plain `*.opam` files beside a lock are left out.
#[test]
fn named_inputs_are_read_instead_of_the_path() {
    let base = scenario("vulnerable");
    let outcome = audit::run(&request(Inputs {
        path: scenario("clean"),
        lock: Some(base.join("myapp.opam.locked")),
        ..Inputs::default()
    }))
    .unwrap();
    let audited = audited(outcome);
    let kinds: Vec<&str> = audited.report.inputs.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, ["opam-lock"]);
}

#[test]
fn nothing_to_audit_stops_before_the_database_is_opened() {
    let empty = tempfile::tempdir().unwrap();
    let mut request = request(at(empty.path().to_owned()));
    request.database = vulndb::source::Choice::new().with_given([empty.path().join("no.zip")]);
    let outcome = audit::run(&request).unwrap();
    assert_eq!(outcome.verdict(), Verdict::NothingScanned);
    assert!(matches!(
        outcome,
        Outcome::NothingScanned(NothingScanned::NothingFound(_))
    ));
}

#[test]
fn inputs_without_packages_or_dependencies_scan_nothing() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("empty.opam"), "opam-version: \"2.0\"\n").unwrap();
    let outcome = audit::run(&request(at(project.path().to_owned()))).unwrap();
    let Outcome::NothingScanned(why) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        why.to_string(),
        "the inputs found list no installed or locked package and no dependency"
    );
}

#[test]
fn errors_name_what_could_not_be_read() {
    let missing = scenario("nowhere");
    let err = audit::run(&request(at(missing.clone()))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: no such file or directory", missing.display())
    );
    let err = audit::run(&request(Inputs {
        switch: Some("default".to_owned()),
        opam_root: None,
        ..Inputs::default()
    }))
    .unwrap_err();
    assert!(matches!(err, RunError::NoOpamRoot), "{err:?}");
}

/// An input that cannot be read is an error of the report, not of the run: the
/// verdict is `Incomplete` (exit code 2) and the error names the file and position.
#[test]
fn an_unreadable_input_makes_the_run_incomplete() {
    let broken = scenario("broken/truncated-switch-state");
    let outcome = audit::run(&request(at(broken.clone()))).unwrap();
    assert_eq!(outcome.verdict(), Verdict::Incomplete);
    let report = &audited(outcome).report;
    assert!(report.inputs.is_empty());
    let [error] = report.errors.as_slice() else {
        panic!("{:?}", report.errors);
    };
    assert_eq!(error.kind, "opam-switch");
    assert_eq!(error.path, broken.join("_opam").display().to_string());
    let state = broken.join("_opam/.opam-switch/switch-state");
    assert_eq!(error.file, state.display().to_string());
    assert!(error.line.is_some() && error.column.is_some(), "{error:?}");
    assert!(
        error.message.starts_with(&format!("{}:", state.display())),
        "{}",
        error.message
    );
}

/// Ignores expire by the UTC day of the run: on their `until` day they apply, the day
/// after they are a warning and the finding is reported again.
#[test]
fn ignores_expire_after_their_day_in_utc() {
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        config.path(),
        "[[ignore]]\nid = \"OSEC-2026-08\"\nreason = \"tests only\"\nuntil = \"2026-11-30\"\n",
    )
    .unwrap();
    let mut request = request(Inputs {
        switch: Some(scenario("dev-only").join("_opam").display().to_string()),
        opam_root: Some(PathBuf::from("/nonexistent")),
        ..Inputs::default()
    });
    request.policy.config = Some(config.path().to_owned());
    request.now = "2026-11-30T23:59:59Z".parse().unwrap();
    let outcome = audit::run(&request).unwrap();
    assert_eq!(outcome.verdict(), Verdict::Clean);
    request.now = "2026-12-01T00:00:00Z".parse().unwrap();
    let outcome = audit::run(&request).unwrap();
    assert_eq!(outcome.verdict(), Verdict::Vulnerable);
    let warnings: Vec<String> = audited(outcome)
        .report
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        [
            "the ignore of OSEC-2026-08 expired on 2026-11-30: it is reported again; fix it or extend `until`"
        ]
    );
}

#[test]
fn a_database_of_another_ecosystem_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("PYSEC-2026-1.json"),
        r#"{"id": "PYSEC-2026-1", "modified": "2026-01-01T00:00:00Z",
  "affected": [{"package": {"ecosystem": "PyPI", "name": "cohttp"}, "versions": ["6.2.2"]}]}"#,
    )
    .unwrap();
    let mut request = request(at(scenario("vulnerable")));
    request.database = vulndb::source::Choice::new()
        .with_given([dir.path().to_owned()])
        .require_ecosystem("opam");
    let err = audit::run(&request).unwrap_err();
    assert!(
        matches!(
            err,
            RunError::Database(vulndb::source::OpenError::NoRecordsFor { .. })
        ),
        "{err:?}"
    );
}

/// Beside the real scenario lock file: `osec.toml` ignoring a CVE ignores the OSEC
/// record that lists it, and `osv-scanner.toml`'s `[[IgnoredVulns]]` apply until
/// their `ignoreUntil` (by alias too, without a reason, with osv-scanner's other
/// tables left alone); one that has passed is a warning and its finding is reported.
#[test]
fn osec_toml_and_osv_scanner_toml_ignore_by_alias_until_their_moment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        scenario("vulnerable").join("myapp.opam.locked"),
        dir.path().join("myapp.opam.locked"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("osec.toml"),
        "[[ignore]]\nid = \"CVE-2026-28364\"\nreason = \"no untrusted Marshal input\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("osv-scanner.toml"),
        "[[IgnoredVulns]]\nid = \"CVE-2026-45388\"\nignoreUntil = 2026-12-01\nreason = \"server only\"\n\n\
         [[IgnoredVulns]]\nid = \"OSEC-2026-07\"\nignoreUntil = 2026-11-30T00:00:00Z\n\n\
         [[IgnoredVulns]]\nid = \"CVE-2026-34353\"\n\n\
         [[PackageOverrides]]\nname = \"lwt\"\nignore = true\n",
    )
    .unwrap();
    let report = audited(audit::run(&request(at(dir.path().to_owned()))).unwrap()).report;
    let input = &report.inputs[0];
    let ignored: Vec<(&str, &str)> = input
        .ignored
        .iter()
        .map(|i| (i.finding.id.as_str(), i.reason.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            ("OSEC-2026-01", "ignore: no untrusted Marshal input"),
            (
                "OSEC-2026-04",
                "ignore: no reason given in osv-scanner.toml"
            ),
            ("OSEC-2026-06", "ignore: server only"),
        ]
    );
    assert!(input.findings.iter().any(|f| f.id == "OSEC-2026-07"));
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "the ignore of OSEC-2026-07 expired on 2026-11-29: it is reported again; fix it or extend `until`"
        ]
    );
}
