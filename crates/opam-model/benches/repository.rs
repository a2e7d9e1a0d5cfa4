//! Indexing opam-repository and opam-repository-archive (37,773 versions) from
//! directories and from the tarballs, and 10,000 version queries.
//!
//! Needs the reference data (`OSEC_DATA`, default `<workspace>/../shared/data`); the
//! tarballs are unpacked once into a temporary directory for the directory cases.
//! Run: `cargo bench -p opam-model --bench repository`.

// Benchmarks tell plainly when they are skipped.
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use opam_model::{PackageName, Repository, RepositoryStack, VersionFormula};

const REPOSITORIES: [&str; 2] = ["opam-repository", "opam-repository-archive"];

fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OSEC_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    dir.join("opam-repository.tar.gz").is_file().then_some(dir)
}

fn unpack(tarball: &Path, into: &Path) -> PathBuf {
    let file = std::fs::File::open(tarball).expect("open tarball");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive.unpack(into).expect("unpack tarball");
    let stem = tarball
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    into.join(stem.trim_end_matches(".tar.gz"))
}

fn benches(c: &mut Criterion) {
    let Some(data) = data_dir() else {
        eprintln!("skipped the repository benchmarks: no reference data (set OSEC_DATA)");
        return;
    };
    let scratch = tempfile::tempdir().expect("temporary directory");
    let tarballs: Vec<PathBuf> = REPOSITORIES
        .iter()
        .map(|r| data.join(format!("{r}.tar.gz")))
        .collect();
    let directories: Vec<PathBuf> = tarballs.iter().map(|t| unpack(t, scratch.path())).collect();

    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    for (name, dir) in REPOSITORIES.iter().zip(&directories) {
        group.bench_function(format!("directory/{name}"), |b| {
            b.iter(|| black_box(Repository::from_directory(dir).expect("index").len()))
        });
    }
    group.bench_function("directory/both", |b| {
        b.iter(|| {
            let stack = RepositoryStack::new(
                directories
                    .iter()
                    .map(|d| Repository::from_directory(d).expect("index"))
                    .collect(),
            );
            black_box(stack.layers().iter().map(Repository::len).sum::<usize>())
        })
    });
    group.bench_function("tarball/both", |b| {
        b.iter(|| {
            let stack = RepositoryStack::new(
                tarballs
                    .iter()
                    .map(|t| Repository::from_tarball(t).expect("index"))
                    .collect(),
            );
            black_box(stack.layers().iter().map(Repository::len).sum::<usize>())
        })
    });
    group.finish();

    let stack = RepositoryStack::new(
        directories
            .iter()
            .map(|d| Repository::from_directory(d).expect("index"))
            .collect(),
    );
    let names: Vec<PackageName> = stack.names().into_iter().cloned().collect();
    let constraints: Vec<VersionFormula> = [
        r#"< "1.0""#,
        r#">= "2.0" & < "3.0""#,
        r#"{< "4.14.3" | (>= "5" & < "5.4.1")}"#,
        r#"!(= "1.0.0")"#,
    ]
    .iter()
    .map(|t| VersionFormula::parse_text(t).expect("constraint"))
    .collect();
    let queries: Vec<(&PackageName, &VersionFormula)> = (0..10_000)
        .map(|i| {
            (
                &names[(i * 7919) % names.len()],
                &constraints[i % constraints.len()],
            )
        })
        .collect();
    c.bench_function("query/10000-matching-versions", |b| {
        b.iter(|| {
            let mut found = 0;
            for (name, constraint) in &queries {
                found += stack.matching_versions(name, constraint).len();
            }
            black_box(found)
        })
    });
    let parsed = (0..10_000).map(|i| format!(r#">= "{}.{}" & < "{}""#, i % 7, i % 13, i % 11 + 1));
    let texts: Vec<String> = parsed.collect();
    c.bench_function("query/10000-constraint-texts-parsed", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(VersionFormula::parse_text(text).expect("constraint"));
            }
        })
    });
}

criterion_group!(repository, benches);
criterion_main!(repository);
