//! `osec advisory new`: the draft it renders, the flags it refuses, and the ID it
//! claims and releases.

use advisory::AdvisoryId;
use advisory::draft::{CreateError, NewAdvisory, create_draft, quote};
use advisory::ids::{Database, IdError};
use advisory::lint::{LintOptions, lint_source};

fn now() -> jiff::Timestamp {
    "2026-12-05T10:11:12.5Z".parse().unwrap()
}

fn id() -> AdvisoryId {
    "OSEC-2026-18".parse().unwrap()
}

fn full() -> NewAdvisory {
    NewAdvisory {
        package: "cohttp".into(),
        constraint: "{< \"6.3.0\" | (>= \"7\" & != \"7.1\")}".into(),
        summary: Some("Path traversal in Cohttp.Path.resolve_local_file".into()),
        cves: vec!["CVE-2026-0001".into()],
        cwes: vec!["CWE-22".into()],
        cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into()),
        fixed: vec![
            "https://github.com/mirage/ocaml-cohttp@0123456789abcdef0123456789abcdef01234567"
                .into(),
        ],
        credits: vec!["reporter:Nicolás Ojeda Bär".into()],
        bindings: vec!["Cohttp.Path.resolve_local_file".into()],
    }
}

#[test]
fn a_new_draft_is_canonical_and_names_only_its_text_left_to_write() {
    let text = full().render(id(), now()).unwrap();
    assert_eq!(advisory::format::format_advisory(&text).unwrap(), text);
    let parsed = advisory::parse(&text);
    let advisory = &parsed.advisory;
    assert_eq!(
        advisory.modified.as_ref().unwrap().value,
        "2026-12-05T10:11:12Z"
    );
    assert_eq!(
        advisory.severity_score.as_ref().unwrap().value,
        "7.5 (High)"
    );
    assert_eq!(
        advisory::to_osv::opam_constraint("cohttp", advisory.affected[0].constraint.as_ref()),
        "cohttp {< \"6.3.0\" | >= \"7\" & != \"7.1\"}"
    );
    assert_eq!(advisory.credits[0].name.value, "Nicolás Ojeda Bär");
    let report = lint_source(
        "advisories/2026/OSEC-2026-18.md".as_ref(),
        text.clone(),
        &LintOptions {
            now: now(),
            packages: None,
        },
    );
    let codes: Vec<&str> = report.findings.iter().map(|f| f.rule.code()).collect();
    assert_eq!(codes, ["ADV030"; 3], "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_minimal_draft_marks_the_summary_too() {
    let spec = NewAdvisory {
        package: "pkg".into(),
        constraint: "< \"1.0\"".into(),
        ..NewAdvisory::default()
    };
    let text = spec.render(id(), now()).unwrap();
    assert!(text.contains("\n# TODO(draft): one-line summary"), "{text}");
    assert!(text.contains("affected: \"pkg\" {< \"1.0\"}"), "{text}");
    assert!(!text.contains("severity"), "{text}");
}

#[test]
fn each_bad_flag_is_named() {
    type Spoil = fn(&mut NewAdvisory);
    let cases: [(&str, Spoil); 8] = [
        ("--package", |s| s.package = "bad name".into()),
        ("--constraint", |s| s.constraint = "{< 1.0}".into()),
        ("--cve", |s| s.cves = vec!["CVE-26-1".into()]),
        ("--cwe", |s| s.cwes = vec!["79".into()]),
        ("--cvss", |s| s.cvss = Some("CVSS:3.1/AV:N".into())),
        ("--fixed", |s| {
            s.fixed = vec!["https://github.com/o/r@v1.2".into()]
        }),
        ("--credit", |s| s.credits = vec!["hero:Jane".into()]),
        ("--binding", |s| s.bindings = vec!["A. b".into()]),
    ];
    for (flag, spoil) in cases {
        let mut spec = full();
        spoil(&mut spec);
        let err = spec.render(id(), now()).unwrap_err();
        assert!(err.to_string().starts_with(flag), "{flag}: {err}");
    }
}

#[test]
fn insecure_links_fail_the_lint_check() {
    let mut spec = full();
    spec.fixed = vec!["http://example.org/r@0123456789abcdef0123456789abcdef01234567".into()];
    assert!(
        spec.render(id(), now())
            .unwrap_err()
            .to_string()
            .contains("https://")
    );
}

#[test]
fn create_draft_claims_writes_and_releases() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path());
    let spec = full();
    let (id, path) = create_draft(&db, None, 2026, now(), |id| spec.render(id, now())).unwrap();
    assert_eq!(id.to_string(), "OSEC-2026-01");
    assert_eq!(path, dir.path().join("2026/OSEC-2026-01.md"));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("id: OSEC-2026-01")
    );
    assert!(
        db.taken().unwrap().reserved.is_empty(),
        "reservation dropped"
    );
    // A failing render leaves nothing behind, and the ID stays free.
    let mut bad = full();
    bad.cwes = vec!["CWE-x".into()];
    assert!(create_draft(&db, None, 2026, now(), |id| bad.render(id, now())).is_err());
    assert!(db.taken().unwrap().reserved.is_empty());
    assert_eq!(db.next_id(2026).unwrap().to_string(), "OSEC-2026-02");
    // A reserved ID is used and its placeholder removed; a published one refused.
    let reserved = db.reserve(2026, now()).unwrap();
    let (id, _) = create_draft(&db, Some(reserved.id), 2026, now(), |id| {
        spec.render(id, now())
    })
    .unwrap();
    assert_eq!(id, reserved.id);
    assert!(!reserved.path.exists());
    let again = create_draft(&db, Some(reserved.id), 2026, now(), |id| {
        spec.render(id, now())
    });
    assert!(matches!(
        again,
        Err(CreateError::Id(IdError::Published { .. }))
    ));
}

#[test]
fn quoting_keeps_utf8_and_escapes_what_opam_needs() {
    assert_eq!(quote("Török \"x\" \\ \n"), "\"Török \\\"x\\\" \\\\ \\n\"");
    assert_eq!(quote("\u{7}"), "\"\\007\"");
}
