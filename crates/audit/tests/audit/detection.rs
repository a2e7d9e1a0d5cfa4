use audit::input::{Error, Input, default_opam_root, detect};

use crate::scenario;

fn kinds(inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .map(|i| {
            let base = scenario("");
            let rel = i.path().strip_prefix(&base).unwrap_or(i.path());
            format!("{} {}", i.kind(), rel.display())
        })
        .collect()
}

#[test]
fn finds_every_input_of_a_project_in_a_fixed_order() {
    let found = detect(&scenario("vulnerable")).expect("detect");
    assert_eq!(
        kinds(&found),
        [
            "opam-switch vulnerable/_opam",
            "opam-lock vulnerable/myapp.opam.locked",
            "opam-export vulnerable/switch-full.export",
            "opam-export vulnerable/switch.export",
            "dune-lock vulnerable/dune.lock",
            "esy-lock vulnerable/esy.lock/index.json",
            "opam-file vulnerable/myapp.opam",
        ]
    );
    let clean = detect(&scenario("clean")).expect("detect");
    assert_eq!(
        kinds(&clean),
        [
            "opam-switch clean/_opam",
            "opam-lock clean/myapp.opam.locked",
            "opam-export clean/switch-full.export",
            "opam-export clean/switch.export",
        ]
    );
}

#[test]
fn a_switch_directory_itself_is_a_switch() {
    let found = detect(&scenario("clean/_opam")).expect("detect");
    assert_eq!(kinds(&found), ["opam-switch clean/_opam"]);
}

#[test]
fn files_are_classified_by_name() {
    let cases = [
        ("vulnerable/myapp.opam.locked", "opam-lock"),
        ("vulnerable/esy.lock/index.json", "esy-lock"),
        ("vulnerable/myapp.opam", "opam-file"),
        ("vulnerable/switch-full.export", "opam-export"),
    ];
    for (file, kind) in cases {
        let found = detect(&scenario(file)).expect("detect");
        assert_eq!(
            found.iter().map(Input::kind).collect::<Vec<_>>(),
            [kind],
            "{file}"
        );
    }
}

#[test]
fn nothing_to_audit_is_its_own_error() {
    let empty = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(empty.path().join("src")).expect("mkdir");
    std::fs::write(empty.path().join("src/main.ml"), "").expect("write");
    std::fs::write(empty.path().join("opam.template"), "").expect("write");
    match detect(empty.path()) {
        Err(Error::NothingFound { path }) => assert_eq!(path, empty.path()),
        other => panic!("expected NothingFound, got {other:?}"),
    }
    assert!(matches!(
        detect(&scenario("no-such-dir")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn switch_option_takes_a_directory_or_a_name_in_the_opam_root() {
    let by_dir = Input::switch(
        scenario("vulnerable").to_str().expect("utf-8"),
        &scenario("nowhere"),
    )
    .expect("project dir");
    assert_eq!(
        by_dir,
        Input::Switch {
            dir: scenario("vulnerable/_opam")
        }
    );
    // $OPAMROOT/NAME/.opam-switch
    let by_name = Input::switch("_opam", &scenario("pinned")).expect("name in root");
    assert_eq!(
        by_name,
        Input::Switch {
            dir: scenario("pinned/_opam")
        }
    );
    let read = by_name.read().expect("reads");
    assert_eq!(read.package("tls").map(|p| p.pinned), Some(true));
    let err = Input::switch("4.14", &scenario("pinned")).expect_err("no such switch");
    assert!(
        err.to_string().starts_with("no opam switch `4.14`"),
        "{err}"
    );
}

#[test]
fn lock_option_recognises_each_lock_format() {
    assert_eq!(
        Input::lock(&scenario("vulnerable/dune.lock")).kind(),
        "dune-lock"
    );
    assert_eq!(
        Input::lock(&scenario("vulnerable/esy.lock")).kind(),
        "esy-lock"
    );
    assert_eq!(
        Input::lock(&scenario("vulnerable/esy.lock/index.json")).kind(),
        "esy-lock"
    );
    assert_eq!(
        Input::lock(&scenario("vulnerable/myapp.opam.locked")).kind(),
        "opam-lock"
    );
    assert_eq!(
        Input::lock(&scenario("opam-files/webapp.opam")).kind(),
        "opam-file"
    );
    assert_eq!(
        Input::export(&scenario("vulnerable/switch.export")).kind(),
        "opam-export"
    );
}

#[test]
fn opam_root_is_opamroot_or_home_dot_opam() {
    use std::path::{Path, PathBuf};
    assert_eq!(
        default_opam_root(Some("/r"), Some(Path::new("/home/u"))),
        Some(PathBuf::from("/r"))
    );
    assert_eq!(
        default_opam_root(None, Some(Path::new("/home/u"))),
        Some(PathBuf::from("/home/u/.opam"))
    );
    assert_eq!(default_opam_root(Some(""), None), None);
}

/// A real project fixture (tests/data/projects).
fn project(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/projects")
        .join(path)
}

fn kind_of(path: &std::path::Path) -> Vec<&'static str> {
    detect(path)
        .expect("detect")
        .iter()
        .map(Input::kind)
        .collect()
}

/// Issue 20: a file or directory given as PATH is read as what it is, whatever its
/// name (before, `opam.locked` and `X.opam.win.locked` were read as switch exports,
/// and a `dune.lock` or `dev-tools.locks/NAME` directory held "nothing to audit").
#[test]
fn a_path_is_read_as_what_it_is_whatever_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lock = std::fs::read(project("goblint/goblint.opam.locked")).expect("lock");
    for name in ["opam", "opam.locked", "x.opam.win.locked", "lockfile.txt"] {
        let file = dir.path().join(name);
        std::fs::write(&file, &lock).expect("write");
        assert_eq!(kind_of(&file), ["opam-lock"], "{name}");
        assert!(file.exists());
    }
    let definition = project("tezos/virtual/cohttp.opam.locked");
    assert_eq!(kind_of(&definition), ["opam-lock"], "named as a lock");
    let read = detect(&definition).expect("detect")[0]
        .read()
        .expect("read");
    assert_eq!(read.input().kind(), "opam-file", "read as what it holds");
    let export = dir.path().join("state");
    std::fs::copy(project("mina/opam.export"), &export).expect("copy");
    assert_eq!(kind_of(&export), ["opam-export"]);
    let plain = dir.path().join("opam");
    std::fs::copy(project("infer-2021/opam"), &plain).expect("copy");
    assert_eq!(kind_of(&plain), ["opam-file"]);

    assert_eq!(kind_of(&project("alice/dune.lock")), ["dune-lock"]);
    assert_eq!(
        kind_of(&project("ocamlmig/dev-tools.locks/ocamlformat")),
        ["dune-dev-tool"]
    );
    assert_eq!(
        kind_of(&project("ocamlmig/dev-tools.locks")),
        ["dune-dev-tool", "dune-dev-tool"]
    );
    assert_eq!(kind_of(&project("revery/js.esy.lock")), ["esy-lock"]);
    assert_eq!(
        Input::lock(&project("ocamlmig/dev-tools.locks/ocamlformat")).kind(),
        "dune-dev-tool"
    );
    assert_eq!(
        Input::lock(&project("infer-2021/opam.locked")).kind(),
        "opam-lock"
    );
}

/// Inputs one directory down are found and named by their path.
#[test]
fn inputs_one_directory_down_are_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("vendor");
    std::fs::create_dir_all(sub.join("_opam")).expect("mkdir");
    copy_dir(&scenario("clean/_opam"), &sub.join("_opam"));
    std::fs::create_dir(dir.path().join("opam")).expect("mkdir");
    std::fs::copy(
        project("infer/opam/infer.opam.locked"),
        dir.path().join("opam/infer.opam.locked"),
    )
    .expect("copy");
    // Never searched: hidden directories and build output.
    for skipped in [".git", "_build"] {
        std::fs::create_dir(dir.path().join(skipped)).expect("mkdir");
        std::fs::copy(
            project("goblint/goblint.opam.locked"),
            dir.path().join(skipped).join("x.opam.locked"),
        )
        .expect("copy");
    }
    let found: Vec<String> = detect(dir.path())
        .expect("detect")
        .iter()
        .map(|i| {
            let rel = i.path().strip_prefix(dir.path()).unwrap_or(i.path());
            format!("{} {}", i.kind(), rel.display())
        })
        .collect();
    assert_eq!(
        found,
        [
            "opam-lock opam/infer.opam.locked",
            "opam-switch vendor/_opam"
        ]
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
