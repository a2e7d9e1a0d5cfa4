use advisory::format::format_advisory;
use advisory::lint::{LintOptions, lint_files};
use proptest::prelude::*;

use crate::support::{data_dir, options, read_tree};

/// Pieces real headers are made of, to build inputs close to valid ones.
fn header_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id: OSEC-2026-01\n".to_owned()),
        Just("modified: \"2026-01-01T00:00:00Z\"\n".to_owned()),
        Just("published: \"2027-13-01\"\n".to_owned()),
        Just("affected: \"pkg\" {< \"1\" | (>= \"2\" & < \"3\")}\n".to_owned()),
        Just("affected: [ \"a\" \"b\" {>= \"1\" \"2\"} ]\n".to_owned()),
        Just("events: [ [ git \"https://r\" [ [fixed \"abc\"] ] ] ]\n".to_owned()),
        Just("events: [ git \"x\" ]\n".to_owned()),
        Just("references: [ [fix] [web \"u\" \"v\"] ]\n".to_owned()),
        Just("credits: [ [reporter \"A\" [ \"c\" 1 ]] ]\n".to_owned()),
        Just("severity: \"CVSS:4.0/AV:N\"\n".to_owned()),
        Just("severity_score: \"99 (Huge)\"\n".to_owned()),
        Just("cwe: [ CWE-0 \"x y\" ]\n".to_owned()),
        Just("# comment\n".to_owned()),
        Just("(* block *)".to_owned()),
        Just("x { y: z }\n".to_owned()),
        "[a-z_]{1,8}: [ \"[ -~]{0,12}\" ]\n",
        "[ -~\n]{0,20}",
    ]
}

fn advisory_text() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(header_piece(), 0..12),
        "[ -~\n#]{0,40}",
        any::<bool>(),
    )
        .prop_map(|(pieces, body, fenced)| {
            let header: String = pieces.concat();
            if fenced {
                format!("```\n{header}```\n{body}")
            } else {
                format!("{header}{body}")
            }
        })
}

fn lint_one(text: String) {
    let reports = lint_files(
        vec![("advisories/2026/OSEC-2026-01.md".into(), text)],
        &options(),
    );
    for finding in &reports[0].findings {
        assert!(finding.span.start <= finding.span.end);
        assert!(finding.span.end as usize <= reports[0].source.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn lint_never_panics_on_any_text(text in "\\PC{0,200}") {
        lint_one(text);
    }

    #[test]
    fn lint_never_panics_on_header_like_text(text in advisory_text()) {
        lint_one(text);
    }

    #[test]
    fn format_never_panics_and_is_idempotent(text in advisory_text()) {
        if let Ok(once) = format_advisory(&text) {
            prop_assert_eq!(format_advisory(&once).ok(), Some(once.clone()));
        }
    }

    #[test]
    fn format_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = format_advisory(&text);
    }
}

/// Every prefix of every fixture (cut at a character boundary) lints without panic:
/// truncated files are the commonest broken input.
#[test]
fn truncated_fixtures_lint_without_panic() {
    let options: LintOptions<'_> = options();
    for (_, text) in read_tree(&data_dir().join("lint"), &data_dir()) {
        let cuts = text.char_indices().map(|(i, _)| i).step_by(7);
        for cut in cuts {
            let prefix = text[..cut].to_owned();
            let _ = lint_files(vec![("OSEC-2026-01.md".into(), prefix.clone())], &options);
            let _ = format_advisory(&prefix);
        }
    }
}
