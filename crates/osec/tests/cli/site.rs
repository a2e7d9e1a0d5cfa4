//! `osec site build`.

use crate::support::{TestDir, advisory, copy_real_advisories};

#[test]
fn builds_the_site_of_the_real_advisories_with_source_links_and_an_absolute_feed() {
    let dir = TestDir::new();
    copy_real_advisories(&dir);
    let output = dir.osec(&[
        "site",
        "build",
        "--base-url",
        "https://example.org/osec",
        "--source-url",
        "https://github.com/ocaml/security-advisories/blob/main/advisories/",
        "--feed-entries",
        "5",
        "advisories",
        "site",
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(
        output.stderr,
        "site of 26 of 26 advisories in site: 89 files, 89 changed\n"
    );
    let page = dir.read("site/advisories/OSEC-2026-05.html");
    assert!(
        page.contains(
            "<a href=\"https://github.com/ocaml/security-advisories/blob/main/advisories/2026/OSEC-2026-05.md\">Source file (Markdown)</a>"
        ),
        "{page}"
    );
    let feed = dir.read("site/feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 5);
    assert!(
        feed.contains("<id>https://example.org/osec/advisories/OSEC-2026-16.html</id>"),
        "the base URL gets its slash: {feed}"
    );

    let again = dir.osec(&[
        "site",
        "build",
        "--base-url",
        "https://example.org/osec",
        "advisories",
        "site",
    ]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.ends_with("89 files, 27 changed\n"),
        "{}",
        again.stderr
    );
}

#[test]
fn an_advisory_with_lint_errors_is_left_out_and_the_exit_status_is_1() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    dir.write(
        "advisories/2026/OSEC-2026-02.md",
        &advisory("OSEC-2026-02").replace("affected:", "colour: red\naffected:"),
    );
    let output = dir.osec(&["site", "build", "advisories", "site"]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stderr.contains("OSEC-2026-02.md:7:1"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("has lint errors (shown above): left out of the site"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .ends_with("site of 1 of 2 advisories in site: 9 files, 9 changed\n"),
        "{}",
        output.stderr
    );
    assert!(
        dir.path()
            .join("site/advisories/OSEC-2026-01.html")
            .is_file()
    );
}

#[test]
fn a_base_url_that_is_not_a_web_url_is_an_error_naming_the_option() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    let output = dir.osec(&[
        "site",
        "build",
        "--base-url",
        "example.org",
        "advisories",
        "site",
    ]);
    assert_eq!(output.code, 2, "{output:?}");
    assert_eq!(
        output.stderr,
        "error: --base-url `example.org` is not an absolute http:// or https:// URL; give one like https://example.org/advisories/\n"
    );
    assert!(!dir.path().join("site").exists());
}

#[test]
fn a_missing_advisories_directory_is_an_error() {
    let dir = TestDir::new();
    let output = dir.osec(&["site", "build", "nowhere", "site"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(output.stderr.contains("nowhere"), "{}", output.stderr);
    assert!(!dir.path().join("site").exists());
}
