use crate::support::{TestDir, advisory, copy_real_advisories};

#[test]
fn check_reports_unformatted_files_and_changes_nothing() {
    let dir = TestDir::new();
    let messy = advisory("OSEC-2026-01")
        .replace("id: OSEC-2026-01\n", "")
        .replace("```\n\n#", "id: \"OSEC-2026-01\"\n```\n\n#");
    dir.write("advisories/2026/OSEC-2026-01.md", &messy);
    dir.write("advisories/2026/OSEC-2026-02.md", &advisory("OSEC-2026-02"));
    let out = dir.osec(&["fmt", "--check", "advisories"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "advisories/2026/OSEC-2026-01.md would be reformatted\n"
    );
    assert_eq!(dir.read("advisories/2026/OSEC-2026-01.md"), messy);
}

#[test]
fn formats_in_place_then_check_passes() {
    let dir = TestDir::new();
    let messy = advisory("OSEC-2026-01")
        .replace("id: OSEC-2026-01\n", "")
        .replace("```\n\n#", "id: \"OSEC-2026-01\" # the ID\n```\n\n#");
    dir.write("OSEC-2026-01.md", &messy);
    let out = dir.osec(&["fmt", "OSEC-2026-01.md"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "OSEC-2026-01.md reformatted\n");
    let formatted = dir.read("OSEC-2026-01.md");
    assert!(
        formatted.starts_with("```\nid: OSEC-2026-01 # the ID\nmodified:"),
        "{formatted}"
    );
    assert!(
        formatted.ends_with("```\n\n# A bug\n\nDetails.\n"),
        "{formatted}"
    );
    let again = dir.osec(&["fmt", "--check", "OSEC-2026-01.md"]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "temporary files left: {names:?}");
}

#[test]
fn formatting_real_advisories_is_stable() {
    let dir = TestDir::new();
    copy_real_advisories(&dir);
    let first = dir.osec(&["fmt", "advisories"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(first.stdout.lines().count(), 13, "{}", first.stdout);
    let check = dir.osec(&["fmt", "--check", "advisories"]);
    assert_eq!((check.code, check.stdout.as_str()), (0, ""));
    let lint = dir.osec(&["lint", "advisories"]);
    assert_eq!(lint.code, 0, "{lint:?}");
}

#[test]
fn a_syntax_error_is_reported_with_position_and_exit_2() {
    let dir = TestDir::new();
    dir.write("OSEC-2026-01.md", "```\nid: [\n```\n# T\n");
    let out = dir.osec(&["fmt", "OSEC-2026-01.md"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("OSEC-2026-01.md:3:1"), "{}", out.stderr);
}
