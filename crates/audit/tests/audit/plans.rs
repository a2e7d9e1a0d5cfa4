//! Upgrade plans and `audit::fix` on the real scenario switch and lock file against
//! the real opam repositories (`OSEC_DATA`, default `../shared/data`; the tests say
//! so and skip when they are absent), each plan applied and audited again; and
//! plans on bad input (a package no repository has, a holder no release of which
//! allows the fix, a requirement no release satisfies, a hand-edited lock file),
//! which must say so plainly.

use std::path::{Path, PathBuf};

use audit::fix::{FixOutcome, FixRequest};
use audit::plan::{Outcome as PlanOutcome, Plan, Reason};
use audit::report::Report;
use audit::{Inputs, Outcome, Repositories, Request};
use opam_model::RepositorySpec;

use crate::scenario;

fn data_dir() -> PathBuf {
    match std::env::var_os("OSEC_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// opam-repository over its archive, or `None` (the test skips) when absent.
#[allow(clippy::print_stderr)]
fn real_repositories() -> Option<Vec<RepositorySpec>> {
    let dir = data_dir();
    let specs: Vec<RepositorySpec> = ["opam-repository.tar.gz", "opam-repository-archive.tar.gz"]
        .iter()
        .map(|name| RepositorySpec::Path(dir.join(name)))
        .collect();
    if specs
        .iter()
        .any(|s| matches!(s, RepositorySpec::Path(p) if !p.exists()))
    {
        eprintln!(
            "skipped: the opam repositories are not in {} (set OSEC_DATA)",
            dir.display()
        );
        return None;
    }
    Some(specs)
}

fn request(inputs: Inputs, db: PathBuf, repositories: Vec<RepositorySpec>) -> Request {
    Request::new(
        inputs,
        vulndb::source::Choice::new()
            .with_given([db])
            .require_ecosystem("opam"),
        Repositories::Given(repositories),
        "2026-11-30T12:00:00Z".parse().expect("a time"),
        "0.0.0-test",
    )
}

fn embedded_db() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vulndb/data/opam-all.zip")
}

fn report(request: &Request) -> Report {
    match audit::run(request).expect("the audit runs") {
        Outcome::Audited(audited) => audited.report,
        Outcome::NothingScanned(why) => panic!("nothing scanned: {why}"),
    }
}

/// No finding left that a release fixes: every finding left has a plan that
/// found no fixed release.
fn assert_nothing_fixable_left(after: &Report) {
    for input in &after.inputs {
        for finding in &input.findings {
            let plan = input.plan_for(&finding.package);
            assert!(
                matches!(
                    plan.map(|p| &p.outcome),
                    Some(PlanOutcome::NoFixedRelease { .. })
                ),
                "{} {} is still vulnerable to {} after the fix: {:?}",
                finding.package,
                finding.installed_version,
                finding.id,
                plan.map(Plan::summary)
            );
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn lock_file_plans_applied_by_fix_leave_nothing_a_release_fixes() {
    let Some(repositories) = real_repositories() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let lock = dir.path().join("myapp.opam.locked");
    std::fs::copy(scenario("vulnerable").join("myapp.opam.locked"), &lock).expect("copy");
    let before_bytes = std::fs::read(&lock).expect("read");
    let audit = request(
        Inputs {
            lock: Some(lock.clone()),
            ..Inputs::default()
        },
        embedded_db(),
        repositories.clone(),
    );
    let before = report(&audit);
    let plans = &before.inputs[0].plans;
    let vulnerable: Vec<&str> = before.inputs[0]
        .findings
        .iter()
        .map(|f| f.package.as_str())
        .collect();
    assert!(!vulnerable.is_empty());
    for package in &vulnerable {
        let plan = before.inputs[0]
            .plan_for(package)
            .expect("a plan per vulnerable package");
        assert!(plan.upgrades().is_some(), "{}", plan.summary());
    }
    // A dry run writes nothing but audits the new text.
    let dry = FixRequest {
        audit: audit.clone(),
        dry_run: true,
        bounds: false,
    };
    let FixOutcome::Fixed(dry_fixed) = audit::fix::fix(&dry).expect("fix") else {
        panic!("nothing scanned");
    };
    assert_eq!(
        std::fs::read(&lock).expect("read"),
        before_bytes,
        "a dry run writes nothing"
    );
    assert!(dry_fixed.edits.iter().all(|e| !e.written));
    assert_nothing_fixable_left(dry_fixed.after.as_ref().expect("an audit after"));

    let fix = FixRequest {
        audit: audit.clone(),
        dry_run: false,
        bounds: false,
    };
    let FixOutcome::Fixed(fixed) = audit::fix::fix(&fix).expect("fix") else {
        panic!("nothing scanned");
    };
    assert!(!fixed.is_vulnerable(), "{}", fixed.render(false));
    // Applied: the file on disk, audited again from scratch.
    let after = report(&audit);
    assert_nothing_fixable_left(&after);
    assert!(after.inputs[0].findings.is_empty());
    // Only the version strings changed: same lines, same layout.
    let after_text = std::fs::read_to_string(&lock).expect("read");
    let before_text = String::from_utf8(before_bytes).expect("utf-8");
    assert_eq!(after_text.lines().count(), before_text.lines().count());
    let changed: Vec<(&str, &str)> = before_text
        .lines()
        .zip(after_text.lines())
        .filter(|(a, b)| a != b)
        .collect();
    let upgrades: usize = plans
        .iter()
        .filter_map(Plan::upgrades)
        .map(<[_]>::len)
        .sum();
    assert!(changed.len() <= upgrades && !changed.is_empty());
    assert!(changed.contains(&(r#"  "cohttp" {= "6.2.2"}"#, r#"  "cohttp" {= "6.3.0"}"#)));
}

#[test]
fn switch_plans_applied_leave_nothing_a_release_fixes_and_a_reverse_dependency_holds_cohttp_back() {
    let Some(repositories) = real_repositories() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let switch = dir.path().join("_opam");
    copy_dir(&scenario("vulnerable").join("_opam"), &switch);
    let audit = request(
        Inputs {
            switch: Some(switch.display().to_string()),
            opam_root: Some(dir.path().to_owned()),
            ..Inputs::default()
        },
        embedded_db(),
        repositories,
    );
    let before = report(&audit);
    let input = &before.inputs[0];
    // cohttp-lwt-unix 6.2.2 (the switch's own opam file: `"cohttp" {= version}`)
    // holds cohttp back at 6.2.2; its release 6.3.0 frees it.
    let cohttp = input.plan_for("cohttp").expect("cohttp is vulnerable");
    let upgrades = cohttp.upgrades().expect("a full plan");
    assert_eq!(
        (upgrades[0].package.as_str(), upgrades[0].to.as_str()),
        ("cohttp", "6.3.0")
    );
    let freed = upgrades
        .iter()
        .find(|u| u.package == "cohttp-lwt-unix")
        .expect("cohttp-lwt-unix must move");
    assert_eq!((freed.from.as_str(), freed.to.as_str()), ("6.2.2", "6.3.0"));
    let Reason::Frees { held_by } = &freed.reason else {
        panic!("{:?}", freed.reason);
    };
    assert_eq!(
        (held_by.on.as_str(), held_by.allows.as_str()),
        ("cohttp", r#"= "6.2.2""#)
    );
    assert!(
        cohttp
            .summary()
            .contains(r#"cohttp-lwt-unix 6.2.2 requires cohttp {= "6.2.2"}"#),
        "{}",
        cohttp.summary()
    );
    // The compiler: ocaml-base-compiler 4.14.2 pins ocaml to 4.14.2.
    let ocaml = input.plan_for("ocaml").expect("ocaml is vulnerable");
    assert!(ocaml.upgrades().is_some_and(|u| {
        u.iter()
            .any(|u| u.package == "ocaml-base-compiler" && u.to == "4.14.4")
    }));

    // Apply: what `opam install` would leave in switch-state (the new versions).
    let targets = audit::plan::install_targets(&input.plans);
    let command = match audit::fix::fix(&FixRequest {
        audit: audit.clone(),
        dry_run: false,
        bounds: false,
    })
    .expect("fix")
    {
        FixOutcome::Fixed(fixed) => fixed.commands.join("\n"),
        FixOutcome::NothingScanned(why) => panic!("{why}"),
    };
    assert_eq!(command, format!("opam install {}", targets.join(" ")));
    let state_path = switch.join(".opam-switch/switch-state");
    let mut state = std::fs::read_to_string(&state_path).expect("state");
    for target in &targets {
        let (name, version) = target.split_once('.').expect("NAME.VERSION");
        let old = input
            .findings
            .iter()
            .find(|f| f.package == name)
            .map(|f| f.installed_version.clone());
        let installed = old.unwrap_or_else(|| {
            let prefix = format!("\"{name}.");
            let line = state
                .lines()
                .find(|l| l.trim_start().starts_with(&prefix))
                .expect("installed");
            line.trim().trim_matches('"')[name.len() + 1..].to_owned()
        });
        state = state.replace(
            &format!("\"{name}.{installed}\""),
            &format!("\"{name}.{version}\""),
        );
        let packages = switch.join(".opam-switch/packages");
        copy_dir(
            &packages.join(format!("{name}.{installed}")),
            &packages.join(target),
        );
    }
    std::fs::write(&state_path, state).expect("write");
    let after = report(&audit);
    assert_nothing_fixable_left(&after);
    assert!(
        after.inputs[0].findings.is_empty(),
        "{:?}",
        after.inputs[0].findings
    );
}

/// A repository directory of `(name, version, depends)` opam files.
fn repository(dir: &Path, packages: &[(&str, &str, &str)]) -> PathBuf {
    let root = dir.join("repo");
    for (name, version, depends) in packages {
        let path = root.join(format!("packages/{name}/{name}.{version}/opam"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(
            &path,
            format!("opam-version: \"2.0\"\ndepends: [{depends}]\n"),
        )
        .expect("write");
    }
    root
}

/// An OSV record: `name` affected from 0 to `fixed` (or every version).
fn record(dir: &Path, id: &str, name: &str, fixed: Option<&str>) {
    let mut events = vec![serde_json::json!({"introduced": "0"})];
    if let Some(fixed) = fixed {
        events.push(serde_json::json!({"fixed": fixed}));
    }
    let record = serde_json::json!({
        "schema_version": "1.7.0",
        "id": id,
        "modified": "2026-01-01T00:00:00Z",
        "summary": format!("a bug in {name}"),
        "affected": [{
            "package": {"ecosystem": "opam", "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": events}],
        }],
    });
    std::fs::write(dir.join(format!("{id}.json")), record.to_string()).expect("write");
}

#[test]
fn plans_on_bad_input_say_plainly_what_is_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = repository(
        dir.path(),
        &[
            ("widget", "1.0", ""),
            ("widget", "2.0", ""),
            ("holder", "1.0", r#""widget" {< "2.0"}"#),
            ("holder", "1.1", r#""widget" {>= "1.0" & < "2.0"}"#),
            ("tool", "1.0", ""),
            ("tool", "2.0", r#""gadget" {>= "9"}"#),
            ("gadget", "1.0", ""),
            ("doomed", "1.0", ""),
            ("doomed", "1.1", ""),
            ("gizmo", "1.0", ""),
            ("gizmo", "2.0", ""),
        ],
    );
    let db = dir.path().join("db");
    std::fs::create_dir(&db).expect("mkdir");
    record(&db, "OSEC-2026-91", "widget", Some("2.0"));
    record(&db, "OSEC-2026-92", "tool", Some("2.0"));
    record(&db, "OSEC-2026-93", "ghost", Some("2.0"));
    record(&db, "OSEC-2026-94", "doomed", None);
    record(&db, "OSEC-2026-95", "gizmo", Some("2.0"));
    // gizmo 1.7 was never released: the lock file was edited by hand.
    let lock = dir.path().join("app.opam.locked");
    let text = "opam-version: \"2.0\"\nname: \"app\"\ndepends: [\n  \"widget\" {= \"1.0\"}\n  \"holder\" {= \"1.0\"}\n  \"tool\" {= \"1.0\"}\n  \"gadget\" {= \"1.0\"}\n  \"ghost\" {= \"1.0\"}\n  \"doomed\" {= \"1.0\"}\n  \"gizmo\" {= \"1.7\"}\n]\n";
    std::fs::write(&lock, text).expect("write");
    let audit = request(
        Inputs {
            lock: Some(lock.clone()),
            ..Inputs::default()
        },
        db,
        vec![RepositorySpec::Path(repo)],
    );
    let before = report(&audit);
    let input = &before.inputs[0];
    let summary = |name: &str| input.plan_for(name).map(Plan::summary).unwrap_or_default();
    assert_eq!(
        summary("widget"),
        r#"widget 2.0 fixes it, but holder 1.0 requires widget {< "2.0"} and no release of holder allows widget 2.0"#
    );
    assert_eq!(
        summary("tool"),
        r#"tool 2.0 fixes it, but tool 2.0 requires gadget {>= "9"} and no release of gadget satisfies it"#
    );
    assert_eq!(
        summary("ghost"),
        "ghost is in none of the repositories: give the one that publishes it with --repo"
    );
    assert_eq!(
        summary("doomed"),
        "no release fixes it: every release of doomed after 1.0 up to the latest, 1.1, is affected"
    );
    let gizmo = input.plan_for("gizmo").expect("a plan");
    assert_eq!(gizmo.summary(), "upgrade gizmo 1.7 → 2.0");
    assert_eq!(
        gizmo.notes,
        [
            "gizmo 1.7 is not a release of any repository: a lock file edited by hand, or a pinned version?"
        ]
    );
    // The fix applies what it can and says what is left.
    let FixOutcome::Fixed(fixed) = audit::fix::fix(&FixRequest {
        audit,
        dry_run: false,
        bounds: false,
    })
    .expect("fix") else {
        panic!("nothing scanned");
    };
    assert_eq!(
        fixed.edits[0].changes,
        [("gizmo".to_owned(), "1.7".to_owned(), "2.0".to_owned())]
    );
    assert!(
        std::fs::read_to_string(&lock)
            .expect("read")
            .contains("\"gizmo\" {= \"2.0\"}")
    );
    let after = fixed.after.as_ref().expect("audited after");
    let left: Vec<&str> = after.inputs[0]
        .findings
        .iter()
        .map(|f| f.package.as_str())
        .collect();
    assert_eq!(left, ["doomed", "ghost", "tool", "widget"]);
    let text = fixed.render(false);
    assert!(
        text.contains("no fix for widget 1.0: widget 2.0 fixes it, but holder 1.0"),
        "{text}"
    );
}
