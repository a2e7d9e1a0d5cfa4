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
        assert!(report.advisory.id.is_some() && !report.advisory.affected.is_empty());
    }
}

#[test]
fn the_26_real_advisories_format_stably() {
    let files = read_tree(&data_dir().join("real"), &data_dir());
    let mut changed = Vec::new();
    for (path, text) in &files {
        let once = format_advisory(text).unwrap();
        let twice = format_advisory(&once).unwrap();
        assert_eq!(once, twice, "formatting {} is not idempotent", path.display());
        if &once != text {
            changed.push(path.display().to_string());
        }
    }
    insta::assert_snapshot!(changed.join("\n"));
}
