use std::cmp::Ordering;
use std::path::Path;

use opam_model::{ReleasedVersions, Repository, RepositoryStack, compare_versions};
use publish::{ExportOptions, NoProgress, OutcomeKind};
use serde_json::Value;

use crate::support::{data_dir, published_dir, schema_errors};

/// Why an exported record differs from the published one on purpose.
#[derive(Debug, Clone, Copy)]
enum Improvement {
    /// The reference converter reverses the events of a range that has an
    /// `introduced` event; osec keeps the order the advisory writes them in
    /// (introduced, then fixed), which is the order OSV asks for.
    GitEventsInWrittenOrder,
    /// The reference lists the versions matching a constraint with `&` or `|` in
    /// string order (`2.0.10` before `2.0~alpha5`); osec lists them in opam's order.
    VersionsInOpamOrder,
    /// The advisory's timestamp has a fraction of a second; the reference drops it,
    /// osec keeps the instant as written.
    FractionOfSecondKept,
}

/// Every difference between the export and the published `generated-osv` records of
/// the 26 real advisories: advisory, JSON pointer, reason. Everything else must be
/// byte for byte equal.
const EXPECTED_DIFFERENCES: &[(&str, &str, Improvement)] = &[
    (
        "OSEC-2017-01",
        "/affected/0/ranges/1/events",
        Improvement::GitEventsInWrittenOrder,
    ),
    (
        "OSEC-2018-01",
        "/published",
        Improvement::FractionOfSecondKept,
    ),
    (
        "OSEC-2019-01",
        "/affected/0/ranges/1/events",
        Improvement::GitEventsInWrittenOrder,
    ),
    (
        "OSEC-2022-01",
        "/affected/0/ranges/1/events",
        Improvement::GitEventsInWrittenOrder,
    ),
    (
        "OSEC-2023-01",
        "/affected/0/ranges/1/events",
        Improvement::GitEventsInWrittenOrder,
    ),
    (
        "OSEC-2023-01",
        "/affected/0/versions",
        Improvement::VersionsInOpamOrder,
    ),
];

/// Checks that `ours` at `pointer` is the published value improved as `why` says.
fn check_improvement(id: &str, pointer: &str, why: Improvement, published: &Value, ours: &Value) {
    let (Some(theirs), Some(mine)) = (published.pointer(pointer), ours.pointer(pointer)) else {
        panic!("{id}: {pointer} is missing on one side");
    };
    assert_ne!(
        theirs, mine,
        "{id}: {pointer} is listed as a difference but is equal: remove it from the table"
    );
    match why {
        Improvement::GitEventsInWrittenOrder => {
            let mut reversed = theirs.as_array().unwrap().clone();
            reversed.reverse();
            assert_eq!(&Value::Array(reversed), mine, "{id}: {pointer}");
            assert!(
                mine[0].get("introduced").is_some(),
                "{id}: introduced comes first"
            );
        }
        Improvement::VersionsInOpamOrder => {
            let mut sorted: Vec<&str> = theirs
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            sorted.sort_by(|a, b| compare_versions(a, b).then_with(|| a.cmp(b)));
            let mine: Vec<&str> = mine
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(sorted, mine, "{id}: same versions, in opam's order");
            assert!(
                mine.windows(2)
                    .all(|w| compare_versions(w[0], w[1]) == Ordering::Less)
            );
        }
        Improvement::FractionOfSecondKept => {
            let mine = mine.as_str().unwrap();
            let (seconds, _) = mine.split_once('.').expect("a fraction");
            assert_eq!(
                theirs.as_str().unwrap(),
                format!("{seconds}Z"),
                "{id}: {pointer}"
            );
        }
    }
}

fn open_both(data: &Path) -> RepositoryStack {
    RepositoryStack::new(vec![
        Repository::open(&data.join("opam-repository.tar.gz")).unwrap(),
        Repository::open(&data.join("opam-repository-archive.tar.gz")).unwrap(),
    ])
}

#[test]
fn real_advisories_equal_the_published_records_except_the_listed_improvements() {
    let Some(data) = data_dir("real_advisories_equal_the_published_records") else {
        return;
    };
    let stack = open_both(&data);
    let released = ReleasedVersions::of_stack(&stack);
    let out = tempfile::tempdir().unwrap();
    let options = ExportOptions {
        released: Some(&released),
        with_versions: true,
        now: "2026-11-24T00:00:00Z".parse().unwrap(),
    };
    let report = publish::export(
        &[data.join("security-advisories/advisories")],
        out.path(),
        &options,
        &NoProgress,
    )
    .unwrap();
    assert_eq!(report.outcomes.len(), 26);
    for outcome in &report.outcomes {
        match &outcome.kind {
            OutcomeKind::Exported { notes, .. } => {
                assert!(notes.is_empty(), "{}: {notes:?}", outcome.source.display())
            }
            other => panic!("{}: {other:?}", outcome.source.display()),
        }
    }

    let mut seen_differences = 0;
    let records = publish::record_files(out.path()).unwrap();
    assert_eq!(records.len(), 26);
    for path in records {
        let relative = path.strip_prefix(out.path()).unwrap();
        let id = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let mine_text = std::fs::read_to_string(&path).unwrap();
        let theirs_text = std::fs::read_to_string(published_dir().join(relative))
            .unwrap_or_else(|_| panic!("no published record {}", relative.display()));
        let mut mine: Value = serde_json::from_str(&mine_text).unwrap();
        let mut theirs: Value = serde_json::from_str(&theirs_text).unwrap();

        let errors = schema_errors(&mine);
        assert!(
            errors.is_empty(),
            "{id} does not validate against the OSV schema: {errors:#?}"
        );
        osv::from_str(&mine_text)
            .unwrap()
            .validate()
            .unwrap_or_else(|e| panic!("{id}: {e}"));

        let differences: Vec<_> = EXPECTED_DIFFERENCES
            .iter()
            .filter(|(d, ..)| *d == id)
            .collect();
        if differences.is_empty() {
            assert_eq!(
                mine_text, theirs_text,
                "{id}: the export differs from the published record"
            );
            continue;
        }
        for (_, pointer, why) in &differences {
            check_improvement(&id, pointer, *why, &theirs, &mine);
            *theirs.pointer_mut(pointer).unwrap() = Value::Null;
            *mine.pointer_mut(pointer).unwrap() = Value::Null;
            seen_differences += 1;
        }
        assert_eq!(
            mine, theirs,
            "{id}: differs from the published record beyond the listed improvements"
        );
    }
    assert_eq!(seen_differences, EXPECTED_DIFFERENCES.len());
}
