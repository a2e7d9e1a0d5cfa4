//! Parsing every opam file of opam-repository.tar.gz on one thread, files preloaded
//! in memory. `bench/opam-parse.sh` compares the whole command with the oracle.

// The benchmark says when it has no data to run on.
#![allow(clippy::print_stderr)]

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn parse_repository(c: &mut Criterion) {
    let Some(files) = common::corpus().map(|files| {
        files
            .into_iter()
            .map(|(_, bytes)| bytes)
            .collect::<Vec<_>>()
    }) else {
        eprintln!("benchmark skipped: no opam-repository.tar.gz (set OSEC_DATA)");
        return;
    };
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("opam-repository");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function(format!("parse {} files", files.len()), |b| {
        b.iter(|| {
            let mut items = 0;
            for file in &files {
                if let Ok(parsed) = opam_file::parse(file) {
                    items += parsed.items.len();
                }
            }
            items
        })
    });
    group.bench_function(format!("parse+normalise {} files", files.len()), |b| {
        b.iter(|| {
            let mut len = 0;
            for file in &files {
                if let Ok(parsed) = opam_file::parse(file)
                    && let Ok(text) = opam_file::print::normalise::normalise(&parsed)
                {
                    len += text.len();
                }
            }
            len
        })
    });
    group.finish();
}

criterion_group!(benches, parse_repository);
criterion_main!(benches);
