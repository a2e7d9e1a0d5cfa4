//! `osec new`.

use crate::support::{TestDir, advisory};

#[test]
fn new_writes_a_canonical_draft_that_lint_names_the_text_left_to_write_in() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    let out = dir.osec(&[
        "new",
        "--package",
        "cohttp",
        "--constraint",
        "{< \"6.3.0\" | >= \"7\" & != \"7.1\"}",
        "--cve",
        "CVE-2026-0001",
        "--cwe",
        "CWE-22",
        "--cvss",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        "--fixed",
        "https://github.com/mirage/ocaml-cohttp@0123456789abcdef0123456789abcdef01234567",
        "--credit",
        "reporter:Jane Doe",
        "--binding",
        "Cohttp.Path.resolve_local_file",
        "--year",
        "2026",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "advisories/2026/OSEC-2026-02.md\n");
    let text = dir.read("advisories/2026/OSEC-2026-02.md");
    assert!(text.contains("severity_score: \"7.5 (High)\""), "{text}");
    assert!(
        !dir.path()
            .join("advisories/reserved/2026")
            .read_dir()
            .unwrap()
            .any(|_| true),
        "the reservation is dropped once the draft exists"
    );
    let fmt = dir.osec(&["fmt", "--check", "advisories"]);
    assert_eq!((fmt.code, fmt.stdout.as_str()), (0, ""));
    assert_eq!(dir.lint_codes("advisories"), ["ADV030"; 4]);
}

#[test]
fn new_prints_with_stdout_and_claims_nothing() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "new",
        "--package",
        "pkg",
        "--constraint",
        "< \"1.0\"",
        "--summary",
        "A bug",
        "--stdout",
        "--year",
        "2025",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("```\nid: OSEC-2025-01\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\n# A bug\n"), "{}", out.stdout);
    assert!(!dir.path().join("advisories").exists());
}

#[test]
fn a_bad_flag_is_named_and_nothing_is_written() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "new",
        "--package",
        "pkg",
        "--constraint",
        "< 1.0",
        "--year",
        "2026",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: --constraint `< 1.0`: not an opam version constraint"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("advisories/2026").exists());
    assert_eq!(
        dir.osec(&["next-id", "--year", "2026"]).stdout,
        "OSEC-2026-01\n",
        "the ID reserved for the draft is free again"
    );
}
