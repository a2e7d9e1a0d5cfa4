//! The whole database exported against both package repositories, as
//! `osec osv publish --repo opam-repository --repo opam-repository-archive` does:
//! open the repositories (tarballs, or extracted directories), lint and convert the
//! 26 advisories with their `versions` lists, write the tree, `all.zip` and
//! `modified_id.csv`. The reference pipeline (one `opam info` per constraint atom,
//! 36 calls) takes about 28 s on this machine class.
//!
//! Data: `OSEC_DATA` (default `<workspace>/../shared/data`) for the tarballs and the
//! advisories; `OSEC_CORPUS` (default `/tmp/corpus`) for the extracted directories.
//! Missing data skips the benchmark with a line saying so.

#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use opam_model::{ReleasedVersions, Repository, RepositoryStack};
use publish::{ExportOptions, NoProgress};

fn data_dir() -> PathBuf {
    std::env::var_os("OSEC_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("OSEC_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/corpus"))
}

fn publish_all(repositories: &[PathBuf], advisories: &Path, out: &Path) -> usize {
    let stack = RepositoryStack::new(
        repositories
            .iter()
            .map(|p| Repository::open(p).unwrap())
            .collect(),
    );
    let released = ReleasedVersions::of_stack(&stack);
    let options = ExportOptions {
        released: Some(&released),
        with_versions: true,
        now: jiff::Timestamp::now(),
    };
    let report = publish::publish(&[advisories.to_path_buf()], out, &options, &NoProgress).unwrap();
    assert!(report.export.is_complete());
    report.index.records
}

fn bench(c: &mut Criterion) {
    let data = data_dir();
    let advisories = data.join("security-advisories/advisories");
    let tarballs = vec![
        data.join("opam-repository.tar.gz"),
        data.join("opam-repository-archive.tar.gz"),
    ];
    let corpus = corpus_dir();
    let directories = vec![
        corpus.join("opam-repository"),
        corpus.join("opam-repository-archive"),
    ];
    let mut group = c.benchmark_group("publish_whole_database");
    group.sample_size(10);
    for (label, repositories) in [("tarballs", tarballs), ("directories", directories)] {
        if !advisories.is_dir() || !repositories.iter().all(|p| p.exists()) {
            println!("publish_whole_database/{label}: skipped, data missing ({repositories:?})");
            continue;
        }
        group.bench_function(label, |b| {
            b.iter_batched(
                || tempfile::tempdir().unwrap(),
                |out| assert_eq!(publish_all(&repositories, &advisories, out.path()), 26),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();

    // The conversion alone, repositories already open.
    let tarballs = [
        data.join("opam-repository.tar.gz"),
        data.join("opam-repository-archive.tar.gz"),
    ];
    if advisories.is_dir() && tarballs.iter().all(|p| p.exists()) {
        let stack = RepositoryStack::new(
            tarballs
                .iter()
                .map(|p| Repository::open(p).unwrap())
                .collect(),
        );
        let released = ReleasedVersions::of_stack(&stack);
        let options = ExportOptions {
            released: Some(&released),
            with_versions: true,
            now: jiff::Timestamp::now(),
        };
        c.bench_function("export_only_repositories_open", |b| {
            b.iter_batched(
                || tempfile::tempdir().unwrap(),
                |out| {
                    publish::export(
                        std::slice::from_ref(&advisories),
                        out.path(),
                        &options,
                        &NoProgress,
                    )
                    .unwrap()
                },
                BatchSize::PerIteration,
            )
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
