//! Real projects (tests/data/projects, see its README): what is detected in each, and
//! the findings and counts of the whole run against an independent reading of the same
//! files (`scripts/independent-audit.py`, whose output is `expected-findings.tsv` and
//! `expected-scanned.tsv`).

use std::path::{Path, PathBuf};

use audit::input::detect;

use crate::run_on;

fn projects() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/projects")
}

fn project_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(projects())
        .expect("projects/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// `path` relative to `base`, with `/` separators.
fn relative(path: &str, base: &Path) -> String {
    Path::new(path)
        .strip_prefix(base)
        .unwrap_or(Path::new(path))
        .to_string_lossy()
        .replace('\\', "/")
}

/// The rows `scripts/independent-audit.py` writes, from osec's report of one project:
/// findings (project, input, kind, package, version or `FIELD CONSTRAINT`, ID) and
/// inputs (project, input, kind, packages_scanned).
fn osec_rows(name: &str) -> (Vec<String>, Vec<String>) {
    let project = projects().join(name);
    let outcome = run_on(&project);
    let audit::Outcome::Audited(audited) = outcome else {
        panic!("{name}: nothing scanned");
    };
    let report = &audited.report;
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    let mut rows = Vec::new();
    let mut counts = Vec::new();
    for input in &report.inputs {
        counts.push(
            [
                name,
                &relative(&input.path, &project),
                input.kind,
                &input.packages_scanned.to_string(),
            ]
            .join("\t"),
        );
        let findings = input
            .findings
            .iter()
            .chain(input.ignored.iter().map(|i| &i.finding));
        for finding in findings {
            let subject = match &finding.constraint {
                Some(c) => format!("{} {}", c.field, c.text),
                None => finding.installed_version.clone(),
            };
            rows.push(
                [
                    name,
                    &relative(&input.path, &project),
                    input.kind,
                    &finding.package,
                    &subject,
                    &finding.id,
                ]
                .join("\t"),
            );
        }
    }
    rows.sort();
    counts.sort();
    (rows, counts)
}

/// The lines of an expected file of the independent reading, without its header.
fn expected(file: &str) -> Vec<String> {
    std::fs::read_to_string(projects().join(file))
        .expect("expected file")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

fn of_project<'a>(rows: &'a [String], name: &str) -> Vec<&'a str> {
    rows.iter()
        .map(String::as_str)
        .filter(|row| row.split('\t').next() == Some(name))
        .collect()
}

/// Every project's findings and `packages_scanned` are exactly the independent
/// reading's, row for row. The reading is `scripts/independent-audit.py` (regular
/// expressions, a small tokenizer and `json` over the same files, matched against the
/// records' `versions` lists and ECOSYSTEM ranges); CI runs it again and fails if it no
/// longer gives these files.
#[test]
fn findings_equal_the_independent_reading_of_every_project() {
    let findings = expected("expected-findings.tsv");
    let scanned = expected("expected-scanned.tsv");
    let names = project_names();
    assert!(names.len() >= 20, "{names:?}");
    let mut agree = 0;
    let mut differences = String::new();
    for name in &names {
        let (our_findings, our_counts) = osec_rows(name);
        let (their_findings, their_counts) =
            (of_project(&findings, name), of_project(&scanned, name));
        if our_findings == their_findings && our_counts == their_counts {
            agree += 1;
        } else {
            differences.push_str(&format!(
                "{name}:\n  osec:        {our_findings:#?} {our_counts:#?}\n  \
                 independent: {their_findings:#?} {their_counts:#?}\n"
            ));
        }
    }
    assert_eq!(agree, names.len(), "{differences}");
    // Every row of the expected files belongs to a project that exists.
    for row in findings.iter().chain(&scanned) {
        let project = row.split('\t').next().unwrap_or_default();
        assert!(names.iter().any(|n| n == project), "{row}");
    }
}

/// What `detect` finds in each project: every layout of the README, by kind and path.
#[test]
fn projects_are_detected_as_they_are_laid_out() {
    let mut out = String::new();
    for name in project_names() {
        let project = projects().join(&name);
        out.push_str(&format!("{name}\n"));
        for input in detect(&project).expect("detect") {
            out.push_str(&format!(
                "  {} {}\n",
                input.kind(),
                relative(&input.path().display().to_string(), &project)
            ));
        }
    }
    insta::assert_snapshot!(out);
}
