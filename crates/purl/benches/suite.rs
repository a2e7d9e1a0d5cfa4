//! Parse and canonicalise every string input of the vendored purl-spec
//! suite (the `parse` and `validate` cases), and build every `build` case's
//! opam-like purl. Run with `cargo bench -p purl`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use purl::Purl;

fn suite_inputs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut inputs = Vec::new();
    for sub in ["spec", "types"] {
        let Ok(entries) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            for case in json["tests"].as_array().into_iter().flatten() {
                if let Some(input) = case["input"].as_str() {
                    inputs.push(input.to_owned());
                }
            }
        }
    }
    inputs
}

fn bench(c: &mut Criterion) {
    let inputs = suite_inputs();
    assert!(!inputs.is_empty(), "the vendored suite is missing");
    let bytes: usize = inputs.iter().map(String::len).sum();

    let mut group = c.benchmark_group("suite");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_and_canonicalise", |b| {
        b.iter(|| {
            let mut canonical_bytes = 0;
            for input in &inputs {
                if let Ok(purl) = Purl::parse_lenient(black_box(input)) {
                    canonical_bytes += purl.to_string().len();
                }
            }
            canonical_bytes
        });
    });
    group.finish();

    c.bench_function("opam/build_and_print", |b| {
        b.iter(|| {
            Purl::builder("opam", black_box("ocaml-variants"))
                .version(black_box("4.14.1+flambda"))
                .build()
                .map(|purl| purl.to_string())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
