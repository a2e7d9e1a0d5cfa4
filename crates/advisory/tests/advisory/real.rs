use advisory::format::format_advisory;
use advisory::lint::lint_files;

use crate::support::{concise, data_dir, options, read_tree};

#[test]
fn the_26_real_advisories_lint_clean() {
    let base = data_dir().join("real");
    let files = read_tree(&base, &data_dir());
    assert_eq!(files.len(), 26);
    let reports = lint_files(files, &options());
    let rendered: String = reports.iter().map(concise).collect();
    assert_eq!(rendered, "");
    for report in &reports {
        let advisory = &report.advisory;
        assert!(advisory.advisory_id().is_some() && !advisory.affected.is_empty());
        assert!(advisory.modified_at().is_some() && advisory.cvss().is_some());
        assert!(advisory.summary.is_some() && !advisory.details.is_empty());
    }
    // OSEC-2026-09 has no `published` and a `modified` with an offset.
    let late = reports
        .iter()
        .find(|r| r.path.ends_with("OSEC-2026-09.md"))
        .unwrap();
    assert_eq!(late.advisory.published_at(), None);
    assert_eq!(
        late.advisory.modified_at().unwrap().to_string(),
        "2026-05-28T08:59:44Z"
    );
    // OSEC-2026-01 has three aliases and four git ranges.
    let first = reports
        .iter()
        .find(|r| r.path.ends_with("OSEC-2026-01.md"))
        .unwrap();
    assert_eq!(first.advisory.aliases.len(), 3);
    assert_eq!(first.advisory.events.len(), 4);
}

#[test]
fn the_26_real_advisories_format_stably() {
    let files = read_tree(&data_dir().join("real"), &data_dir());
    let mut changed = Vec::new();
    for (path, text) in &files {
        let once = format_advisory(text).unwrap();
        let twice = format_advisory(&once).unwrap();
        assert_eq!(
            once,
            twice,
            "formatting {} is not idempotent",
            path.display()
        );
        if &once != text {
            changed.push(path.display().to_string());
        }
    }
    insta::assert_snapshot!(changed.join("\n"));
}
