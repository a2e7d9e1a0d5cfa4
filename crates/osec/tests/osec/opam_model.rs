use std::path::PathBuf;

use crate::osec;

fn mini_repo() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../opam-model/tests/data/mini-repo")
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn compare_prints_the_order() {
    for (a, b, expected) in [
        ("1.0", "1.00", "1.0 = 1.00\n"),
        ("1.0~rc1", "1.0", "1.0~rc1 < 1.0\n"),
        ("1-2-3", "1-2.3", "1-2-3 > 1-2.3\n"),
    ] {
        let out = osec(&["opam", "compare", a, b]);
        assert_eq!(text(&out.stdout), expected);
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn compare_rejects_an_invalid_version_quoting_it() {
    let out = osec(&["opam", "compare", "1.0 beta", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid version \"1.0 beta\" at column 4"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn versions_lists_matching_versions_in_opam_order() {
    let repo = mini_repo();
    let out = osec(&["opam", "versions", "--repo", &repo, "foo"]);
    assert_eq!(text(&out.stdout), "1.0\n2.0~rc1\n10\n");
    assert_eq!(out.status.code(), Some(0));
    // Problems of the repository are reported, not hidden.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("packages/baz/baz/opam: invalid package \"baz\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("foo.1.00/opam: the same version as"),
        "{stderr}"
    );

    for constraint in [r#">= "1.0" & < "10""#, r#"{>= "1.0" & < "10"}"#] {
        let out = osec(&["opam", "versions", "--repo", &repo, "foo", constraint]);
        assert_eq!(text(&out.stdout), "1.0\n2.0~rc1\n", "{constraint}");
    }
    let none = osec(&["opam", "versions", "--repo", &repo, "foo", r#"> "10""#]);
    assert_eq!(
        (text(&none.stdout).as_str(), none.status.code()),
        ("", Some(1))
    );
}

#[test]
fn versions_rejects_bad_constraints_and_names_with_positions() {
    let repo = mini_repo();
    let out = osec(&["opam", "versions", "--repo", &repo, "foo", ">= 1.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid constraint \">= 1.0\" at column 5"),
        "{}",
        text(&out.stderr)
    );
    let out = osec(&["opam", "versions", "--repo", &repo, "fo.o"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid package name \"fo.o\" at column 3"),
        "{}",
        text(&out.stderr)
    );
    let out = osec(&["opam", "versions", "--repo", &repo, "nosuchpackage"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no package nosuchpackage"),
        "{}",
        text(&out.stderr)
    );
}
