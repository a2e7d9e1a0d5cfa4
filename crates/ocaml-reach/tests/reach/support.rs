//! Temporary source trees and short views of outcomes.

use std::path::{Path, PathBuf};

use ocaml_reach::{Outcome, Request, Scan, Through, Verdict};

/// A temporary directory holding `files` (path, contents).
pub(crate) fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, contents) in files {
        let full = dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(full, contents).expect("write fixture");
    }
    dir
}

pub(crate) fn request(package: &str, bindings: &[&str]) -> Request {
    Request {
        package: package.to_owned(),
        bindings: bindings.iter().map(|b| (*b).to_owned()).collect(),
        through: Through::AnyPackage,
    }
}

/// Scans one `main.ml` holding `src` for `binding`.
pub(crate) fn scan_source(src: &str, binding: &str) -> Outcome {
    let dir = tree(&[("main.ml", src.as_bytes())]);
    scan_dir(dir.path(), binding)
}

pub(crate) fn scan_dir(dir: &Path, binding: &str) -> Outcome {
    let mut outcomes = Scan::new()
        .project_dir(dir)
        .request(request("pkg", &[binding]))
        .run();
    outcomes.pop().expect("one outcome")
}

/// `called 3:9, 5:1`, `not-referenced`, or `unknown: kind, kind`.
pub(crate) fn summary(outcome: &Outcome) -> String {
    match &outcome.verdict {
        Verdict::Called { references, .. } => {
            let places: Vec<String> = references
                .iter()
                .map(|r| format!("{}:{}", r.at.line, r.at.column))
                .collect();
            format!("called {}", places.join(", "))
        }
        Verdict::NotReferenced { .. } => "not-referenced".to_owned(),
        Verdict::Unknown { why } => {
            let kinds: Vec<String> = why
                .iter()
                .map(|w| {
                    serde_json::to_value(w)
                        .ok()
                        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                        .unwrap_or_default()
                })
                .collect();
            format!("unknown: {}", kinds.join(", "))
        }
    }
}

/// The file name of a path, for short assertions.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[allow(dead_code)]
pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reach")
}
