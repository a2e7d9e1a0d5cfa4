use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TestDir, copy_real_advisories, copy_tree};

/// The real opam file of ocaml-expat 1.3.0 (opam-repository, CC0; see
/// crates/repo-policy/tests/data/README.md).
fn expat() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../repo-policy/tests/data/opam/ocaml-expat.1.3.0.opam"
    );
    std::fs::read_to_string(path).unwrap()
}

const EXPAT: &str = "repo/packages/ocaml-expat/ocaml-expat.1.3.0/opam";

/// Runs git in `dir/repo` without the user's configuration, at a fixed date.
fn git(dir: &TestDir, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir.path().join("repo"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.org")
        .env("GIT_COMMITTER_NAME", "Fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.org")
        .env("GIT_AUTHOR_DATE", "2026-01-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T12:00:00Z")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// A repository with ocaml-expat 1.3.0, then a commit with `head` as its opam file.
fn repository(head: &str) -> TestDir {
    let dir = TestDir::new();
    dir.write(EXPAT, &expat());
    git(&dir, &["init", "--quiet", "--initial-branch=main"]);
    git(&dir, &["add", "--all"]);
    git(&dir, &["commit", "--quiet", "-m", "base"]);
    dir.write(EXPAT, head);
    git(
        &dir,
        &["commit", "--quiet", "--all", "--allow-empty", "-m", "head"],
    );
    dir
}

#[test]
fn a_metadata_change_exits_0() {
    let opam = expat().replace("\"ocaml\" {>= \"4.14.1\"}", "\"ocaml\" {>= \"5.0\"}");
    let dir = repository(&opam);
    let out = dir.osec(&[
        "repo",
        "check-immutable",
        "--repo",
        "repo",
        "HEAD~1",
        "HEAD",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("checked HEAD~1..HEAD (")
            && out
                .stdout
                .ends_with("1 changed, 0 new, 0 removed package version: 0 errors, 0 warnings\n"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn a_changed_checksum_exits_1_in_every_format() {
    let opam = expat().replace("sha512=72a59c98", "sha512=00000000");
    let dir = repository(&opam);
    let run = |format: &str| {
        let out = dir.osec(&[
            "repo",
            "check-immutable",
            "--repo",
            "repo",
            "main~1",
            "main",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 1, "{format}: {out:?}");
        out.stdout
    };
    let human = run("human");
    assert!(
        human.starts_with("error[POL001]: ocaml-expat.1.3.0: sha512 checksum of url changed\n  --> packages/ocaml-expat/ocaml-expat.1.3.0/opam:28:5\n"),
        "{human}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["findings"][0]["code"], "POL001");
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "POL001");
    let markdown = run("markdown");
    assert!(
        markdown.starts_with("### osec repo check-immutable: ❌ 1 error, 0 warnings\n"),
        "{markdown}"
    );
}

#[test]
fn what_cannot_be_checked_exits_2_with_a_clear_error() {
    let dir = repository(&expat());
    let out = dir.osec(&["repo", "check-immutable", "--repo", "repo", "v9", "HEAD"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: repo: unknown revision \"v9\" ("),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    dir.write("plain/packages/README", "not git\n");
    let out = dir.osec(&[
        "repo",
        "check-immutable",
        "--repo",
        "plain",
        "HEAD~1",
        "HEAD",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with("error: plain: not a git repository"),
        "{}",
        out.stderr
    );
}

/// Every file under `root`, with its bytes.
fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A copy of repo-policy's small repository of real opam files as `repo`, and the
/// real advisories as `advisories`.
fn annotate_fixture() -> TestDir {
    let dir = TestDir::new();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../repo-policy/tests/data/annotate"),
        &dir.path().join("repo"),
    );
    copy_real_advisories(&dir);
    dir
}

#[test]
fn annotate_check_exits_1_then_annotate_then_nothing_left_to_do() {
    let dir = annotate_fixture();
    let before = files(&dir.path().join("repo"));
    let out = dir.osec(&[
        "repo",
        "annotate",
        "--check",
        "--repo",
        "repo",
        "advisories",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("would update packages/cohttp/cohttp.6.2.2/opam: added OSEC-2026-16\n")
    );
    assert!(
        out.stdout
            .ends_with("7 files to change of 12 read; 0 errors\n"),
        "{}",
        out.stdout
    );
    assert_eq!(files(&dir.path().join("repo")), before, "--check wrote");

    let out = dir.osec(&[
        "repo",
        "annotate",
        "--mark",
        "avoid-version",
        "--repo",
        "repo",
        "advisories",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .ends_with("7 files changed of 12 read; 0 errors\n"),
        "{}",
        out.stdout
    );
    assert!(dir
        .read("repo/packages/cohttp/cohttp.6.2.2/opam")
        .ends_with("x-security-advisories: [\"OSEC-2026-16\"]\nflags: avoid-version\nx-security-advisories-marks: [\"avoid-version\"]\n"));
    let check = dir.osec(&["opam", "check", "repo"]);
    assert_eq!(check.code, 0, "{check:?}");

    let out = dir.osec(&[
        "repo",
        "annotate",
        "--check",
        "--mark",
        "avoid-version",
        "--repo",
        "repo",
        "advisories",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .ends_with("0 files to change of 12 read; 0 errors\n")
    );

    let out = dir.osec(&[
        "repo",
        "annotate",
        "--remove",
        "--repo",
        "repo",
        "advisories",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        files(&dir.path().join("repo")),
        before,
        "--remove did not restore"
    );
}

#[test]
fn annotate_what_cannot_be_used_exits_2() {
    let dir = annotate_fixture();
    dir.write("repo.tar.gz", "not an archive");
    let out = dir.osec(&["repo", "annotate", "--repo", "repo.tar.gz", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: repo.tar.gz: not a directory;"),
        "{}",
        out.stderr
    );
    dir.write("empty/README", "no advisories here\n");
    let out = dir.osec(&["repo", "annotate", "--repo", "repo", "empty"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no advisory (OSEC-*.md) under empty"),
        "{}",
        out.stderr
    );

    dir.write("repo/packages/cohttp/cohttp.6.2.2/opam", "depends: [\n");
    let out = dir.osec(&["repo", "annotate", "--repo", "repo", "advisories"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("error: packages/cohttp/cohttp.6.2.2/opam:2:1: cohttp.6.2.2: not annotated: the file does not parse"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("6 files changed of 12 read; 1 error\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn exposure_in_each_format() {
    // Versions without dependencies, so that each can be installed.
    let dir = TestDir::new();
    copy_real_advisories(&dir);
    dir.write(
        "repo/packages/cohttp/cohttp.6.2.2/opam",
        "opam-version: \"2.0\"\n",
    );
    dir.write(
        "repo/packages/cohttp/cohttp.6.3.0/opam",
        "opam-version: \"2.0\"\n",
    );
    dir.write(
        "repo/packages/client/client.1.0/opam",
        "opam-version: \"2.0\"\nmaintainer: \"Client <client@example.org>\"\ndepends: [\"cohttp\" {< \"6.3.0\"}]\n",
    );
    let args = [
        "repo",
        "exposure",
        "--repo",
        "repo",
        "advisories/2026/OSEC-2026-16.md",
    ];
    let human = dir.osec(&args);
    assert_eq!(human.code, 0, "{human:?}");
    assert!(
        human
            .stdout
            .contains("  client.1.0\n    maintainer: Client <client@example.org>\n"),
        "{}",
        human.stdout
    );
    let json = dir.osec(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 0, "{json:?}");
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        value["advisories"][0]["packages"][0]["stuck"][0]["name"],
        "client"
    );
    assert_eq!(
        value["advisories"][0]["packages"][0]["affected"],
        serde_json::json!(["6.2.2"])
    );
    let markdown = dir.osec(&[&args[..], &["--format", "markdown"]].concat());
    assert_eq!(markdown.code, 0, "{markdown:?}");
    assert!(markdown.stdout.contains("client"), "{}", markdown.stdout);

    dir.write("repo/packages/broken/broken.1/opam", "depends: [\n");
    let out = dir.osec(&args);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("broken.1 could not be read"),
        "{}",
        out.stdout
    );
}
