use ocaml_reach::{Note, Options, Scan, Verdict, Why};

use crate::support::{request, scan_dir, summary, tree};

const BINDING: &str = "Cohttp.Path.resolve_local_file";

#[test]
fn a_missing_source_directory_is_unknown_not_clean() {
    let dir = tree(&[]);
    let missing = dir.path().join("nope");
    let outcome = scan_dir(&missing, BINDING);
    assert_eq!(summary(&outcome), "unknown: no-sources, unreadable");
}

#[test]
fn an_unterminated_comment_that_may_hide_a_call_is_unknown() {
    let dir = tree(&[
        ("a.ml", b"let x = 1 (* Cohttp.Path.resolve_local_file\n"),
        ("b.ml", b"let y = 2\n"),
    ]);
    let outcome = scan_dir(dir.path(), BINDING);
    let Verdict::Unknown { why } = &outcome.verdict else {
        panic!("{:?}", outcome.verdict)
    };
    assert!(
        matches!(&why[..], [Why::Unterminated { at, what: "comment" }] if at.line == 1 && at.column == 11),
        "{why:?}"
    );
}

#[test]
fn an_unterminated_string_in_a_file_without_the_names_changes_nothing() {
    let dir = tree(&[("a.ml", b"let x = \"abc\n")]);
    assert_eq!(summary(&scan_dir(dir.path(), BINDING)), "not-referenced");
}

#[test]
fn a_call_is_found_in_a_file_that_is_not_utf8() {
    let dir = tree(&[(
        "latin1.ml",
        b"(* caf\xe9 *)\nlet s = \"\xe9t\xe9\"\nlet f = Cohttp.Path.resolve_local_file\n",
    )]);
    assert_eq!(summary(&scan_dir(dir.path(), BINDING)), "called 3:9");
}

#[test]
fn an_invalid_byte_is_noted_and_the_file_still_read() {
    let dir = tree(&[("a.ml", b"let f = Cohttp.Path.resolve_local_file \\ \x01\n")]);
    let outcome = scan_dir(dir.path(), BINDING);
    assert_eq!(summary(&outcome), "called 1:9");
    assert!(matches!(&outcome.notes[..], [Note::NotOcaml { at }] if at.column == 40));
}

fn scan_small(dir: &std::path::Path) -> ocaml_reach::Outcome {
    Scan::new()
        .options(Options {
            max_file_size: 64,
            ..Options::default()
        })
        .project_dir(dir)
        .request(request("cohttp", &[BINDING]))
        .run()
        .pop()
        .expect("one outcome")
}

#[test]
fn a_huge_file_that_mentions_a_binding_is_unknown() {
    let mut big = "let x = 1\n".repeat(20);
    big.push_str("let f = Cohttp.Path.resolve_local_file\n");
    let dir = tree(&[("gen.ml", big.as_bytes())]);
    let outcome = scan_small(dir.path());
    let Verdict::Unknown { why } = &outcome.verdict else {
        panic!("{:?}", outcome.verdict)
    };
    assert!(
        matches!(
            &why[..],
            [Why::TooLarge {
                size: 239,
                limit: 64,
                ..
            }]
        ),
        "{why:?}"
    );
}

#[test]
fn a_huge_file_without_the_names_is_noted_and_skipped() {
    let dir = tree(&[("gen.ml", "let x = 1\n".repeat(20).as_bytes())]);
    let outcome = scan_small(dir.path());
    assert_eq!(outcome.verdict, Verdict::NotReferenced { files_scanned: 1 });
    assert!(matches!(
        &outcome.notes[..],
        [Note::LargeFileSkipped { size: 200, .. }]
    ));
}

#[test]
fn a_bad_binding_is_unknown_and_named() {
    let dir = tree(&[("a.ml", b"let x = 1\n")]);
    let outcome = Scan::new()
        .project_dir(dir.path())
        .request(request("cohttp", &["not a path"]))
        .run()
        .pop()
        .expect("one outcome");
    assert_eq!(summary(&outcome), "unknown: bad-binding");
}

#[test]
fn arbitrary_bytes_never_panic_the_scan() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    let pieces = prop::sample::select(vec![
        "Cohttp",
        ".",
        "Path",
        "resolve_local_file",
        "open ",
        "module P = ",
        "let ",
        " in ",
        "struct",
        "end",
        "(",
        ")",
        "[@@",
        "]",
        "(*",
        "*)",
        "\"",
        "{|",
        "|}",
        "\n",
        "'",
        "include ",
        "F (",
        "(module ",
        "external x : t = ",
        "\u{0}",
        "\u{e9}",
    ]);
    runner
        .run(&prop::collection::vec(pieces, 0..80), |parts| {
            let src = parts.concat();
            let dir = tree(&[("a.ml", src.as_bytes())]);
            let outcome = scan_dir(dir.path(), BINDING);
            prop_assert_eq!(outcome.files_scanned, 1);
            Ok(())
        })
        .expect("no failure");
}

#[test]
fn arbitrary_bytes_never_panic_the_scan_either() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..2048), |mut bytes| {
            // Make the prefilter pass, so that every file is lexed and resolved.
            bytes.extend_from_slice(b" Cohttp.Path.resolve_local_file");
            let dir = tree(&[("a.ml", &bytes)]);
            let outcome = scan_dir(dir.path(), BINDING);
            prop_assert_eq!(outcome.files_scanned, 1);
            Ok(())
        })
        .expect("no failure");
}
