//! Cases the official suite misses (purl-spec issue #788 lists most of them),
//! opam specifics, and the text and position of errors.

use purl::{Component, ErrorKind, Purl};

fn canonical(input: &str) -> String {
    match Purl::parse(input) {
        Ok(purl) => purl.to_string(),
        Err(err) => panic!("{input}: {err}"),
    }
}

fn error(input: &str) -> purl::Error {
    match Purl::parse(input) {
        Ok(purl) => panic!("{input}: parsed as {purl}, expected an error"),
        Err(err) => err,
    }
}

/// The error with the input and a caret line under its span, for snapshots.
fn rendered(input: &str) -> String {
    let err = error(input);
    let span = err.span().expect("parse errors carry a span");
    let caret_start = input.get(..span.start).map_or(0, |s| s.chars().count());
    let caret_len = input
        .get(span.clone())
        .map_or(0, |s| s.chars().count())
        .max(1);
    format!(
        "{err}\n{input}\n{}{}",
        " ".repeat(caret_start),
        "^".repeat(caret_len)
    )
}

// --- non-ASCII -------------------------------------------------------------

#[test]
fn non_ascii_text_is_decoded_and_encoded_as_utf8() {
    let purl = Purl::parse("pkg:generic/café@1.0#doc/ünï").unwrap();
    assert_eq!(purl.name(), "café");
    assert_eq!(purl.subpath(), Some("doc/ünï"));
    assert_eq!(
        purl.to_string(),
        "pkg:generic/caf%C3%A9@1.0#doc/%C3%BCn%C3%AF"
    );
    assert_eq!(
        canonical("pkg:generic/caf%c3%a9@1.0"),
        "pkg:generic/caf%C3%A9@1.0"
    );
    assert_eq!(
        canonical("pkg:npm/%E2%9C%93?k=名前"),
        "pkg:npm/%E2%9C%93?k=%E5%90%8D%E5%89%8D"
    );
}

#[test]
fn case_insensitive_components_use_unicode_lowercase() {
    assert_eq!(Purl::parse("pkg:pypi/ÄBC_Déf").unwrap().name(), "äbc-déf");
    // Case-sensitive types keep non-ASCII capitals.
    assert_eq!(Purl::parse("pkg:opam/Ä").unwrap().name(), "Ä");
}

// --- percent escapes --------------------------------------------------------

#[test]
fn malformed_escapes_name_the_component_and_the_escape() {
    for (input, component, text) in [
        ("pkg:generic/a%zz", Component::Name, "%zz"),
        ("pkg:generic/a@1%2", Component::Version, "%2"),
        ("pkg:generic/n%G1/a", Component::Namespace, "%G1"),
        ("pkg:generic/a?k=%", Component::Qualifiers, "%"),
        ("pkg:generic/a#b/%x1", Component::Subpath, "%x1"),
    ] {
        let err = error(input);
        assert_eq!(err.kind(), ErrorKind::MalformedEscape, "{input}");
        assert_eq!((err.component(), err.text()), (component, text), "{input}");
        let span = err.span().unwrap();
        assert_eq!(input.get(span), Some(text), "{input}");
    }
}

#[test]
fn escapes_of_invalid_utf8_are_rejected() {
    let err = error("pkg:generic/%FF%FE");
    assert_eq!(err.kind(), ErrorKind::InvalidUtf8);
    assert_eq!(err.component(), Component::Name);
}

#[test]
fn escaped_unreserved_characters_are_decoded_and_written_plainly() {
    assert_eq!(
        canonical("pkg:generic/%41%2d%3a@1%2E0"),
        "pkg:generic/A-:@1.0"
    );
}

#[test]
fn slash_is_encoded_in_names_versions_and_values_but_not_allowed_in_segments() {
    assert_eq!(
        canonical("pkg:generic/a%2Fb@1%2F2?k=x/y"),
        "pkg:generic/a%2Fb@1%2F2?k=x%2Fy"
    );
    let err = error("pkg:generic/n%2Fs/a");
    assert_eq!(
        (err.kind(), err.component(), err.text()),
        (ErrorKind::SlashInSegment, Component::Namespace, "n/s")
    );
    let err = error("pkg:generic/a#x%2Fy");
    assert_eq!(
        (err.kind(), err.component()),
        (ErrorKind::SlashInSegment, Component::Subpath)
    );
}

#[test]
fn decoded_dot_segments_are_dropped_from_the_subpath() {
    assert_eq!(
        canonical("pkg:generic/a#/x/./%2E%2E/y//"),
        "pkg:generic/a#x/y"
    );
    assert_eq!(canonical("pkg:generic/a#/./"), "pkg:generic/a");
}

// --- qualifiers ----------------------------------------------------------------

#[test]
fn duplicate_qualifier_keys_are_an_error() {
    let err = error("pkg:generic/a?k=1&b=2&k=3");
    assert_eq!(
        (err.kind(), err.text()),
        (ErrorKind::DuplicateQualifierKey, "k")
    );
    assert_eq!(err.span(), Some(22..23));
    // The lenient parser lowercases first, then finds the duplicate.
    let err = Purl::parse_lenient("pkg:generic/a?K=1&k=2").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateQualifierKey);
    let err = Purl::builder("generic", "a")
        .qualifier("k", "1")
        .qualifier("K", "2")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateQualifierKey);
}

#[test]
fn a_qualifier_without_equals_is_an_error() {
    let err = error("pkg:generic/a?flag&k=v");
    assert_eq!(
        (err.kind(), err.component(), err.text()),
        (
            ErrorKind::QualifierWithoutEquals,
            Component::Qualifiers,
            "flag"
        )
    );
    assert_eq!(err.span(), Some(14..18));
}

#[test]
fn empty_values_and_empty_pairs_count_as_absent() {
    assert_eq!(
        canonical("pkg:generic/a?&z=1&&a=&m=2&"),
        "pkg:generic/a?m=2&z=1"
    );
    assert_eq!(canonical("pkg:generic/a?"), "pkg:generic/a");
    assert_eq!(canonical("pkg:generic/a?k="), "pkg:generic/a");
}

#[test]
fn qualifier_keys_are_strict_by_default_and_lowercased_on_request() {
    let err = error("pkg:gem/jruby-launcher@1.1.2?Platform=java");
    assert_eq!(
        (err.kind(), err.text()),
        (ErrorKind::InvalidQualifierKey, "Platform")
    );
    let purl = Purl::parse_lenient("pkg:gem/jruby-launcher@1.1.2?Platform=java").unwrap();
    assert_eq!(
        purl.to_string(),
        "pkg:gem/jruby-launcher@1.1.2?platform=java"
    );
    for bad in ["1a", "a b", "a%20b", "a+b", "é"] {
        let input = format!("pkg:generic/x?{bad}=v");
        assert_eq!(
            Purl::parse_lenient(&input).unwrap_err().kind(),
            ErrorKind::InvalidQualifierKey,
            "{bad}"
        );
    }
}

#[test]
fn a_version_and_a_vers_range_exclude_each_other() {
    let err = error("pkg:pypi/django@1.11.1?vers=vers:pypi%2F%3E%3D1.11.0");
    assert_eq!(
        (err.kind(), err.component(), err.text()),
        (
            ErrorKind::VersionAndVers,
            Component::Qualifiers,
            "vers:pypi/>=1.11.0"
        )
    );
    assert_eq!(
        canonical("pkg:pypi/django?vers=vers:pypi/>=1.11.0|!=1.11.1|<2.0.0"),
        "pkg:pypi/django?vers=vers:pypi%2F%3E%3D1.11.0%7C%21%3D1.11.1%7C%3C2.0.0"
    );
    let err = Purl::builder("opam", "tls")
        .version("1")
        .qualifier("vers", "vers:opam/<1")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::VersionAndVers);
}

#[test]
fn qualifier_values_keep_equals_and_encode_it() {
    let purl = Purl::parse("pkg:generic/a?k=v=w%26x").unwrap();
    assert_eq!(purl.qualifiers().get("k"), Some("v=w&x"));
    assert_eq!(purl.to_string(), "pkg:generic/a?k=v%3Dw%26x");
}

// --- scheme and type ------------------------------------------------------------

#[test]
fn the_scheme_is_accepted_in_any_case_and_written_lowercase() {
    assert_eq!(canonical("PKG:npm/foo"), "pkg:npm/foo");
    assert_eq!(canonical("Pkg://NPM/foo"), "pkg:npm/foo");
}

#[test]
fn a_missing_or_wrong_scheme_is_an_error() {
    assert_eq!(error("npm/foo").kind(), ErrorKind::MissingScheme);
    let err = error("purl:npm/foo");
    assert_eq!((err.kind(), err.text()), (ErrorKind::MissingScheme, "purl"));
    assert_eq!(error("pkg%3Anpm/foo").kind(), ErrorKind::MissingScheme);
}

#[test]
fn plus_in_the_type_is_rejected_in_parse_and_build() {
    let err = error("pkg:c++/foo@1");
    assert_eq!(
        (err.kind(), err.component(), err.text()),
        (ErrorKind::InvalidType, Component::Type, "c++")
    );
    assert_eq!(err.span(), Some(4..7));
    assert_eq!(
        Purl::builder("c++", "foo").build().unwrap_err().kind(),
        ErrorKind::InvalidType
    );
    // Slashes after `pkg:` are skipped, so this is the type `foo` without a name.
    assert_eq!(error("pkg:/foo").kind(), ErrorKind::MissingName);
    assert_eq!(error("pkg:").kind(), ErrorKind::InvalidType);
}

#[test]
fn unregistered_types_get_the_generic_rules() {
    assert_eq!(
        canonical("pkg:My.Type-2/NS/Name@V"),
        "pkg:my.type-2/NS/Name@V"
    );
    assert!(purl::type_definition("my.type-2").is_none());
}

// --- name and version -----------------------------------------------------------

#[test]
fn an_empty_version_means_none() {
    assert_eq!(canonical("pkg:generic/a@"), "pkg:generic/a");
    assert_eq!(Purl::parse("pkg:generic/a@").unwrap().version(), None);
    assert_eq!(
        Purl::builder("generic", "a")
            .version("")
            .build()
            .unwrap()
            .version(),
        None
    );
}

#[test]
fn at_sign_only_starts_a_version_in_the_last_segment() {
    let purl = Purl::parse("pkg:npm/@scope/name").unwrap();
    assert_eq!(
        (purl.namespace(), purl.name(), purl.version()),
        (Some("@scope"), "name", None)
    );
    let purl = Purl::parse("pkg:generic/a@b@c").unwrap();
    assert_eq!((purl.name(), purl.version()), ("a@b", Some("c")));
    assert_eq!(purl.to_string(), "pkg:generic/a%40b@c");
}

#[test]
fn a_path_ending_with_slash_has_no_name() {
    for input in [
        "pkg:generic/ns/",
        "pkg:generic/ns/@1",
        "pkg:generic/",
        "pkg:generic",
        "pkg:generic/@1",
    ] {
        let err = error(input);
        assert_eq!(
            (err.kind(), err.component()),
            (ErrorKind::MissingName, Component::Name),
            "{input}"
        );
    }
}

// --- opam -------------------------------------------------------------------------

#[test]
fn opam_prohibits_a_namespace_in_parse_and_build() {
    let err = error("pkg:opam/foo/bar@1");
    assert_eq!(
        (err.kind(), err.component(), err.text()),
        (ErrorKind::NamespaceProhibited, Component::Namespace, "foo")
    );
    assert!(err.kind().is_type_rule());
    let err = Purl::builder("opam", "bar")
        .namespace("foo")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NamespaceProhibited);
    assert!(err.message().contains("repository_url"), "{err}");
}

#[test]
fn opam_names_and_versions_keep_their_case_and_encode_plus() {
    assert_eq!(canonical("pkg:OPAM/Conex"), "pkg:opam/Conex");
    assert_ne!(
        Purl::parse("pkg:opam/Conex").unwrap(),
        Purl::parse("pkg:opam/conex").unwrap()
    );
    assert_eq!(
        canonical("pkg:opam/ocaml-variants@4.14.1+flambda"),
        "pkg:opam/ocaml-variants@4.14.1%2Bflambda"
    );
    assert_eq!(
        canonical("pkg:opam/ocamlfind@1.9.6~beta"),
        "pkg:opam/ocamlfind@1.9.6~beta"
    );
    assert_eq!(canonical("pkg:opam/conex@"), "pkg:opam/conex");
    assert_eq!(canonical("pkg:opam/Base@V0.16.0"), "pkg:opam/Base@V0.16.0");
    let built = Purl::builder("opam", "conf-g++").build().unwrap();
    assert_eq!(built.to_string(), "pkg:opam/conf-g%2B%2B");
    assert_eq!(Purl::parse("pkg:opam/conf-g%2B%2B").unwrap(), built);
    // A literal `+` in the input means `+`, never a space.
    assert_eq!(Purl::parse("pkg:opam/conf-g++").unwrap(), built);
}

#[test]
fn opam_repository_url_names_another_repository() {
    let purl = Purl::builder("opam", "coq-core")
        .version("8.18.0")
        .qualifier("repository_url", "https://coq.inria.fr/opam/released")
        .build()
        .unwrap();
    assert_eq!(
        purl.to_string(),
        "pkg:opam/coq-core@8.18.0?repository_url=https:%2F%2Fcoq.inria.fr%2Fopam%2Freleased"
    );
    assert_eq!(
        purl.repository_url(),
        Some("https://coq.inria.fr/opam/released")
    );
    assert_eq!(Purl::parse(&purl.to_string()).unwrap(), purl);
}

// --- other type rules the suite does not test -------------------------------------

#[test]
fn type_rules_beyond_the_suite() {
    // Case-sensitive types keep case (a known bug of other crates).
    assert_eq!(canonical("pkg:npm/Acid@1"), "pkg:npm/Acid@1");
    assert_eq!(
        canonical("pkg:golang/GitHub.com/Foo/Bar@v1"),
        "pkg:golang/GitHub.com/Foo/Bar@v1"
    );
    // Case-insensitive ones are lowercased.
    assert_eq!(
        canonical("pkg:oci/Debian@SHA256:AB"),
        "pkg:oci/debian@sha256:ab"
    );
    assert_eq!(canonical("pkg:pub/Flutter_Web"), "pkg:pub/flutter_web");
    assert_eq!(canonical("pkg:pub/my-pkg.x"), "pkg:pub/my_pkg_x");
    assert_eq!(canonical("pkg:otp/x#Src/A.erl"), "pkg:otp/x#src/a.erl");
    // Required namespaces and qualifiers are enforced.
    for input in [
        "pkg:deb/curl",
        "pkg:rpm/curl",
        "pkg:github/repo",
        "pkg:qpkg/x",
        "pkg:swid/x",
    ] {
        assert!(error(input).kind().is_type_rule(), "{input}");
    }
    let err = error("pkg:swid/Acme/x");
    assert_eq!(
        (err.kind(), err.component()),
        (ErrorKind::MissingRequiredQualifier, Component::Qualifiers)
    );
    assert!(err.message().contains("tag_id"), "{err}");
    // Permitted characters.
    let err = error("pkg:chrome-extension/dogs");
    assert_eq!((err.kind(), err.text()), (ErrorKind::NotPermitted, "dogs"));
    // git names are the path after the host.
    let purl = Purl::builder("git", "a/b")
        .namespace("host.example/org")
        .build()
        .unwrap();
    assert_eq!(
        (purl.namespace(), purl.name()),
        (Some("host.example"), "org/a/b")
    );
    assert_eq!(purl.to_string(), "pkg:git/host.example/org/a/b");
    assert_eq!(
        error("pkg:git/only-host").kind(),
        ErrorKind::NamespaceRequired
    );
}

#[test]
fn registered_types_come_from_the_definitions() {
    let names: Vec<&str> = purl::registered_types().iter().map(|d| d.name()).collect();
    assert_eq!(names.len(), 42);
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted for lookup");
    let opam = purl::type_definition("opam").unwrap();
    assert_eq!(
        opam.namespace().requirement(),
        purl::Requirement::Prohibited
    );
    assert!(opam.name_rule().case_sensitive());
    assert_eq!(
        opam.default_repository_url(),
        Some("https://opam.ocaml.org")
    );
    let maven = purl::type_definition("maven").unwrap();
    let type_qualifier = maven
        .qualifiers()
        .iter()
        .find(|q| q.key() == "type")
        .unwrap();
    assert_eq!(type_qualifier.default_value(), Some("jar"));
    // Defaults are neither added nor removed.
    assert_eq!(canonical("pkg:maven/g/a@1"), "pkg:maven/g/a@1");
    assert_eq!(
        canonical("pkg:maven/g/a@1?type=jar"),
        "pkg:maven/g/a@1?type=jar"
    );
}

// --- size -----------------------------------------------------------------------------

#[test]
fn very_long_input_is_handled_in_one_pass() {
    let name = "a".repeat(1 << 20);
    let purl = Purl::parse(&format!("pkg:generic/{name}@1")).unwrap();
    assert_eq!(purl.name().len(), 1 << 20);

    let segments = vec!["s"; 100_000].join("/");
    let purl = Purl::parse(&format!("pkg:generic/{segments}/n#{segments}")).unwrap();
    assert_eq!(purl.namespace().map(str::len), Some(segments.len()));

    let qualifiers: Vec<String> = (0..20_000).map(|i| format!("k{i}=v")).collect();
    let purl = Purl::parse(&format!("pkg:generic/n?{}", qualifiers.join("&"))).unwrap();
    assert_eq!(purl.qualifiers().len(), 20_000);
    assert_eq!(purl.qualifiers().get("k19999"), Some("v"));

    let escapes = "%41".repeat(100_000);
    assert_eq!(
        Purl::parse(&format!("pkg:generic/{escapes}"))
            .unwrap()
            .name()
            .len(),
        100_000
    );
}

// --- rendered errors ---------------------------------------------------------------------

#[test]
fn rendered_errors() {
    let inputs = [
        "pkg:opam/foo/bar@1",
        "pkg:c++/foo",
        "pkg:generic/a%zz@1",
        "pkg:npm/myartifact@1.0.0?in%20production=true",
        "pkg:gem/jruby-launcher@1.1.2?Platform=java",
        "pkg:swift/github.com/Alamofire/@5.4.3",
        "pkg:cpan/GDT/URI::PackageURL",
        "pkg:julia/Dates",
        "EnterpriseLibrary.Common@6.0.1304",
    ];
    let all: Vec<String> = inputs.iter().map(|input| rendered(input)).collect();
    insta::assert_snapshot!(all.join("\n\n"));
}

// --- the generated table ----------------------------------------------------------------

#[test]
fn generated_table_matches_every_definition_file() {
    use purl::{ComponentRule, Requirement};
    use serde_json::Value;

    fn requirement(value: &Value, default: Requirement) -> Requirement {
        match value.as_str() {
            Some("required") => Requirement::Required,
            Some("prohibited") => Requirement::Prohibited,
            Some("optional") => Requirement::Optional,
            _ => default,
        }
    }
    fn check(
        type_name: &str,
        what: &str,
        rule: &ComponentRule,
        json: &Value,
        default: Requirement,
    ) {
        assert_eq!(
            rule.requirement(),
            requirement(&json["requirement"], default),
            "{type_name} {what}"
        );
        assert_eq!(
            rule.case_sensitive(),
            json["case_sensitive"].as_bool().unwrap_or(true),
            "{type_name} {what}"
        );
        assert_eq!(
            rule.permitted_characters(),
            json["permitted_characters"].as_str(),
            "{type_name} {what}"
        );
    }

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("types");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("-definition.json") {
            continue;
        }
        seen += 1;
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let type_name = json["type"].as_str().unwrap();
        let definition =
            purl::type_definition(type_name).unwrap_or_else(|| panic!("{type_name} missing"));
        assert_eq!(
            definition.default_repository_url(),
            json["repository"]["default_repository_url"].as_str()
        );
        check(
            type_name,
            "namespace",
            definition.namespace(),
            &json["namespace_definition"],
            Requirement::Optional,
        );
        check(
            type_name,
            "name",
            definition.name_rule(),
            &json["name_definition"],
            Requirement::Required,
        );
        check(
            type_name,
            "version",
            definition.version(),
            &json["version_definition"],
            Requirement::Optional,
        );
        check(
            type_name,
            "subpath",
            definition.subpath(),
            &json["subpath_definition"],
            Requirement::Optional,
        );
        let expected: Vec<(&str, Requirement, Option<&str>)> = json["qualifiers_definition"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|q| {
                (
                    q["key"].as_str().unwrap(),
                    requirement(&q["requirement"], Requirement::Optional),
                    q["default_value"].as_str(),
                )
            })
            .collect();
        let actual: Vec<(&str, Requirement, Option<&str>)> = definition
            .qualifiers()
            .iter()
            .map(|q| (q.key(), q.requirement(), q.default_value()))
            .collect();
        assert_eq!(actual, expected, "{type_name} qualifiers");
    }
    assert_eq!(seen, purl::registered_types().len());
}

#[test]
fn free_text_normalisation_rules_map_to_actions() {
    use purl::Normalisation;
    let rules = |t: &str| purl::type_definition(t).unwrap();
    assert_eq!(
        rules("pypi").name_rule().normalisations(),
        [Normalisation::UnderscoreToDash]
    );
    assert_eq!(
        rules("pub").name_rule().normalisations(),
        [Normalisation::NonAlphanumericToUnderscore]
    );
    assert_eq!(
        rules("alpm").namespace().normalisations(),
        [Normalisation::Lowercase]
    );
    // Texts recorded as needing no action.
    assert!(rules("hackage").name_rule().normalisations().is_empty());
    assert!(rules("alpm").version().normalisations().is_empty());
}
