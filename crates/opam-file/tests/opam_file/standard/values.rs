//! `value` and `value_list` on their own, the `opam-version` rules of `items`, and
//! how strings are escaped.

use opam_file::parser::nopatch;
use opam_file::print::standard::{self, PrintError};
use opam_file::{Value, ValueKind};

use super::serialised::{field_values, parse_ast};

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

/// Expectations from `OpamPrinter.FullPos.value` and `value_list`.
#[test]
fn values_print_without_their_field() {
    let values = field_values(
            br#"3;V7:depends[6;os5:ocaml1;pGs4:4.08os4:dune1;&pGs3:2.0d9:with-tests3:fmts4:logss8:cmdliners7:astringV6:filter&&&&rnd4:archs5:arm32rnd4:archs6:x86_32rnd2:oss5:win32rnd2:oss7:freebsdrnd2:oss7:openbsdV4:texts17:line one
line two"#,
        );
    let [depends, filter, multi_line] = values.as_slice() else {
        panic!("three values expected");
    };
    assert_eq!(
        text(standard::value(depends)),
        "[\n  \"ocaml\" {>= \"4.08\"}\n  \"dune\" {>= \"2.0\" & with-test}\n  \"fmt\"\n  \"logs\"\n  \"cmdliner\"\n  \"astring\"\n]"
    );
    assert_eq!(
        text(standard::value(filter)),
        "arch != \"arm32\" & arch != \"x86_32\" & os != \"win32\" & os != \"freebsd\" &\nos != \"openbsd\""
    );
    assert_eq!(
        text(standard::value(multi_line)),
        "\"\"\"\\\nline one\nline two\"\"\""
    );
    let ValueKind::List(elements) = &depends.kind else {
        panic!("depends is a list");
    };
    assert_eq!(
        text(standard::value_list(&elements.value)),
        "\"ocaml\" {>= \"4.08\"}\n\"dune\" {>= \"2.0\" & with-test}\n\"fmt\"\n\"logs\"\n\"cmdliner\"\n\"astring\""
    );
    assert_eq!(
        text(standard::value_list(&elements.value[2..4])),
        "\"fmt\" \"logs\""
    );
}

/// Each case was checked with `OpamPrinter.FullPos.items` on the same items.
#[test]
fn opam_version_rules_are_those_of_opam() {
    let accepted: &[&[u8]] = &[
        b"0;",
        b"1;V12:opam-versions3:2.2",
        b"2;V12:opam-versions3:2.0V12:opam-versions3:2.0",
        b"2;V1:xi1;V12:opam-versions3:2.0",
        // Only the top level is checked.
        b"2;V1:xi1;S1:sN1;V12:opam-versions3:2.1",
        // 9223372036854775807 reads as -1 in OCaml's 63-bit ints.
        b"2;V1:xi1;V12:opam-versions23:9223372036854775807.1.0",
    ];
    for serialised in accepted {
        assert!(
            standard::items(&parse_ast(serialised)).is_ok(),
            "{}",
            String::from_utf8_lossy(serialised)
        );
    }
    let repeated = standard::items(&parse_ast(
        b"3;V12:opam-versions3:2.1V1:xi1;V12:opam-versions3:2.0",
    ));
    assert!(matches!(
        repeated,
        Err(PrintError::RepeatedOpamVersion { index: 2, ref first, .. }) if first == "2.1"
    ));
    let repeated_as_int =
        standard::items(&parse_ast(b"2;V12:opam-versions3:2.1V12:opam-versioni3;"));
    assert!(matches!(
        repeated_as_int,
        Err(PrintError::RepeatedOpamVersion { index: 1, .. })
    ));
    for serialised in [
        &b"2;V12:opam-versions3:2.0V12:opam-versions3:2.1"[..],
        b"2;V12:opam-versioni3;V12:opam-versions3:2.1",
        b"2;V1:xi1;V12:opam-versions8:2.1.0~rc",
        b"2;V1:xi1;V12:opam-versions23:4611686018427387903.1.0",
    ] {
        assert!(
            matches!(
                standard::items(&parse_ast(serialised)),
                Err(PrintError::OpamVersionNotFirst { index: 1, .. })
            ),
            "{}",
            String::from_utf8_lossy(serialised)
        );
    }
}

/// Expectations from opam-file-format's `nopatch`, run with OCaml 4.13: the
/// opam-version rules above rest on it.
#[test]
fn nopatch_reads_versions_as_opam_does() {
    let cases: &[(&str, (i64, i64))] = &[
        ("2.0", (2, 0)),
        ("2.1", (2, 1)),
        ("2.1.3", (2, 1)),
        ("2", (2, 0)),
        ("2.1~rc", (2, 1)),
        ("2.1~rc.1", (0, 0)),
        (" 2.1.0", (0, 0)),
        ("+2.1.0", (0, 0)),
        ("2_1.3.0", (21, 3)),
        ("2.1_0.3", (2, 10)),
        ("2._1.0", (0, 0)),
        ("_2.1.0", (0, 0)),
        ("2.1.", (2, 1)),
        ("2.", (0, 0)),
        ("2.1x.0", (0, 0)),
        (".1.0", (0, 0)),
        ("", (0, 0)),
        ("abc", (0, 0)),
        ("2..1", (0, 0)),
        ("9223372036854775807.1.0", (-1, 1)),
        ("4611686018427387904.1.0", (-4611686018427387904, 1)),
        ("4611686018427387903.1.0", (4611686018427387903, 1)),
        ("18446744073709551615.1.0", (0, 0)),
        ("2.4611686018427387904.0", (2, -4611686018427387904)),
        ("9223372036854775808.0.0", (0, 0)),
        ("02.01.0", (2, 1)),
        ("2.1 .0", (0, 0)),
        ("2.-1.0", (0, 0)),
        ("0x2.1.0", (0, 0)),
        ("2.1\n.0", (0, 0)),
    ];
    for &(version, expected) in cases {
        assert_eq!(nopatch(version.as_bytes()), expected, "{version:?}");
    }
}

/// A string value as the printer writes it.
fn printed_string(bytes: &[u8]) -> Vec<u8> {
    standard::value(&Value::string(bytes))
}

/// A string with a newline is written between `"""`; one that starts with a
/// newline has no `\`-newline after the opening quotes, so the printed body is
/// exactly the escaped text.
fn triple_quoted(body: &[u8]) -> Vec<u8> {
    [&b"\"\"\""[..], body, b"\"\"\""].concat()
}

#[test]
fn strings_escape_only_what_ends_them() {
    assert_eq!(printed_string(br#"a"b\c"#), br#""a\"b\\c""#);
    assert_eq!(printed_string(b"\t\r\xff"), b"\"\t\r\xff\"");
    let in_triple_quotes: &[(&[u8], &[u8])] = &[
        (br#"a""b"#, br#"a""b"#),
        (br#"a"""b"#, br#"a\"""b"#),
        (br#"a""""b"#, br#"a\"\"""b"#),
        (br#"end""#, br#"end\""#),
        (br#"\"#, br#"\\"#),
    ];
    for (text, escaped) in in_triple_quotes {
        let text = [b"\n", *text].concat();
        let escaped = [b"\n", *escaped].concat();
        assert_eq!(
            String::from_utf8_lossy(&printed_string(&text)),
            String::from_utf8_lossy(&triple_quoted(&escaped)),
        );
    }
}
