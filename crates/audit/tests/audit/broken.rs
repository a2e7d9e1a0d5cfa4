use audit::input::{Input, detect};

use crate::scenario;

/// Every broken case, read: the rendered error, with the fixture directory removed from
/// paths so the snapshot does not depend on the checkout.
fn render_all() -> String {
    let base = scenario("broken");
    let mut cases: Vec<_> = std::fs::read_dir(&base)
        .expect("broken/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    cases.sort();
    let prefix = format!("{}/", base.display());
    let mut out = String::new();
    for case in cases {
        let name = case
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_owned();
        // named with --export, as a user would name it
        let result = if name == "not-an-export" {
            Input::export(&case.join("switch.export")).read()
        } else {
            let inputs = detect(&case).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(inputs.len(), 1, "{name}: {inputs:?}");
            inputs[0].read()
        };
        match result {
            Ok(inventory) => panic!("{name}: read without error: {} packages", inventory.len()),
            Err(err) => {
                let position = err
                    .position()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".to_owned());
                out.push_str(&format!(
                    "== {name} ({position})\n{}\n",
                    err.to_string().replace(&prefix, "")
                ));
            }
        }
    }
    out
}

#[test]
fn every_broken_file_is_an_error_with_file_and_position() {
    insta::assert_snapshot!(render_all());
}

fn projects(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/projects")
        .join(path)
}

/// Issue 20: one file that cannot be read is an error for that file; every other input
/// of the project is still read and reported, and the run is incomplete (exit 2).
#[test]
fn one_unreadable_file_never_hides_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(projects("goblint/goblint.opam.locked")).unwrap();
    std::fs::write(dir.path().join("goblint.opam.locked"), &good).unwrap();
    // Half-written: cut in the middle of the depends list.
    let half = &good[..good.len() / 2];
    std::fs::write(dir.path().join("half.opam.locked"), half).unwrap();
    std::fs::write(
        dir.path().join("opam.export"),
        "installed: [\"tls.2.0.3\"\n",
    )
    .unwrap();
    let lock = dir.path().join("dune.lock");
    std::fs::create_dir(&lock).unwrap();
    std::fs::write(lock.join("lock.dune"), "(lang package 0.1)\n").unwrap();
    std::fs::write(lock.join("tls.pkg"), "(version 2.0.3\n").unwrap();
    let esy = dir.path().join("esy.lock");
    std::fs::create_dir(&esy).unwrap();
    std::fs::write(
        esy.join("index.json"),
        "{\"root\": \"app\",\n\"node\": {\"ap",
    )
    .unwrap();

    let outcome = crate::run_on(dir.path());
    assert_eq!(outcome.verdict(), audit::Verdict::Incomplete);
    let audit::Outcome::Audited(audited) = outcome else {
        unreachable!()
    };
    let report = &audited.report;
    let read: Vec<(&str, usize)> = report
        .inputs
        .iter()
        .map(|i| (i.kind, i.findings.len()))
        .collect();
    assert_eq!(read, [("opam-lock", 3)], "the good lock's findings");
    let errors: Vec<String> = report
        .errors
        .iter()
        .map(|e| {
            let file = std::path::Path::new(&e.file)
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string();
            format!("{} {file}:{}", e.kind, e.line.unwrap_or(0))
        })
        .collect();
    let half_lines = half.lines().count();
    assert_eq!(
        errors,
        [
            format!("opam-lock half.opam.locked:{}", half_lines),
            "opam-export opam.export:2".to_owned(),
            "dune-lock dune.lock/tls.pkg:1".to_owned(),
            "esy-lock esy.lock/index.json:2".to_owned(),
        ]
    );
}

/// Hand edits that osec can still read are notes naming the file and line: fields it
/// does not know, and formats newer than it knows.
#[test]
fn hand_edits_and_newer_formats_are_noted_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("app.opam.locked");
    std::fs::write(
        &lock,
        "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"tls\" {= \"2.0.3\"}\n]\n\
         frobnicate: \"yes\"\nx-opam-monorepo-version: \"0.9\"\n",
    )
    .unwrap();
    let dune = dir.path().join("dune.lock");
    std::fs::create_dir(&dune).unwrap();
    std::fs::write(dune.join("lock.dune"), "(lang package 0.7)\n").unwrap();
    std::fs::write(
        dune.join("cohttp.pkg"),
        "(version 6.2.2)\n\n(teleport (all_platforms))\n",
    )
    .unwrap();

    std::fs::write(
        dir.path().join("opam.export"),
        "opam-version: \"3.0\"\ninstalled: [\"tls.2.0.3\"]\nsandbox: true\n",
    )
    .unwrap();
    let esy = dir.path().join("esy.lock");
    std::fs::create_dir(&esy).unwrap();
    std::fs::write(
        esy.join("index.json"),
        "{\"root\": \"app@link-dev:./package.json\", \"node\": {\n\
         \"app@link-dev:./package.json\": {\"name\": \"app\", \"version\": \"link-dev:./package.json\", \
         \"source\": {\"type\": \"link-dev\", \"path\": \".\"}, \"dependencies\": [\"@opam/tls@opam:2.0.3@0\"]},\n\
         \"@opam/tls@opam:2.0.3@0\": {\"name\": \"@opam/tls\", \"version\": \"opam:2.0.3\",\n\
         \"integrity\": \"sha1-x\", \"source\": {\"type\": \"install\", \"source\": [\"archive:https://x/y.tgz\"]}, \
         \"dependencies\": []}}}\n",
    )
    .unwrap();

    let audit::Outcome::Audited(audited) = crate::run_on(dir.path()) else {
        panic!("nothing scanned");
    };
    let report = &audited.report;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut notes: Vec<String> = report
        .inputs
        .iter()
        .flat_map(|i| &i.notes)
        .map(|n| {
            let file = std::path::Path::new(&n.location.path)
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string();
            format!("{} {file}:{}", n.kind.as_str(), n.location.line)
        })
        .collect();
    notes.sort();
    assert_eq!(
        notes,
        [
            "newer-format app.opam.locked:7",
            "newer-format dune.lock/lock.dune:1",
            "newer-format opam.export:1",
            "unknown-fields app.opam.locked:6",
            "unknown-fields dune.lock/cohttp.pkg:3",
            "unknown-fields esy.lock/index.json:4",
            "unknown-fields opam.export:3",
        ]
    );
    let mut found: Vec<&str> = report.findings().map(|f| f.package.as_str()).collect();
    found.sort();
    assert_eq!(
        found,
        ["cohttp", "tls", "tls", "tls", "tls", "tls", "tls"],
        "still audited"
    );
}
