//! `--repo` arguments: which repository to open, and how.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::Repository;
use crate::error::Error;

/// A repository as given on the command line (`--repo`): a directory, a `.tar.gz` of
/// one, or a revision of a git repository written `DIR@REV` (`HEAD`, a branch, a tag,
/// a commit; read without a checkout).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RepositorySpec {
    /// A directory, or a gzip-compressed tar file of one (which of the two is decided
    /// when it is opened).
    Path(PathBuf),
    /// A revision of the git repository (bare or not) at `path`.
    Git {
        /// The git repository.
        path: PathBuf,
        /// The revision, as `git rev-parse` takes it.
        revision: String,
    },
}

impl FromStr for RepositorySpec {
    type Err = std::convert::Infallible;

    /// `DIR@REV` is a git revision, anything else a path. A path that exists is taken
    /// as it is, so that a directory whose name holds an `@` can still be given; the
    /// text is split at its last `@` otherwise.
    fn from_str(text: &str) -> Result<RepositorySpec, Self::Err> {
        if !Path::new(text).exists()
            && let Some((path, revision)) = text.rsplit_once('@')
            && !path.is_empty()
            && !revision.is_empty()
        {
            return Ok(RepositorySpec::Git {
                path: PathBuf::from(path),
                revision: revision.to_owned(),
            });
        }
        Ok(RepositorySpec::Path(PathBuf::from(text)))
    }
}

impl fmt::Display for RepositorySpec {
    /// As it is written on the command line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepositorySpec::Path(path) => write!(f, "{}", path.display()),
            RepositorySpec::Git { path, revision } => write!(f, "{}@{revision}", path.display()),
        }
    }
}

impl RepositorySpec {
    /// Opens and indexes the repository: [`Repository::open`] for a path,
    /// [`Repository::from_git`] for a revision.
    pub fn open(&self) -> Result<Repository, Error> {
        match self {
            RepositorySpec::Path(path) => Repository::open(path),
            RepositorySpec::Git { path, revision } => Repository::from_git(path, revision),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> RepositorySpec {
        let Ok(spec) = text.parse();
        spec
    }

    #[test]
    fn a_revision_follows_the_last_at_sign_unless_the_path_exists() {
        assert_eq!(
            spec("repo@HEAD~2"),
            RepositorySpec::Git {
                path: "repo".into(),
                revision: "HEAD~2".into()
            }
        );
        assert_eq!(
            spec("/a@b/repo@origin/main"),
            RepositorySpec::Git {
                path: "/a@b/repo".into(),
                revision: "origin/main".into()
            }
        );
        for text in ["repo", "repo.tar.gz", "repo@", "@HEAD"] {
            assert_eq!(spec(text), RepositorySpec::Path(text.into()), "{text}");
        }
        let dir = tempfile::tempdir().unwrap();
        let with_at = dir.path().join("opam@work");
        std::fs::create_dir(&with_at).unwrap();
        let text = with_at.to_str().unwrap();
        assert_eq!(spec(text), RepositorySpec::Path(with_at.clone()));
        for text in ["repo@HEAD~2", "/a@b/repo@origin/main", "repo", text] {
            assert_eq!(spec(text).to_string(), text);
        }
    }
}
