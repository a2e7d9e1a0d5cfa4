//! `osec report`.

use crate::support::TestDir;

#[test]
fn report_prints_the_skeleton_with_the_score_of_the_vector() {
    let dir = TestDir::new();
    let out = dir.osec(&[
        "report",
        "--package",
        "yaml",
        "--cvss",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
        "--cwe",
        "CWE-674",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "To: security@ocaml.org\nSubject: Security issue in the opam package yaml\n"
        )
    );
    assert!(out.stdout.contains("- Score: 7.5 (High)"), "{}", out.stdout);
    assert!(out.stdout.contains("- CWE-674\n"));
    let bad = dir.osec(&["report", "--package", "yaml", "--cvss", "CVSS:9/AV:N"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--cvss `CVSS:9/AV:N`"),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.stdout, "");
}
