//! `osec import`: the round trip on the 26 real advisories (export → import → export
//! gives the same records, without and with `versions` from the real repositories),
//! and imports of hand-made OSV, GHSA and CVE JSON 5 records modelled on real ones.

use std::path::{Path, PathBuf};

use advisory::import::{ImportOptions, Imported, PLACEHOLDER_PACKAGE, import};
use advisory::to_osv::{ConvertOptions, to_osv};
use opam_model::{PackageName, ReleasedVersions, Repository, RepositoryStack, Version};

use crate::support::{data_dir, read_tree};

fn now() -> jiff::Timestamp {
    "2026-12-05T10:00:00Z".parse().unwrap()
}

/// The OSV record of an advisory text, as `osec osv export` writes it.
fn export(text: &str, released: Option<&ReleasedVersions>) -> String {
    let parsed = advisory::parse(text);
    assert!(parsed.problems.is_empty(), "{:?}\n{text}", parsed.problems);
    let options = ConvertOptions {
        released,
        with_versions: released.is_some(),
    };
    let conversion = to_osv(&parsed.advisory, &options).unwrap();
    osv::to_string_pretty(&conversion.record)
}

fn import_text(json: &str, released: Option<&ReleasedVersions>) -> Imported {
    let options = ImportOptions {
        released,
        now: now(),
        packages: &[],
    };
    import(json, &options).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

/// export → import → render → export, for every real advisory; the draft of our own
/// record has nothing left to write and keeps the advisory's ID.
fn round_trip(export_with: Option<&ReleasedVersions>, import_with: Option<&ReleasedVersions>) {
    let files = read_tree(&data_dir().join("real"), &data_dir());
    assert_eq!(files.len(), 26);
    for (path, text) in files {
        let first = export(&text, export_with);
        let imported = import_text(&first, import_with);
        assert_eq!(
            imported.draft.notes,
            Vec::<String>::new(),
            "{}",
            path.display()
        );
        let id = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            imported.draft.id.map(|i| i.to_string()).as_deref(),
            Some(id)
        );
        let draft = imported.draft.render().unwrap();
        let second = export(&draft, export_with);
        assert_eq!(
            first,
            second,
            "{}: the round trip changed the record",
            path.display()
        );
        // The draft is in canonical layout.
        assert_eq!(advisory::format::format_advisory(&draft).unwrap(), draft);
    }
}

#[test]
fn round_trip_of_the_26_real_advisories_without_versions() {
    round_trip(None, None);
}

#[allow(clippy::print_stdout, reason = "says that a test was skipped")]
/// Both real repositories, as `--repo` gives them, or `None` without the reference data.
fn real_repositories() -> Option<ReleasedVersions> {
    let dir = std::env::var_os("OSEC_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let tarballs = [
        dir.join("opam-repository.tar.gz"),
        dir.join("opam-repository-archive.tar.gz"),
    ];
    if !tarballs.iter().all(|t| t.is_file()) {
        println!(
            "skipped: no opam-repository tarballs in {} (set OSEC_DATA)",
            dir.display()
        );
        return None;
    }
    let stack = RepositoryStack::new(
        tarballs
            .iter()
            .map(|t| Repository::open(t).unwrap())
            .collect(),
    );
    Some(ReleasedVersions::of_stack(&stack))
}

#[test]
fn round_trip_of_the_26_real_advisories_with_versions_from_the_real_repositories() {
    let Some(released) = real_repositories() else {
        return;
    };
    round_trip(Some(&released), Some(&released));
    // An import without --repo of records that list versions gives the same too.
    round_trip(Some(&released), None);
}

/// The records the reference converter published (crates/osv/tests/data/generated-osv)
/// import as the advisories they were made from: same constraint, aliases, CWE.
#[test]
fn the_published_records_import_as_their_advisories() {
    let published = Path::new(env!("CARGO_MANIFEST_DIR")).join("../osv/tests/data/generated-osv");
    for (path, text) in read_tree(&data_dir().join("real"), &data_dir()) {
        let id = path.file_stem().unwrap().to_str().unwrap();
        let year = &id[5..9];
        let json =
            std::fs::read_to_string(published.join(year).join(format!("{id}.json"))).unwrap();
        let imported = import_text(&json, None);
        let original = advisory::parse(&text).advisory;
        let draft = advisory::parse(&imported.draft.render().unwrap()).advisory;
        let constraints = |a: &advisory::Advisory| {
            a.affected
                .iter()
                .map(|p| advisory::to_osv::opam_constraint(&p.package.value, p.constraint.as_ref()))
                .collect::<Vec<_>>()
        };
        assert_eq!(constraints(&draft), constraints(&original), "{id}");
        let aliases = |a: &advisory::Advisory| {
            a.aliases
                .iter()
                .map(|a| a.value.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(aliases(&draft), aliases(&original), "{id}");
        let cwes = original
            .cwe
            .iter()
            .map(|c| c.value.to_string())
            .collect::<Vec<_>>();
        assert_eq!(imported.draft.cwe, cwes, "{id}");
        assert_eq!(imported.draft.notes, Vec::<String>::new(), "{id}");
    }
}

fn released(entries: &[(&str, &[&str])]) -> ReleasedVersions {
    let mut released = ReleasedVersions::new();
    for (name, versions) in entries {
        let name = PackageName::parse(name).unwrap();
        for v in *versions {
            released.add(&name, &Version::parse(v).unwrap());
        }
    }
    released
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(data_dir().join("import").join(name)).unwrap()
}

/// Imports a fixture, checks the draft reads back as an advisory in canonical layout
/// whose lint findings are only the notes (`ADV030`), and returns it with its text.
fn import_fixture(
    name: &str,
    released: Option<&ReleasedVersions>,
    packages: &[(String, String)],
) -> (Imported, String) {
    let options = ImportOptions {
        released,
        now: now(),
        packages,
    };
    let imported = import(&fixture(name), &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut draft = imported.draft.clone();
    if draft.id.is_none() {
        draft.id = Some(format!("OSEC-{}-99", imported.year).parse().unwrap());
    }
    let text = draft.render().unwrap();
    assert_eq!(
        advisory::format::format_advisory(&text).unwrap(),
        text,
        "{name}"
    );
    let parsed = advisory::parse(&text);
    assert!(parsed.problems.is_empty(), "{name}: {:?}", parsed.problems);
    (imported, text)
}

fn constraints(imported: &Imported) -> Vec<(&str, Option<&str>)> {
    imported
        .draft
        .affected
        .iter()
        .map(|p| (p.name.as_str(), p.constraint.as_deref()))
        .collect()
}

/// Whether some note names `field` of the record and says `words`.
fn noted(imported: &Imported, field: &str, words: &str) -> bool {
    imported
        .draft
        .notes
        .iter()
        .any(|n| n.starts_with(&format!("`{field}` of {}", imported.source)) && n.contains(words))
}

#[test]
fn an_osv_range_of_three_intervals_needs_or_and_with_the_releases_not_equal() {
    let repo = released(&[(
        "example-buffer",
        &[
            "0.9", "1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1", "3.0", "3.1", "3.2",
        ],
    )]);
    let (with, text) = import_fixture("osv-opam-not-equal.json", Some(&repo), &[]);
    assert_eq!(
        constraints(&with),
        [(
            "example-buffer",
            Some("!= \"1.2\" & < \"2.0\" | >= \"3.0\" & <= \"3.1\"")
        )]
    );
    assert_eq!(with.draft.aliases, ["CVE-2025-60311"]);
    assert_eq!(with.draft.related, ["OSV-2025-1204"]);
    assert_eq!(with.year, 2025);
    assert!(noted(&with, "id", "neither a CVE nor a GHSA ID"));
    assert!(noted(&with, "affected[0].database_specific", "example.org"));
    insta::assert_snapshot!("osv-opam-not-equal", text);
    // Without the releases, the same versions without `!=`.
    let (without, _) = import_fixture("osv-opam-not-equal.json", None, &[]);
    assert_eq!(
        constraints(&without),
        [(
            "example-buffer",
            Some("< \"1.2\" | >= \"1.3\" & < \"2.0\" | >= \"3.0\" & <= \"3.1\"")
        )]
    );
    // Each constraint admits exactly the listed versions among the releases.
    for imported in [&with, &without] {
        let mut draft = imported.draft.clone();
        draft.id = Some("OSEC-2025-99".parse().unwrap());
        let advisory = advisory::parse(&draft.render().unwrap()).advisory;
        let constraint = advisory.affected[0].constraint.as_ref().unwrap();
        for v in repo
            .versions(&PackageName::parse("example-buffer").unwrap())
            .unwrap()
        {
            let listed = ["0.9", "1.0", "1.1", "1.3", "1.4", "3.0", "3.1"].contains(&v.as_str());
            let admitted = constraint.matches(v.as_str(), &opam_model::compare_versions);
            assert_eq!(admitted, listed, "{}", v.as_str());
        }
    }
}

#[test]
fn an_osv_record_of_several_opam_packages() {
    let repo = released(&[(
        "ocaml-base-compiler",
        &[
            "4.14.2", "5.0.0", "5.1.0", "5.1.1", "5.2.0", "5.3.0", "5.4.0", "5.4.1",
        ],
    )]);
    let (imported, text) = import_fixture("osv-opam-several-packages.json", Some(&repo), &[]);
    assert_eq!(
        constraints(&imported),
        [
            ("ocaml", Some("< \"4.14.3\" | >= \"5.0.0\" & < \"5.4.1\"")),
            (
                "ocaml-base-compiler",
                Some(">= \"5.0.0\" & < \"5.1.1\" | >= \"5.3.0\" & < \"5.4.1\"")
            ),
            (
                "ocaml-variants",
                Some("< \"5.1.0+trunk\" | >= \"5.2.0+trunk\"")
            ),
        ]
    );
    assert_eq!(
        imported.draft.affected_bindings,
        ["Marshal.from_string", "Stdlib.input_value"]
    );
    assert_eq!(
        imported.draft.events.len(),
        1,
        "{:?}",
        imported.draft.events
    );
    assert!(noted(&imported, "affected[3].package", "ecosystem npm"));
    assert!(noted(
        &imported,
        "affected[2].versions",
        "5.1.5+trunk listed but outside"
    ));
    assert!(noted(&imported, "references[1]", "GIT"));
    assert!(noted(&imported, "credits[1]", "no role"));
    for note in &imported.draft.notes {
        assert!(text.contains(note.lines().next().unwrap()), "{note}");
    }
    insta::assert_snapshot!("osv-opam-several-packages", text);
}

#[test]
fn a_github_record_of_another_ecosystem_keeps_everything_as_notes() {
    let (imported, text) = import_fixture("GHSA-pypi-reviewed.json", None, &[]);
    assert_eq!(constraints(&imported), [(PLACEHOLDER_PACKAGE, None)]);
    assert_eq!(
        imported.draft.aliases,
        ["GHSA-4c7q-9f2m-xw3r", "CVE-2025-11042"]
    );
    assert_eq!(imported.draft.cwe, ["CWE-22", "CWE-73"]);
    assert!(noted(&imported, "affected[0].package", "ecosystem PyPI"));
    assert!(noted(&imported, "affected", "no entry is an opam package"));
    assert!(noted(&imported, "aliases", "PYSEC-2025-77"));
    assert!(noted(&imported, "database_specific", "github_reviewed"));
    // GitHub's rating disagrees with the vector's (9.1 is critical, so it agrees).
    assert!(!noted(&imported, "database_specific", "\"severity\""));
    insta::assert_snapshot!("GHSA-pypi-reviewed", text);
}

#[test]
fn a_withdrawn_github_record_stays_withdrawn() {
    let (imported, text) = import_fixture("GHSA-unreviewed-withdrawn.json", None, &[]);
    assert_eq!(
        imported.draft.withdrawn.as_deref(),
        Some("2026-03-02T18:30:12Z")
    );
    assert_eq!(imported.draft.summary, None);
    assert!(noted(&imported, "summary", "no summary"));
    assert!(noted(&imported, "severity[1]", "CVSS_V4"));
    assert!(noted(&imported, "affected", "names no affected package"));
    assert!(
        text.contains("withdrawn: \"2026-03-02T18:30:12Z\""),
        "{text}"
    );
    insta::assert_snapshot!("GHSA-unreviewed-withdrawn", text);
}

#[test]
fn a_cve_record_with_an_unaffected_version_inside_a_range() {
    let repo = released(&[(
        "example-http",
        &[
            "4.1.0", "4.2.0", "4.3.0", "5.0.0", "5.1.0", "5.2.0", "5.2.1", "5.3.0", "5.4.0",
            "5.4.1",
        ],
    )]);
    let packages = [("example-http-lwt".to_owned(), "http-lwt".to_owned())];
    let (imported, text) = import_fixture("CVE-2026-45389-opam.json", Some(&repo), &packages);
    assert_eq!(
        constraints(&imported),
        [
            (
                "example-http",
                Some("< \"4.2.0\" | >= \"5.0.0\" & != \"5.2.1\" & < \"5.4.1\"")
            ),
            ("http-lwt", Some(">= \"5.0.0\" & < \"5.4.1\"")),
        ]
    );
    assert_eq!(imported.year, 2026);
    assert_eq!(
        imported.draft.published.as_deref(),
        Some("2026-05-12T14:30:02.114Z")
    );
    assert_eq!(
        imported.draft.aliases,
        ["CVE-2026-45389", "GHSA-2x7q-9c4m-pf3r"]
    );
    assert_eq!(imported.draft.cwe, ["CWE-22"]);
    assert_eq!(
        imported.draft.severity.as_deref(),
        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
    );
    assert_eq!(
        imported.draft.affected_bindings,
        ["Example_http.Static.serve"]
    );
    assert_eq!(imported.draft.events.len(), 1);
    assert!(imported.draft.details.contains("## Workaround"));
    assert!(
        imported
            .draft
            .details
            .contains("- 2026-05-10: 5.4.1 released")
    );
    assert!(noted(
        &imported,
        "containers.cna.affected[2]",
        "example-http.js"
    ));
    assert!(noted(&imported, "containers.cna.descriptions[1]", "`fr`"));
    assert!(noted(
        &imported,
        "containers.cna.metrics[0].cvssV4_0",
        "CVSS:4.0"
    ));
    let credits: Vec<(&str, &str)> = imported
        .draft
        .credits
        .iter()
        .map(|c| (c.kind.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(
        credits,
        [
            ("finder", "Jane Doe"),
            ("remediation_developer", "John Roe"),
            ("tool", "a fuzzer")
        ]
    );
    assert!(noted(
        &imported,
        "containers.cna.source.discovery",
        "EXTERNAL"
    ));
    assert!(noted(
        &imported,
        "containers.adp[0]",
        "CISA ADP Vulnrichment"
    ));
    assert!(noted(
        &imported,
        "containers.cna.problemTypes[0].descriptions[1]",
        "Directory traversal"
    ));
    insta::assert_snapshot!("CVE-2026-45389-opam", text);
    // Without the releases, exact intervals; without the mapping, the product noted.
    let (plain, _) = import_fixture("CVE-2026-45389-opam.json", None, &[]);
    assert_eq!(
        constraints(&plain),
        [(
            "example-http",
            Some("< \"4.2.0\" | >= \"5.0.0\" & < \"5.2.1\" | > \"5.2.1\" & < \"5.4.1\"")
        )]
    );
    assert!(noted(
        &plain,
        "containers.cna.affected[1]",
        "--package 'example-http-lwt=NAME'"
    ));
}

#[test]
fn a_rejected_cve_record_becomes_a_withdrawn_draft() {
    let (imported, text) = import_fixture("CVE-2026-41122-rejected.json", None, &[]);
    assert_eq!(
        imported.draft.withdrawn.as_deref(),
        Some("2026-04-02T17:44:31.31Z")
    );
    assert_eq!(
        imported.draft.published.as_deref(),
        Some("2026-03-20T10:15:00Z")
    );
    assert_eq!(imported.draft.related, ["CVE-2026-41000"]);
    assert!(
        imported
            .draft
            .details
            .contains("duplicate of CVE-2026-41000")
    );
    assert!(noted(&imported, "containers.cna.title", "no title"));
    assert!(noted(
        &imported,
        "containers.cna.affected",
        "no entry names an opam package"
    ));
    insta::assert_snapshot!("CVE-2026-41122-rejected", text);
}

#[test]
fn records_that_cannot_be_read_are_errors_naming_where() {
    let options = ImportOptions {
        released: None,
        now: now(),
        packages: &[],
    };
    let error = |text: &str| import(text, &options).unwrap_err().to_string();
    assert_eq!(
        error("{\n  \"id\": \"X\",\n  oops\n}"),
        "line 3, column 3: not JSON: key must be a string at line 3 column 3"
    );
    let unknown = error(&fixture("osv-unknown-field.json"));
    assert!(unknown.contains("rangez"), "{unknown}");
    assert!(unknown.contains("line 8, column 14"), "{unknown}");
    assert!(error(&fixture("not-a-record.json")).starts_with("neither an OSV record"));
    assert_eq!(
        error(r#"{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2026-1"}}"#),
        "the CVE record: `cveMetadata.cveId`: missing, or not a CVE ID"
    );
    assert_eq!(
        error(r#"{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2026-1234"}}"#),
        "CVE-2026-1234: `containers.cna`: missing: the record has no CNA container"
    );
}
