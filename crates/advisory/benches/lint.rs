//! Speed of linting and formatting: the 26 real advisories, and a database a hundred
//! times larger made from them (each copied 100 times with fresh IDs). Repository
//! checks run against an in-memory version list; loading the real repositories is
//! measured by opam-model's benchmark and by `bench/lint.sh` (whole command).

use std::path::{Path, PathBuf};

use advisory::format::format_advisory;
use advisory::lint::{LintOptions, lint_files};
use criterion::{Criterion, criterion_group, criterion_main};
use opam_model::{PackageName, ReleasedVersions, Version};

fn real_advisories() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("OSEC-")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real"),
        &mut out,
    );
    out.sort();
    out
}

/// Each advisory `copies` times; copy `k` of OSEC-YYYY-NN becomes OSEC-YYYY-(NN + 100k).
fn scaled(real: &[(PathBuf, String)], copies: u32) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for k in 0..copies {
        for (path, text) in real {
            let old = path.file_stem().unwrap().to_str().unwrap();
            let (prefix, number) = old.rsplit_once('-').unwrap();
            let new = format!("{prefix}-{:02}", number.parse::<u32>().unwrap() + 100 * k);
            let year = path.parent().unwrap().file_name().unwrap();
            let new_path = PathBuf::from("advisories")
                .join(year)
                .join(format!("{new}.md"));
            out.push((
                new_path,
                text.replace(&format!("id: {old}\n"), &format!("id: {new}\n")),
            ));
        }
    }
    out
}

fn versions(real: &[(PathBuf, String)]) -> ReleasedVersions {
    let mut released = ReleasedVersions::new();
    for (_, text) in real {
        for affected in advisory::parse(text).advisory.affected {
            for v in [
                "0.1", "1.0.0", "2.0.0", "4.02.3", "4.14.2", "4.14.3", "4.14.4", "5.4.1", "5.5.0",
            ] {
                if let Ok(name) = PackageName::parse(&affected.package.value) {
                    released.add(&name, &Version::parse(v).unwrap());
                }
            }
        }
    }
    released
}

fn bench(c: &mut Criterion) {
    let real = real_advisories();
    let large = scaled(&real, 100);
    assert_eq!(large.len(), 2600);
    let released = versions(&real);
    let options = LintOptions {
        now: "2026-11-24T00:00:00Z".parse().unwrap(),
        packages: Some(&released),
    };
    // The in-memory version lists are coarse, so only the repository rules may fire.
    let clean = lint_files(large.clone(), &options).iter().all(|r| {
        r.findings
            .iter()
            .all(|f| matches!(f.rule.code(), "ADV026" | "ADV027"))
    });
    assert!(clean, "the generated database must lint without errors");

    c.bench_function("lint 26 real advisories", |b| {
        b.iter(|| lint_files(real.clone(), &options))
    });
    c.bench_function("lint 2600 advisories (100x)", |b| {
        b.iter(|| lint_files(large.clone(), &options))
    });
    c.bench_function("format 2600 advisories (100x)", |b| {
        b.iter(|| {
            large
                .iter()
                .map(|(_, text)| format_advisory(text).map(|s| s.len()).unwrap_or(0))
                .sum::<usize>()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
