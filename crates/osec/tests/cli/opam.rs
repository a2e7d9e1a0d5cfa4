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
