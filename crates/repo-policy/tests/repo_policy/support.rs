use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The real advisories (copies in the advisory crate's test data, see its SOURCE.md).
pub(crate) fn real_advisories() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../advisory/tests/data/real")
}

/// One real advisory file, such as `2026/OSEC-2026-16.md`.
pub(crate) fn real_advisory(relative: &str) -> String {
    let path = real_advisories().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A copy of tests/data/annotate (a small repository of real opam files) in a
/// temporary directory.
pub(crate) fn annotate_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    copy_tree(&crate::fixture::data_dir().join("annotate"), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("read_dir")
        .map(|e| e.expect("entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `root` with its bytes, by path relative to `root`.
pub(crate) fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if entry.file_type().expect("type").is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under root").to_owned();
                out.insert(relative, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The shared reference data with `opam-repository.tar.gz`; otherwise the test is
/// skipped, a failure under CI (see crate `test-references`).
pub(crate) fn reference_data(test: &str) -> Option<PathBuf> {
    test_references::require_data(test, "opam-repository.tar.gz")
}

/// `opam-repository.tar.gz` of the reference data, extracted into a temporary
/// directory (with the `tar` command); returns the directory and the repository in it.
pub(crate) fn extract_snapshot(data: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let status = Command::new("tar")
        .arg("xzf")
        .arg(data.join("opam-repository.tar.gz"))
        .current_dir(dir.path())
        .status()
        .expect("tar runs");
    assert!(status.success(), "tar failed");
    let root = dir.path().join("opam-repository");
    assert!(
        root.join("packages").is_dir(),
        "no packages/ in the tarball"
    );
    (dir, root)
}

/// Parses `files` with the reference parser; panics when it rejects one. Skipped
/// (said on stderr) when the oracle is not installed.
pub(crate) fn oracle_accepts(files: &[PathBuf]) {
    let Some(batch) = test_references::require_oracle("oracle_accepts", "batch") else {
        return;
    };
    let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let mut child = Command::new(batch)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the oracle runs");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(list.as_bytes()).expect("file list written");
    }
    let output = child.wait_with_output().expect("the oracle ends");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.trim_end(),
        format!("parsed {}, failed 0", files.len()),
        "the reference parser rejects some files"
    );
}

/// A unified diff of two versions of a file, for snapshots.
pub(crate) fn diff(path: &Path, before: &[u8], after: &[u8]) -> String {
    let before = String::from_utf8_lossy(before);
    let after = String::from_utf8_lossy(after);
    let name = path.display().to_string();
    similar::TextDiff::from_lines(before.as_ref(), after.as_ref())
        .unified_diff()
        .context_radius(1)
        .header(&name, &name)
        .missing_newline_hint(true)
        .to_string()
}

/// `before` with the line `field` added at its end, as `repo annotate` adds it: on
/// a line of its own, after a newline when the file does not end with one (it then
/// still does not).
pub(crate) fn with_field_added(before: &[u8], field: &str) -> Vec<u8> {
    let mut after = before.to_vec();
    if before.is_empty() || before.ends_with(b"\n") {
        after.extend_from_slice(field.as_bytes());
        after.push(b'\n');
    } else {
        after.push(b'\n');
        after.extend_from_slice(field.as_bytes());
    }
    after
}
