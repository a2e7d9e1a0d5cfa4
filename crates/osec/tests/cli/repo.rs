use std::process::Command;

use crate::support::TestDir;

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
