//! Issue 14, "silent all-clear": an installed-state input that lists one package at two
//! versions. Before, the last entry replaced the first and the vulnerable tls 2.0.3
//! disappeared behind tls 2.1.0 (exit 0). Every listed version is now audited, and
//! the inputs where two versions cannot both be (a lock file, a switch state, an
//! export) get a note naming the file and line.

use std::path::Path;

use audit::input::NoteKind;
use audit::report::InputReport;

use crate::{run_on, scenario};

/// The one input of the run on `project`.
fn only_input(project: &Path) -> InputReport {
    let audit::Outcome::Audited(audited) = run_on(project) else {
        panic!("nothing scanned");
    };
    assert!(
        audited.report.errors.is_empty(),
        "{:?}",
        audited.report.errors
    );
    let [input] = audited.report.inputs.as_slice() else {
        panic!("{:?}", audited.report.inputs);
    };
    input.clone()
}

/// `package version ID` of every finding.
fn findings(input: &InputReport) -> Vec<String> {
    input
        .findings
        .iter()
        .map(|f| format!("{} {} {}", f.package, f.installed_version, f.id))
        .collect()
}

const TLS_2_0_3: [&str; 2] = ["tls 2.0.3 OSEC-2026-06", "tls 2.0.3 OSEC-2026-07"];

fn assert_duplicate_note(input: &InputReport, file: &Path, line: u32) {
    let note = input
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::DuplicatePackage)
        .unwrap_or_else(|| panic!("no duplicate note: {:?}", input.notes));
    assert_eq!(note.location.path, file.display().to_string());
    assert_eq!(note.location.line, line, "{note}");
    assert!(
        note.message.contains("2.0.3") && note.message.contains("2.1.0"),
        "{note}"
    );
}

#[test]
fn a_lock_file_locking_a_package_twice_audits_both_versions() {
    let project = tempfile::tempdir().unwrap();
    let lock = project.path().join("app.opam.locked");
    std::fs::write(
        &lock,
        "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"tls\" {= \"2.0.3\"}\n  \"tls\" {= \"2.1.0\"}\n]\n",
    )
    .unwrap();
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert_eq!(input.packages_scanned, 2, "both versions are matched");
    assert_duplicate_note(&input, &lock, 5);
}

#[test]
fn a_switch_state_installing_a_package_twice_audits_both_versions() {
    let project = tempfile::tempdir().unwrap();
    let switch = project.path().join("_opam/.opam-switch");
    copy_dir(&scenario("clean/_opam/.opam-switch"), &switch);
    let state = switch.join("switch-state");
    let text = std::fs::read_to_string(&state).unwrap();
    std::fs::write(
        &state,
        text.replace("  \"tls.2.1.0\"\n", "  \"tls.2.0.3\"\n  \"tls.2.1.0\"\n"),
    )
    .unwrap();
    copy_dir(
        &scenario("vulnerable/_opam/.opam-switch/packages/tls.2.0.3"),
        &switch.join("packages/tls.2.0.3"),
    );
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert_duplicate_note(&input, &state, 21);
}

#[test]
fn an_export_installing_a_package_twice_audits_both_versions() {
    let project = tempfile::tempdir().unwrap();
    let export = project.path().join("opam.export");
    let text = std::fs::read_to_string(scenario("clean/switch.export")).unwrap();
    std::fs::write(
        &export,
        text.replace("  \"tls.2.1.0\"\n", "  \"tls.2.0.3\"\n  \"tls.2.1.0\"\n"),
    )
    .unwrap();
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert_duplicate_note(&input, &export, 21);
}

#[test]
fn a_dune_lock_directory_locking_a_package_twice_audits_both_versions() {
    // A portable lock directory may lock two versions for two platforms: no note.
    let project = tempfile::tempdir().unwrap();
    let lock = project.path().join("dune.lock");
    std::fs::create_dir(&lock).unwrap();
    std::fs::write(lock.join("lock.dune"), "(lang package 0.1)\n").unwrap();
    for version in ["2.0.3", "2.1.0"] {
        std::fs::write(
            lock.join(format!("tls.{version}.pkg")),
            format!("(version {version})\n"),
        )
        .unwrap();
    }
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert_eq!(input.packages_scanned, 2);
}

#[test]
fn an_esy_lock_with_two_versions_of_a_package_audits_both() {
    let project = tempfile::tempdir().unwrap();
    let lock = project.path().join("esy.lock");
    std::fs::create_dir(&lock).unwrap();
    let node = |name: &str, version: &str| {
        format!(
            "\"{name}@{version}@0\": {{\"id\": \"{name}@{version}@0\", \"name\": \"{name}\", \
             \"version\": \"{version}\", \"source\": {{\"type\": \"install\", \"source\": \
             [\"archive:https://x/y.tgz\"]}}, \"dependencies\": []}}"
        )
    };
    let text = format!(
        "{{\"root\": \"app@link-dev:./package.json\", \"node\": {{\
         \"app@link-dev:./package.json\": {{\"name\": \"app\", \"version\": \"link-dev:./package.json\", \
         \"source\": {{\"type\": \"link-dev\", \"path\": \".\"}}, \
         \"dependencies\": [\"@opam/tls@opam:2.0.3@0\", \"@opam/tls@opam:2.1.0@0\"]}}, {}, {}}}}}",
        node("@opam/tls", "opam:2.0.3"),
        node("@opam/tls", "opam:2.1.0"),
    );
    std::fs::write(lock.join("index.json"), text).unwrap();
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
}

/// An entry edited to admit two exact versions (`{= "2.1.0" | = "2.0.3"}`) installs
/// either: both are audited (before, only the first was).
#[test]
fn a_lock_entry_pinning_two_versions_audits_both() {
    let project = tempfile::tempdir().unwrap();
    let lock = project.path().join("app.opam.locked");
    std::fs::write(
        &lock,
        "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"cohttp\" {= \"6.3.0\"}\n  \
         \"tls\" {= \"2.1.0\" | (with-test & = \"2.0.3\")}\n]\n",
    )
    .unwrap();
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert_eq!(input.packages_scanned, 3);
    assert_duplicate_note(&input, &lock, 5);
}

/// The run on `project` is incomplete, with one error: `FILE:LINE message`, the file
/// relative to the project (the message names the same place).
fn only_error(project: &Path) -> String {
    let outcome = run_on(project);
    assert_eq!(outcome.verdict(), audit::Verdict::Incomplete);
    let audit::Outcome::Audited(audited) = outcome else {
        unreachable!()
    };
    let report = &audited.report;
    assert!(report.findings().next().is_none(), "{:?}", report.inputs);
    let [error] = report.errors.as_slice() else {
        panic!("{:?}", report.errors);
    };
    let file = Path::new(&error.file).strip_prefix(project).unwrap();
    let message = error
        .message
        .replace(&format!("{}/", project.display()), "");
    let at = format!("{}:{}:", file.display(), error.line.unwrap_or(0));
    assert!(message.starts_with(&at), "{message}");
    format!("{}:{} {}", file.display(), error.line.unwrap_or(0), {
        let after = message.trim_start_matches(&at);
        after.split_once(": ").map_or(after, |(_, m)| m)
    })
}

/// A field written twice would let one of the two hide the other (serde_json, and a
/// first-wins lookup, kept one silently, and the vulnerable version with it): the file is
/// refused at the second one, whichever order the versions come in.
#[test]
fn a_field_written_twice_is_an_error_at_the_second() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "app.opam.locked",
            "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"tls\" {= \"2.1.0\"}\n]\n\
             depends: [\n  \"tls\" {= \"2.0.3\"}\n]\n",
            "app.opam.locked:6 `depends:` is written twice (first at line 3)",
        ),
        (
            "opam.export",
            "opam-version: \"2.0\"\ninstalled: [\"tls.2.1.0\"]\ninstalled: [\"tls.2.0.3\"]\n",
            "opam.export:3 `installed:` is written twice (first at line 2)",
        ),
        (
            "dune.lock/tls.pkg",
            "(version 2.1.0)\n\n(version 2.0.3)\n",
            "dune.lock/tls.pkg:3 `(version …)` is written twice (first at line 1)",
        ),
        (
            "esy.lock/index.json",
            "{\"root\": \"app@link-dev:./package.json\", \"node\": {\n\
             \"app@link-dev:./package.json\": {\"name\": \"app\", \"version\": \"link-dev:./package.json\", \
             \"source\": {\"type\": \"link-dev\", \"path\": \".\"}, \"dependencies\": [\"@opam/tls@opam:2.1.0@0\"]},\n\
             \"@opam/tls@opam:2.1.0@0\": {\"name\": \"@opam/tls\", \"version\": \"opam:2.1.0\",\n\
             \"version\": \"opam:2.0.3\", \"source\": {\"type\": \"install\", \"source\": [\"archive:https://x/y.tgz\"]}, \
             \"dependencies\": []}}}\n",
            "esy.lock/index.json:4 the key `version` is written twice in one object",
        ),
        (
            "esy.lock/index.json",
            "{\"root\": \"app@link-dev:./package.json\", \"node\": {\n\
             \"app@link-dev:./package.json\": {\"name\": \"app\", \"version\": \"link-dev:./package.json\", \
             \"source\": {\"type\": \"link-dev\", \"path\": \".\"}, \"dependencies\": [\"@opam/tls@opam:2.1.0@0\"]},\n\
             \"@opam/tls@opam:2.1.0@0\": {\"name\": \"@opam/tls\", \"version\": \"opam:2.0.3\", \
             \"source\": {\"type\": \"install\", \"source\": [\"archive:https://x/y.tgz\"]}, \"dependencies\": []},\n\
             \"@opam/tls@opam:2.1.0@0\": {\"name\": \"@opam/tls\", \"version\": \"opam:2.1.0\", \
             \"source\": {\"type\": \"install\", \"source\": [\"archive:https://x/y.tgz\"]}, \"dependencies\": []}}}\n",
            "esy.lock/index.json:4 the key `@opam/tls@opam:2.1.0@0` is written twice in one object",
        ),
    ];
    for (file, text, expected) in cases {
        let project = tempfile::tempdir().unwrap();
        let path = project.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if file.starts_with("dune.lock/") {
            std::fs::write(path.with_file_name("lock.dune"), "(lang package 0.1)\n").unwrap();
        }
        std::fs::write(&path, text).unwrap();
        let error = only_error(project.path());
        assert!(error.starts_with(expected), "{file}: {error}");
    }
}

/// A pin names a version: an entry at another version of the name is that release, and
/// is audited (before, any pin of the name made every version of it "pinned, not
/// matched"). In a switch this is `opam pin add --no-action` before the reinstall.
#[test]
fn a_pin_of_another_version_leaves_the_release_audited() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("app.opam.locked"),
        "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"tls\" {= \"2.0.3\"}\n  \
         \"tls\" {= \"2.1.0\"}\n]\npin-depends: [\n  [\"tls.2.1.0\" \"git+https://x/tls#abc\"]\n]\n",
    )
    .unwrap();
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert_eq!(input.pinned_skipped, ["tls"], "2.1.0 is still pinned");

    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("opam.export"),
        "opam-version: \"2.0\"\ninstalled: [\"tls.2.0.3\"]\npinned: [\"tls.2.1.0\"]\n",
    )
    .unwrap();
    let input = only_input(project.path());
    assert_eq!(findings(&input), TLS_2_0_3);
    assert!(
        input.pinned_skipped.is_empty(),
        "{:?}",
        input.pinned_skipped
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
