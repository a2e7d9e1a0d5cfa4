//! `exposure` on a small repository written in the test, one package per case, and,
//! when the reference data is there, on both real repositories.

use std::path::{Path, PathBuf};

use opam_model::{PackageName, RepositorySpec};
use repo_policy::{AdvisoryExposure, Exposure, ExposureFormat, exposure};

use crate::support::{real_advisories, reference_data};

/// An advisory about `vuln` below 3.
const ADVISORY: &str = r#"```
id: OSEC-2026-90
modified: "2026-06-01T00:00:00Z"
published: "2026-06-01T00:00:00Z"
affected: "vuln" {< "3"}
references: [ [report "https://example.org/vuln/issues/1"] ]
```
# vuln lets anyone in
Details.
"#;

/// Each package's opam files: `(name.version, body)`.
const PACKAGES: &[(&str, &str)] = &[
    ("vuln.1", ""),
    ("vuln.2", ""),
    ("vuln.3", ""),
    ("other.1", ""),
    // Bounded below the fix: stuck.
    ("direct.1", r#"depends: ["vuln" {< "3"}]"#),
    // Admits the fix: not stuck.
    ("open.1", r#"depends: ["vuln" {>= "1"}]"#),
    // An alternative without vuln: not stuck.
    ("either.1", r#"depends: [("vuln" {< "3"} | "other")]"#),
    // Every alternative needs an affected vuln: stuck.
    (
        "neither.1",
        r#"depends: [("vuln" {< "2"} | "vuln" {= "2"})]"#,
    ),
    // An alternative that can't be installed at all does not help: stuck.
    (
        "broken-alternative.1",
        r#"depends: [("no-such-package" | "vuln" {< "3"})]"#,
    ),
    // Only through `direct`: stuck.
    ("through.1", r#"depends: ["direct"]"#),
    // A test or doc dependency does not count: not stuck.
    (
        "test-only.1",
        r#"depends: ["vuln" {with-test & < "3"} "other" {with-doc}]"#,
    ),
    // `post` dependencies do count: stuck.
    ("post.1", r#"depends: ["vuln" {post & < "3"}]"#),
    // A conflict that rules out the fix: stuck.
    (
        "conflicting.1",
        "depends: [\"vuln\"]\nconflicts: [\"vuln\" {>= \"3\"}]",
    ),
    // The package's own version in the constraint: stuck at 2 (vuln.2 is affected).
    ("same-version.2", r#"depends: ["vuln" {= version}]"#),
    // A platform filter osec can't evaluate counts: stuck.
    ("windows.1", r#"depends: ["vuln" {os = "win32" & < "3"}]"#),
    // The latest release is fine, an older one is not: not stuck.
    ("fixed-later.1", r#"depends: ["vuln" {< "3"}]"#),
    ("fixed-later.2", r#"depends: ["vuln" {>= "3"}]"#),
    // The latest release is unavailable: the latest available one is stuck.
    ("unavailable-latest.1", r#"depends: ["vuln" {< "3"}]"#),
    (
        "unavailable-latest.2",
        "available: false\ndepends: [\"vuln\"]",
    ),
    // No installable version at all: not listed.
    (
        "uninstallable.1",
        r#"depends: ["no-such-package" "vuln" {< "3"}]"#,
    ),
];

/// A repository with [`PACKAGES`] (each with a maintainer), and `extra` files.
fn repository(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (package, body) in PACKAGES {
        let (name, _) = package.split_once('.').expect("name.version");
        let text = format!(
            "opam-version: \"2.0\"\nmaintainer: [\"{name} maintainer <{name}@example.org>\" \"Second <second@example.org>\"]\n{body}\n"
        );
        write(
            dir.path(),
            &format!("packages/{name}/{package}/opam"),
            &text,
        );
    }
    for (path, text) in extra {
        write(dir.path(), path, text);
    }
    dir
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn advisories(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "2026/OSEC-2026-90.md", text);
    dir
}

fn run(repository: &Path, advisories: &Path) -> Exposure {
    exposure(
        &[RepositorySpec::Path(repository.to_owned())],
        &[advisories.to_owned()],
    )
    .expect("the exposure is computed")
}

fn stuck(advisory: &AdvisoryExposure) -> Vec<String> {
    advisory
        .packages
        .iter()
        .flat_map(|p| &p.stuck)
        .map(|s| s.package.to_string())
        .collect()
}

#[test]
fn stuck_only_when_every_way_needs_an_affected_version() {
    let repo = repository(&[]);
    let advisory = advisories(ADVISORY);
    let result = run(repo.path(), advisory.path());
    assert!(
        !result.is_incomplete(),
        "{}",
        result.render(ExposureFormat::Human)
    );
    let [only] = result.advisories.as_slice() else {
        panic!("one advisory");
    };
    assert_eq!(
        stuck(only),
        [
            "broken-alternative.1",
            "conflicting.1",
            "direct.1",
            "neither.1",
            "post.1",
            "same-version.2",
            "through.1",
            "unavailable-latest.1",
            "windows.1",
        ]
    );
    let package = &only.packages[0];
    assert_eq!(package.affected.len(), 2);
    assert_eq!(package.unaffected.len(), 1);
    let vuln = PackageName::parse("vuln").expect("name");
    let through = package
        .stuck
        .iter()
        .find(|s| s.package.name.as_str() == "through")
        .expect("through is stuck");
    assert!(!through.is_direct(&vuln));
    assert_eq!(through.blocking[0].name.as_str(), "direct");
    assert_eq!(through.blocking[0].requirement, ["\"direct\""]);
    let direct = &package.stuck[2];
    assert!(direct.is_direct(&vuln));
    assert_eq!(
        direct.maintainers,
        [
            "direct maintainer <direct@example.org>",
            "Second <second@example.org>"
        ]
    );
    insta::assert_snapshot!("exposure_human", result.render(ExposureFormat::Human));
    insta::assert_snapshot!(
        "exposure_markdown",
        result
            .render(ExposureFormat::Markdown)
            .replace(&repo.path().display().to_string(), "REPO")
    );
    insta::assert_snapshot!(
        "exposure_json",
        result
            .render(ExposureFormat::Json)
            .replace(&repo.path().display().to_string(), "REPO")
            .replace(&advisory.path().display().to_string(), "ADVISORIES")
    );
}

#[test]
fn json_is_one_document_with_the_schema() {
    let repo = repository(&[]);
    let advisory = advisories(ADVISORY);
    let text = run(repo.path(), advisory.path()).render(ExposureFormat::Json);
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["schema"], "osec-repo-exposure/1");
    assert_eq!(
        json["advisories"][0]["packages"][0]["stuck"][2]["name"],
        "direct"
    );
    assert_eq!(
        json["advisories"][0]["packages"][0]["stuck"][2]["blocking"][0]["admitted"],
        serde_json::json!(["1", "2"])
    );
}

#[test]
fn an_unreadable_opam_file_is_reported_and_the_result_incomplete() {
    let repo = repository(&[("packages/bad/bad.1/opam", "depends: [\"vuln\" {< \"3\"}\n")]);
    let advisory = advisories(ADVISORY);
    let result = run(repo.path(), advisory.path());
    assert!(result.is_incomplete());
    let [unreadable] = result.unreadable.as_slice() else {
        panic!("one unreadable file: {:?}", result.unreadable);
    };
    assert_eq!(unreadable.package.to_string(), "bad.1");
    assert_eq!(unreadable.path, Path::new("packages/bad/bad.1/opam"));
    let human = result.render(ExposureFormat::Human);
    assert!(
        human.contains("packages/bad/bad.1/opam: bad.1 could not be read"),
        "{human}"
    );
    // Taken as installable without an affected version: not listed.
    assert!(!stuck(&result.advisories[0]).contains(&"bad.1".to_owned()));
}

#[test]
fn an_advisory_failing_lint_is_rejected_not_used() {
    let repo = repository(&[]);
    let advisory = advisories(&ADVISORY.replace("{< \"3\"}", "{< 3}"));
    let result = run(repo.path(), advisory.path());
    assert!(result.is_incomplete());
    assert!(result.advisories.is_empty());
    assert_eq!(result.rejected.len(), 1);
    assert!(
        result
            .render(ExposureFormat::Human)
            .contains("OSEC-2026-90.md has lint errors: not used")
    );
}

#[test]
fn a_package_no_repository_has_affects_nothing() {
    let repo = repository(&[]);
    let advisory = advisories(&ADVISORY.replace("\"vuln\"", "\"elsewhere\""));
    let result = run(repo.path(), advisory.path());
    assert!(!result.is_incomplete());
    let package = &result.advisories[0].packages[0];
    assert!(package.affected.is_empty() && package.stuck.is_empty());
    assert!(
        result
            .render(ExposureFormat::Human)
            .contains("affected releases of elsewhere: none; not affected: none")
    );
}

#[test]
fn a_missing_repository_is_an_error() {
    let advisory = advisories(ADVISORY);
    let error = exposure(
        &[RepositorySpec::Path(PathBuf::from("/no/such/repository"))],
        &[advisory.path().to_owned()],
    )
    .expect_err("no repository");
    assert!(
        error
            .to_string()
            .starts_with("cannot read the repository /no/such/repository:"),
        "{error}"
    );
}

/// Both real repositories and the real advisories; the packages named here were
/// checked by hand against their opam files.
#[test]
fn exposure_of_the_real_repositories() {
    let Some(data) = reference_data("exposure_of_the_real_repositories") else {
        return;
    };
    let result = exposure(
        &[
            RepositorySpec::Path(data.join("opam-repository.tar.gz")),
            RepositorySpec::Path(data.join("opam-repository-archive.tar.gz")),
        ],
        &[real_advisories()],
    )
    .expect("the exposure is computed");
    assert!(result.rejected.is_empty());
    // opam-repository-archive has one opam file whose url section has no `src`.
    let unreadable: Vec<String> = result
        .unreadable
        .iter()
        .map(|u| u.package.to_string())
        .collect();
    assert_eq!(unreadable, ["ocamlformat.0.19.0~4.13preview"]);
    let by_id = |id: &str| {
        result
            .advisories
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(
        stuck(by_id("OSEC-2025-01")),
        ["current-albatross-deployer.1.0.0"]
    );
    let deployer = &by_id("OSEC-2025-01").packages[0].stuck[0];
    assert_eq!(
        deployer.blocking[0].requirement,
        [r#""albatross" {>= "1.5.1" & < "1.5.5"}"#]
    );
    let admitted: Vec<&str> = deployer.blocking[0]
        .admitted
        .iter()
        .map(|v| v.as_str())
        .collect();
    assert_eq!(admitted, ["1.5.1", "1.5.2", "1.5.3", "1.5.4"]);
    assert_eq!(
        stuck(by_id("OSEC-2026-08")),
        [
            "obuilder.0.7.0",
            "ocluster.0.4.0",
            "ocluster-worker.0.4.0",
            "vpnkit.0.2.0"
        ]
    );
    assert_eq!(
        stuck(by_id("OSEC-2026-02")),
        [
            "arp-mirage.2.2.1",
            "mirage-protocols.8.0.0",
            "mirage-stack.4.0.0",
            "mirage-vnetif-stack.0.6.2"
        ]
    );
    assert!(stuck(by_id("OSEC-2026-17")).is_empty());
    // Whatever the advisory: every stuck package is at its latest version, has a
    // blocking dependency, and a direct one admits only affected versions.
    for advisory in &result.advisories {
        for package in &advisory.packages {
            for stuck in &package.stuck {
                assert!(!stuck.blocking.is_empty(), "{}", stuck.package);
                for blocking in &stuck.blocking {
                    assert!(!blocking.admitted.is_empty(), "{}", stuck.package);
                    if blocking.name == package.name {
                        assert!(
                            blocking
                                .admitted
                                .iter()
                                .all(|v| package.affected.contains(v)),
                            "{} {}",
                            advisory.id,
                            stuck.package
                        );
                    }
                }
            }
        }
    }
    insta::assert_snapshot!(
        "exposure_real_2026",
        summary(&result, |id| id.starts_with("OSEC-2026-"))
    );
}

/// One line per stuck package: `ID: package (direct|through a, b)`.
fn summary(result: &Exposure, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    for advisory in result.advisories.iter().filter(|a| keep(&a.id)) {
        for package in &advisory.packages {
            out.push_str(&format!(
                "{} {}: {} stuck\n",
                advisory.id,
                package.constraint,
                package.stuck.len()
            ));
            for stuck in &package.stuck {
                let how: Vec<&str> = stuck.blocking.iter().map(|b| b.name.as_str()).collect();
                out.push_str(&format!("  {} via {}\n", stuck.package, how.join(", ")));
            }
        }
    }
    out
}
