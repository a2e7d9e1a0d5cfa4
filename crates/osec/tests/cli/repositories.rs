//! `--repo` is opened the same way by `opam versions`, `lint` and `osv export`: a
//! directory, a `.tar.gz` or `DIR@REV`, versions compared with opam's equality.

use crate::support::TestDir;

const OPAM: &str = "opam-version: \"2.0\"\n";

/// An advisory of `pkg` with the constraint `constraint`.
fn advisory(constraint: &str) -> String {
    format!(
        "```\nid: OSEC-2026-01\nmodified: \"2026-01-05T00:00:00Z\"\naffected: \"pkg\" {{{constraint}}}\n```\n\n\
         # Summary\n\nDetails.\n"
    )
}

/// `first` has pkg 1.0; `second` has pkg 1.00 (the same version for opam) and 2.0.
fn two_repositories(dir: &TestDir) {
    dir.write("first/packages/pkg/pkg.1.0/opam", OPAM);
    dir.write("second/packages/pkg/pkg.1.00/opam", OPAM);
    dir.write("second/packages/pkg/pkg.2.0/opam", OPAM);
}

/// What each command makes of `repos`: the versions `opam versions` lists, the
/// `versions` of the exported record, and lint's message for a constraint that
/// matches no release.
fn versions_seen_by_every_command(dir: &TestDir, repos: &[&str]) -> (String, String, String) {
    let repo_args: Vec<&str> = repos.iter().flat_map(|repo| ["--repo", *repo]).collect();

    let mut args = vec!["opam", "versions"];
    args.extend(&repo_args);
    args.push("pkg");
    let listed = dir.osec(&args);
    assert_eq!(listed.code, 0, "{listed:?}");

    dir.write("export/2026/OSEC-2026-01.md", &advisory(">= \"1.0\""));
    let mut args = vec!["osv", "export", "-q"];
    args.extend(&repo_args);
    args.extend(["export", "out"]);
    let exported = dir.osec(&args);
    assert_eq!(exported.code, 0, "{exported:?}");
    let record: serde_json::Value =
        serde_json::from_str(&dir.read("out/2026/OSEC-2026-01.json")).unwrap();

    dir.write("lint/2026/OSEC-2026-01.md", &advisory("> \"5\""));
    let mut args = vec!["lint", "--format", "json"];
    args.extend(&repo_args);
    args.push("lint");
    let linted = dir.osec(&args);
    assert_eq!(linted.code, 1, "{linted:?}");
    let json: serde_json::Value = serde_json::from_str(&linted.stdout).unwrap();
    let message = json["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();

    (
        listed.stdout,
        record["affected"][0]["versions"].to_string(),
        message,
    )
}

#[test]
fn versions_opam_considers_equal_count_once_in_every_command() {
    let dir = TestDir::new();
    two_repositories(&dir);
    assert_eq!(
        versions_seen_by_every_command(&dir, &["first", "second"]),
        (
            "1.0\n2.0\n".to_owned(),
            r#"["1.0","2.0"]"#.to_owned(),
            "the constraint matches none of the 2 released versions of `pkg`".to_owned()
        )
    );
    // The first repository given writes the version.
    assert_eq!(
        versions_seen_by_every_command(&dir, &["second", "first"]).1,
        r#"["1.00","2.0"]"#
    );
}

/// A git repository with two commits: pkg 1.00 alone, then pkg 2.0 too.
fn git_repository(dir: &TestDir) -> Option<()> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir.path().join("git"))
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    dir.write("git/packages/pkg/pkg.1.00/opam", OPAM);
    git(&["init", "-q"])?;
    git(&["add", "-A"])?;
    git(&["commit", "-q", "-m", "first"])?;
    dir.write("git/packages/pkg/pkg.2.0/opam", OPAM);
    git(&["add", "-A"])?;
    git(&["commit", "-q", "-m", "second"])?;
    // The work tree is not read: only the revision.
    dir.write("git/packages/pkg/pkg.9/opam", OPAM);
    Some(())
}

#[test]
fn a_git_revision_is_a_repository_for_every_command() {
    let dir = TestDir::new();
    if git_repository(&dir).is_none() {
        eprintln!("skipped a_git_revision_is_a_repository_for_every_command: no git command");
        return;
    }
    assert_eq!(
        versions_seen_by_every_command(&dir, &["git@HEAD~1"]),
        (
            "1.00\n".to_owned(),
            r#"["1.00"]"#.to_owned(),
            "the constraint matches none of the 1 released versions of `pkg`".to_owned()
        )
    );
    dir.write("first/packages/pkg/pkg.1.0/opam", OPAM);
    assert_eq!(
        versions_seen_by_every_command(&dir, &["first", "git@HEAD"]).1,
        r#"["1.0","2.0"]"#
    );
    let out = dir.osec(&["opam", "versions", "--repo", "git@no-such-revision", "pkg"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no-such-revision"), "{}", out.stderr);
}
