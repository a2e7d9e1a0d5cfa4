//! Loading and querying a generated 10,000-record opam database.
//!
//! The records look like the published OCaml ones (a summary, a page of
//! details, credits, two ECOSYSTEM ranges and a GIT range, ~40 versions
//! listed), spread over 2,000 packages. Loading includes parsing, checking
//! every record and indexing. The 1,000 queries are a mix of affected and
//! unaffected versions.
//!
//! The prepared loads read the cache file that `Loader::with_cache_dir`
//! writes on the first load of an all.zip file.
//!
//! Measured 2026-11-30 on the 2-core shared machine (load average ~3),
//! `cargo bench -p vulndb --bench load_and_query -- --warm-up-time 1 --measurement-time 3`:
//! load all.zip from memory 271 ms (628 ms on 2026-11-24, before the reused
//! inflater), load all.zip file prepared 5.1 ms, prepared load + 1,000
//! queries 50 ms (the queries parse every record they report, each with a
//! page of details and ~40 versions), 1,000 queries on a loaded database 4.4 ms.
//!

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use vulndb::{Database, Query};

const RECORDS: usize = 10_000;
const PACKAGES: usize = 2_000;
const QUERIES: usize = 1_000;

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn versions_of(package: usize) -> Vec<String> {
    let count = 20 + package % 50;
    (0..count)
        .map(|i| format!("{}.{}.{}", i / 10, i % 10, package % 3))
        .collect()
}

fn record(index: usize, rng: &mut Lcg) -> (String, String) {
    let year = 2000 + index % 27;
    let id = format!("OSEC-{year}-{:04}", index);
    let package = rng.below(PACKAGES as u64) as usize;
    let versions = versions_of(package);
    let fixed_at = 1 + rng.below(versions.len() as u64 - 1) as usize;
    let affected: Vec<String> = versions[..fixed_at]
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect();
    let details = "A long description of the issue, in Markdown. ".repeat(20);
    let text = format!(
        r#"{{
  "schema_version": "1.7.4",
  "id": "{id}",
  "modified": "2026-08-22T11:05:00Z",
  "published": "2026-08-20T18:15:00Z",
  "aliases": ["CVE-{year}-{index:05}"],
  "summary": "Generated vulnerability {index}",
  "details": "{details}",
  "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}}],
  "affected": [
    {{
      "package": {{"ecosystem": "opam", "name": "pkg{package}", "purl": "pkg:opam/pkg{package}"}},
      "ranges": [
        {{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}},
        {{"type": "GIT", "repo": "https://github.com/example/pkg{package}.git",
          "events": [{{"introduced": "0"}}, {{"fixed": "5f5a65ec3289c1cd8072bdf0ef22c181b4f11356"}}]}}
      ],
      "versions": [{versions}],
      "ecosystem_specific": {{"opam_constraint": "pkg{package} {{< \"{fixed}\"}}"}}
    }}
  ],
  "references": [{{"type": "FIX", "url": "https://github.com/example/pkg{package}/pull/{index}"}}],
  "credits": [{{"name": "Finder {index}", "type": "FINDER"}}, {{"name": "Fixer", "type": "REMEDIATION_DEVELOPER"}}],
  "database_specific": {{"human_link": "https://example.org/{id}"}}
}}
"#,
        fixed = versions[fixed_at],
        versions = affected.join(", "),
    );
    (format!("{year}/{id}.json"), text)
}

fn generated() -> Vec<(String, String)> {
    let mut rng = Lcg(42);
    (0..RECORDS).map(|i| record(i, &mut rng)).collect()
}

fn zip_of(files: &[(String, String)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for (name, text) in files {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn queries() -> Vec<Query> {
    let mut rng = Lcg(7);
    (0..QUERIES)
        .map(|_| {
            let package = rng.below(PACKAGES as u64) as usize;
            let versions = versions_of(package);
            let version = &versions[rng.below(versions.len() as u64) as usize];
            Query::opam(format!("pkg{package}"), version.clone())
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let files = generated();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let zip = zip_of(&files);

    let mut group = c.benchmark_group("10k records");
    group.sample_size(10);
    // The parts of a load, for finding where the time goes.
    group.bench_function("parse only (osv::from_str)", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, text)| osv::from_str(black_box(text)).unwrap())
                .collect::<Vec<_>>()
        })
    });
    let parsed: Vec<osv::Vulnerability> = files
        .iter()
        .map(|(_, text)| osv::from_str(text).unwrap())
        .collect();
    let orders = vulndb::Orders::known();
    let opam = orders.get("opam").unwrap();
    group.bench_function("validate only (opam order)", |b| {
        let validator = osv::Validator::new().with_ecosystem_order("opam", opam);
        b.iter(|| {
            parsed
                .iter()
                .filter(|record| validator.validate(black_box(record)).is_ok())
                .count()
        })
    });
    group.bench_function("load all.zip from memory", |b| {
        b.iter(|| Database::from_zip_bytes(black_box(&zip)).unwrap())
    });
    group.bench_function("load directory", |b| {
        b.iter(|| Database::from_dir(black_box(dir.path())).unwrap())
    });
    // A prepared load: what `osec audit` does with an all.zip it has loaded before.
    let zip_file = dir.path().join("all.zip");
    std::fs::write(&zip_file, &zip).unwrap();
    let loader = vulndb::Loader::new().with_cache_dir(dir.path().join("cache"));
    let full = loader.load_path(&zip_file).unwrap();
    group.bench_function("load all.zip file, prepared", |b| {
        b.iter(|| loader.load_path(black_box(&zip_file)).unwrap())
    });
    let prepared_queries = queries();
    group.bench_function("load all.zip file, prepared, 1000 queries", |b| {
        b.iter(|| {
            let db = loader.load_path(black_box(&zip_file)).unwrap();
            prepared_queries
                .iter()
                .map(|q| db.query(q).unwrap().len())
                .sum::<usize>()
        })
    });
    drop(full);
    let db = Database::from_zip_bytes(&zip).unwrap();
    let queries = queries();
    let hits: usize = queries.iter().map(|q| db.query(q).unwrap().len()).sum();
    assert!(hits > 0, "the queries must exercise matches");
    group.sample_size(50);
    group.bench_function("1000 queries", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| db.query(black_box(q)).unwrap().len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(load_and_query, benches);
criterion_main!(load_and_query);
