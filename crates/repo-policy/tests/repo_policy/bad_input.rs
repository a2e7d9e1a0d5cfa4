//! What cannot be checked is an error that says what to do (exit 2 in the CLI),
//! never a pass.

use repo_policy::{Error, check_immutable};

use crate::fixture::{GitRepo, data, git_in};

const EXPAT: &str = "packages/ocaml-expat/ocaml-expat.1.3.0/opam";

fn history_of_three() -> (GitRepo, Vec<String>) {
    let mut repo = GitRepo::new();
    let mut commits = Vec::new();
    let opam = data("ocaml-expat.1.3.0.opam");
    for (i, synopsis) in ["one", "two", "three"].iter().enumerate() {
        repo.write(
            EXPAT,
            opam.replace("Write XML-Parsers using the SAX method", synopsis),
        );
        commits.push(repo.commit(&format!("commit {i}")));
    }
    (repo, commits)
}

#[test]
fn a_directory_that_is_not_a_git_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("packages")).expect("mkdir");
    let error = check_immutable(dir.path(), "HEAD~1", "HEAD").expect_err("not a repository");
    assert!(matches!(error, Error::NotARepository { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.starts_with(&format!("{}: not a git repository", dir.path().display())));
    assert!(message.contains("give the directory of a clone of opam-repository"));

    let missing = dir.path().join("no-such-dir");
    let error = check_immutable(&missing, "HEAD~1", "HEAD").expect_err("missing");
    assert!(matches!(error, Error::NotARepository { .. }), "{error:?}");
}

#[test]
fn unknown_revisions() {
    let (repo, _) = history_of_three();
    for (base, head, unknown) in [
        ("no-such-branch", "HEAD", "no-such-branch"),
        (
            "HEAD~1",
            "0123456789abcdef0123456789abcdef01234567",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        ("HEAD~5", "HEAD", "HEAD~5"),
    ] {
        let error = check_immutable(repo.path(), base, head).expect_err(unknown);
        match &error {
            Error::UnknownRevision { revision, .. } => assert_eq!(revision, unknown),
            other => panic!("{unknown}: {other:?}"),
        }
        let message = error.to_string();
        assert!(
            message.contains(&format!("unknown revision {unknown:?}")),
            "{message}"
        );
        assert!(
            message.contains("give a branch, a tag, a commit hash"),
            "{message}"
        );
    }
}

#[test]
fn a_revision_that_is_not_a_commit() {
    let (repo, _) = history_of_three();
    let error = check_immutable(repo.path(), "HEAD:packages", "HEAD").expect_err("a tree");
    assert!(matches!(error, Error::UnknownRevision { .. }), "{error:?}");
    assert!(error.to_string().contains("not a commit"), "{error}");
}

#[test]
fn a_shallow_clone_without_base() {
    let (repo, commits) = history_of_three();
    let clones = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", repo.path().display());
    git_in(
        clones.path(),
        &["clone", "--quiet", "--depth", "1", &url, "shallow"],
        0,
    );
    let shallow = clones.path().join("shallow");
    for base in [commits[0].as_str(), "HEAD~1"] {
        let error = check_immutable(&shallow, base, "HEAD").expect_err(base);
        assert!(
            matches!(error, Error::ShallowHistory { .. }),
            "{base}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("shallow clone"), "{message}");
        assert!(message.contains("git fetch --unshallow"), "{message}");
    }
    // With the history fetched, the same check runs.
    git_in(&shallow, &["fetch", "--quiet", "--unshallow"], 0);
    let report = check_immutable(&shallow, &commits[0], "HEAD").expect("runs");
    assert_eq!(report.counts.changed, 1);
}

#[test]
fn a_revision_without_packages() {
    let mut repo = GitRepo::new();
    repo.write("README.md", "not an opam repository\n");
    repo.commit("no packages");
    repo.write(EXPAT, data("ocaml-expat.1.3.0.opam"));
    repo.commit("packages");
    let error = check_immutable(repo.path(), "HEAD~1", "HEAD").expect_err("no packages/");
    match &error {
        Error::NoPackages { revision, .. } => assert_eq!(revision, "HEAD~1"),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("has no packages/ directory"));
}

/// A blob missing from the object database (a corrupt or partial clone) is an
/// error naming the file, not a version silently skipped.
#[test]
fn a_missing_object() {
    let (repo, _) = history_of_three();
    let blob = repo.git(&["rev-parse", &format!("HEAD:{EXPAT}")]);
    let blob = blob.trim();
    let (dir, file) = blob.split_at(2);
    std::fs::remove_file(repo.path().join(".git/objects").join(dir).join(file))
        .expect("the loose object exists");
    let error = check_immutable(repo.path(), "HEAD~1", "HEAD").expect_err("missing blob");
    match &error {
        Error::Git { what, .. } => {
            assert!(what.contains(blob), "{what}");
            assert!(what.contains(EXPAT), "{what}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("corrupt or partial"), "{error}");
}

/// A crafted repository with directories nested thousands deep is refused, not a
/// stack overflow.
#[test]
fn directories_nested_too_deeply() {
    let mut repo = GitRepo::new();
    repo.write(EXPAT, data("ocaml-expat.1.3.0.opam"));
    repo.commit("base");
    let deep = format!("packages/{}x", "d/".repeat(40));
    repo.write(&deep, "x\n");
    repo.commit("deep");
    let error = check_immutable(repo.path(), "HEAD~1", "HEAD").expect_err("too deep");
    assert!(matches!(error, Error::TooDeep { .. }), "{error:?}");
    assert!(error.to_string().contains("nested too deeply"), "{error}");
}
