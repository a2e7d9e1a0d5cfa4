//! The scan of a switch's installed sources plus a large project, against the
//! reference of reading every one of those files once (the I/O any scan must do).
//!
//! The corpus is `$OSEC_REACH_BENCH_DIR/lib/<package>/` (installed packages) and
//! `$OSEC_REACH_BENCH_DIR/project/` (the project), for instance a switch's `lib/` and a
//! large OCaml repository checked out under /tmp (see `bench/reach.sh`). Without it,
//! the real fixtures of `tests/data/reach` are copied 500 times into a temporary
//! directory (about 3,000 files), which keeps the bench runnable anywhere.
//!
//! Requests: the bindings of the real advisories OSEC-2026-12 to -17.

#![allow(missing_docs)]

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use ocaml_reach::{Request, Scan, Through};

const ADVISORIES: &[(&str, &[&str])] = &[
    (
        "mirage-crypto",
        &[
            "Mirage_crypto.AES.CCM16.authenticate_decrypt_into",
            "Mirage_crypto.AES.CCM16.unsafe_authenticate_decrypt_into",
            "Mirage_crypto.Chacha20.authenticate_decrypt_into",
            "Mirage_crypto.Chacha20.unsafe_authenticate_decrypt_into",
            "Mirage_crypto.AES.GCM.authenticate_decrypt_into",
            "Mirage_crypto.AES.GCM.unsafe_authenticate_decrypt_into",
        ],
    ),
    (
        "mirage-crypto-ec",
        &[
            "Mirage_crypto_ec.P256.DSA.pub_of_octets",
            "Mirage_crypto_ec.P384.DSA.pub_of_octets",
            "Mirage_crypto_ec.P521.DSA.pub_of_octets",
        ],
    ),
    (
        "mirage-crypto-pk",
        &[
            "Mirage_crypto_pk.Rsa.encrypt",
            "Mirage_crypto_pk.Rsa.decrypt",
            "Mirage_crypto_pk.Rsa.PKCS1.encrypt",
            "Mirage_crypto_pk.Rsa.PKCS1.decrypt",
            "Mirage_crypto_pk.Rsa.PKCS1.sig_encode",
            "Mirage_crypto_pk.Rsa.PKCS1.sig_decode",
            "Mirage_crypto_pk.Rsa.PKCS1.sign",
            "Mirage_crypto_pk.Rsa.PKCS1.verify",
            "Mirage_crypto_pk.Rsa.OAEP.encrypt",
            "Mirage_crypto_pk.Rsa.OAEP.decrypt",
            "Mirage_crypto_pk.Rsa.PSS.sign",
            "Mirage_crypto_pk.Rsa.PSS.verify",
        ],
    ),
    (
        "mirage-crypto-ec",
        &[
            "Mirage_crypto_ec.P256.Dsa.pub_of_octets",
            "Mirage_crypto_ec.P256.Dh.key_exchange",
            "Mirage_crypto_ec.P384.Dsa.pub_of_octets",
            "Mirage_crypto_ec.P384.Dh.key_exchange",
            "Mirage_crypto_ec.P521.Dsa.pub_of_octets",
            "Mirage_crypto_ec.P521.Dh.key_exchange",
        ],
    ),
    (
        "cohttp",
        &[
            "Cohttp.Path.resolve_local_file",
            "Cohttp_async.Server.resolve_local_file",
            "Cohttp_lwt_unix.Server.resolve_file",
            "Cohttp_lwt.Make().resolve_local_file",
        ],
    ),
    (
        "mirage-crypto-ec",
        &[
            "Mirage_crypto_ec.P256.Dh.share",
            "Mirage_crypto_ec.P256.Dsa.generate",
            "Mirage_crypto_ec.P256.Dsa.sign",
            "Mirage_crypto_ec.P256.Dsa.pub_of_priv",
            "Mirage_crypto_ec.P384.Dh.share",
            "Mirage_crypto_ec.P384.Dsa.generate",
            "Mirage_crypto_ec.P384.Dsa.sign",
            "Mirage_crypto_ec.P384.Dsa.pub_of_priv",
            "Mirage_crypto_ec.P521.Dh.share",
            "Mirage_crypto_ec.P521.Dsa.generate",
            "Mirage_crypto_ec.P521.Dsa.sign",
            "Mirage_crypto_ec.P521.Dsa.pub_of_priv",
        ],
    ),
];

struct Corpus {
    lib: PathBuf,
    project: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

fn copy_tree(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    std::fs::create_dir_all(to).expect("create corpus dir");
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy corpus file");
        }
    }
}

fn corpus() -> Corpus {
    if let Some(dir) = std::env::var_os("OSEC_REACH_BENCH_DIR") {
        let dir = PathBuf::from(dir);
        return Corpus {
            lib: dir.join("lib"),
            project: dir.join("project"),
            _temp: None,
        };
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reach");
    let temp = tempfile::tempdir().expect("temporary corpus");
    let lib = temp.path().join("lib");
    let project = temp.path().join("project");
    let fixtures: Vec<PathBuf> = std::fs::read_dir(&data)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    for fixture in &fixtures {
        copy_tree(&fixture.join("lib"), &lib);
        for copy in 0..500 {
            copy_tree(
                &fixture.join("project"),
                &project
                    .join(format!("copy{copy}"))
                    .join(fixture.file_name().unwrap_or_default()),
            );
        }
    }
    Corpus {
        lib,
        project,
        _temp: Some(temp),
    }
}

fn scan(corpus: &Corpus) -> Scan {
    let mut scan = Scan::new().project_dir(&corpus.project);
    let mut packages: Vec<PathBuf> = std::fs::read_dir(&corpus.lib)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    packages.sort();
    for dir in packages {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        scan = scan.package(name, dir);
    }
    for (package, bindings) in ADVISORIES {
        scan = scan.request(Request {
            package: (*package).to_owned(),
            bindings: bindings.iter().map(|b| (*b).to_owned()).collect(),
            through: Through::AnyPackage,
        });
    }
    scan
}

/// Reads every `.ml`/`.mli` file under `dir` once, on all cores as the scan does:
/// the reference.
fn read_all(dir: &Path) -> usize {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ml" || e == "mli") {
                files.push(path);
            }
        }
    }
    files
        .par_iter()
        .map(|path| std::fs::read(path).map(|b| b.len()).unwrap_or(0))
        .sum()
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let scan = scan(&corpus);
    let mut group = c.benchmark_group("reach");
    group.sample_size(10);
    group.bench_function("read every file (reference)", |b| {
        b.iter(|| read_all(&corpus.lib) + read_all(&corpus.project))
    });
    group.bench_function("scan switch + project", |b| b.iter(|| scan.run()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
