//! Differential test over every opam file of the two repository tarballs.
//!
//! Reads `$OSEC_DATA/opam-repository.tar.gz` and `opam-repository-archive.tar.gz`
//! (default `<workspace>/../shared/data`). Without the oracle's output it checks that
//! every file parses and that the exact printer gives each file back byte for byte.
//! With `OSEC_ORACLE_OUT` pointing at the output of `scripts/oracle-corpus.sh` it also
//! compares, file by file, what opam-file-format printed with what we print.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use opam_file::Document;

/// `(entry name, bytes)` of every `opam` / `*.opam` file of a tarball.
fn opam_files(tarball: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(tarball).expect("tarball opens");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = Vec::new();
    for entry in archive.entries().expect("tarball lists") {
        let mut entry = entry.expect("tar entry reads");
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let base = name.rsplit('/').next().unwrap_or_default();
        if base == "opam" || base.ends_with(".opam") {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("entry reads");
            files.push((name, bytes));
        }
    }
    files
}

/// One file's results from the oracle: the text for each of `AST`, `PRINT`, `NORM`.
type OracleRecord = HashMap<String, Vec<u8>>;

fn read_oracle(path: &Path) -> HashMap<String, OracleRecord> {
    let bytes = std::fs::read(path).expect("oracle output reads");
    let mut records = HashMap::new();
    let mut rest = &bytes[..];
    let mut current: Option<(String, OracleRecord)> = None;
    while !rest.is_empty() {
        let line_end = rest.iter().position(|&b| b == b'\n').expect("header line");
        let line = std::str::from_utf8(&rest[..line_end]).expect("header is text");
        rest = &rest[line_end + 1..];
        if let Some(name) = line.strip_prefix("FILE ") {
            if let Some((name, record)) = current.take() {
                records.insert(name, record);
            }
            current = Some((name.to_owned(), HashMap::new()));
        } else {
            let (tag, len) = line.split_once(' ').expect("TAG LEN");
            let len: usize = len.parse().expect("length");
            let text = rest[..len].to_vec();
            rest = &rest[len + 1..];
            current
                .as_mut()
                .expect("record started")
                .1
                .insert(tag.to_owned(), text);
        }
    }
    if let Some((name, record)) = current.take() {
        records.insert(name, record);
    }
    records
}

/// What we print for one oracle tag, or `None` when we have no such printer yet.
fn ours(tag: &str, src: &[u8]) -> Option<Vec<u8>> {
    match tag {
        "AST" => Some(opam_file::dump::dump_ast_of_source(src).unwrap_or_else(|e| e)),
        "NORM" => Some(opam_file::print::normalise::dump_normalise_of_source(src)),
        "PRINT" => Some(match opam_file::parse(src) {
            Ok(file) => opam_file::print::standard::opamfile(&file)
                .unwrap_or_else(|error| format!("EXN Invalid_argument {error}\n").into_bytes()),
            Err(error) => opam_file::dump::dump_error(&error),
        }),
        _ => None,
    }
}

#[test]
fn corpus_matches_oracle() {
    let test = "corpus_matches_oracle";
    let Some(data) = test_references::require_data(test, "opam-repository.tar.gz") else {
        return;
    };
    let tarballs = [
        data.join("opam-repository.tar.gz"),
        data.join("opam-repository-archive.tar.gz"),
    ];
    let files: Vec<(String, Vec<u8>)> = tarballs.iter().flat_map(|t| opam_files(t)).collect();
    assert!(
        files.len() > 30_000,
        "only {} opam files found",
        files.len()
    );

    // Without the oracle: everything parses and prints back exactly.
    let mut rejected = Vec::new();
    for (name, src) in &files {
        match Document::parse(src.clone()) {
            Ok(document) => crate::exact::assert_round_trips_exactly(name, &document, src),
            Err(error) => rejected.push(format!("{name}: {error}")),
        }
    }
    println!(
        "{} files parsed, {} rejected",
        files.len() - rejected.len(),
        rejected.len()
    );

    let Some(oracle_path) = std::env::var_os("OSEC_ORACLE_OUT") else {
        assert!(rejected.is_empty(), "rejected: {rejected:?}");
        test_references::skip(
            test,
            "the oracle's printing was not compared: set OSEC_ORACLE_OUT (see scripts/oracle-corpus.sh)",
        );
        return;
    };
    let oracle = read_oracle(Path::new(&oracle_path));
    let mut failures = 0;
    for tag in ["AST", "PRINT", "NORM"] {
        let (mut compared, mut identical, mut shown) = (0, 0, 0);
        for (name, src) in &files {
            let Some(mine) = ours(tag, src) else { break };
            let expected = oracle
                .get(name)
                .and_then(|record| record.get(tag))
                .unwrap_or_else(|| panic!("{name} missing from the oracle output"));
            compared += 1;
            if &mine == expected {
                identical += 1;
            } else if shown < 3 {
                shown += 1;
                println!(
                    "--- {tag} {name}\n--- expected\n{}--- ours\n{}",
                    String::from_utf8_lossy(expected),
                    String::from_utf8_lossy(&mine)
                );
            }
        }
        if compared == 0 {
            println!("{tag}: no printer of ours yet, not compared");
            continue;
        }
        println!(
            "{tag}: {compared} files, {identical} identical, {} different",
            compared - identical
        );
        failures += compared - identical;
    }
    assert_eq!(failures, 0, "files differ from the oracle");
}
