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
