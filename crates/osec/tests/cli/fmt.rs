use crate::support::{TestDir, advisory, copy_real_advisories, mkfifo, mode, set_mode};

#[test]
fn check_reports_unformatted_files_and_changes_nothing() {
    let dir = TestDir::new();
    let messy = messy("OSEC-2026-01");
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

/// An advisory in valid but not canonical layout.
fn messy(id: &str) -> String {
    advisory(id)
        .replace(&format!("id: {id}\n"), "")
        .replace("```\n\n#", &format!("id: \"{id}\"\n```\n\n#"))
}

/// Issue 14: `fmt` rewrote a read-only (0444) file.
#[test]
fn a_read_only_file_is_not_rewritten_and_the_run_exits_2() {
    let dir = TestDir::new();
    let read_only = dir.write("advisories/2026/OSEC-2026-01.md", &messy("OSEC-2026-01"));
    set_mode(&read_only, 0o444);
    dir.write("advisories/2026/OSEC-2026-02.md", &messy("OSEC-2026-02"));
    let out = dir.osec(&["fmt", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "error: cannot write advisories/2026/OSEC-2026-01.md: it is read-only (mode 0444); \
         make it writable (chmod u+w) if it should change\n"
    );
    assert_eq!(out.stdout, "advisories/2026/OSEC-2026-02.md reformatted\n");
    assert_eq!(
        dir.read("advisories/2026/OSEC-2026-01.md"),
        messy("OSEC-2026-01")
    );
    assert_eq!(mode(&read_only), 0o444);
    let check = dir.osec(&["fmt", "--check", "advisories"]);
    assert_eq!(check.code, 1, "--check reads it: {check:?}");
}

/// Issue 14: `fmt` replaced a symlinked advisory with a regular file. It now
/// formats the file the link names, and the link stays.
#[test]
fn a_symlinked_advisory_has_its_target_formatted_and_stays_a_link() {
    let dir = TestDir::new();
    let target = dir.write("shared/OSEC-2026-01.md", &messy("OSEC-2026-01"));
    set_mode(&target, 0o640);
    std::fs::create_dir_all(dir.path().join("advisories/2026")).unwrap();
    let link = dir.path().join("advisories/2026/OSEC-2026-01.md");
    std::os::unix::fs::symlink("../../shared/OSEC-2026-01.md", &link).unwrap();
    let out = dir.osec(&["fmt", "advisories"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        dir.read("shared/OSEC-2026-01.md")
            .starts_with("```\nid: OSEC-2026-01\n")
    );
    assert_eq!(mode(&target), 0o640);
    assert_eq!(dir.osec(&["fmt", "--check", "advisories"]).code, 0);
}

/// Issue 14: a non-UTF-8 advisory stopped `fmt` partway; the files after it were
/// neither formatted nor checked.
#[test]
fn a_file_that_is_not_utf8_is_an_error_for_that_file_only() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &messy("OSEC-2026-01"));
    std::fs::write(
        dir.path().join("advisories/2026/OSEC-2026-02.md"),
        b"```\nid: OSEC-2026-02\ncredits: [ [reporter \"Ren\xe9e\"] ]\n```\n",
    )
    .unwrap();
    dir.write("advisories/2026/OSEC-2026-03.md", &messy("OSEC-2026-03"));
    let out = dir.osec(&["fmt", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stdout,
        "advisories/2026/OSEC-2026-01.md reformatted\nadvisories/2026/OSEC-2026-03.md reformatted\n"
    );
    assert_eq!(
        out.stderr,
        "error: cannot read advisories/2026/OSEC-2026-02.md: it is not UTF-8 text: line 3, \
         column 26 holds a byte that starts no UTF-8 character; save the file as UTF-8\n"
    );
}

/// Issue 14: a FIFO named like an advisory blocked `fmt`; `/dev/zero` and a 2 GB
/// sparse file exhausted its memory.
#[test]
fn a_fifo_dev_zero_and_a_sparse_2_gb_file_are_refused_without_being_read() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &messy("OSEC-2026-01"));
    mkfifo(&dir.path().join("advisories/2026/OSEC-2026-02.md"));
    std::os::unix::fs::symlink(
        "/dev/zero",
        dir.path().join("advisories/2026/OSEC-2026-03.md"),
    )
    .unwrap();
    std::fs::File::create(dir.path().join("advisories/2026/OSEC-2026-04.md"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    dir.write("advisories/2026/OSEC-2026-05.md", &messy("OSEC-2026-05"));
    for args in [
        &["fmt", "--check", "advisories"][..],
        &["fmt", "advisories"],
    ] {
        let out = dir.osec_guarded(args);
        assert_eq!(out.code, 2, "{out:?}");
        let errors: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(errors.len(), 3, "{}", out.stderr);
        assert!(
            errors[0].contains("OSEC-2026-02.md: it is a FIFO (named pipe)"),
            "{}",
            out.stderr
        );
        assert!(
            errors[1].contains("OSEC-2026-03.md: it is a character device"),
            "{}",
            out.stderr
        );
        assert!(
            errors[2].contains("OSEC-2026-04.md: it is larger than"),
            "{}",
            out.stderr
        );
        assert_eq!(
            out.stdout.lines().count(),
            2,
            "the other files are handled: {}",
            out.stdout
        );
    }
    assert!(
        std::fs::symlink_metadata(dir.path().join("advisories/2026/OSEC-2026-03.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// Issue 14: control characters of file names reached the terminal.
#[test]
fn file_names_are_printed_with_control_characters_escaped() {
    let dir = TestDir::new();
    dir.write("OSEC-2026-01\u{1b}]0;x\u{7}.md", &messy("OSEC-2026-01"));
    let out = dir.osec(&["fmt", "--check", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "./OSEC-2026-01\\u{1b}]0;x\\u{7}.md would be reformatted\n"
    );
}

/// The error line of a failed run escapes the control characters of the path it
/// names: no forged line, no terminal escape.
#[test]
fn the_error_line_escapes_control_characters_of_a_path() {
    let dir = TestDir::new();
    let out = dir.osec(&["fmt", "nowhere\u{1b}[2J\n::error::forged"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "error: nowhere\\u{1b}[2J\\n::error::forged does not exist\n"
    );
}
