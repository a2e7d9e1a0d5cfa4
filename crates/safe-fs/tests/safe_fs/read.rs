use safe_fs::{DEFAULT_READ_LIMIT, ErrorKind, FileKind, read_bounded, read_bounded_to_string};

use crate::{mkfifo, within_10_seconds};

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("OSEC-2026-01.md");
    mkfifo(&fifo);
    let err = within_10_seconds(move || read_bounded(&fifo, DEFAULT_READ_LIMIT).unwrap_err());
    assert!(
        matches!(err.kind(), ErrorKind::NotRegular(FileKind::Fifo)),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("OSEC-2026-01.md")
            && message.contains("FIFO (named pipe), not a regular file"),
        "{message}"
    );
}

#[test]
fn a_link_to_a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let link = dir.path().join("OSEC-2026-01.md");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let err = within_10_seconds(move || read_bounded(&link, DEFAULT_READ_LIMIT).unwrap_err());
    assert!(
        matches!(err.kind(), ErrorKind::NotRegular(FileKind::Fifo)),
        "{err}"
    );
}

#[test]
fn dev_zero_is_refused_as_a_device() {
    let err =
        within_10_seconds(|| read_bounded("/dev/zero".as_ref(), DEFAULT_READ_LIMIT).unwrap_err());
    assert!(
        matches!(err.kind(), ErrorKind::NotRegular(FileKind::CharacterDevice)),
        "{err}"
    );
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_bounded(dir.path(), DEFAULT_READ_LIMIT).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NotRegular(FileKind::Directory)),
        "{err}"
    );
}

#[test]
fn a_sparse_2_gb_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("OSEC-2026-01.md");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let err = read_bounded(&path, DEFAULT_READ_LIMIT).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::TooLarge {
                limit: DEFAULT_READ_LIMIT
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("larger than 16777216 bytes"),
        "{err}"
    );
}

#[test]
fn a_file_that_holds_more_than_its_size_says_is_cut_at_the_limit() {
    // /proc files report a size of 0 and hold more.
    let path = std::path::Path::new("/proc/self/maps");
    if !path.exists() {
        return;
    }
    assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
    let err = read_bounded(path, 16).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TooLarge { limit: 16 }),
        "{err}"
    );
    assert!(!read_bounded(path, DEFAULT_READ_LIMIT).unwrap().is_empty());
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let err = read_bounded("/nonexistent/osec/OSEC-2026-01.md".as_ref(), 10).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io(e) if e.kind() == std::io::ErrorKind::NotFound));
    assert!(
        err.to_string()
            .starts_with("cannot read /nonexistent/osec/OSEC-2026-01.md: "),
        "{err}"
    );
}

#[test]
fn text_that_is_not_utf8_gives_the_position_of_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("OSEC-2026-01.md");
    std::fs::write(&path, b"```\nid: caf\xe9\n\xff").unwrap();
    let err = read_bounded_to_string(&path, DEFAULT_READ_LIMIT).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::NotUtf8 {
                offset: 11,
                line: 2,
                column: 8
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("line 2, column 8"), "{err}");
    std::fs::write(&path, "```\nid: café\n").unwrap();
    assert_eq!(
        read_bounded_to_string(&path, DEFAULT_READ_LIMIT).unwrap(),
        "```\nid: café\n"
    );
}

#[test]
fn control_characters_in_a_file_name_are_escaped_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("OSEC\u{1b}[2J\nX.md");
    let err = read_bounded(&path, 10).unwrap_err().to_string();
    assert!(err.contains("OSEC\\u{1b}[2J\\nX.md"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\n'), "{err}");
}
