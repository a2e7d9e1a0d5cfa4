use std::path::{Path, PathBuf};
use std::process::Command;

use repo_policy::{Format, Report};

/// A git repository in a temporary directory, with commits made by the `git`
/// command under a fixed identity and date, so that commit ids (and the short ids
/// in the snapshots) are the same on every run.
pub(crate) struct GitRepo {
    dir: tempfile::TempDir,
    commits: u32,
}

impl GitRepo {
    pub(crate) fn new() -> GitRepo {
        let repo = GitRepo {
            dir: tempfile::tempdir().expect("temporary directory"),
            commits: 0,
        };
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git in the repository with a clean environment; panics on failure.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, self.commits)
    }

    /// Writes `bytes` to `relative`, creating directories.
    pub(crate) fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
    }

    /// Removes a file or a directory.
    pub(crate) fn remove(&self, relative: &str) {
        let path = self.path().join(relative);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("rm -r");
        } else {
            std::fs::remove_file(path).expect("rm");
        }
    }

    /// Commits everything; returns the commit's id.
    pub(crate) fn commit(&mut self, message: &str) -> String {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.commits += 1;
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// `check_immutable` between the last two commits (`HEAD~1` and `HEAD`).
    pub(crate) fn check_last_commit(&self) -> Report {
        repo_policy::check_immutable(self.path(), "HEAD~1", "HEAD").expect("the check runs")
    }
}

/// Runs git in `dir` without the user's or the system's configuration; `tick`
/// moves the commit date on, one minute per commit.
pub(crate) fn git_in(dir: &Path, args: &[&str], tick: u32) -> String {
    let date = format!("2026-01-01T12:{:02}:00Z", tick % 60);
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.org")
        .env("GIT_COMMITTER_NAME", "Fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.org")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// A file of tests/data/opam.
pub(crate) fn data(name: &str) -> String {
    let path = data_dir().join("opam").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// `text` with `from` replaced by `to`, which must occur.
pub(crate) fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the file");
    text.replacen(from, to, 1)
}

/// The report's JSON, parsed.
pub(crate) fn json(report: &Report) -> serde_json::Value {
    serde_json::from_str(&report.render(Format::Json)).expect("valid JSON")
}

/// `(code, package, subject)` of every finding, in the report's order.
pub(crate) fn codes(report: &Report) -> Vec<(String, String, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.code().to_owned(),
                f.package.clone(),
                f.subject.clone(),
            )
        })
        .collect()
}
