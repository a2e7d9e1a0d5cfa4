//! Property tests: generated records round-trip and satisfy the schema;
//! arbitrary input never panics the reader.

use osv::{
    Affected, Credit, CreditKind, Event, Package, Range, RangeKind, Reference, ReferenceKind,
    Severity, SeverityKind, Timestamp, Vulnerability,
};
use proptest::prelude::*;

use crate::support::schema_errors;

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_000_000_000, prop::option::of(1u32..999_999)).prop_map(|(seconds, micros)| {
        let mut instant = jiff::Timestamp::from_second(seconds).unwrap();
        if let Some(micros) = micros {
            instant = instant
                .checked_add(jiff::SignedDuration::from_micros(i64::from(micros)))
                .unwrap();
        }
        Timestamp::from_jiff(instant)
    })
}

fn text() -> impl Strategy<Value = String> {
    // Quotes, backslashes, control characters and non-ASCII included.
    "(\\PC|[\"\\\\\n\t\u{1}\u{7f}é漢🐫]){0,40}"
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}(~beta[0-9])?"
}

fn commit() -> impl Strategy<Value = String> {
    "[0-9a-f]{40}"
}

fn range() -> impl Strategy<Value = Range> {
    prop_oneof![
        (version(), prop::option::of(version())).prop_map(|(introduced, fixed)| Range {
            kind: RangeKind::Ecosystem,
            repo: None,
            events: std::iter::once(Event::Introduced(introduced))
                .chain(fixed.map(Event::Fixed))
                .collect(),
            database_specific: None,
        }),
        (commit(), commit()).prop_map(|(introduced, fixed)| Range {
            kind: RangeKind::Git,
            repo: Some("https://github.com/ocaml/ocaml".into()),
            events: vec![Event::Introduced(introduced), Event::Fixed(fixed)],
            database_specific: None,
        }),
    ]
}

fn affected() -> impl Strategy<Value = Affected> {
    (
        "[a-z][a-z0-9_-]{0,15}",
        prop::collection::vec(range(), 0..3),
        prop::option::of(prop::collection::btree_set(version(), 0..5)),
        prop::option::of(text()),
    )
        .prop_map(|(name, ranges, versions, constraint)| {
            let mut affected = Affected::new(Package {
                ecosystem: "opam".into(),
                purl: Some(format!("pkg:opam/{name}")),
                name,
            });
            affected.ranges = Some(ranges);
            affected.versions = versions.map(|set| set.into_iter().collect());
            affected.ecosystem_specific = constraint.map(|c| {
                let mut object = osv::JsonObject::new();
                object.insert("opam_constraint".into(), c.into());
                object
            });
            affected
        })
}

fn credit() -> impl Strategy<Value = Credit> {
    (
        "[A-Za-zé漢 ]{1,20}",
        prop::option::of(prop::collection::vec(
            "mailto:[a-z]{1,8}@example\\.org",
            0..2,
        )),
        prop::option::of(prop::sample::select(vec![
            CreditKind::Finder,
            CreditKind::Reporter,
            CreditKind::RemediationDeveloper,
            CreditKind::Other,
        ])),
    )
        .prop_map(|(name, contact, kind)| Credit {
            name,
            contact,
            kind,
        })
}

fn record() -> impl Strategy<Value = Vulnerability> {
    (
        (2000u32..2100, 1u32..200),
        timestamp(),
        prop::option::of(prop::collection::vec("CVE-20[0-9]{2}-[0-9]{4,6}", 0..3)),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(prop::collection::vec(affected(), 0..3)),
        prop::option::of(prop::collection::vec(
            (
                prop::sample::select(vec![ReferenceKind::Fix, ReferenceKind::Web]),
                "https://example\\.org/[a-z0-9/]{0,12}",
            ),
            0..3,
        )),
        prop::option::of(prop::collection::vec(credit(), 0..3)),
        any::<bool>(),
    )
        .prop_map(
            |(
                (year, number),
                modified,
                aliases,
                summary,
                details,
                affected,
                references,
                credits,
                scored,
            )| {
                let mut record = Vulnerability::new(format!("OSEC-{year}-{number:02}"), modified);
                record.schema_version = Some("1.7.4".into());
                record.aliases = aliases;
                record.summary = summary;
                record.details = details;
                record.affected = affected;
                record.references = references.map(|refs| {
                    refs.into_iter()
                        .map(|(kind, url)| Reference { kind, url })
                        .collect()
                });
                record.credits = credits;
                if scored {
                    record.severity = Some(vec![Severity {
                        kind: SeverityKind::CvssV3,
                        score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into(),
                    }]);
                }
                record
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_records_round_trip(record in record()) {
        let text = osv::to_string_pretty(&record);
        let back = osv::from_str(&text).unwrap();
        prop_assert_eq!(&back, &record);
        prop_assert_eq!(osv::to_string_pretty(&back), text);
    }

    #[test]
    fn generated_records_satisfy_the_schema(record in record()) {
        let value: serde_json::Value = serde_json::from_str(&osv::to_string_pretty(&record)).unwrap();
        prop_assert_eq!(schema_errors(&value), Vec::<String>::new());
    }

    #[test]
    fn reading_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = osv::from_str(&text);
    }

    #[test]
    fn reading_mutated_records_never_panics(
        cut in 0usize..2000,
        insert in "[\\[\\]{}\",:0-9a-z]{0,3}",
    ) {
        let base = r#"{"id":"OSEC-2026-01","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"opam","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"}]}],"versions":["0.1"]}]}"#;
        let at = cut % (base.len() + 1);
        let mutated = format!("{}{insert}{}", &base[..at], &base[at..]);
        if let Ok(record) = osv::from_str(&mutated) {
            let _ = record.validate();
        }
    }
}
