//! `to_osv`: the ECOSYSTEM ranges and versions of each operator and nesting, several
//! packages, dates, events, credits, details and the published field layout.

use advisory::model::{Constraint, ConstraintKind};
use advisory::to_osv::opam_constraint;
use advisory::{Advisory, ConvertError, ConvertOptions, to_osv};
use opam_file::{RelOp, Span, Spanned};
use opam_model::{PackageName, ReleasedVersions, Version};

/// An advisory with `header` after the id and modified fields, and `body` after
/// the fence.
fn advisory(header: &str, body: &str) -> Advisory {
    let text =
        format!("```\nid: OSEC-2026-01\nmodified: \"2026-01-01T00:00:00Z\"\n{header}\n```\n{body}");
    let parsed = advisory::parse(&text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    parsed.advisory
}

fn released(package: &str, versions: &[&str]) -> ReleasedVersions {
    let mut released = ReleasedVersions::new();
    add(&mut released, package, versions);
    released
}

fn add(released: &mut ReleasedVersions, package: &str, versions: &[&str]) {
    let name = PackageName::parse(package).unwrap();
    for v in versions {
        released.add(&name, &Version::parse(v).unwrap());
    }
}

const VERSIONS: &[&str] = &[
    "0.9", "1.0", "1.0.1", "1.1", "1.2", "1.10", "2.0~beta", "2.0", "2.1", "3.0",
];

/// `adv` converted with `released` and the `versions` lists.
fn with_versions(adv: &Advisory, released: &ReleasedVersions) -> advisory::Conversion {
    let options = ConvertOptions {
        released: Some(released),
        with_versions: true,
    };
    to_osv(adv, &options).unwrap()
}

/// The ECOSYSTEM ranges (as `introduced..fixed` text) and versions of a constraint.
fn convert(constraint: &str) -> (Vec<String>, Vec<String>, String) {
    let adv = advisory(&format!("affected: \"pkg\" {{{constraint}}}"), "# Title\n");
    let conversion = with_versions(&adv, &released("pkg", VERSIONS));
    let affected = &conversion.record.affected()[0];
    let ranges = affected
        .ranges()
        .iter()
        .map(|r| {
            r.events
                .iter()
                .map(|e| format!("{}:{}", e.key(), e.version()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let constraint_text = affected.ecosystem_specific.as_ref().unwrap()["opam_constraint"]
        .as_str()
        .unwrap()
        .to_owned();
    (ranges, affected.versions().to_vec(), constraint_text)
}

#[test]
fn each_operator_converts_exactly() {
    let (r, v, _) = convert("< \"1.1\"");
    assert_eq!(
        (r, v),
        (
            vec!["introduced:0 fixed:1.1".to_owned()],
            vec!["0.9".into(), "1.0".into(), "1.0.1".into()]
        )
    );
    let (r, v, _) = convert("<= \"1.1\"");
    assert_eq!(r, ["introduced:0 last_affected:1.1"]);
    assert_eq!(v.last().map(String::as_str), Some("1.1"));
    let (r, v, _) = convert(">= \"2.0\"");
    assert_eq!(
        (r, v),
        (
            vec!["introduced:2.0".to_owned()],
            vec!["2.0".into(), "2.1".into(), "3.0".into()]
        )
    );
    let (r, v, _) = convert("> \"2.0\"");
    assert_eq!(
        (r, v),
        (
            vec!["introduced:2.1".to_owned()],
            vec!["2.1".into(), "3.0".into()]
        )
    );
    let (r, v, _) = convert("= \"1.10\"");
    assert_eq!(
        (r, v),
        (
            vec!["introduced:1.10 last_affected:1.10".to_owned()],
            vec!["1.10".into()]
        )
    );
    let (r, v, _) = convert("!= \"1.10\"");
    assert_eq!(r, ["introduced:0 fixed:1.10", "introduced:2.0~beta"]);
    assert_eq!(v.len(), VERSIONS.len() - 1);
    assert!(!v.contains(&"1.10".to_owned()));
}

#[test]
fn nesting_of_and_or_and_groups() {
    // The published OSEC-2026-01 shape.
    let (r, v, c) = convert("< \"1.0.1\" | (>= \"2.0\" & < \"2.1\")");
    assert_eq!(r, ["introduced:0 fixed:1.0.1", "introduced:2.0 fixed:2.1"]);
    assert_eq!(v, ["0.9", "1.0", "2.0"]);
    assert_eq!(c, "pkg {< \"1.0.1\" | >= \"2.0\" & < \"2.1\"}");
    // `|` under `&` keeps its parentheses, and its versions stay in opam order.
    let (r, v, c) = convert("(< \"1.0\" | >= \"1.10\") & != \"2.0\" & < \"3.0\"");
    assert_eq!(
        r,
        [
            "introduced:0 fixed:1.0",
            "introduced:1.10 fixed:2.0",
            "introduced:2.1 fixed:3.0"
        ]
    );
    assert_eq!(v, ["0.9", "1.10", "2.0~beta", "2.1"]);
    assert_eq!(
        c,
        "pkg {(< \"1.0\" | >= \"1.10\") & != \"2.0\" & < \"3.0\"}"
    );
    // Overlapping alternatives merge into one range.
    let (r, _, _) = convert("(>= \"1.0\" & < \"1.2\") | (>= \"1.1\" & <= \"2.0\")");
    assert_eq!(r, ["introduced:1.0 last_affected:2.0"]);
    // Deeply nested groups.
    let (r, _, _) = convert("((((> \"0.9\" & < \"1.1\"))))");
    assert_eq!(r, ["introduced:1.0 fixed:1.1"]);
}

#[test]
fn a_constraint_matching_nothing_has_no_range_and_a_note() {
    let adv = advisory("affected: \"pkg\" {< \"1.0\" & > \"2.0\"}", "# Title\n");
    let released = released("pkg", VERSIONS);
    let conversion = with_versions(&adv, &released);
    assert!(conversion.record.affected()[0].ranges().is_empty());
    assert!(conversion.record.affected()[0].versions().is_empty());
    assert!(
        conversion
            .notes
            .iter()
            .any(|n| n.contains("accepts no version")),
        "{:?}",
        conversion.notes
    );
}

#[test]
fn an_unreleased_excluded_lower_bound_is_left_out_with_a_note() {
    let adv = advisory("affected: \"pkg\" {> \"3.0\"}", "# Title\n");
    let released = released("pkg", VERSIONS);
    let conversion = with_versions(&adv, &released);
    assert!(conversion.record.affected()[0].ranges().is_empty());
    assert!(
        conversion.notes.iter().any(|n| n.contains("after \"3.0\"")),
        "{:?}",
        conversion.notes
    );
}

#[test]
fn several_packages_get_one_entry_each() {
    let adv = advisory(
        "affected: [ \"a\" {< \"1.1\"} \"b\" {>= \"2.0\"} \"conf-g++\" ]\n\
             events: [ git \"https://example.org/repo.git\" [ [fixed \"0123456789abcdef0123456789abcdef01234567\"] ] ]\n\
             affected_bindings: [ \"A.f\" ]",
        "# Title\n",
    );
    let mut released = released("a", &["1.0", "1.1"]);
    add(&mut released, "b", &["1.0", "2.0"]);
    let conversion = with_versions(&adv, &released);
    let affected = conversion.record.affected();
    let names: Vec<_> = affected
        .iter()
        .map(|a| a.package.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["a", "b", "conf-g++"]);
    assert_eq!(affected[0].versions(), ["1.0"]);
    assert_eq!(affected[1].versions(), ["2.0"]);
    assert_eq!(
        affected[2].package.as_ref().unwrap().purl.as_deref(),
        Some("pkg:opam/conf-g%2B%2B")
    );
    // A package no repository has: every version, an empty list, a note.
    assert!(affected[2].versions().is_empty());
    assert_eq!(
        affected[2].ranges()[0].events,
        [osv::Event::Introduced("0".into())]
    );
    assert!(
        conversion
            .notes
            .iter()
            .any(|n| n.contains("`conf-g++` is in none"))
    );
    for entry in affected {
        let git = entry.ranges().last().unwrap();
        assert_eq!(git.kind, osv::RangeKind::Git);
        assert_eq!(
            entry.ecosystem_specific.as_ref().unwrap()["affected_bindings"],
            serde_json::json!(["A.f"])
        );
    }
    assert_eq!(
        affected[2].ecosystem_specific.as_ref().unwrap()["opam_constraint"],
        "conf-g++"
    );
}

#[test]
fn withdrawn_and_dates_are_utc() {
    let adv = advisory(
        "published: \"2025-12-31T23:00:00-02:00\"\nwithdrawn: \"2026-02-01T10:00:00.5Z\"\naffected: \"pkg\"",
        "# Title\n",
    );
    let record = to_osv(
        &adv,
        &ConvertOptions {
            released: None,
            with_versions: false,
        },
    )
    .unwrap()
    .record;
    assert_eq!(
        record.published.as_ref().unwrap().as_str(),
        "2026-01-01T01:00:00Z"
    );
    assert_eq!(
        record.withdrawn.as_ref().unwrap().as_str(),
        "2026-02-01T10:00:00.5Z"
    );
    assert!(
        record.affected()[0].versions.is_none(),
        "--no-versions leaves the list out"
    );
}

#[test]
fn last_affected_events_keep_their_order_and_kind() {
    let adv = advisory(
        "affected: \"pkg\" {<= \"1.0\"}\nevents: [ [ git \"https://example.org/r\" [ [introduced \"aaaa\"] \
             [last_affected \"bbbb\"] ] ] [ ecosystem \"opam\" [ [last_affected \"1.0\"] ] ] ]",
        "# Title\n",
    );
    let record = to_osv(
        &adv,
        &ConvertOptions {
            released: None,
            with_versions: false,
        },
    )
    .unwrap()
    .record;
    let ranges = record.affected()[0].ranges();
    assert_eq!(
        ranges[0].events,
        [
            osv::Event::Introduced("0".into()),
            osv::Event::LastAffected("1.0".into())
        ]
    );
    assert_eq!(
        ranges[1].events,
        [
            osv::Event::Introduced("aaaa".into()),
            osv::Event::LastAffected("bbbb".into())
        ]
    );
    assert_eq!(ranges[1].repo.as_deref(), Some("https://example.org/r"));
    assert_eq!(ranges[2].kind, osv::RangeKind::Ecosystem);
    assert_eq!(ranges[2].repo, None, "only GIT ranges carry a repo");
    assert_eq!(
        ranges[2].events,
        [
            osv::Event::Introduced("0".into()),
            osv::Event::LastAffected("1.0".into())
        ]
    );
}

#[test]
fn non_ascii_credits_and_contacts_are_kept() {
    let adv = advisory(
        "affected: \"pkg\"\ncredits: [ [reporter \"Nicolás Ojeda Bär\" [\"mailto:n@example.org\"]] \
             [remediation_verifier \"Edwin Török\"] [other \"李小龙 🐉\"] ]",
        "# Title\n",
    );
    let record = to_osv(
        &adv,
        &ConvertOptions {
            released: None,
            with_versions: false,
        },
    )
    .unwrap()
    .record;
    let credits = record.credits();
    assert_eq!(credits[0].name, "Nicolás Ojeda Bär");
    assert_eq!(credits[0].contact(), ["mailto:n@example.org"]);
    assert_eq!(credits[1].contact, None);
    assert_eq!(credits[2].kind, Some(osv::CreditKind::Other));
    let json = osv::to_string_pretty(&record);
    assert!(
        json.contains("\"name\": \"李小龙 🐉\""),
        "UTF-8 is written as is, not escaped"
    );
}

#[test]
fn markdown_details_are_kept_byte_for_byte() {
    let body = "\n\n# Summary with `code` & <html>\n\n## Details\n\n```ocaml\nlet x = \"\\\"\" in x\n```\n\n\
                    | a | b |\n|---|---|\n| 1 | 2 |\n\n> quote\n\n* item\n\ttab\r\ncrlf line  \n\n";
    let adv = advisory("affected: \"pkg\"", body);
    let record = to_osv(
        &adv,
        &ConvertOptions {
            released: None,
            with_versions: false,
        },
    )
    .unwrap()
    .record;
    assert_eq!(
        record.summary.as_deref(),
        Some("Summary with `code` & <html>")
    );
    let details = record.details.unwrap();
    assert!(
        details.starts_with("## Details\n\n```ocaml\nlet x = \"\\\"\" in x\n```"),
        "{details:?}"
    );
    assert!(
        details.ends_with("* item\n\ttab\r\ncrlf line"),
        "trailing blanks trimmed: {details:?}"
    );
    assert!(details.contains("| a | b |\n|---|---|"));
}

#[test]
fn empty_details_and_optional_fields_follow_the_published_layout() {
    let adv = advisory("affected: \"pkg\"", "# Only a title\n");
    let record = to_osv(
        &adv,
        &ConvertOptions {
            released: None,
            with_versions: false,
        },
    )
    .unwrap()
    .record;
    let json = osv::to_string_pretty(&record);
    assert!(json.contains("\"details\": \"\""), "{json}");
    assert!(
        json.contains("\"references\": []") && json.contains("\"credits\": []"),
        "{json}"
    );
    assert!(
        !json.contains("aliases") && !json.contains("\"severity\""),
        "{json}"
    );
    assert!(json.contains("\"human_link\": \"https://github.com/ocaml/security-advisories/tree/main/advisories/2026/OSEC-2026-01.md\""));
    assert!(!json.contains("\"cwe\""));
}

/// The `severity` entry `to_osv` writes for a `severity:` vector.
fn severity(vector: &str) -> osv::Severity {
    let adv = advisory(
        &format!("severity: \"{vector}\"\naffected: \"pkg\""),
        "# Title\n",
    );
    let options = ConvertOptions {
        released: None,
        with_versions: false,
    };
    let record = to_osv(&adv, &options).unwrap().record;
    let [severity] = record.severity.unwrap().try_into().unwrap();
    severity
}

#[test]
fn severity_is_typed_by_vector_version() {
    assert_eq!(severity("CVSS:4.0/AV:N").kind, osv::SeverityKind::CvssV4);
    assert_eq!(severity("CVSS:3.1/AV:N").kind, osv::SeverityKind::CvssV3);
    assert_eq!(severity("CVSS:3.0/AV:N").kind, osv::SeverityKind::CvssV3);
    assert_eq!(
        severity("AV:N/AC:L/Au:N/C:P/I:P/A:P").kind,
        osv::SeverityKind::CvssV2
    );
}

#[test]
fn versions_need_a_repository() {
    let adv = advisory("affected: \"pkg\"", "# T\n");
    let err = to_osv(
        &adv,
        &ConvertOptions {
            released: None,
            with_versions: true,
        },
    )
    .unwrap_err();
    assert_eq!(err, ConvertError::NoRepository);
    assert!(err.to_string().contains("--no-versions"));
}

/// The `opam_constraint` text of `pkg {= "version"}`.
fn constraint_text(version: &str) -> String {
    let atom = Constraint {
        kind: ConstraintKind::Atom {
            op: Spanned::new(RelOp::Eq, Span::default()),
            version: Spanned::new(version.to_owned(), Span::default()),
        },
        span: Span::default(),
    };
    opam_constraint("pkg", Some(&atom))
}

#[test]
fn constraint_text_escapes_like_ocaml() {
    assert_eq!(constraint_text("1.0"), "pkg {= \"1.0\"}");
    assert_eq!(
        constraint_text("a\"b\\c\u{e9}"),
        "pkg {= \"a\\\"b\\\\c\\195\\169\"}"
    );
}
