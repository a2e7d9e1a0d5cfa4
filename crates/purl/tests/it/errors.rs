//! Where each error points: its kind, component, text and span, for parse errors
//! (type rules and syntax) and for the builder (no span).

use purl::{Component, ErrorKind, Purl};

fn span_text(input: &str) -> (ErrorKind, Component, String, Option<&str>) {
    let err = Purl::parse(input).expect_err(input);
    let marked = err.span().and_then(|span| input.get(span));
    (err.kind(), err.component(), err.text().to_owned(), marked)
}

#[test]
fn type_rule_errors_point_at_their_component() {
    let cases = [
        (
            "pkg:opam/a/b/c@1",
            ErrorKind::NamespaceProhibited,
            Component::Namespace,
            "a/b",
            Some("a/b"),
        ),
        (
            "pkg:deb/curl@1",
            ErrorKind::NamespaceRequired,
            Component::Namespace,
            "",
            Some(""),
        ),
        (
            "pkg:cpan/A/B::C@1",
            ErrorKind::TypeRule,
            Component::Name,
            "B::C",
            Some("B::C"),
        ),
        (
            "pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@1.2-beta?x=1",
            ErrorKind::NotPermitted,
            Component::Version,
            "1.2-beta",
            Some("@1.2-beta"),
        ),
        (
            "pkg:julia/Dates@1?a=b",
            ErrorKind::MissingRequiredQualifier,
            Component::Qualifiers,
            "",
            Some("?a=b"),
        ),
    ];
    for (input, kind, component, text, marked) in cases {
        assert_eq!(
            span_text(input),
            (kind, component, text.to_owned(), marked),
            "{input}"
        );
    }
}

#[test]
fn syntax_errors_point_at_the_offending_text() {
    let cases = [
        (
            "pkg:3nginx/nginx",
            ErrorKind::InvalidType,
            Component::Type,
            "3nginx",
            Some("3nginx"),
        ),
        (
            "pkg:n&g?inx/nginx@0.8.9",
            ErrorKind::InvalidType,
            Component::Type,
            "n&g",
            Some("n&g"),
        ),
        (
            "pkg:nginx:a/nginx",
            ErrorKind::InvalidType,
            Component::Type,
            "nginx:a",
            Some("nginx:a"),
        ),
        (
            "pkg:generic/a?b=1&c",
            ErrorKind::QualifierWithoutEquals,
            Component::Qualifiers,
            "c",
            Some("c"),
        ),
        (
            "pkg:generic/a?b=%",
            ErrorKind::MalformedEscape,
            Component::Qualifiers,
            "%",
            Some("%"),
        ),
        (
            "pkg:generic/x/%C3/a",
            ErrorKind::InvalidUtf8,
            Component::Namespace,
            "%C3",
            Some("%C3"),
        ),
        (
            "pkg:generic/a#x/%2F",
            ErrorKind::SlashInSegment,
            Component::Subpath,
            "/",
            Some("%2F"),
        ),
    ];
    for (input, kind, component, text, marked) in cases {
        assert_eq!(
            span_text(input),
            (kind, component, text.to_owned(), marked),
            "{input}"
        );
    }
}

#[test]
fn builder_errors_have_no_span() {
    let err = Purl::builder("opam", "y")
        .namespace("x")
        .build()
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.span()),
        (ErrorKind::NamespaceProhibited, None)
    );
    let err = Purl::builder("generic", "y")
        .qualifier("in production", "1")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidQualifierKey);
    assert_eq!(
        Purl::builder("generic", "//").build().unwrap_err().kind(),
        ErrorKind::MissingName
    );
}
