use std::path::{Path, PathBuf};

use advisory::lint::{FileReport, LintOptions};
use opam_file::LineIndex;

pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every `.md` file under `dir`, sorted, as (path relative to `base`, text), except
/// the `ADV028` fixtures, which are not UTF-8 on purpose (fixtures.rs lints them as
/// bytes).
pub(crate) fn read_tree(dir: &Path, base: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md")
                && path.file_name().is_some_and(|n| n != "SOURCE.md")
            {
                let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) else {
                    let name = path.file_name().unwrap().to_str().unwrap();
                    assert!(name.starts_with("ADV028"), "{name} is not UTF-8");
                    continue;
                };
                out.push((path.strip_prefix(base).unwrap().to_path_buf(), text));
            }
        }
    }
    out.sort();
    out
}

/// What an advisory means: every field, event, credit and reference as parsed, with
/// the positions left out (formatting moves them). Two texts with the same meaning
/// give the same string.
pub(crate) fn meaning(text: &str) -> String {
    let debug = format!("{:?}", advisory::parse(text).advisory);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        let end = rest[at..].find(" }").expect("a span's end") + at + " }".len();
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A fixed "now" so that tests do not depend on the clock: 2026-11-24T00:00:00Z.
pub(crate) fn options() -> LintOptions<'static> {
    LintOptions {
        now: "2026-11-24T00:00:00Z".parse().unwrap(),
        packages: None,
    }
}

/// `line:column: level[CODE] message` per finding, with help and related lines.
pub(crate) fn concise(report: &FileReport) -> String {
    let index = LineIndex::new(&report.source);
    let mut out = String::new();
    for f in &report.findings {
        let (line, column) = index.line_column(&report.source, f.span.start);
        out += &format!(
            "{}:{line}:{column}: {}[{}] {}: {}\n",
            report.path.display(),
            f.level().as_str(),
            f.rule.code(),
            f.rule.name(),
            f.message
        );
        if let Some((span, label)) = &f.related {
            let (line, column) = index.line_column(&report.source, span.start);
            out += &format!("  note: {line}:{column}: {label}\n");
        }
        if let Some(help) = &f.help {
            out += &format!("  help: {help}\n");
        }
    }
    out
}
