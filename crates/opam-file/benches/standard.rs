//! opam's standard printer (`print::standard::opamfile`) over every opam file of
//! opam-repository.tar.gz, parsed beforehand, on one thread.
//!
//! When OCaml's `ocamlfind` and opam-file-format are installed (shared/oracle/install.sh),
//! the same files are also printed by `OpamPrinter.FullPos.opamfile` in the same run,
//! and the best-of-10 times of both are printed with their ratio.

#![allow(clippy::print_stderr)]

use std::time::Instant;

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Times `OpamPrinter.FullPos.opamfile` over the files named on stdin, parsed first.
const OCAML_REFERENCE: &str = r#"
let () =
  let files = ref [] in
  (try while true do files := input_line stdin :: !files done with End_of_file -> ());
  let parsed =
    List.filter_map (fun f -> try Some (OpamParser.FullPos.file f) with _ -> None) !files in
  let best = ref infinity in
  for _ = 1 to 10 do
    let t0 = Unix.gettimeofday () in
    List.iter (fun f -> ignore (OpamPrinter.FullPos.opamfile f)) parsed;
    best := Float.min !best (Unix.gettimeofday () -. t0)
  done;
  Printf.printf "%.6f\n" !best
"#;

/// Best of 10 runs of OCaml's printer over `files`, in seconds, or `None` when OCaml
/// or opam-file-format is missing.
fn ocaml_reference(files: &[(String, Vec<u8>)]) -> Option<f64> {
    let dir = std::env::temp_dir().join(format!("osec-bench-standard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let result = (|| {
        std::fs::write(dir.join("reference.ml"), OCAML_REFERENCE).ok()?;
        let built = std::process::Command::new("ocamlfind")
            .args(["ocamlopt", "-package", "opam-file-format,unix", "-linkpkg"])
            .args(["reference.ml", "-o", "reference"])
            .current_dir(&dir)
            .output()
            .ok()?;
        if !built.status.success() {
            return None;
        }
        let mut list = String::new();
        for (i, (_, bytes)) in files.iter().enumerate() {
            let path = dir.join(format!("{i}.opam"));
            std::fs::write(&path, bytes).ok()?;
            list.push_str(&format!("{}\n", path.display()));
        }
        std::fs::write(dir.join("files.txt"), list).ok()?;
        let run = std::process::Command::new(dir.join("reference"))
            .stdin(std::fs::File::open(dir.join("files.txt")).ok()?)
            .output()
            .ok()?;
        String::from_utf8_lossy(&run.stdout).trim().parse().ok()
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn print_repository(c: &mut Criterion) {
    let Some(files) = common::corpus() else {
        eprintln!("benchmark skipped: no opam-repository.tar.gz (set OSEC_DATA)");
        return;
    };
    let parsed: Vec<_> = files
        .iter()
        .filter_map(|(_, bytes)| opam_file::parse(bytes).ok())
        .collect();
    let print_all = || {
        parsed
            .iter()
            .filter_map(|file| opam_file::print::standard::opamfile(file).ok())
            .map(|text| text.len())
            .sum::<usize>()
    };
    let output_bytes = print_all();
    let mut group = c.benchmark_group("opam-repository");
    group.throughput(Throughput::Bytes(output_bytes as u64));
    group.sample_size(10);
    group.bench_function(format!("print standard {} files", parsed.len()), |b| {
        b.iter(print_all)
    });
    group.finish();

    if let Some(reference) = ocaml_reference(&files) {
        let ours = (0..10)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(print_all());
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        eprintln!(
            "best of 10, {} files: osec {ours:.3} s, OpamPrinter.FullPos.opamfile {reference:.3} s, ratio {:.2}x",
            parsed.len(),
            reference / ours
        );
    } else {
        eprintln!("no OCaml reference: ocamlfind or opam-file-format is not installed");
    }
}

criterion_group!(benches, print_repository);
criterion_main!(benches);
