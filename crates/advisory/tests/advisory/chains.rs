//! An `affected:` constraint of 50,000 terms (issue 14): parsed, linted, converted
//! to OSV and formatted without recursing once per term, on a 2 MiB thread stack.

use advisory::format::format_advisory;
use advisory::lint::lint_source;
use advisory::to_osv::{ConvertOptions, to_osv};
use advisory::{ConstraintKind, parse};

use crate::support::{data_dir, options};

/// A real advisory whose `affected:` field is `"mirage-xen" {= "1.0.0" | = "1.0.1" | …}`
/// with `count` versions.
fn advisory_with_chain(count: usize) -> String {
    let real = std::fs::read_to_string(data_dir().join("real/2019/OSEC-2019-02.md"))
        .expect("the real advisory reads");
    let versions: Vec<String> = (0..count).map(|i| format!("= \"1.0.{i}\"")).collect();
    let affected = format!("affected: \"mirage-xen\" {{{}}}", versions.join(" | "));
    real.replace(r#"affected: "mirage-xen" {< "3.3.0"}"#, &affected)
}

#[test]
fn a_fifty_thousand_term_affected_field_lints_converts_and_formats() {
    let thread = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let count = 50_000;
            let text = advisory_with_chain(count);
            let parsed = parse(&text);
            assert!(parsed.problems.is_empty(), "{:?}", parsed.problems.len());
            let constraint = parsed.advisory.affected[0].constraint.as_ref();
            assert!(matches!(
                constraint.map(|c| &c.kind),
                Some(ConstraintKind::Or(any)) if any.len() == count
            ));

            let report = lint_source("OSEC-2019-02.md".as_ref(), text.clone(), &options());
            assert_eq!(report.findings, Vec::new());

            let conversion = to_osv(
                &parsed.advisory,
                &ConvertOptions {
                    released: None,
                    with_versions: false,
                },
            )
            .expect("converts");
            let ranges = conversion
                .record
                .affected
                .iter()
                .flatten()
                .flat_map(|affected| affected.ranges.iter().flatten())
                .filter(|range| range.kind == osv::RangeKind::Ecosystem);
            let introduced = ranges
                .flat_map(|range| &range.events)
                .filter(|event| matches!(event, osv::Event::Introduced(_)));
            assert_eq!(introduced.count(), count);

            let formatted = format_advisory(&text).expect("formats");
            assert_eq!(format_advisory(&formatted).expect("formats"), formatted);
            let atoms = |text: &str| -> Vec<(String, String)> {
                let advisory = parse(text).advisory;
                let constraint = advisory.affected[0]
                    .constraint
                    .as_ref()
                    .expect("constraint");
                constraint
                    .atoms()
                    .into_iter()
                    .map(|(op, version)| (op.value.as_str().to_owned(), version.value.clone()))
                    .collect()
            };
            assert_eq!(atoms(&formatted), atoms(&text));
        })
        .expect("thread starts");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}
