//! `osec announce`.

use crate::support::{TestDir, advisory};

#[test]
fn announce_prints_the_e_mail_or_the_markdown_of_an_advisory() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    let email = dir.osec(&["announce", "OSEC-2026-01"]);
    assert_eq!(email.code, 0, "{}", email.stderr);
    assert!(
        email.stdout.starts_with("Subject: OSEC-2026-01: "),
        "{}",
        email.stdout
    );
    assert!(
        email
            .stdout
            .contains("\nOCaml security advisory OSEC-2026-01\n"),
        "{}",
        email.stdout
    );
    assert!(
        email
            .stdout
            .lines()
            .all(|l| l.chars().count() <= 72 || l.starts_with("Subject:"))
    );
    let markdown = dir.osec(&["announce", "OSEC-2026-01", "--format", "markdown"]);
    assert_eq!(markdown.code, 0, "{}", markdown.stderr);
    assert!(
        markdown.stdout.starts_with("# OSEC-2026-01: "),
        "{}",
        markdown.stdout
    );
}

#[test]
fn announce_of_a_missing_or_broken_advisory_is_an_error() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-02.md", "no header\n");
    let missing = dir.osec(&["announce", "OSEC-2026-01"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("advisories/2026/OSEC-2026-01.md"),
        "{}",
        missing.stderr
    );
    let broken = dir.osec(&["announce", "OSEC-2026-02"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("run `osec lint`"),
        "{}",
        broken.stderr
    );
}
