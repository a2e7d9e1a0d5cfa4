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
