use advisory::format::format_advisory;
use advisory::lint::{LintOptions, Rule, lint_files, lint_read};
use proptest::prelude::*;

use crate::support::{data_dir, meaning, options, read_tree};

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

    /// Whatever fmt rewrites reads back to the same advisory: every field, event,
    /// credit and reference.
    #[test]
    fn format_keeps_the_meaning(text in advisory_text()) {
        if let Ok(once) = format_advisory(&text) {
            prop_assert_eq!(meaning(&text), meaning(&once));
        }
    }

    #[test]
    fn format_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = format_advisory(&text);
    }

    /// Any bytes: UTF-8 text is linted as text; anything else gets exactly one
    /// `ADV028` finding, at the first invalid byte, inside the report's source.
    #[test]
    fn lint_read_handles_any_bytes(
        text in advisory_text(),
        noise in proptest::collection::vec(any::<u8>(), 0..8),
        at in any::<prop::sample::Index>(),
    ) {
        let mut bytes = text.into_bytes();
        let cut = at.index(bytes.len() + 1);
        bytes.splice(cut..cut, noise);
        let path = std::path::PathBuf::from("advisories/2026/OSEC-2026-01.md");
        let reports = lint_read(vec![(path, Ok(bytes.clone()))], &options());
        let report = &reports[0];
        match std::str::from_utf8(&bytes) {
            Ok(text) => {
                prop_assert_eq!(&report.source, text);
                prop_assert!(!report.is_unreadable());
            }
            Err(error) => {
                prop_assert_eq!(report.findings.len(), 1);
                let finding = &report.findings[0];
                prop_assert_eq!(finding.rule, Rule::UnreadableFile);
                prop_assert_eq!(finding.span.start as usize, error.valid_up_to());
                prop_assert!(finding.span.end as usize <= report.source.len());
                prop_assert_eq!(
                    report.source.as_bytes().get(..error.valid_up_to()),
                    bytes.get(..error.valid_up_to())
                );
            }
        }
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
