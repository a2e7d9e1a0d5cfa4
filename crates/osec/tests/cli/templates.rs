//! The CI templates of `templates/advisory-db/` and the guides in `docs/` use osec's
//! commands and flags as they are: each `osec …` command line in them is checked
//! against that command's `--help`.

use std::path::{Path, PathBuf};

use crate::support::TestDir;

/// Command groups whose next word is the subcommand.
const GROUPS: [&str; 6] = ["osv", "db", "opam", "purl", "site", "repo"];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn the_templates_use_existing_commands_and_flags() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = Vec::new();
    files(&root.join("templates/advisory-db"), &mut paths);
    files(&root.join("docs"), &mut paths);
    paths.sort();
    assert_eq!(paths.len(), 9, "{paths:?}");
    let dir = TestDir::new();
    let mut checked = Vec::new();
    for path in paths {
        // Lines continued with `\` are one command.
        let text = std::fs::read_to_string(&path).unwrap().replace("\\\n", " ");
        for line in text.lines() {
            let Some(at) = line.find("osec ") else {
                continue;
            };
            let before = line.get(..at).unwrap_or("");
            if !(before.trim_end().is_empty()
                || before.ends_with("run: ")
                || before.ends_with("- run: ")
                || before.ends_with("$(")
                || before.ends_with("; "))
            {
                continue;
            }
            let words: Vec<&str> = line[at..].split_whitespace().collect();
            let mut command = vec![words[1]];
            if GROUPS.contains(&words[1]) {
                command.push(words[2]);
            }
            let mut args = command.clone();
            args.push("--help");
            let help = dir.osec(&args);
            assert_eq!(
                help.code,
                0,
                "{}: osec {}: {}",
                path.display(),
                command.join(" "),
                help.stderr
            );
            for flag in words.iter().filter(|w| w.starts_with("--")) {
                let flag = flag.split('=').next().unwrap();
                assert!(
                    flag == "--help" || flag == "--version" || help.stdout.contains(flag),
                    "{}: `osec {}` has no {flag}",
                    path.display(),
                    command.join(" ")
                );
            }
            checked.push(command.join(" "));
        }
    }
    checked.sort();
    checked.dedup();
    assert_eq!(
        checked,
        [
            "--version",
            "announce",
            "audit",
            "db fetch",
            "fmt",
            "import",
            "lint",
            "new",
            "next-id",
            "osv export",
            "osv publish",
            "reserve",
            "serve",
            "sync"
        ]
    );
}
