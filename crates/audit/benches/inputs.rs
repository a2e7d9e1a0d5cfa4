//! Reading installed state: a generated 1,000-package switch (switch-state plus one opam
//! file per package, as opam lays it out) and the real fixture switch, each read and
//! given every dependency path.
//!
//! `cargo bench -p audit --bench inputs`
//!
//! 2026-11-24, 2 shared cores (load average about 6 from other builds): 1,000-package
//! switch read with every path 37.9 ms (35.8–40.6); all five inputs of the `vulnerable`
//! fixture detected and read 1.07 ms. Most of the switch time is parsing the 1,001 opam
//! files (opam-file's parser) and opening them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use audit::input::Input;
use criterion::{Criterion, criterion_group, criterion_main};

/// Writes a switch of `count` packages: package `i` depends on package `i - 1` and up to
/// four more earlier packages, one in five of those edges behind `{with-test}` and one in
/// seven behind `{build}`; the last ten packages are roots.
fn generate_switch(dir: &Path, count: usize) {
    let meta = dir.join(".opam-switch");
    let name = |i: usize| format!("pkg-{i:04}");
    let mut state = String::from("opam-version: \"2.0\"\nroots: [\n");
    for i in count.saturating_sub(10)..count {
        let _ = writeln!(state, "  \"{}.1.{}.0\"", name(i), i % 7);
    }
    state.push_str("]\ninstalled: [\n");
    for i in 0..count {
        let _ = writeln!(state, "  \"{}.1.{}.0\"", name(i), i % 7);
    }
    state.push_str("]\n");
    std::fs::create_dir_all(&meta).expect("create switch");
    std::fs::write(meta.join("switch-state"), state).expect("write switch-state");
    for i in 0..count {
        let mut opam = format!(
            "opam-version: \"2.0\"\nsynopsis: \"generated package {i}\"\nmaintainer: \"bench@example.com\"\ndepends: [\n  \"ocaml\" {{>= \"4.08\"}}\n"
        );
        if let Some(previous) = i.checked_sub(1) {
            let _ = writeln!(opam, "  \"{}\" {{>= \"1.0\"}}", name(previous));
        }
        for k in 1..=4 {
            let Some(j) = i.checked_sub(k * k * 3 + (i % 11)) else {
                break;
            };
            let filter = match (i + j) % 35 {
                0 | 5 | 10 | 15 | 20 | 25 | 30 => " {with-test}",
                7 | 14 => " {build & >= \"1.0\"}",
                _ => " {>= \"1.0\" & < \"9.0\"}",
            };
            let _ = writeln!(opam, "  \"{}\"{filter}", name(j));
        }
        opam.push_str(
            "  \"odoc\" {with-doc}\n]\nbuild: [\"dune\" \"build\" \"-p\" name \"-j\" jobs]\n",
        );
        let pkg_dir = meta
            .join("packages")
            .join(format!("{}.1.{}.0", name(i), i % 7));
        std::fs::create_dir_all(&pkg_dir).expect("create package dir");
        std::fs::write(pkg_dir.join("opam"), opam).expect("write opam");
    }
}

fn bench_inputs(c: &mut Criterion) {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("osec-audit-bench-{}", std::process::id()));
    generate_switch(&dir, 1000);
    let generated = Input::Switch { dir: dir.clone() };
    let inventory = generated.read().expect("generated switch reads");
    assert_eq!(inventory.len(), 1000);
    assert_eq!(inventory.paths().len(), 1000);
    c.bench_function("read 1000-package switch + all paths", |b| {
        b.iter(|| {
            let inventory = generated.read().expect("reads");
            inventory.paths().len()
        })
    });

    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/audit/vulnerable");
    let inputs = audit::input::detect(&fixture).expect("detect");
    c.bench_function("detect + read every input of the vulnerable fixture", |b| {
        b.iter(|| {
            let inputs = audit::input::detect(&fixture).expect("detect");
            inputs
                .iter()
                .map(|i| i.read().expect("reads").len())
                .sum::<usize>()
        })
    });
    assert_eq!(inputs.len(), 5);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_inputs);
criterion_main!(benches);
