//! Property tests: no input panics; the canonical form is a fixed point;
//! building then parsing gives back the built value (and, for a type without
//! normalisations, exactly the components given).

use proptest::prelude::*;
use purl::Purl;

/// Text made mostly of the characters that matter to the grammar.
fn purl_ish_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec![
                "/", "@", "?", "#", "&", "=", ":", "%", "%2F", "%40", "%2B", "%zz", "%C3%A9", "+",
                ".", "..", "-", "_", "~", " ", "A", "é", "名",
            ])
            .prop_map(str::to_owned),
            6 => "[a-zA-Z0-9]{1,4}",
        ],
        0..24,
    )
    .prop_map(|pieces| pieces.concat())
}

/// A registered or unregistered type name.
fn package_type() -> impl Strategy<Value = String> {
    let mut names: Vec<String> = purl::registered_types()
        .iter()
        .map(|d| d.name().to_owned())
        .collect();
    names.extend([
        "Generic".to_owned(),
        "x-custom".to_owned(),
        "OPAM".to_owned(),
    ]);
    prop::sample::select(names)
}

fn candidate_input() -> impl Strategy<Value = String> {
    (package_type(), purl_ish_text(), prop::bool::ANY).prop_map(|(ty, rest, slashes)| {
        format!("pkg:{}{ty}/{rest}", if slashes { "//" } else { "" })
    })
}

fn assert_fixed_point(purl: &Purl) -> Result<(), TestCaseError> {
    let canonical = purl.to_string();
    let reparsed = Purl::parse(&canonical);
    prop_assert_eq!(reparsed.as_ref(), Ok(purl), "canonical {}", canonical);
    if let Ok(reparsed) = reparsed {
        prop_assert_eq!(reparsed.to_string(), canonical);
    }
    Ok(())
}

/// Runs `check` on 1000 inputs drawn from `strategy` and returns how many of them
/// `check` could test (it returns `Ok(true)` for those): a property over the inputs
/// that happen to parse must say how many did, or it may be testing none.
fn count_tested<S: Strategy>(
    strategy: S,
    check: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) -> usize {
    let tested = std::sync::atomic::AtomicUsize::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(1000));
    let result = runner.run(&strategy, |input| {
        if check(input)? {
            tested.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    tested.into_inner()
}

/// The canonical form of anything that parses, strictly or leniently, parses back to
/// the same value and prints the same; a fair share of the drawn inputs parse.
#[test]
fn canonical_form_is_a_fixed_point() {
    let strict = count_tested(candidate_input(), |input| {
        let Ok(purl) = Purl::parse(&input) else {
            return Ok(false);
        };
        assert_fixed_point(&purl)?;
        Ok(true)
    });
    let lenient = count_tested(candidate_input(), |input| {
        let Ok(purl) = Purl::parse_lenient(&input) else {
            return Ok(false);
        };
        assert_fixed_point(&purl)?;
        Ok(true)
    });
    assert!(
        strict >= 150,
        "only {strict} of 1000 inputs parsed strictly"
    );
    assert!(
        lenient >= 150,
        "only {lenient} of 1000 inputs parsed leniently"
    );
}

/// Whatever the builder accepts, for every type, prints to a fixed point; a fair
/// share of the drawn components are accepted.
#[test]
fn built_values_round_trip_for_every_type() {
    let components = (
        package_type(),
        proptest::option::of(purl_ish_text()),
        purl_ish_text(),
        proptest::option::of(purl_ish_text()),
        proptest::collection::btree_map("[a-z][a-z0-9._-]{0,5}", purl_ish_text(), 0..4),
        proptest::option::of(purl_ish_text()),
    );
    let built = count_tested(
        components,
        |(ty, namespace, name, version, qualifiers, subpath)| {
            let mut builder = Purl::builder(ty, name);
            if let Some(namespace) = namespace {
                builder = builder.namespace(namespace);
            }
            if let Some(version) = version {
                builder = builder.version(version);
            }
            for (key, value) in qualifiers {
                builder = builder.qualifier(key, value);
            }
            if let Some(subpath) = subpath {
                builder = builder.subpath(subpath);
            }
            let Ok(purl) = builder.build() else {
                return Ok(false);
            };
            assert_fixed_point(&purl)?;
            Ok(true)
        },
    );
    assert!(
        built >= 150,
        "only {built} of 1000 component sets were built"
    );
}

/// A segment without `/` that is not `.` or `..` and not empty.
fn segment() -> impl Strategy<Value = String> {
    "[^/]{1,8}".prop_filter("dot segments are dropped", |s| s != "." && s != "..")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_text_never_panics(input in any::<String>()) {
        let _ = Purl::parse(&input);
        let _ = Purl::parse_lenient(&input);
        let _ = Purl::parse(&format!("pkg:generic/{input}"));
    }

    #[test]
    fn errors_point_inside_the_input(input in candidate_input()) {
        if let Err(err) = Purl::parse(&input) {
            let span = err.span();
            prop_assert!(span.is_some(), "{}", err);
            let span = span.unwrap_or_default();
            prop_assert!(input.get(span.clone()).is_some(), "{:?} for {}", span, input);
            prop_assert!(!err.message().is_empty());
        }
    }

    #[test]
    fn parse_of_build_gives_back_the_components(
        namespace in proptest::collection::vec(segment(), 0..4),
        name in "[^/]([^\u{0}]{0,10}[^/])?",
        version in proptest::option::of(".{1,10}"),
        qualifiers in proptest::collection::btree_map("[a-z][a-z0-9._-]{0,5}", ".{1,10}", 0..4),
        subpath in proptest::collection::vec(segment(), 0..4),
    ) {
        let mut builder = Purl::builder("generic", name.clone());
        if !namespace.is_empty() { builder = builder.namespace(namespace.join("/")); }
        if let Some(version) = &version { builder = builder.version(version.clone()); }
        for (key, value) in &qualifiers { builder = builder.qualifier(key.clone(), value.clone()); }
        if !subpath.is_empty() { builder = builder.subpath(subpath.join("/")); }
        let built = builder.build();
        prop_assert!(built.is_ok(), "{:?}", built);
        let Ok(built) = built else { return Ok(()) };

        let parsed = Purl::parse(&built.to_string());
        prop_assert_eq!(parsed.as_ref(), Ok(&built));
        let Ok(parsed) = parsed else { return Ok(()) };
        prop_assert_eq!(parsed.package_type(), "generic");
        let expected_namespace = namespace.join("/");
        prop_assert_eq!(parsed.namespace(), (!namespace.is_empty()).then_some(expected_namespace.as_str()));
        prop_assert_eq!(parsed.name(), name.as_str());
        prop_assert_eq!(parsed.version(), version.as_deref());
        let parsed_qualifiers: Vec<(&str, &str)> = parsed.qualifiers().iter().collect();
        let expected_qualifiers: Vec<(&str, &str)> = qualifiers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assert_eq!(parsed_qualifiers, expected_qualifiers);
        let expected_subpath = subpath.join("/");
        prop_assert_eq!(parsed.subpath(), (!subpath.is_empty()).then_some(expected_subpath.as_str()));
    }

    #[test]
    fn opam_build_round_trips_and_keeps_case(
        name in "[A-Za-z0-9_+-]{0,10}[A-Za-z][A-Za-z0-9_+-]{0,10}",
        version in proptest::option::of("[A-Za-z0-9_+.~-]{1,12}"),
    ) {
        let mut builder = Purl::builder("opam", name.clone());
        if let Some(version) = &version { builder = builder.version(version.clone()); }
        let built = builder.build();
        prop_assert!(built.is_ok(), "{:?}", built);
        let Ok(built) = built else { return Ok(()) };
        prop_assert_eq!(built.name(), name.as_str());
        prop_assert_eq!(built.version(), version.as_deref());
        prop_assert!(purl::opam::check_native_syntax(&built).is_ok());
        let canonical = built.to_string();
        prop_assert!(!canonical.contains('+'), "{}", canonical);
        prop_assert_eq!(Purl::parse(&canonical), Ok(built));
    }
}
