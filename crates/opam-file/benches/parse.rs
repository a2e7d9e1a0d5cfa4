//! Parsing every opam file of opam-repository.tar.gz on one thread, files preloaded
//! in memory. `bench/opam-parse.sh` compares the whole command with the oracle.

// The benchmark says when it has no data to run on.
#![allow(clippy::print_stderr)]

use std::io::Read;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus() -> Option<Vec<Vec<u8>>> {
    let data = std::env::var_os("OSEC_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let file = std::fs::File::open(data.join("opam-repository.tar.gz")).ok()?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = Vec::new();
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        let name = entry.path().ok()?.to_string_lossy().into_owned();
        let base = name.rsplit('/').next().unwrap_or_default();
        if entry.header().entry_type().is_file() && (base == "opam" || base.ends_with(".opam")) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).ok()?;
            files.push(bytes);
        }
    }
    Some(files)
}

fn parse_repository(c: &mut Criterion) {
    let Some(files) = corpus() else {
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
