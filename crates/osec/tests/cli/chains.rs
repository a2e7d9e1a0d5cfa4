//! Flat chains of 50,000 `&` or `|` terms (about 0.6 MB) in an opam file, an advisory
//! header and a lock file: every command reads them and answers as for a short chain,
//! where they used to overflow the stack (exit 134). Issue 14.

use crate::support::{TestDir, advisory, scenario};

const TERMS: usize = 50_000;

/// The one-line opam files of the tests, each with the value of its field `x`
/// written in opam's normal form, and the oracle's `dump ast` text of that value.
fn chains() -> Vec<(&'static str, String, String)> {
    let nested = |op: &str, terms: Vec<(String, String)>| {
        let (texts, asts): (Vec<String>, Vec<String>) = terms.into_iter().unzip();
        let mut ast = format!("(Logop {op} ").repeat(texts.len() - 1);
        for (i, term) in asts.iter().enumerate() {
            if i > 0 {
                ast.push(' ');
            }
            ast.push_str(term);
            if i > 0 {
                ast.push(')');
            }
        }
        (texts.join(&format!(" {op} ")), ast)
    };
    let and = nested(
        "&",
        (0..TERMS)
            .map(|i| (format!("\"a{i}\""), format!("(String \"a{i}\")")))
            .collect(),
    );
    let or = nested(
        "|",
        (0..TERMS)
            .map(|i| {
                (
                    format!("os = \"o{i}\""),
                    format!("(Relop = (Ident os) (String \"o{i}\"))"),
                )
            })
            .collect(),
    );
    let constraints = nested(
        "&",
        (0..TERMS)
            .map(|i| {
                (
                    format!(">= \"{i}\""),
                    format!("(Prefix_relop >= (String \"{i}\"))"),
                )
            })
            .collect(),
    );
    vec![
        (
            "depends",
            format!("[{}]", and.0),
            format!("(List {})", and.1),
        ),
        ("available", or.0, or.1),
        (
            "constraints",
            format!("[\"a\" {{{}}}]", constraints.0),
            format!("(List (Option (String \"a\") {}))", constraints.1),
        ),
        (
            "stacked-options",
            format!("[\"a\"{}]", " {b}".repeat(TERMS)),
            format!(
                "(List {}(String \"a\"){})",
                "(Option ".repeat(TERMS),
                " (Ident b))".repeat(TERMS)
            ),
        ),
    ]
}

#[test]
fn opam_commands_read_fifty_thousand_term_chains() {
    let dir = TestDir::new();
    for (name, value, ast) in chains() {
        let src = format!("x: {value}\n");
        let file = format!("{name}.opam");
        dir.write(&file, &src);

        let out = dir.osec(&["opam", "ast", &file]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let expected = format!("[1:0-1:{}] Var x = {ast}\n", src.len() - 1);
        assert!(out.stdout == expected, "{name}: opam ast differs");

        let out = dir.osec(&["opam", "print", "--normalise", &file]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(out.stdout == src, "{name}: opam print --normalise differs");

        // The standard printer breaks the chain over many lines; that text is the
        // same file.
        let out = dir.osec(&["opam", "print", &file]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(out.stdout.lines().count() > 100, "{name}: not broken up");
        let printed = format!("{name}.printed.opam");
        dir.write(&printed, &out.stdout);
        let out = dir.osec(&["opam", "print", "--normalise", &printed]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(
            out.stdout == src,
            "{name}: the printed file reads differently"
        );

        let out = dir.osec(&["opam", "check", &file]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "checked 1 files, 0 failed\n"),
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn opam_check_reads_a_million_term_chain() {
    let dir = TestDir::new();
    let terms: Vec<String> = (0..1_000_000).map(|i| format!("\"a{i}\"")).collect();
    dir.write("big.opam", &format!("x: [{}]\n", terms.join(" & ")));
    let out = dir.osec(&["opam", "check", "big.opam"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "checked 1 files, 0 failed\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn lint_reads_an_advisory_with_a_fifty_thousand_term_affected_field() {
    let dir = TestDir::new();
    let versions: Vec<String> = (0..TERMS).map(|i| format!("= \"4.0.{i}\"")).collect();
    let text = advisory("OSEC-2026-01").replace(
        r#"affected: "ocaml" {< "4.03.0"}"#,
        &format!(r#"affected: "ocaml" {{{}}}"#, versions.join(" | ")),
    );
    dir.write("advisories/2026/OSEC-2026-01.md", &text);
    let out = dir.osec(&["lint", "advisories"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "checked 1 advisory file: 0 errors, 0 warnings\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn audit_reads_a_lock_file_with_fifty_thousand_term_chains() {
    let dir = TestDir::new();
    let locked = std::fs::read_to_string(format!("{}/myapp.opam.locked", scenario("vulnerable")))
        .expect("the fixture reads");
    // A filter of 50,000 `|` terms on the vulnerable cohttp, and 50,000 more locked
    // packages joined by `&`.
    let filter: Vec<String> = (0..TERMS).map(|i| format!("os = \"o{i}\"")).collect();
    let extra: Vec<String> = (0..TERMS)
        .map(|i| format!("\"extra{i}\" {{= \"1.0\"}}"))
        .collect();
    let locked = locked
        .replace(
            r#""cohttp" {= "6.2.2"}"#,
            &format!(r#""cohttp" {{= "6.2.2" & ({})}}"#, filter.join(" | ")),
        )
        .replace(
            r#""uri" {= "4.4.0"}"#,
            &format!(r#""uri" {{= "4.4.0"}} & {}"#, extra.join(" & ")),
        );
    dir.write("chains.opam.locked", &locked);
    let findings = |file: &str| {
        let out = dir.osec(&["audit", "--lock", file, "--format", "json"]);
        assert_eq!(out.code, 1, "{file}: {}", out.stderr);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        let findings: Vec<(String, String)> = report["inputs"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["id"].to_string(), f["package"].to_string()))
            .collect();
        findings
    };
    let original = findings(&format!("{}/myapp.opam.locked", scenario("vulnerable")));
    assert!(
        original.contains(&("\"OSEC-2026-16\"".into(), "\"cohttp\"".into())),
        "{original:?}"
    );
    assert_eq!(findings("chains.opam.locked"), original);
}

#[test]
fn audit_reads_a_plain_opam_file_with_fifty_thousand_term_chains() {
    let dir = TestDir::new();
    let webapp = std::fs::read_to_string(format!("{}/webapp.opam", scenario("opam-files")))
        .expect("the fixture reads");
    let filter: Vec<String> = (0..TERMS).map(|i| format!("os = \"o{i}\"")).collect();
    let extra: Vec<String> = (0..TERMS).map(|i| format!("\"extra{i}\"")).collect();
    let chained = webapp
        .replace(
            r#""cohttp" {>= "5.0"}"#,
            &format!(r#""cohttp" {{>= "5.0" & ({})}}"#, filter.join(" | ")),
        )
        .replace(
            r#""alcotest" {with-test}"#,
            &format!(r#""alcotest" {{with-test}} & {}"#, extra.join(" & ")),
        );
    dir.write("webapp.opam", &webapp);
    dir.write("chains/webapp.opam", &chained);
    let findings = |file: &str| {
        let out = dir.osec(&["audit", file, "--format", "json"]);
        assert_eq!(out.code, 1, "{file}: {}", out.stderr);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        let findings: Vec<(String, String)> = report["inputs"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["id"].to_string(), f["package"].to_string()))
            .collect();
        findings
    };
    let original = findings("webapp.opam");
    assert!(
        original.iter().any(|(_, package)| package == "\"cohttp\""),
        "{original:?}"
    );
    assert_eq!(findings("chains/webapp.opam"), original);
}
