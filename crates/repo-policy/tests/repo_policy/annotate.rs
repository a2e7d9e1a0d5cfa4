//! `annotate` on a small repository of real opam files (tests/data/annotate) and, when
//! the reference data is there, on the whole opam-repository snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use advisory::to_osv::{ConvertOptions, to_osv};
use opam_model::{ReleasedVersions, RepositorySpec};
use repo_policy::{AnnotateOptions, Annotation, Mark, annotate};

use crate::support::{
    annotate_fixture, diff, extract_snapshot, oracle_accepts, real_advisories, real_advisory,
    reference_data, snapshot, with_field_added,
};

fn run(repository: &Path, advisories: &[PathBuf], options: AnnotateOptions) -> Annotation {
    let plan = annotate(repository, advisories, options).expect("the plan is made");
    plan.write().expect("the files are written");
    plan
}

fn plain() -> AnnotateOptions {
    AnnotateOptions::default()
}

fn mark(mark: Mark) -> AnnotateOptions {
    AnnotateOptions {
        mark: Some(mark),
        remove: false,
    }
}

fn remove() -> AnnotateOptions {
    AnnotateOptions {
        mark: None,
        remove: true,
    }
}

/// The diffs of every changed file, for a snapshot.
fn diffs(before: &BTreeMap<PathBuf, Vec<u8>>, root: &Path) -> String {
    let after = snapshot(root);
    let mut out = String::new();
    for (path, old) in before {
        let new = after.get(path).expect("no file disappears");
        if old != new {
            out.push_str(&diff(path, old, new));
        }
    }
    out
}

#[test]
fn each_affected_version_gets_the_ids_of_its_advisories() {
    let repo = annotate_fixture();
    let before = snapshot(repo.path());
    let plan = run(repo.path(), &[real_advisories()], plain());
    assert_eq!(plan.errors(), 0, "{}", plan.render(true));
    insta::assert_snapshot!("annotate_fixture_plan", plan.render(true));
    let expected = [
        ("cohttp/cohttp.6.2.2", r#"["OSEC-2026-16"]"#),
        (
            "ocaml/ocaml.4.11.3",
            r#"["OSEC-2026-01" "OSEC-2026-04" "OSEC-2026-05"]"#,
        ),
        (
            "ocaml/ocaml.4.14.2",
            r#"["OSEC-2026-01" "OSEC-2026-04" "OSEC-2026-05"]"#,
        ),
        ("ocaml/ocaml.5.4.0", r#"["OSEC-2026-01" "OSEC-2026-05"]"#),
        (
            "opam-devel/opam-devel.2.3.0",
            r#"["OSEC-2026-03" "OSEC-2026-10"]"#,
        ),
        ("tls/tls.2.0.4", r#"["OSEC-2026-06" "OSEC-2026-07"]"#),
        ("utcp/utcp.0.0.5", r#"["OSEC-2026-11"]"#),
    ];
    let after = snapshot(repo.path());
    for (path, old) in &before {
        let field = expected
            .iter()
            .find(|(dir, _)| Path::new("packages").join(dir).join("opam") == *path)
            .map(|(_, ids)| format!("x-security-advisories: {ids}"));
        let new = &after[path];
        match field {
            Some(field) => assert_eq!(
                String::from_utf8_lossy(new),
                String::from_utf8_lossy(&with_field_added(old, &field)),
                "{}",
                path.display()
            ),
            None => assert_eq!(new, old, "{} changed", path.display()),
        }
    }
    let edited: Vec<PathBuf> = plan
        .edits
        .iter()
        .map(|e| repo.path().join(&e.path))
        .collect();
    assert_eq!(edited.len(), expected.len());
    oracle_accepts(&edited);
}

#[test]
fn a_second_run_changes_nothing_and_remove_restores_every_byte() {
    let repo = annotate_fixture();
    let before = snapshot(repo.path());
    let first = run(repo.path(), &[real_advisories()], plain());
    assert_eq!(first.edits.len(), 7);
    let once = snapshot(repo.path());
    let second = run(repo.path(), &[real_advisories()], plain());
    assert!(second.edits.is_empty(), "{}", second.render(true));
    assert_eq!(snapshot(repo.path()), once);
    let removed = run(repo.path(), &[real_advisories()], remove());
    assert_eq!(removed.edits.len(), 7);
    assert!(
        removed
            .edits
            .iter()
            .all(|e| e.added.is_empty() && !e.removed.is_empty())
    );
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn marks_in_the_shapes_real_files_have() {
    for (name, chosen) in [
        ("avoid_version", Mark::AvoidVersion),
        ("unavailable", Mark::Unavailable),
    ] {
        let repo = annotate_fixture();
        let before = snapshot(repo.path());
        let plan = run(repo.path(), &[real_advisories()], mark(chosen));
        assert_eq!(plan.errors(), 0, "{}", plan.render(true));
        let edited: Vec<PathBuf> = plan
            .edits
            .iter()
            .map(|e| repo.path().join(&e.path))
            .collect();
        oracle_accepts(&edited);
        insta::assert_snapshot!(format!("annotate_mark_{name}"), diffs(&before, repo.path()));
        let marked = snapshot(repo.path());
        let again = run(repo.path(), &[real_advisories()], mark(chosen));
        assert!(again.edits.is_empty(), "{}", again.render(true));
        assert_eq!(snapshot(repo.path()), marked);
        run(repo.path(), &[real_advisories()], remove());
        assert_eq!(
            snapshot(repo.path()),
            before,
            "--remove after --mark {name}"
        );
    }
}

#[test]
fn both_marks_then_remove_restores_every_byte() {
    let repo = annotate_fixture();
    let before = snapshot(repo.path());
    run(repo.path(), &[real_advisories()], plain());
    run(repo.path(), &[real_advisories()], mark(Mark::AvoidVersion));
    let plan = run(repo.path(), &[real_advisories()], mark(Mark::Unavailable));
    // ocaml.4.11.3 already had avoid-version (from its maintainers): osec adds only
    // its own marks and records them.
    let ocaml = std::fs::read_to_string(repo.path().join("packages/ocaml/ocaml.4.14.2/opam"))
        .expect("read");
    assert!(ocaml.contains("flags: [conf avoid-version]\n"), "{ocaml}");
    assert!(ocaml.ends_with(
        "x-security-advisories-marks: [\"avoid-version-listed\" \"unavailable\"]\navailable: false\n"
    ), "{ocaml}");
    assert!(
        plan.edits
            .iter()
            .all(|e| e.marked == vec![Mark::Unavailable])
    );
    let removed = run(repo.path(), &[real_advisories()], remove());
    assert!(
        removed
            .edits
            .iter()
            .any(|e| e.unmarked == vec![Mark::Unavailable, Mark::AvoidVersion])
    );
    assert_eq!(snapshot(repo.path()), before);
}

/// The advisories of `files` (path under `real`, replacements) in a temporary directory.
fn advisories(files: &[(&str, &[(&str, &str)])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (relative, replacements) in files {
        let mut text = real_advisory(relative);
        for (from, to) in *replacements {
            assert!(text.contains(from), "{from:?} is not in {relative}");
            text = text.replacen(from, to, 1);
        }
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

#[test]
fn a_narrowed_or_withdrawn_advisory_takes_its_id_out() {
    let repo = annotate_fixture();
    let before = snapshot(repo.path());
    let ocaml = advisories(&[("2026/OSEC-2026-01.md", &[]), ("2026/OSEC-2026-04.md", &[])]);
    run(repo.path(), &[ocaml.path().to_owned()], plain());
    let field = |version: &str| {
        let text = std::fs::read_to_string(
            repo.path()
                .join(format!("packages/ocaml/ocaml.{version}/opam")),
        )
        .expect("read");
        text.lines()
            .find(|l| l.starts_with("x-security-advisories:"))
            .map(str::to_owned)
    };
    assert_eq!(
        field("4.14.2").as_deref(),
        Some(r#"x-security-advisories: ["OSEC-2026-01" "OSEC-2026-04"]"#)
    );
    // OSEC-2026-01 narrowed to the 4.x branch, OSEC-2026-04 withdrawn.
    let changed = advisories(&[
        (
            "2026/OSEC-2026-01.md",
            &[(r#"{< "4.14.3" | (>= "5" & < "5.4.1")}"#, r#"{< "4.14.3"}"#)],
        ),
        (
            "2026/OSEC-2026-04.md",
            &[(
                "\nmodified:",
                "\nwithdrawn: \"2026-07-01T00:00:00Z\"\nmodified:",
            )],
        ),
    ]);
    let plan = run(repo.path(), &[changed.path().to_owned()], plain());
    assert_eq!(plan.errors(), 0, "{}", plan.render(true));
    insta::assert_snapshot!("annotate_narrowed", plan.render(true));
    assert_eq!(
        field("4.14.2").as_deref(),
        Some(r#"x-security-advisories: ["OSEC-2026-01"]"#)
    );
    assert_eq!(field("5.4.0"), None);
    assert_eq!(
        snapshot(repo.path())[Path::new("packages/ocaml/ocaml.5.4.0/opam")],
        before[Path::new("packages/ocaml/ocaml.5.4.0/opam")]
    );
}

#[test]
fn ids_of_other_advisories_are_kept() {
    let repo = annotate_fixture();
    let path = repo.path().join("packages/cohttp/cohttp.6.2.2/opam");
    let original = std::fs::read(&path).expect("read");
    let by_hand = with_field_added(&original, r#"x-security-advisories: ["OSEC-2099-01"]"#);
    std::fs::write(&path, &by_hand).expect("write");
    let cohttp = advisories(&[("2026/OSEC-2026-16.md", &[])]);
    run(repo.path(), &[cohttp.path().to_owned()], plain());
    assert_eq!(
        std::fs::read(&path).expect("read"),
        with_field_added(
            &original,
            r#"x-security-advisories: ["OSEC-2026-16" "OSEC-2099-01"]"#
        )
    );
    run(repo.path(), &[cohttp.path().to_owned()], remove());
    assert_eq!(std::fs::read(&path).expect("read"), by_hand);
}

/// The whole snapshot of opam-repository: only the files of affected versions
/// change, each only by the added field; the versions are those of the OSV export;
/// opam's parser accepts every result; a second run changes nothing; `--remove`
/// restores every byte. Then the same with each mark.
#[test]
fn annotating_the_real_snapshot() {
    let Some(data) = reference_data("annotating_the_real_snapshot") else {
        return;
    };
    let (_dir, root) = extract_snapshot(&data);
    let before = snapshot(&root);

    // What the OSV export lists, advisory by advisory, from this repository.
    let released = ReleasedVersions::for_packages(
        &[RepositorySpec::Path(root.clone())],
        &advisory::lint::affected_packages(
            &advisory::tree::read_advisories(&[real_advisories()]).expect("advisories"),
        ),
    )
    .expect("versions");
    let mut expected: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    for (path, read) in advisory::tree::read_advisories(&[real_advisories()]).expect("advisories") {
        let text = String::from_utf8(read.expect("readable")).expect("UTF-8");
        let advisory = advisory::parse(&text).advisory;
        let options = ConvertOptions {
            released: Some(&released),
            with_versions: true,
        };
        let record = to_osv(&advisory, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .record;
        for affected in record.affected.unwrap_or_default() {
            let name = affected.package.expect("an opam package").name;
            for version in affected.versions.unwrap_or_default() {
                expected
                    .entry(PathBuf::from(format!(
                        "packages/{name}/{name}.{version}/opam"
                    )))
                    .or_default()
                    .insert(record.id.clone());
            }
        }
    }
    assert!(expected.len() > 150, "{} affected versions", expected.len());

    let plan = run(&root, &[real_advisories()], plain());
    assert_eq!(plan.errors(), 0, "{}", plan.render(true));
    assert_eq!(
        plan.files_read,
        before.keys().filter(|p| p.ends_with("opam")).count()
    );
    let after = snapshot(&root);
    assert_eq!(after.len(), before.len());
    for (path, old) in &before {
        let new = &after[path];
        match expected.get(path) {
            Some(ids) => {
                let list: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
                let field = format!("x-security-advisories: [{}]", list.join(" "));
                assert!(
                    *new == with_field_added(old, &field),
                    "{}: not the old bytes plus {field:?}",
                    path.display()
                );
            }
            None => assert!(new == old, "{} changed", path.display()),
        }
    }
    let edited: Vec<PathBuf> = plan.edits.iter().map(|e| root.join(&e.path)).collect();
    assert_eq!(edited.len(), expected.len());
    for path in &edited {
        let bytes = std::fs::read(path).expect("read");
        opam_file::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    oracle_accepts(&edited);

    let second = run(&root, &[real_advisories()], plain());
    assert!(second.edits.is_empty(), "{}", second.render(true));
    let annotated = snapshot(&root);
    assert_eq!(annotated, after);

    for chosen in [Mark::AvoidVersion, Mark::Unavailable] {
        let plan = run(&root, &[real_advisories()], mark(chosen));
        assert_eq!(plan.errors(), 0, "{}", plan.render(true));
        assert!(!plan.edits.is_empty());
        let edited: Vec<PathBuf> = plan.edits.iter().map(|e| root.join(&e.path)).collect();
        for path in &edited {
            let bytes = std::fs::read(path).expect("read");
            opam_file::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        oracle_accepts(&edited);
        assert!(
            run(&root, &[real_advisories()], mark(chosen))
                .edits
                .is_empty()
        );
    }
    let removed = run(&root, &[real_advisories()], remove());
    assert_eq!(removed.errors(), 0, "{}", removed.render(true));
    let restored = snapshot(&root);
    for (path, old) in &before {
        assert!(restored[path] == *old, "{} not restored", path.display());
    }
}
