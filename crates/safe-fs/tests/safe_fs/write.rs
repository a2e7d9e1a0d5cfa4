use std::path::Path;

use safe_fs::{ErrorKind, FileChange, OutputRoot, TEMP_PREFIX, rewrite, write_file};

use crate::{mkfifo, mode, set_mode, umask_mode, within_10_seconds};

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn creates_updates_and_leaves_equal_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = OutputRoot::open(&dir.path().join("out")).unwrap();
    let file = Path::new("2026/OSEC-2026-01.json");
    assert_eq!(out.write(file, b"one").unwrap(), FileChange::Created);
    let path = dir.path().join("out/2026/OSEC-2026-01.json");
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(out.write(file, b"one").unwrap(), FileChange::Unchanged);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(out.write(file, b"two").unwrap(), FileChange::Updated);
    assert_eq!(std::fs::read(&path).unwrap(), b"two");
    assert_eq!(
        out.write(file, b"twp").unwrap(),
        FileChange::Updated,
        "same size"
    );
    assert_eq!(names(&dir.path().join("out/2026")), ["OSEC-2026-01.json"]);
}

#[test]
fn a_new_file_gets_the_umask_mode_not_0600() {
    let dir = tempfile::tempdir().unwrap();
    let expected = umask_mode(dir.path());
    let out = OutputRoot::open(dir.path()).unwrap();
    out.write("2026/OSEC-2026-01.json".as_ref(), b"{}").unwrap();
    assert_eq!(mode(&dir.path().join("2026/OSEC-2026-01.json")), expected);
    write_file(&dir.path().join("cache.bin"), b"x").unwrap();
    assert_eq!(mode(&dir.path().join("cache.bin")), expected);
}

#[test]
fn a_replaced_file_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    for original in [0o644, 0o640, 0o600, 0o664] {
        let path = dir.path().join(format!("f{original:o}"));
        std::fs::write(&path, "old").unwrap();
        set_mode(&path, original);
        assert_eq!(write_file(&path, b"new").unwrap(), FileChange::Updated);
        assert_eq!(mode(&path), original, "{}", path.display());
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}

#[test]
fn a_read_only_file_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("OSEC-2026-01.md");
    std::fs::write(&path, "old").unwrap();
    set_mode(&path, 0o444);
    let err = rewrite(&path, b"new").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ReadOnly { mode: 0o444 }),
        "{err}"
    );
    assert!(err.to_string().contains("read-only (mode 0444)"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(mode(&path), 0o444);
    assert_eq!(
        names(dir.path()),
        ["OSEC-2026-01.md"],
        "no temporary file left"
    );
    assert_eq!(
        rewrite(&path, b"old").unwrap(),
        FileChange::Unchanged,
        "equal bytes need no write"
    );
}

#[test]
fn a_symlinked_directory_under_the_root_is_refused_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("OSEC-2026-01.json"), "theirs").unwrap();
    let root = dir.path().join("out");
    std::fs::create_dir(&root).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("2026")).unwrap();
    let out = OutputRoot::open(&root).unwrap();
    for file in ["2026/OSEC-2026-01.json", "2026/OSEC-2026-02.json"] {
        let err = out.write(file.as_ref(), b"ours").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Symlink { .. }), "{err}");
        let message = err.to_string();
        assert!(
            message.contains(&format!(
                "{} is a symbolic link",
                root.join("2026").display()
            )),
            "{message}"
        );
    }
    assert_eq!(
        std::fs::read(outside.join("OSEC-2026-01.json")).unwrap(),
        b"theirs"
    );
    assert_eq!(names(&outside), ["OSEC-2026-01.json"]);
}

#[test]
fn a_symlinked_file_under_the_root_is_refused_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.json");
    std::fs::write(&outside, "theirs").unwrap();
    let root = dir.path().join("out");
    std::fs::create_dir_all(root.join("2026")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("2026/OSEC-2026-01.json")).unwrap();
    let out = OutputRoot::open(&root).unwrap();
    let err = out
        .write("2026/OSEC-2026-01.json".as_ref(), b"ours")
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Symlink { .. }), "{err}");
    assert_eq!(std::fs::read(&outside).unwrap(), b"theirs");
    assert!(
        std::fs::symlink_metadata(root.join("2026/OSEC-2026-01.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn the_root_itself_may_be_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("out");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    OutputRoot::open(&link)
        .unwrap()
        .write("2026/x.json".as_ref(), b"x")
        .unwrap();
    assert_eq!(std::fs::read(real.join("2026/x.json")).unwrap(), b"x");
}

#[test]
fn paths_leaving_the_root_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = OutputRoot::open(&dir.path().join("out")).unwrap();
    for path in [
        "../x.json",
        "2026/../../x.json",
        "/tmp/x.json",
        "",
        "./x.json",
    ] {
        let err = out.write(path.as_ref(), b"x").unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::OutsideRoot),
            "{path}: {err}"
        );
    }
    assert_eq!(names(dir.path()), ["out"]);
}

#[test]
fn a_fifo_in_place_of_the_file_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("all.zip"));
    let root = dir.path().to_path_buf();
    let err = within_10_seconds(move || {
        OutputRoot::open(&root)
            .unwrap()
            .write("all.zip".as_ref(), b"x")
            .unwrap_err()
    });
    assert!(matches!(err.kind(), ErrorKind::NotRegular(_)), "{err}");
}

#[test]
fn leftovers_of_an_interrupted_run_are_removed_by_the_next_write_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("2026")).unwrap();
    let leftover = format!("{TEMP_PREFIX}4242-0-1a2b");
    std::fs::write(dir.path().join("2026").join(&leftover), "half a rec").unwrap();
    std::fs::write(dir.path().join(&leftover), "half a zip").unwrap();
    let out = OutputRoot::open(dir.path()).unwrap();
    out.write("2026/OSEC-2026-01.json".as_ref(), b"{}").unwrap();
    assert_eq!(names(&dir.path().join("2026")), ["OSEC-2026-01.json"]);
    assert!(
        dir.path().join(&leftover).exists(),
        "only the directories written to are cleaned"
    );
    out.write("all.zip".as_ref(), b"zip").unwrap();
    assert_eq!(names(dir.path()), ["2026", "all.zip"]);
}

#[test]
fn a_temporary_file_of_a_write_still_running_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let busy = dir.path().join(format!("{TEMP_PREFIX}4242-0-1a2b"));
    std::fs::write(&busy, "being written").unwrap();
    // Another writer holds its lock, as a running write does.
    let held = std::fs::File::open(&busy).unwrap();
    rustix::fs::flock(&held, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let out = OutputRoot::open(dir.path()).unwrap();
    out.write("all.zip".as_ref(), b"zip").unwrap();
    assert!(busy.exists());
    drop(held);
    out.write("other.csv".as_ref(), b"csv").unwrap();
    assert!(busy.exists(), "a directory is cleaned once per output root");
    write_file(&dir.path().join("all.zip"), b"zip2").unwrap();
    assert!(
        !busy.exists(),
        "the next run cleans it once nobody holds it"
    );
}

#[test]
fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prepared.bin");
    std::fs::write(&path, "old").unwrap();
    let err = safe_fs::write_file_with(&path, |out| {
        out.write_all(b"half")?;
        Err(std::io::Error::other("interrupted"))
    })
    .unwrap_err();
    assert!(
        err.to_string().contains("prepared.bin") && err.to_string().contains("interrupted"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(names(dir.path()), ["prepared.bin"]);
}

#[test]
fn a_failed_write_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("2026"),
        "a file where a directory should be",
    )
    .unwrap();
    let err = write_file(&dir.path().join("2026/OSEC-2026-01.json"), b"x").unwrap_err();
    assert!(err.to_string().contains("OSEC-2026-01.json"), "{err}");
}

#[test]
fn rewriting_a_link_edits_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("shared/OSEC-2026-01.md");
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(&target, "old").unwrap();
    set_mode(&target, 0o640);
    std::fs::create_dir(dir.path().join("2026")).unwrap();
    let link = dir.path().join("2026/OSEC-2026-01.md");
    std::os::unix::fs::symlink("../shared/OSEC-2026-01.md", &link).unwrap();
    assert_eq!(rewrite(&link, b"new").unwrap(), FileChange::Updated);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"new");
    assert_eq!(mode(&target), 0o640);
}
