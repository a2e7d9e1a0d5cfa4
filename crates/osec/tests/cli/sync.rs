//! `osec sync` between a copy of the real database and its own OSV export.

use std::path::{Path, PathBuf};

use crate::support::TestDir;

fn advisory_data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../advisory/tests/data")
        .join(relative)
}

/// Copies the real advisories to `to`, returning (relative path, text) of each.
fn copy_real(to: &Path) -> Vec<(PathBuf, String)> {
    let real = advisory_data("real");
    let mut out = Vec::new();
    for year in std::fs::read_dir(&real).unwrap() {
        let year = year.unwrap().path();
        if !year.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&year).unwrap() {
            let file = file.unwrap().path();
            let relative = file.strip_prefix(&real).unwrap().to_path_buf();
            let text = std::fs::read_to_string(&file).unwrap();
            std::fs::create_dir_all(to.join(&relative).parent().unwrap()).unwrap();
            std::fs::write(to.join(&relative), &text).unwrap();
            out.push((relative, text));
        }
    }
    out.sort();
    out
}

#[test]
fn sync_finds_missing_records_and_aliases_and_writes_only_the_aliases() {
    let dir = TestDir::new();
    let ours = dir.path().join("advisories");
    let originals = copy_real(&ours);
    assert_eq!(originals.len(), 26);
    // The other source: the export of the real database, and one record we lack.
    let other = dir.path().join("other");
    let real = advisory_data("real");
    let export = dir.osec(&[
        "osv",
        "export",
        "--no-versions",
        real.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    std::fs::copy(
        advisory_data("import/osv-opam-several-packages.json"),
        other.join("OSV-2026-5501.json"),
    )
    .unwrap();
    std::fs::copy(
        advisory_data("import/GHSA-pypi-reviewed.json"),
        other.join("GHSA-4c7q-9f2m-xw3r.json"),
    )
    .unwrap();
    // Ours lacks one alias of OSEC-2026-01.
    let edited = "2026/OSEC-2026-01.md";
    let original = std::fs::read_to_string(ours.join(edited)).unwrap();
    let lacking = original.replace(
        "aliases: [ CVE-2026-28364 GHSA-j26j-m5xr-g23c GHSA-m34r-cgq7-jhfm ]",
        "aliases: [ CVE-2026-28364 GHSA-j26j-m5xr-g23c ]",
    );
    assert_ne!(lacking, original);
    std::fs::write(ours.join(edited), &lacking).unwrap();

    let check = dir.osec(&["sync", "--osv", "other", "advisories"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(
        check.stdout,
        "missing: OSV-2026-5501 (CVE-2026-41000) about ocaml, ocaml-base-compiler, ocaml-variants: \
         Heap over-read in the Marshal reader of the OCaml runtime\n\
         advisories/2026/OSEC-2026-01.md: OSEC-2026-01 lacks GHSA-m34r-cgq7-jhfm (from OSEC-2026-01)\n"
    );
    assert!(
        check.stderr.contains(
            "27 record(s) about opam packages compared: 1 missing, 1 advisory lacking aliases"
        ),
        "{}",
        check.stderr
    );
    assert_eq!(
        std::fs::read_to_string(ours.join(edited)).unwrap(),
        lacking,
        "no --write, no change"
    );

    let write = dir.osec(&["sync", "--osv", "other", "advisories", "--write"]);
    assert_eq!(
        write.code, 1,
        "the missing record remains: {}",
        write.stderr
    );
    // The alias is back, and every byte of every file is the original's.
    for (relative, text) in &originals {
        assert_eq!(
            &std::fs::read_to_string(ours.join(relative)).unwrap(),
            text,
            "{}",
            relative.display()
        );
    }
    std::fs::remove_file(other.join("OSV-2026-5501.json")).unwrap();
    let clean = dir.osec(&["sync", "--osv", "other", "advisories"]);
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (0, ""),
        "{}",
        clean.stderr
    );
}

#[test]
fn sync_of_an_unreadable_source_is_an_error() {
    let dir = TestDir::new();
    dir.write("other/bad.json", "{ \"id\": 3 }");
    dir.write(
        "advisories/2026/OSEC-2026-01.md",
        &crate::support::advisory("OSEC-2026-01"),
    );
    let out = dir.osec(&["sync", "--osv", "other", "advisories"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bad.json"), "{}", out.stderr);
}
