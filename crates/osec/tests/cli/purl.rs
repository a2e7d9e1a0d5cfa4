//! `osec purl canonical | parse | build`.

use std::process::{Command, Output};

fn osec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_osec"))
        .args(args)
        .output()
        .expect("run osec")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn canonical_prints_the_canonical_form() {
    let output = osec(&[
        "purl",
        "canonical",
        "PKG:OPAM/ocaml-variants@4.14.1+flambda",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "pkg:opam/ocaml-variants@4.14.1%2Bflambda\n"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn canonical_exits_2_and_points_at_the_error() {
    let output = osec(&["purl", "canonical", "pkg:opam/foo/bar@1"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: invalid package URL: namespace \"foo\": the opam type has no namespace \
         (name another repository with the `repository_url` qualifier)\n \
         --> column 10\n  |\n  | pkg:opam/foo/bar@1\n  |          ^^^\n"
    );
}

#[test]
fn canonical_lenient_lowercases_qualifier_keys() {
    let strict = osec(&[
        "purl",
        "canonical",
        "pkg:gem/jruby-launcher@1.1.2?Platform=java",
    ]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        stderr(&strict).contains("must be lowercase"),
        "{}",
        stderr(&strict)
    );
    let lenient = osec(&[
        "purl",
        "canonical",
        "--lenient",
        "pkg:gem/jruby-launcher@1.1.2?Platform=java",
    ]);
    assert_eq!(lenient.status.code(), Some(0));
    assert_eq!(
        stdout(&lenient),
        "pkg:gem/jruby-launcher@1.1.2?platform=java\n"
    );
}

#[test]
fn parse_prints_components_as_json() {
    let output = osec(&[
        "purl",
        "parse",
        "pkg:npm/%40angular/animation@12.3.1?b=2&a=x%2Fy#lib/",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "type": "npm",
            "namespace": "@angular",
            "name": "animation",
            "version": "12.3.1",
            "qualifiers": {"a": "x/y", "b": "2"},
            "subpath": "lib"
        })
    );
    // Fields come in the specification's order.
    let text = stdout(&output);
    let positions: Vec<usize> = [
        "\"type\"",
        "\"namespace\"",
        "\"name\"",
        "\"version\"",
        "\"qualifiers\"",
        "\"subpath\"",
    ]
    .iter()
    .map(|field| text.find(field).expect(field))
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn parse_gives_null_for_absent_components() {
    let output = osec(&["purl", "parse", "pkg:opam/conex"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "type": "opam", "namespace": null, "name": "conex",
            "version": null, "qualifiers": null, "subpath": null
        })
    );
}

#[test]
fn parse_exits_2_on_invalid_input() {
    let output = osec(&["purl", "parse", "pkg:generic/a%zz"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("name \"%zz\""),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn build_encodes_and_sorts() {
    let output = osec(&[
        "purl",
        "build",
        "--type",
        "opam",
        "--name",
        "conf-g++",
        "--version",
        "1.0",
        "--qualifier",
        "repository_url=https://opam.ocaml.org",
        "--qualifier",
        "checksum=sha256:ab,sha1:cd",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "pkg:opam/conf-g%2B%2B@1.0?checksum=sha256:ab%2Csha1:cd&repository_url=https:%2F%2Fopam.ocaml.org\n"
    );
}

#[test]
fn build_with_namespace_and_subpath() {
    let output = osec(&[
        "purl",
        "build",
        "--type",
        "maven",
        "--namespace",
        "org.apache",
        "--name",
        "io",
        "--subpath",
        "a/./b",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "pkg:maven/org.apache/io#a/b\n");
}

#[test]
fn build_exits_2_on_type_rule_or_bad_qualifier() {
    let output = osec(&[
        "purl",
        "build",
        "--type",
        "opam",
        "--namespace",
        "foo",
        "--name",
        "bar",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("opam type has no namespace"),
        "{}",
        stderr(&output)
    );

    let output = osec(&[
        "purl",
        "build",
        "--type",
        "opam",
        "--name",
        "bar",
        "--qualifier",
        "flag",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("KEY=VALUE"), "{}", stderr(&output));
}
