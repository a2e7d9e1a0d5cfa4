//! `--repo` arguments and the released versions that lint, the OSV export and
//! `osec opam versions` ask of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use opam_model::{PackageName, ReleasedVersions, RepositorySpec, RepositoryStack};

use crate::repository::{git_repository_of, mini_repo, tarball_of};

fn name(text: &str) -> PackageName {
    PackageName::parse(text).unwrap()
}

fn names(texts: &[&str]) -> BTreeSet<PackageName> {
    texts.iter().map(|text| name(text)).collect()
}

fn spec(text: &Path) -> RepositorySpec {
    let Ok(spec) = text.to_str().unwrap().parse();
    spec
}

fn listed(released: &ReleasedVersions, package: &str) -> Option<Vec<String>> {
    released
        .versions(&name(package))
        .map(|versions| versions.iter().map(ToString::to_string).collect())
}

/// Writes an opam file at each of `files` (relative to `dir`) and returns `dir`.
fn repository(dir: &Path, files: &[&str]) -> PathBuf {
    for file in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "opam-version: \"2.0\"\n").unwrap();
    }
    dir.to_path_buf()
}

/// `1.0` in the first repository and `1.00` in the second are one version for opam:
/// listed once, as the first repository writes it, whichever way the repositories
/// are read (looked up, indexed from a directory or a tarball, or layered).
#[test]
fn versions_opam_considers_equal_are_listed_once_across_repositories() {
    let dir = tempfile::tempdir().unwrap();
    let first = repository(
        &dir.path().join("first"),
        &["packages/pkg/pkg.1.0/opam", "packages/pkg/pkg.3/opam"],
    );
    let second = repository(
        &dir.path().join("second"),
        &["packages/pkg/pkg.1.00/opam", "packages/pkg/pkg.2/opam"],
    );
    let expected = Some(vec!["1.0".to_owned(), "2".to_owned(), "3".to_owned()]);
    let wanted = names(&["pkg"]);

    let looked_up =
        ReleasedVersions::for_packages(&[spec(&first), spec(&second)], &wanted).unwrap();
    assert_eq!(listed(&looked_up, "pkg"), expected);

    let second_tarball = tarball_of(&second);
    let with_tarball =
        ReleasedVersions::for_packages(&[spec(&first), spec(second_tarball.path())], &wanted)
            .unwrap();
    assert_eq!(listed(&with_tarball, "pkg"), expected);

    let stack = RepositoryStack::open(&[spec(&first), spec(&second)]).unwrap();
    assert_eq!(listed(&ReleasedVersions::of_stack(&stack), "pkg"), expected);
    let layered: Vec<String> = stack
        .versions(&name("pkg"))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(Some(layered), expected);

    // The other way round, the second repository's texts win.
    let reversed = ReleasedVersions::for_packages(&[spec(&second), spec(&first)], &wanted).unwrap();
    assert_eq!(
        listed(&reversed, "pkg"),
        Some(vec!["1.00".to_owned(), "2".to_owned(), "3".to_owned()])
    );
}

#[test]
fn looks_packages_up_in_the_standard_layout_of_several_repositories() {
    let dir = tempfile::tempdir().unwrap();
    let main = repository(
        &dir.path().join("main"),
        &["packages/a/a.1.0/opam", "packages/a/a.2.0/opam"],
    );
    let archive = repository(
        &dir.path().join("archive"),
        &["packages/a/a.0.9/opam", "packages/a/a.0.8/README"],
    );
    let released =
        ReleasedVersions::for_packages(&[spec(&main), spec(&archive)], &names(&["a"])).unwrap();
    assert_eq!(
        listed(&released, "a"),
        Some(vec!["0.9".to_owned(), "1.0".to_owned(), "2.0".to_owned()])
    );
}

#[test]
fn indexes_directories_whole_for_packages_found_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let main = repository(
        &dir.path().join("main"),
        &["packages/group/b.3.0/opam", "packages/a/a.1.0/opam"],
    );
    let released =
        ReleasedVersions::for_packages(&[spec(&main)], &names(&["a", "b", "zzz"])).unwrap();
    assert_eq!(listed(&released, "b"), Some(vec!["3.0".to_owned()]));
    assert_eq!(listed(&released, "a"), Some(vec!["1.0".to_owned()]));
    assert_eq!(listed(&released, "zzz"), None);
}

#[test]
fn a_directory_without_packages_or_a_missing_path_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let error = ReleasedVersions::for_packages(&[spec(dir.path())], &names(&["a"])).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: ", dir.path().join("packages").display())),
        "{error}"
    );
    let missing = dir.path().join("missing");
    let error = ReleasedVersions::for_packages(&[spec(&missing)], &names(&["a"])).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: ", missing.display())),
        "{error}"
    );
}

/// `DIR@REV` on the command line reads a git revision, for every reader.
#[test]
fn a_git_revision_is_a_repository_spec() {
    let Some(git) = git_repository_of(&mini_repo()) else {
        test_references::skip(
            "a_git_revision_is_a_repository_spec",
            "no git command to build the fixture",
        );
        return;
    };
    let at = |revision: &str| -> RepositorySpec {
        let Ok(spec) = format!("{}@{revision}", git.path().display()).parse();
        spec
    };
    assert_eq!(
        at("HEAD~1"),
        RepositorySpec::Git {
            path: git.path().to_owned(),
            revision: "HEAD~1".to_owned()
        }
    );
    // The first commit had only foo.1.0; the second has all of the mini repository.
    let first = ReleasedVersions::for_packages(&[at("HEAD~1")], &names(&["foo"])).unwrap();
    assert_eq!(listed(&first, "foo"), Some(vec!["1.0".to_owned()]));
    let head = RepositoryStack::open(&[at("HEAD")]).unwrap();
    assert_eq!(
        listed(&ReleasedVersions::of_stack(&head), "foo"),
        Some(vec![
            "1.0".to_owned(),
            "2.0~rc1".to_owned(),
            "10".to_owned()
        ])
    );
    let error = RepositoryStack::open(&[at("no-such-branch")]).unwrap_err();
    assert!(error.to_string().contains("no-such-branch"), "{error}");
}
