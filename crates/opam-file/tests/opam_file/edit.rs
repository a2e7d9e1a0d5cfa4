//! Edits of a `Document`: each changes the bytes it must and keeps every other byte,
//! comments and layout included.

use opam_file::{Document, EditError, Scope, Span, Value};

#[test]
fn replaces_a_nested_value_and_nothing_else() {
    let given =
        "depends: [\n  \"cohttp\" {= \"6.2.2\"} # locked\n  \"tls\" {= \"2.0.3\" & with-test}\n]\n";
    let mut document = Document::parse(given).expect("parses");
    let span = version_span(&document, 1);
    document
        .replace_value(span, &Value::string("2.1.0"))
        .expect("edit applies");
    assert_eq!(
        String::from_utf8_lossy(document.to_bytes()),
        given.replace("2.0.3", "2.1.0")
    );
    let wrong = Span { start: 0, end: 3 };
    assert_eq!(
        document.replace_value(wrong, &Value::string("x")),
        Err(EditError::NoSuchValue(wrong))
    );
}

/// The span of the version string of the `index`th `depends:` entry.
fn version_span(document: &Document, index: usize) -> Span {
    use opam_file::ValueKind;
    let Some(Value {
        kind: ValueKind::List(list),
        ..
    }) = document.field(Scope::File, "depends")
    else {
        panic!("a depends list");
    };
    let ValueKind::Option(_, constraints) = &list.value[index].kind else {
        panic!("an entry with constraints");
    };
    let mut constraint = &constraints.value[0];
    if let ValueKind::Logop(chain) = &constraint.kind {
        constraint = &chain.operands[0];
    }
    let ValueKind::PrefixRelop(_, version) = &constraint.kind else {
        panic!("= VERSION");
    };
    version.span
}

fn edit(given: &str, change: impl FnOnce(&mut Document) -> Result<(), EditError>) -> String {
    let mut document = Document::parse(given).expect("given file parses");
    change(&mut document).expect("edit applies");
    String::from_utf8(document.to_bytes().to_vec()).expect("utf-8")
}

const URL: Scope<'static> = Scope::Section {
    kind: "url",
    name: None,
};

// An unmodified document printing its input is checked from the tree in
// exact.rs, where the tree walk can see every node.

#[test]
fn replacing_a_value_keeps_the_comment_after_it() {
    let out = edit("version: \"1\" # keep\nx: 2\n", |d| {
        d.set_field(Scope::File, "version", &Value::string("2.0"))
    });
    assert_eq!(out, "version: \"2.0\" # keep\nx: 2\n");
}

#[test]
fn new_field_goes_at_the_end_of_the_file() {
    let out = edit("x: 1\n", |d| {
        d.set_field(Scope::File, "y", &Value::list(vec![Value::ident("a")]))
    });
    assert_eq!(out, "x: 1\ny: [a]\n");
}

#[test]
fn a_file_without_a_final_newline_keeps_that_style() {
    let out = edit("x: 1", |d| {
        d.set_field(Scope::File, "y", &Value::ident("a"))
    });
    assert_eq!(out, "x: 1\ny: a");
}

#[test]
fn removing_an_added_field_gives_back_the_file() {
    for given in [
        "x: 1\n",
        "x: 1",
        "x: 1\n# end",
        "x: 1\r\n",
        "url { src: \"a\" }",
        "",
    ] {
        let mut document = Document::parse(given).expect("parses");
        document
            .set_field(
                Scope::File,
                "x-added",
                &Value::list(vec![Value::string("A")]),
            )
            .expect("added");
        assert_ne!(document.to_bytes(), given.as_bytes());
        document
            .remove_field(Scope::File, "x-added")
            .expect("removed");
        assert_eq!(document.to_bytes(), given.as_bytes(), "{given:?}");
    }
}

#[test]
fn removing_the_last_line_without_a_newline_takes_the_newline_before() {
    let out = edit("a: 1\r\nb: 2", |d| d.remove_field(Scope::File, "b"));
    assert_eq!(out, "a: 1");
    let out = edit("a: 1\n\nb: 2", |d| d.remove_field(Scope::File, "b"));
    assert_eq!(out, "a: 1\n");
}

#[test]
fn replacing_a_span_keeps_the_bytes_around_it() {
    let given = "available: os != \"win32\" # why\nx: 1\n";
    let mut document = Document::parse(given).expect("parses");
    let span = document
        .field(Scope::File, "available")
        .expect("field")
        .span;
    let inner = &given.as_bytes()[span.range()];
    let wrapped = [b"false & (".as_slice(), inner, b")"].concat();
    document.replace(span, &wrapped).expect("replaced");
    assert_eq!(
        document.to_bytes(),
        b"available: false & (os != \"win32\") # why\nx: 1\n"
    );
    let end = document.to_bytes().len() as u32;
    assert!(matches!(
        document.replace(Span::new(end, end + 1), b"x"),
        Err(EditError::SpanOutOfBounds(_))
    ));
    assert!(matches!(
        document.replace(Span::new(0, 9), b"["),
        Err(EditError::Unparsable(_))
    ));
}

#[test]
fn new_field_in_a_section_is_indented_like_its_fields() {
    let given = "url {\n    src: \"a\"\n}\nz: 1\n";
    let out = edit(given, |d| {
        d.set_field(URL, "checksum", &Value::string("md5=0"))
    });
    assert_eq!(
        out,
        "url {\n    src: \"a\"\n    checksum: \"md5=0\"\n}\nz: 1\n"
    );
}

#[test]
fn new_field_in_an_inline_section_opens_it() {
    let out = edit("url { src: \"a\" }\n", |d| {
        d.set_field(URL, "x", &Value::ident("y"))
    });
    assert_eq!(out, "url { src: \"a\"\n  x: y\n}\n");
}

#[test]
fn removing_a_field_removes_its_line() {
    let out = edit("a: 1\nb: [\n  x\n]\nc: 3\n", |d| {
        d.remove_field(Scope::File, "b")
    });
    assert_eq!(out, "a: 1\nc: 3\n");
}

#[test]
fn removing_a_field_that_shares_its_line() {
    let out = edit("a: 1 b: 2\n", |d| d.remove_field(Scope::File, "b"));
    assert_eq!(out, "a: 1\n");
}

#[test]
fn pushing_to_a_one_per_line_list_adds_a_line() {
    let given = "depends: [\n  \"a\"\n  \"b\" {>= \"1\"}\n]\n";
    let out = edit(given, |d| {
        d.push_to_list(Scope::File, "depends", &Value::string("c"))
    });
    assert_eq!(out, "depends: [\n  \"a\"\n  \"b\" {>= \"1\"}\n  \"c\"\n]\n");
}

#[test]
fn pushing_to_an_inline_list_adds_a_space() {
    let out = edit("tags: [\"a\" \"b\"]\n", |d| {
        d.push_to_list(Scope::File, "tags", &Value::string("c"))
    });
    assert_eq!(out, "tags: [\"a\" \"b\" \"c\"]\n");
}

#[test]
fn pushing_to_an_empty_list() {
    let out = edit("tags: []\n", |d| {
        d.push_to_list(Scope::File, "tags", &Value::string("c"))
    });
    assert_eq!(out, "tags: [\"c\"]\n");
}

#[test]
fn removing_list_elements_keeps_the_layout() {
    let given = "depends: [\n  \"a\"\n  \"b\"\n]\ntags: [\"x\" \"y\" \"z\"]\n";
    let out = edit(given, |d| {
        d.remove_from_list(Scope::File, "depends", 0)?;
        d.remove_from_list(Scope::File, "tags", 1)?;
        d.remove_from_list(Scope::File, "tags", 0)
    });
    assert_eq!(out, "depends: [\n  \"b\"\n]\ntags: [\"z\"]\n");
}

#[test]
fn inserting_and_removing_sections() {
    let out = edit("x: 1\n", |d| {
        d.insert_section(
            "extra-source",
            Some(b"a.patch"),
            &[("src", Value::string("u"))],
        )
    });
    assert_eq!(out, "x: 1\nextra-source \"a.patch\" {\n  src: \"u\"\n}\n");
    let out = edit(&out, |d| d.remove_section("extra-source", Some(b"a.patch")));
    assert_eq!(out, "x: 1\n");
}

#[test]
fn edits_chain_because_spans_are_refreshed() {
    let out = edit("a: 1\nb: 2\n", |d| {
        d.set_field(Scope::File, "a", &Value::string("long value"))?;
        d.set_field(Scope::File, "b", &Value::ident("c"))
    });
    assert_eq!(out, "a: \"long value\"\nb: c\n");
}

#[test]
fn an_edit_that_would_not_parse_is_refused() {
    let mut document = Document::parse("a: 1\n").expect("parses");
    let error = document.set_field(Scope::File, "a", &Value::ident("not valid"));
    assert!(matches!(error, Err(EditError::Unparsable(_))));
    assert_eq!(document.to_bytes(), b"a: 1\n");
}

#[test]
fn missing_things_are_errors() {
    let mut document = Document::parse("a: 1\n").expect("parses");
    assert!(matches!(
        document.remove_field(Scope::File, "b"),
        Err(EditError::NoSuchField(_))
    ));
    assert!(matches!(
        document.push_to_list(Scope::File, "a", &Value::ident("x")),
        Err(EditError::NotAList(_))
    ));
    assert!(matches!(
        document.set_field(URL, "src", &Value::ident("x")),
        Err(EditError::NoSuchSection(_))
    ));
}
