//! The rules of `osv::Validator`, one broken record per rule.

use std::cmp::Ordering;

use osv::{
    Affected, Event, Range, Reference, ReferenceKind, Rule, Severity, SeverityKind, Timestamp,
    Validator, VersionOrder, Vulnerability,
};

/// A small valid opam record that each test breaks in one way.
fn valid() -> Vulnerability {
    osv::from_str(
        r#"{
  "schema_version": "1.7.4",
  "id": "OSEC-2026-16",
  "modified": "2026-08-22T11:05:00Z",
  "published": "2026-08-20T18:15:00Z",
  "aliases": ["CVE-2026-1234"],
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
  "affected": [{
"package": {"ecosystem": "opam", "name": "cohttp", "purl": "pkg:opam/cohttp"},
"ranges": [
  {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.3.0"}]},
  {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.0"}, {"introduced": "2.0.0"}]},
  {"type": "GIT", "repo": "https://github.com/mirage/ocaml-cohttp.git",
   "events": [{"introduced": "0"}, {"fixed": "5f5a65ec3289c1cd8072bdf0ef22c181b4f11356"}]}
],
"versions": ["6.2.1", "6.2.2"]
  }],
  "references": [{"type": "FIX", "url": "https://github.com/mirage/ocaml-cohttp/pull/1145"}],
  "credits": [{"name": "Someone", "contact": ["mailto:someone@example.org"], "type": "REPORTER"}]
}"#,
    )
    .unwrap()
}

/// A plain lexicographic order standing in for an ecosystem's order.
struct TextOrder;

impl VersionOrder for TextOrder {
    fn compare(&self, a: &str, b: &str) -> Result<Ordering, String> {
        Ok(a.cmp(b))
    }
}

fn violations(record: &Vulnerability) -> Vec<(String, Rule)> {
    Validator::new()
        .with_ecosystem_order("opam", &TextOrder)
        .validate(record)
        .err()
        .map(|invalid| {
            invalid
                .violations()
                .iter()
                .map(|v| (v.path().to_owned(), v.rule()))
                .collect()
        })
        .unwrap_or_default()
}

fn one(path: &str, rule: Rule) -> Vec<(String, Rule)> {
    vec![(path.to_owned(), rule)]
}

fn affected(record: &mut Vulnerability) -> &mut Affected {
    &mut record.affected.as_mut().unwrap()[0]
}

fn range(record: &mut Vulnerability, index: usize) -> &mut Range {
    &mut affected(record).ranges.as_mut().unwrap()[index]
}

#[test]
fn the_valid_record_is_valid() {
    assert_eq!(violations(&valid()), vec![]);
    assert_eq!(valid().validate(), Ok(()));
}

#[test]
fn id_must_use_a_known_prefix_and_the_osec_shape() {
    for bad in [
        "OSEC-26-1",
        "OSEC-2026-x1",
        "FOO-1",
        "OSEC2026",
        "OSEC-2026-01 ",
    ] {
        let mut record = valid();
        record.id = bad.into();
        assert_eq!(violations(&record), one("id", Rule::IdFormat), "{bad}");
    }
    let mut record = valid();
    record.id = "x_LOCAL-1".into();
    assert_eq!(violations(&record), vec![]);
}

#[test]
fn alias_must_be_an_id_not_self_and_not_repeated() {
    let mut record = valid();
    record.aliases = Some(vec![
        "CVE-2026-1234".into(),
        "CVE-2026-1234".into(),
        "OSEC-2026-16".into(),
        "not an id".into(),
        "CVE-26-1".into(),
    ]);
    assert_eq!(
        violations(&record),
        vec![
            ("aliases[1]".into(), Rule::Duplicate),
            ("aliases[2]".into(), Rule::SelfReference),
            ("aliases[3]".into(), Rule::IdFormat),
            ("aliases[4]".into(), Rule::IdFormat),
        ]
    );
}

#[test]
fn published_after_modified_and_withdrawn_before_published() {
    let mut record = valid();
    record.published = Some("2026-08-23T00:00:00Z".parse().unwrap());
    assert_eq!(violations(&record), one("published", Rule::TimestampOrder));
    let mut record = valid();
    record.withdrawn = Some("2026-08-01T00:00:00Z".parse::<Timestamp>().unwrap());
    assert_eq!(violations(&record), one("withdrawn", Rule::TimestampOrder));
}

#[test]
fn schema_version_must_be_semver() {
    let mut record = valid();
    record.schema_version = Some("1.7".into());
    assert_eq!(
        violations(&record),
        one("schema_version", Rule::SchemaVersion)
    );
}

#[test]
fn severity_score_must_match_its_type() {
    let mut record = valid();
    record.severity.as_mut().unwrap()[0].kind = SeverityKind::CvssV4;
    assert_eq!(
        violations(&record),
        one("severity[0].score", Rule::Severity)
    );
}

#[test]
fn severity_not_both_top_level_and_per_package() {
    let mut record = valid();
    affected(&mut record).severity = Some(vec![Severity {
        kind: SeverityKind::Ubuntu,
        score: "high".into(),
    }]);
    assert_eq!(
        violations(&record),
        one("affected[0].severity", Rule::Severity)
    );
}

#[test]
fn entry_without_package_may_only_have_git_ranges() {
    let mut record = valid();
    affected(&mut record).package = None;
    assert_eq!(
        violations(&record),
        one("affected[0]", Rule::MissingPackage)
    );
}

#[test]
fn ecosystem_must_be_known() {
    for bad in ["OPAM", "opam:", "ocaml"] {
        let mut record = valid();
        affected(&mut record).package.as_mut().unwrap().ecosystem = bad.into();
        // The purl check only applies its opam rule to `opam`.
        assert_eq!(
            violations(&record),
            one("affected[0].package.ecosystem", Rule::Ecosystem),
            "{bad}"
        );
    }
}

#[test]
fn package_name_must_not_be_empty() {
    let mut record = valid();
    let package = affected(&mut record).package.as_mut().unwrap();
    package.name = String::new();
    package.purl = None;
    assert_eq!(
        violations(&record),
        one("affected[0].package.name", Rule::PackageName)
    );
}

#[test]
fn purl_must_parse_and_name_the_package() {
    for bad in [
        "cohttp",
        "pkg:",
        "pkg:opam/lwt",
        "pkg:npm/cohttp",
        "pkg:opam/",
    ] {
        let mut record = valid();
        affected(&mut record).package.as_mut().unwrap().purl = Some(bad.into());
        assert_eq!(
            violations(&record),
            one("affected[0].package.purl", Rule::Purl),
            "{bad}"
        );
    }
    let mut record = valid();
    affected(&mut record).package.as_mut().unwrap().purl = Some("pkg:opam/cohttp@6.2.2".into());
    assert_eq!(violations(&record), vec![]);
}

#[test]
fn git_range_needs_repo_and_ecosystem_range_has_none() {
    let mut record = valid();
    range(&mut record, 2).repo = None;
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[2]", Rule::RangeRepo)
    );
    let mut record = valid();
    range(&mut record, 0).repo = Some("https://github.com/mirage/ocaml-cohttp".into());
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[0].repo", Rule::RangeRepo)
    );
}

#[test]
fn range_needs_introduced() {
    let mut record = valid();
    range(&mut record, 0).events = vec![Event::Fixed("6.3.0".into())];
    let found = violations(&record);
    assert_eq!(
        found.first(),
        Some(&(
            "affected[0].ranges[0].events".into(),
            Rule::MissingIntroduced
        ))
    );
}

#[test]
fn fixed_and_last_affected_exclude_each_other() {
    let mut record = valid();
    range(&mut record, 0)
        .events
        .push(Event::LastAffected("7.0".into()));
    assert!(violations(&record).contains(&(
        "affected[0].ranges[0].events".into(),
        Rule::FixedWithLastAffected
    )));
}

#[test]
fn event_versions_must_not_be_empty_or_a_misplaced_zero() {
    let mut record = valid();
    range(&mut record, 0).events = vec![Event::Introduced(String::new())];
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[0].events[0]", Rule::EventVersion)
    );
    let mut record = valid();
    range(&mut record, 0).events = vec![Event::Introduced("0".into()), Event::Fixed("0".into())];
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[0].events[1]", Rule::EventVersion)
    );
}

#[test]
fn git_events_are_full_hashes() {
    let mut record = valid();
    range(&mut record, 2).events[1] = Event::Fixed("5f5a65e".into());
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[2].events[1]", Rule::GitCommit)
    );
}

#[test]
fn git_events_may_be_listed_in_any_order() {
    // Published OSEC records list a GIT range's fix before its introduction.
    let mut record = valid();
    range(&mut record, 2).events = vec![
        Event::Fixed("850021c200c7507f2a928a66fa1291ff4ae3a622".into()),
        Event::Introduced("507507829e9639374ede5a2dade1bb6d6b98ad49".into()),
    ];
    assert_eq!(violations(&record), vec![]);
}

#[test]
fn semver_range_versions_must_be_semver() {
    let mut record = valid();
    range(&mut record, 1).events[1] = Event::Fixed("1.2".into());
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[1].events[1]", Rule::InvalidVersion)
    );
}

#[test]
fn events_must_ascend() {
    let mut record = valid();
    range(&mut record, 1).events = vec![
        Event::Introduced("1.0.0".into()),
        Event::Fixed("0.9.0".into()),
    ];
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[1].events[1]", Rule::EventOrder)
    );
    // The ECOSYSTEM order is the one given to the validator.
    let mut record = valid();
    range(&mut record, 0).events = vec![Event::Introduced("b".into()), Event::Fixed("a".into())];
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[0].events[1]", Rule::EventOrder)
    );
    // Without an order for the ecosystem, ECOSYSTEM order is not checked.
    assert_eq!(record.validate(), Ok(()));
}

#[test]
fn events_at_the_same_version_make_an_empty_range() {
    let mut record = valid();
    range(&mut record, 1).events = vec![
        Event::Introduced("1.0.0".into()),
        Event::Fixed("1.0.0".into()),
    ];
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[1].events[1]", Rule::EventOrder)
    );
}

#[test]
fn fixed_must_close_an_introduced() {
    let mut record = valid();
    range(&mut record, 1).events = vec![
        Event::Introduced("1.0.0".into()),
        Event::Fixed("1.1.0".into()),
        Event::Fixed("1.2.0".into()),
    ];
    assert_eq!(
        violations(&record),
        one("affected[0].ranges[1].events[2]", Rule::EventOrder)
    );
}

#[test]
fn limits_are_outside_the_timeline() {
    let mut record = valid();
    range(&mut record, 1).events = vec![
        Event::Limit("*".into()),
        Event::Introduced("1.0.0".into()),
        Event::Limit("0.5.0".into()),
        Event::LastAffected("1.1.0".into()),
    ];
    assert_eq!(violations(&record), vec![]);
}

#[test]
fn versions_must_be_unique_and_non_empty() {
    let mut record = valid();
    affected(&mut record).versions = Some(vec!["1.0".into(), String::new(), "1.0".into()]);
    assert_eq!(
        violations(&record),
        vec![
            ("affected[0].versions[1]".into(), Rule::EventVersion),
            ("affected[0].versions[2]".into(), Rule::Duplicate),
        ]
    );
}

#[test]
fn reference_urls_and_contacts_are_absolute_urls() {
    let mut record = valid();
    record.references = Some(vec![Reference {
        kind: ReferenceKind::Web,
        url: "github.com/ocaml".into(),
    }]);
    record.credits.as_mut().unwrap()[0].contact = Some(vec!["someone@example.org".into()]);
    assert_eq!(
        violations(&record),
        vec![
            ("references[0].url".into(), Rule::Url),
            ("credits[0].contact[0]".into(), Rule::Url),
        ]
    );
}

#[test]
fn credit_needs_a_name() {
    let mut record = valid();
    record.credits.as_mut().unwrap()[0].name = " ".into();
    assert_eq!(
        violations(&record),
        one("credits[0].name", Rule::CreditName)
    );
}

#[test]
fn report_of_a_badly_broken_record_renders_every_violation() {
    let record = osv::from_str(
        r#"{
  "schema_version": "1.7",
  "id": "OSEC-2026-1",
  "modified": "2026-01-01T00:00:00Z",
  "published": "2026-02-01T00:00:00Z",
  "aliases": ["OSEC-2026-1", "CVE-2026-77"],
  "affected": [{
"package": {"ecosystem": "Opam", "name": "lwt", "purl": "pkg:opam/cohttp"},
"ranges": [
  {"type": "ECOSYSTEM", "repo": "https://github.com/ocsigen/lwt", "events": [{"fixed": "5.0"}, {"last_affected": "4.0"}]},
  {"type": "GIT", "events": [{"introduced": "abc"}]},
  {"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "1.0.0"}]}
],
"versions": ["4.0", "4.0"]
  }],
  "references": [{"type": "WEB", "url": "www.example.org"}],
  "credits": [{"name": "", "contact": ["someone@example.org"]}]
}"#,
    )
    .unwrap();
    insta::assert_snapshot!(record.validate().unwrap_err().to_string());
}

#[test]
fn report_lists_every_violation_with_path_and_rule() {
    let mut record = valid();
    record.id = "FOO".into();
    record.credits.as_mut().unwrap()[0].name = String::new();
    let text = record.validate().unwrap_err().to_string();
    assert_eq!(
        text,
        "OSV record FOO breaks 2 rules\n  id: `FOO` is not an ID of the form `<DB>-<ENTRYID>` (like `CVE-2024-1234`) [id-format]\n  credits[0].name: a credit needs a name [credit-name]"
    );
}
