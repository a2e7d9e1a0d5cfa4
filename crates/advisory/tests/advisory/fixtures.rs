//! Every rule has fixtures `tests/data/lint/ADVnnn.md` (and `_1`, `_2` variants); each
//! fixture states what it must produce in HTML comments at its end:
//! `<!-- expect: ADV005 27 -->` (code and line, one comment per finding) and optionally
//! `<!-- path: advisories/2026/OSEC-2026-03.md -->`, the path it is linted under
//! (default `advisories/2026/OSEC-2026-02.md`), and
//! `<!-- reservation: advisories/reserved/2026/OSEC-2026-02.reserved -->`, reservation
//! placeholders beside it (checked with `lint_reservations`; their findings count as
//! the fixture's, at their line in the placeholder). Each fixture is linted together with
//! `clean.md` (as `advisories/2026/OSEC-2026-01.md`), so that cross-file rules fire.
//! Fixtures are read as bytes and linted with [`lint_read`], as `osec lint` does: a
//! fixture need not be UTF-8 (`ADV028`).

use std::path::{Path, PathBuf};

use advisory::ids::Reservation;
use advisory::lint::{LintOptions, OutputFormat, Rule, lint_read, lint_reservations, render};
use opam_model::{PackageName, ReleasedVersions, Version};

use crate::support::{data_dir, options};

const CLEAN_PATH: &str = "advisories/2026/OSEC-2026-01.md";
const DEFAULT_PATH: &str = "advisories/2026/OSEC-2026-02.md";

/// A tiny repository for the `--repo` rules.
fn fake_repository() -> ReleasedVersions {
    let mut released = ReleasedVersions::new();
    for (name, versions) in [
        ("pkg", &["0.9", "1.0", "1.1", "1.2"][..]),
        ("other", &["1.0", "2.0"][..]),
    ] {
        let name = PackageName::parse(name).unwrap();
        for version in versions {
            released.add(&name, &Version::parse(version).unwrap());
        }
    }
    released
}

fn directives(text: &str, key: &str) -> Vec<String> {
    let prefix = format!("<!-- {key}: ");
    text.lines()
        .filter_map(|l| l.strip_prefix(&prefix).and_then(|r| r.strip_suffix(" -->")))
        .map(str::to_owned)
        .collect()
}

#[test]
fn lint_fixtures() {
    let repository = fake_repository();
    let options = LintOptions {
        packages: Some(&repository),
        ..options()
    };
    let clean = std::fs::read_to_string(data_dir().join("lint/clean.md")).unwrap();
    insta::glob!("../data/lint", "*.md", |fixture| {
        let bytes = std::fs::read(fixture).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let is_clean = fixture.file_name().is_some_and(|n| n == "clean.md");
        let path = if is_clean {
            PathBuf::from(CLEAN_PATH)
        } else {
            PathBuf::from(
                directives(&text, "path")
                    .pop()
                    .unwrap_or_else(|| DEFAULT_PATH.to_owned()),
            )
        };
        let mut files = vec![(path.clone(), Ok(bytes))];
        if !is_clean {
            files.push((PathBuf::from(CLEAN_PATH), Ok(clean.clone().into_bytes())));
        }
        let reports = lint_read(files, &options);
        let report = reports.iter().find(|r| r.path == path).unwrap();
        let mut shown = vec![report.clone()];
        shown.extend(reservation_reports(
            &directives(&text, "reservation"),
            &reports,
        ));
        let rendered = render(&shown, OutputFormat::Human);
        insta::assert_snapshot!(rendered);

        let mut found: Vec<String> = shown
            .iter()
            .flat_map(|report| {
                let index = opam_file::LineIndex::new(&report.source);
                report.findings.iter().map(move |f| {
                    format!(
                        "{} {}",
                        f.rule.code(),
                        index.line_column(&report.source, f.span.start).0
                    )
                })
            })
            .collect();
        let mut expected = directives(&text, "expect");
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{}:\n{rendered}", fixture.display());
        if let Some(stem) = fixture
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| s.starts_with("ADV"))
        {
            let code = stem.split('_').next().unwrap();
            assert!(
                found.iter().any(|f| f.starts_with(code)),
                "{stem} does not produce {code}"
            );
        }
    });
}

/// The reports of placeholders at `relative` paths (written into a temporary
/// directory, reported under the relative path) checked against `reports`.
fn reservation_reports(
    relative: &[String],
    reports: &[advisory::lint::FileReport],
) -> Vec<advisory::lint::FileReport> {
    let dir = tempfile::tempdir().unwrap();
    let reservations: Vec<Reservation> = relative
        .iter()
        .map(|relative| {
            let path = dir.path().join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let id = path.file_stem().unwrap().to_str().unwrap().parse().unwrap();
            std::fs::write(
                &path,
                format!("# {id} reserved by `osec reserve` on 2026-11-20T09:00:00Z.\n"),
            )
            .unwrap();
            Reservation { id, path }
        })
        .collect();
    let mut out = lint_reservations(&reservations, reports);
    for report in &mut out {
        report.path = report.path.strip_prefix(dir.path()).unwrap().to_path_buf();
    }
    out
}

#[test]
fn every_rule_has_a_fixture() {
    let dir = data_dir().join("lint");
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.code())
        .filter(|code| !dir.join(format!("{code}.md")).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture in {}: {missing:?}",
        dir.display()
    );
    assert!(Path::new(&dir.join("clean.md")).exists());
}
