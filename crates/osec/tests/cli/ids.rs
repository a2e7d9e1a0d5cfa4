//! `osec next-id`, `osec reserve`, and `osec lint` on reservations.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use crate::support::{TestDir, advisory};

#[test]
fn next_id_counts_advisories_and_reservations() {
    let dir = TestDir::new();
    let out = dir.osec(&["next-id", "--year", "2026"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "OSEC-2026-01\n"));
    dir.write("advisories/2026/OSEC-2026-04.md", &advisory("OSEC-2026-04"));
    let out = dir.osec(&["next-id", "--year", "2026"]);
    assert_eq!(out.stdout, "OSEC-2026-05\n");
    let out = dir.osec(&["reserve", "--year", "2026"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "OSEC-2026-05\n"));
    assert!(
        out.stderr
            .contains("advisories/reserved/2026/OSEC-2026-05.reserved"),
        "{}",
        out.stderr
    );
    let out = dir.osec(&["next-id", "--year", "2026", "advisories"]);
    assert_eq!(out.stdout, "OSEC-2026-06\n");
    let out = dir.osec(&["next-id", "--year", "2025"]);
    assert_eq!(out.stdout, "OSEC-2025-01\n");
}

#[test]
fn a_bad_year_is_an_error() {
    let dir = TestDir::new();
    let out = dir.osec(&["next-id", "--year", "26"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("26 is not a year"), "{}", out.stderr);
}

/// Issue 17: two `osec reserve` started at the same moment never get the same ID. Each
/// round starts four processes before waiting for any; over all rounds every ID is
/// handed out once and the numbers have no gap.
#[test]
fn parallel_reservations_never_share_an_id() {
    const ROUNDS: usize = 40;
    const AT_ONCE: usize = 4;
    let dir = TestDir::new();
    std::fs::create_dir_all(dir.path().join("advisories")).unwrap();
    let mut ids = Vec::new();
    for _ in 0..ROUNDS {
        let children: Vec<_> = (0..AT_ONCE)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_osec"))
                    .args(["reserve", "--year", "2026"])
                    .current_dir(dir.path())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success());
            ids.push(String::from_utf8(output.stdout).unwrap().trim().to_owned());
        }
    }
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "an ID was handed out twice: {ids:?}"
    );
    let expected: BTreeSet<String> = (1..=ROUNDS * AT_ONCE)
        .map(|n| format!("OSEC-2026-{n:02}"))
        .collect();
    assert_eq!(distinct, expected.iter().collect());
    let placeholders = std::fs::read_dir(dir.path().join("advisories/reserved/2026"))
        .unwrap()
        .count();
    assert_eq!(placeholders, ROUNDS * AT_ONCE);
}

#[test]
fn lint_reports_a_reservation_of_a_published_id() {
    let dir = TestDir::new();
    dir.write("advisories/2026/OSEC-2026-01.md", &advisory("OSEC-2026-01"));
    let out = dir.osec(&["reserve", "--year", "2026"]);
    assert_eq!(out.stdout, "OSEC-2026-02\n");
    assert_eq!(dir.osec(&["lint", "advisories"]).code, 0);
    // The reserved advisory is published, the placeholder left behind.
    dir.write("advisories/2026/OSEC-2026-02.md", &advisory("OSEC-2026-02"));
    let out = dir.osec(&["lint", "advisories"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "error[ADV029]: OSEC-2026-02 is reserved here but already published as \
             advisories/2026/OSEC-2026-02.md"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("--> advisories/reserved/2026/OSEC-2026-02.reserved:1:1"),
        "{}",
        out.stdout
    );
}
