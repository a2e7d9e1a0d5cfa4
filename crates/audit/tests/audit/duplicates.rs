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
