use std::path::{Path, PathBuf};

use opam_model::{
    ChecksumError, ChecksumKind, DefinitionError, DependencyFlags, Error, GlobalEnvironment,
    Package, PackageName, Repository, RepositoryStack, VersionFormula,
};

pub(crate) fn mini_repo() -> PathBuf {
    crate::test_data().join("mini-repo")
}

fn name(text: &str) -> PackageName {
    PackageName::parse(text).unwrap()
}

fn versions(repository: &Repository, package: &str) -> Vec<String> {
    repository
        .versions(&name(package))
        .map(ToString::to_string)
        .collect()
}

fn problem_lines(repository: &Repository) -> Vec<String> {
    repository
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Everything a test can check about the mini repository, whatever it was read from.
fn check_mini_repo(repository: &Repository) {
    let names: Vec<&str> = repository.names().map(PackageName::as_str).collect();
    assert_eq!(names, ["Baz", "bar", "foo", "qux"]);
    assert_eq!(versions(repository, "foo"), ["1.0", "2.0~rc1", "10"]);
    assert_eq!(versions(repository, "qux"), ["3"]);
    assert_eq!(repository.len(), 7);
    assert_eq!(
        problem_lines(repository),
        [
            "packages/baz/baz/opam: invalid package \"baz\" at column 4: expected `name.version`, with a `.` between name and version",
            "packages/foo/foo.1.00/opam: the same version as packages/foo/foo.1.0/opam (opam compares them equal), which is used instead",
        ]
    );

    let foo_1_0 = Package::parse("foo.1.0").unwrap();
    let definition = repository.definition(&foo_1_0).unwrap().unwrap();
    let url = definition.url.as_ref().unwrap();
    assert_eq!(url.src, "https://example.org/foo-1.0.tar.gz");
    assert_eq!(url.checksums.len(), 2);
    assert_eq!(url.checksums[1].kind, ChecksumKind::Sha256);
    assert!(url.checksums[1].hex.ends_with("abcdef"), "lowercased");
    assert_eq!(url.mirrors, ["https://mirror.example.org/foo-1.0.tar.gz"]);
    assert_eq!(definition.extra_sources.len(), 1);
    assert_eq!(definition.extra_sources[0].name, "fix.patch");

    let depends = definition.depends().unwrap();
    let env = GlobalEnvironment::default();
    let runtime = depends.filter_deps(
        &DependencyFlags {
            build: false,
            ..DependencyFlags::default()
        },
        &env,
        false,
    );
    let names: Vec<&str> = runtime.atoms().iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["ocaml"]);
    assert!(
        !definition
            .available()
            .unwrap()
            .eval_to_bool(&GlobalEnvironment::from_bindings("os=win32"), true)
    );

    let broken = Package::parse("bar.0.1").unwrap();
    let error = repository.definition(&broken).unwrap().unwrap_err();
    // The error is typed: the file, the span of the problem and its line and column.
    let Error::OpamFile {
        path,
        span,
        line,
        column,
        problem: DefinitionError::Syntax(_),
    } = error
    else {
        panic!("not a syntax error of the opam file: {error:?}");
    };
    assert_eq!(path, Path::new("packages/bar/bar.0.1/opam"));
    assert_eq!((*line, *column), (3, 1), "{error}");
    assert!(span.start > 0, "{span:?}");
    let broken_files: Vec<String> = repository
        .broken_files()
        .iter()
        .map(|(path, error)| format!("{} | {error}", path.display()))
        .collect();
    assert_eq!(broken_files.len(), 2, "{broken_files:#?}");
    assert!(
        broken_files[0]
            .starts_with("packages/bar/bar.0.1/opam | packages/bar/bar.0.1/opam: line 3"),
        "{broken_files:#?}"
    );
    assert!(
        broken_files[1].contains("unknown checksum algorithm \"sha1\""),
        "{broken_files:#?}"
    );
    let checksum = repository.broken_files()[1].1;
    assert!(
        matches!(
            checksum,
            Error::OpamFile {
                problem: DefinitionError::Checksum(ChecksumError::UnknownAlgorithm { algorithm, .. }),
                ..
            } if algorithm == "sha1"
        ),
        "{checksum:?}"
    );
}

#[test]
fn indexes_a_directory_and_reports_broken_files() {
    let repository = Repository::from_directory(&mini_repo()).unwrap();
    check_mini_repo(&repository);
}

#[test]
fn indexes_a_tarball_like_the_directory() {
    let tarball = tarball_of(&mini_repo());
    let repository = Repository::open(tarball.path()).unwrap();
    check_mini_repo(&repository);
}

#[test]
fn reads_a_git_revision_without_checkout() {
    let Some(git) = git_repository_of(&mini_repo()) else {
        test_references::skip(
            "reads_a_git_revision_without_checkout",
            "no git command to build the fixture",
        );
        return;
    };
    let repository = Repository::from_git(git.path(), "HEAD").unwrap();
    check_mini_repo(&repository);
    // The first commit had only foo.1.0.
    let first = Repository::from_git(git.path(), "HEAD~1").unwrap();
    assert_eq!(versions(&first, "foo"), ["1.0"]);
    assert_eq!(first.len(), 1);
    let error = Repository::from_git(git.path(), "no-such-branch").unwrap_err();
    assert!(error.to_string().contains("no-such-branch"), "{error}");
}

#[test]
fn layers_repositories_first_one_wins() {
    let mini = Repository::from_directory(&mini_repo()).unwrap();
    let overlay = tempfile::tempdir().unwrap();
    let dir = overlay.path().join("packages/foo/foo.1.0");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("opam"),
        "opam-version: \"2.0\"\nurl { src: \"https://overlay/foo.tgz\" }\n",
    )
    .unwrap();
    let dir = overlay.path().join("packages/foo/foo.0.9");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("opam"), "opam-version: \"2.0\"\n").unwrap();
    let stack = RepositoryStack::new(vec![
        Repository::from_directory(overlay.path()).unwrap(),
        mini,
    ]);
    let all: Vec<String> = stack
        .versions(&name("foo"))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(all, ["0.9", "1.0", "2.0~rc1", "10"]);
    let foo_1_00 = Package::parse("foo.1.00").unwrap();
    let url = stack
        .definition(&foo_1_00)
        .unwrap()
        .unwrap()
        .url
        .clone()
        .unwrap();
    assert_eq!(url.src, "https://overlay/foo.tgz");
    let constraint = VersionFormula::parse_text(r#">= "1.0" & < "10""#).unwrap();
    let matching: Vec<String> = stack
        .matching_versions(&name("foo"), &constraint)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(matching, ["1.0", "2.0~rc1"]);
    assert_eq!(stack.problems().count(), 2);
}

#[test]
fn opening_a_missing_path_names_it() {
    let error = Repository::open(Path::new("/nonexistent/repo")).unwrap_err();
    assert!(
        error.to_string().starts_with("/nonexistent/repo: "),
        "{error}"
    );
}

#[test]
fn indexes_both_real_repositories_in_opam_order() {
    let Some(data) = crate::shared_data("indexes_both_real_repositories_in_opam_order") else {
        return;
    };
    let expected = crate::version_order::opam_version_order();
    let mut problems = Vec::new();
    for (repository_name, packages) in expected {
        let repository = Repository::open(&data.join(format!("{repository_name}.tar.gz"))).unwrap();
        let indexed: Vec<(String, Vec<String>)> = repository
            .names()
            .map(|n| {
                (
                    n.to_string(),
                    repository.versions(n).map(ToString::to_string).collect(),
                )
            })
            .collect();
        assert_eq!(indexed.len(), packages.len(), "{repository_name}");
        for (ours, opams) in indexed.iter().zip(&packages) {
            assert_eq!(ours, opams, "{repository_name}");
        }
        problems.extend(problem_lines(&repository));
    }
    // The only problem is the one pair of equal versions, which opam lists once.
    assert_eq!(
        problems,
        [
            "packages/ocaml-variants/ocaml-variants.5.5.0+introcaml0/opam: the same version as packages/ocaml-variants/ocaml-variants.5.5.0+introcaml/opam (opam compares them equal), which is used instead"
        ]
    );
}

/// A `.tar.gz` of `dir`, its paths under one top directory as GitHub archives are.
pub(crate) fn tarball_of(dir: &Path) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new()
        .suffix(".tar.gz")
        .tempfile()
        .unwrap();
    let encoder =
        flate2::write::GzEncoder::new(file.reopen().unwrap(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    builder.append_dir_all("mini-repo", dir).unwrap();
    builder.into_inner().unwrap().finish().unwrap();
    file
}

/// A git repository with two commits: foo.1.0 alone, then all of `dir`.
pub(crate) fn git_repository_of(dir: &Path) -> Option<tempfile::TempDir> {
    let work = tempfile::tempdir().unwrap();
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
            .current_dir(work.path())
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    git(&["init", "-q"])?;
    let copy = |relative: &str| {
        let target = work.path().join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(dir.join(relative), target).unwrap();
    };
    copy("packages/foo/foo.1.0/opam");
    git(&["add", "-A"])?;
    git(&["commit", "-q", "-m", "first"])?;
    for entry in walk(dir) {
        copy(entry.strip_prefix(dir).unwrap().to_str().unwrap());
    }
    git(&["add", "-A"])?;
    git(&["commit", "-q", "-m", "second"])?;
    Some(work)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// An opam file over the size limit in a tarball is reported, not read into memory,
/// and the rest of the repository is indexed.
#[test]
fn a_tarball_entry_over_the_size_limit_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("packages/ok/ok.1");
    std::fs::create_dir_all(&ok).unwrap();
    std::fs::write(ok.join("opam"), "opam-version: \"2.0\"\n").unwrap();
    let big = dir.path().join("packages/big/big.1");
    std::fs::create_dir_all(&big).unwrap();
    let size = opam_model::MAX_FILE_SIZE + 1;
    std::fs::File::create(big.join("opam"))
        .unwrap()
        .set_len(size)
        .unwrap();
    let tarball = tarball_of(dir.path());
    let repository = Repository::open(tarball.path()).unwrap();
    assert_eq!(
        repository
            .names()
            .map(PackageName::as_str)
            .collect::<Vec<_>>(),
        ["ok"]
    );
    assert_eq!(
        problem_lines(&repository),
        [format!(
            "cannot read packages/big/big.1/opam: it is larger than {} bytes, the limit for an opam file",
            opam_model::MAX_FILE_SIZE
        )]
    );
}
