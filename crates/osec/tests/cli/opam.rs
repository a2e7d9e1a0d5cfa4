use crate::support::TestDir;

/// A small repository: two good files, one that opam rejects, and files `check`
/// does not look at, spread so that the walk's order matters.
fn repository(dir: &TestDir) {
    dir.write("repo/packages/b/b.1/opam", "opam-version: \"2.0\"\n");
    dir.write(
        "repo/packages/a/a.1/opam",
        "opam-version: \"2.0\"\ndepends: [\n",
    );
    dir.write("repo/packages/a/a.2/opam", "opam-version: \"2.0\"\n");
    dir.write("repo/packages/a/a.2/files/patch.diff", "depends: [\n");
    dir.write("repo/README.md", "depends: [\n");
}

#[test]
fn check_walks_a_directory_in_sorted_order_and_reports_the_rejected_file() {
    let dir = TestDir::new();
    repository(&dir);
    let out = dir.osec(&["opam", "check", "repo"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("repo/packages/a/a.1/opam:2:12"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("checked 3 files, 1 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_with_a_list_of_files_reports_as_the_walk_does() {
    let dir = TestDir::new();
    repository(&dir);
    let walked = dir.osec(&["opam", "check", "repo"]);
    dir.write(
        "files.txt",
        "repo/packages/a/a.1/opam\nrepo/packages/a/a.2/opam\n\nrepo/packages/b/b.1/opam\n",
    );
    let listed = dir.osec(&["opam", "check", "--files-from", "files.txt"]);
    assert_eq!(
        (listed.code, &listed.stdout, &listed.stderr),
        (walked.code, &walked.stdout, &walked.stderr)
    );
}

#[test]
fn check_with_a_list_naming_a_missing_file_exits_2_and_names_it() {
    let dir = TestDir::new();
    repository(&dir);
    dir.write(
        "files.txt",
        "repo/packages/b/b.1/opam\nrepo/packages/c/c.1/opam\n",
    );
    let out = dir.osec(&["opam", "check", "--files-from", "files.txt"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("cannot read repo/packages/c/c.1/opam"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_without_paths_or_list_is_a_usage_error() {
    let dir = TestDir::new();
    let out = dir.osec(&["opam", "check"]);
    assert_eq!(out.code, 2, "{out:?}");
}

/// Files are read in batches of 32 (through io_uring where the system has it): over
/// several batches, two files larger than a batch's 64 KiB buffer among them, every
/// file is read whole and the failures are reported in the order of the list, on
/// one thread and on several.
#[test]
fn check_over_several_batches_reads_every_file_whole_and_keeps_the_order() {
    let dir = TestDir::new();
    let mut list = String::new();
    for n in 0..100 {
        let path = format!("repo/packages/p{n:03}/p{n:03}.1/opam");
        let text = match n {
            // Larger than a batch's buffer. Cut at 64 KiB, this valid file would end
            // inside a string and fail...
            40 => format!(
                "opam-version: \"2.0\"\ndescription: \"{}\"\n",
                "x".repeat(70_000)
            ),
            // ...and this one, invalid only in its last bytes, would pass.
            41 => format!(
                "opam-version: \"2.0\"\n# {}\ndepends: [\n",
                "x".repeat(70_000)
            ),
            7 | 63 | 99 => "opam-version: \"2.0\"\nbuild: [[\"make\"]\n".to_owned(),
            _ => format!("opam-version: \"2.0\"\nname: \"p{n:03}\"\n"),
        };
        dir.write(&path, &text);
        list.push_str(&path);
        list.push('\n');
    }
    dir.write("files.txt", &list);
    let failed_at = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("--> "))
            .map(|location| location.split(':').next().unwrap_or_default().to_owned())
            .collect()
    };
    for threads in ["1", "2"] {
        let out = dir.osec_with_env(
            &["opam", "check", "--files-from", "files.txt"],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stdout.ends_with("checked 100 files, 4 failed\n"),
            "{}",
            out.stdout
        );
        assert_eq!(
            failed_at(&out.stdout),
            [7, 41, 63, 99].map(|n| format!("repo/packages/p{n:03}/p{n:03}.1/opam")),
            "{}",
            out.stdout
        );
    }
}

/// Issue 14: `opam check` printed tar entry names with raw escape and newline bytes
/// in human output, so that a crafted archive could forge lines in a CI log.
#[test]
fn check_escapes_control_characters_of_tar_entry_names() {
    let dir = TestDir::new();
    let entry = "repo/packages/a/a.1\u{1b}[2K\n::error::forged/opam";
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let body = b"opam-version: \"2.0\"\ndepends: [\n";
    let mut header = tar::Header::new_gnu();
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    archive.append_data(&mut header, entry, &body[..]).unwrap();
    let bytes = archive.into_inner().unwrap().finish().unwrap();
    std::fs::write(dir.path().join("repo.tar.gz"), bytes).unwrap();
    let out = dir.osec(&["opam", "check", "repo.tar.gz"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.lines().any(|l| l.starts_with("::error::")),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(" --> repo.tar.gz:repo/packages/a/a.1\\u{1b}[2K\\n::error::forged/opam:2:12"),
        "{}",
        out.stdout
    );
}

/// A FIFO among the files (nobody writes to it: reading it would wait forever) is
/// refused with an error naming it, and the other files are still checked (issue 14).
#[cfg(unix)]
#[test]
fn check_refuses_a_fifo_naming_it_and_checks_the_rest() {
    let dir = TestDir::new();
    repository(&dir);
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("repo/packages/b/b.1/fifo.opam"))
        .status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("skipped check_refuses_a_fifo_naming_it_and_checks_the_rest: no mkfifo");
        return;
    }
    dir.write(
        "files.txt",
        "repo/packages/a/a.1/opam\nrepo/packages/b/b.1/fifo.opam\nrepo/packages/b/b.1/opam\n",
    );
    for args in [
        &["opam", "check", "--files-from", "files.txt"][..],
        &[
            "opam",
            "check",
            "repo/packages/b/b.1/fifo.opam",
            "repo/packages/a",
        ][..],
    ] {
        let out = dir.osec(args);
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(
            out.stderr,
            "error: cannot read repo/packages/b/b.1/fifo.opam: it is a FIFO, not a regular file\n"
        );
        assert!(
            out.stdout.contains("repo/packages/a/a.1/opam:2:12"),
            "{out:?}"
        );
        assert!(
            out.stdout.ends_with(", 1 failed, 1 could not be read\n"),
            "{}",
            out.stdout
        );
    }
    // A directory walk takes regular files only: the FIFO is not among them.
    let walked = dir.osec(&["opam", "check", "repo"]);
    assert_eq!(walked.code, 1, "{walked:?}");
    assert!(
        walked.stdout.ends_with("checked 3 files, 1 failed\n"),
        "{walked:?}"
    );
}

/// Files over `--max-file-size` are refused, on disk or in an archive, each named
/// with what to do; files at the limit are read.
#[test]
fn check_refuses_files_over_the_size_limit() {
    let dir = TestDir::new();
    repository(&dir);
    let big = format!("opam-version: \"2.0\"\n# {}\n", "x".repeat(100));
    dir.write("repo/packages/c/c.1/opam", &big);
    let limit = big.len().to_string();
    let smaller = (big.len() - 1).to_string();

    let at_limit = dir.osec(&["opam", "check", "--max-file-size", &limit, "repo"]);
    assert_eq!(at_limit.code, 1, "{at_limit:?}");
    assert!(
        at_limit.stdout.ends_with("checked 4 files, 1 failed\n"),
        "{at_limit:?}"
    );

    let over = dir.osec(&["opam", "check", "--max-file-size", &smaller, "repo"]);
    assert_eq!(over.code, 2, "{over:?}");
    assert_eq!(
        over.stderr,
        format!(
            "error: cannot read repo/packages/c/c.1/opam: it is larger than {smaller} bytes, the limit for an opam file\n\
             help: raise the limit with --max-file-size BYTES\n"
        )
    );
    assert!(
        over.stdout
            .ends_with("checked 3 files, 1 failed, 1 could not be read\n"),
        "{}",
        over.stdout
    );

    // The same in a tarball: the entry is skipped unread, by the size in its header.
    let tarball = dir.path().join("repo.tar.gz");
    let encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&tarball).unwrap(),
        flate2::Compression::fast(),
    );
    let mut builder = tar::Builder::new(encoder);
    builder
        .append_dir_all("repo", dir.path().join("repo"))
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap();
    let out = dir.osec(&["opam", "check", "--max-file-size", &smaller, "repo.tar.gz"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with(&format!(
            "error: cannot read repo.tar.gz/repo/packages/c/c.1/opam: it is larger than {smaller} bytes"
        )),
        "{}",
        out.stderr
    );
}

/// `opam ast`, `opam print` and `opam print --normalise` print what opam's own
/// implementation prints for the same file (the oracle's `dump ast|print|norm`), on
/// files holding every kind of value, comments and sections.
#[test]
fn ast_and_print_match_the_oracle() {
    let Some(dump) = test_references::require_oracle("ast_and_print_match_the_oracle", "dump")
    else {
        return;
    };
    let dir = TestDir::new();
    let files = [
        (
            "filters.opam",
            "opam-version: \"2.0\" # c\nname: \"x\"\ndepends: [\n  \"ocaml\" {>= \"4.08\" & < \"5.0\"}\n  \"dune\" {build & >= \"3\"}\n  (\"a\" | \"b\" {!with-test})\n]\nbuild: [[\"dune\" \"build\" \"-j\" jobs \"@install\"] {os != \"win32\"}]\n",
        ),
        (
            "sections.opam",
            "(* header *)\nx-flag: true\nx-int: -3\nsetenv: [[PATH += \"%{bin}%\"] [A = \"\\x41\\n\"]]\nurl {\n  src: \"https://e/x.tgz\"\n  checksum: [\"md5=0\" \"sha256=1\"]\n}\nextra-source \"p.diff\" { src: \"u\" }\ndescr: \"\"\"long\ntext\"\"\"\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.write(name, text);
        for (mode, args) in [
            ("ast", &["opam", "ast"][..]),
            ("print", &["opam", "print"][..]),
            ("norm", &["opam", "print", "--normalise"][..]),
        ] {
            let oracle = std::process::Command::new(&dump)
                .arg(mode)
                .arg(&path)
                .output()
                .expect("the oracle runs");
            assert!(
                oracle.status.success(),
                "{name}: the oracle's {mode} failed"
            );
            let out = dir.osec(&[args, &[name]].concat());
            assert_eq!(out.code, 0, "{name} {mode}: {}", out.stderr);
            assert_eq!(
                out.stdout,
                String::from_utf8(oracle.stdout).expect("text"),
                "{name}: {mode}"
            );
        }
    }
}

/// A tarball with a rejected file among good ones, checked as JSON lines and as
/// SARIF: each names the file inside the archive, line and column, and the rule.
fn rejected_in_a_tarball(dir: &TestDir) {
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (entry, body) in [
        ("repo/packages/a/a.1/opam", "opam-version: \"2.0\"\n"),
        (
            "repo/packages/b/b.1/opam",
            "opam-version: \"2.0\"\ndepends: [\"x\" {>= }]\n",
        ),
        ("repo/packages/c/c.1/opam", "opam-version: \"2.0\"\n"),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        archive
            .append_data(&mut header, entry, body.as_bytes())
            .expect("entry added");
    }
    let bytes = archive
        .into_inner()
        .and_then(flate2::write::GzEncoder::finish)
        .expect("archive written");
    std::fs::write(dir.path().join("repo.tar.gz"), bytes).expect("archive saved");
}

#[test]
fn check_of_a_tarball_as_json_lines() {
    let dir = TestDir::new();
    rejected_in_a_tarball(&dir);
    let out = dir.osec(&["opam", "check", "--format", "json", "repo.tar.gz"]);
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON value a line"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn check_of_a_tarball_as_sarif() {
    let dir = TestDir::new();
    rejected_in_a_tarball(&dir);
    let out = dir.osec(&["opam", "check", "--format", "sarif", "repo.tar.gz"]);
    assert_eq!(out.code, 1, "{out:?}");
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{}", out.stdout);
    insta::assert_snapshot!(out.stdout);
}

/// A library error that shows its cause in its own message is printed once, not
/// followed by the same cause again ("cannot read X: ENOENT: ENOENT").
#[test]
fn an_error_names_its_cause_once() {
    let dir = TestDir::new();
    let runs: [&[&str]; 4] = [
        &["opam", "check", "missing"],
        &["opam", "versions", "--repo", "missing", "foo"],
        &["db", "status", "--db", "missing.zip"],
        &["sync", "--osv", "missing", "."],
    ];
    let cause = std::fs::read("/nonexistent/missing")
        .unwrap_err()
        .to_string();
    for args in runs {
        let out = dir.osec(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.matches(&cause).count(),
            1,
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("missing"), "{args:?}: {}", out.stderr);
    }
}
