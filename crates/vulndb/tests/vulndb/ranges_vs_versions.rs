//! Differential: ECOSYSTEM ranges in opam's order versus `versions` lists.
//!
//! The published records carry both. For every version of every affected
//! package in both real opam repositories, this compares "the range says
//! affected" with "the list says affected": they agree on every version
//! (the ranges and lists were both derived from single `<`/`>=`-style
//! constraints), which checks opam's order as implemented here against the
//! lists opam itself produced.

use opam_model::{PackageName, Repository, RepositoryStack};
use vulndb::{Database, Loader, Orders, Query};

use crate::support::published_dir;

/// Both real repositories, or `None` when the reference data is missing (recorded
/// as a skip, a failure under CI).
fn repositories(test: &str) -> Option<RepositoryStack> {
    let dir = test_references::require_data(test, "opam-repository-archive.tar.gz")?;
    let paths = [
        dir.join("opam-repository.tar.gz"),
        dir.join("opam-repository-archive.tar.gz"),
    ];
    Some(RepositoryStack::new(
        paths.iter().map(|p| Repository::open(p).unwrap()).collect(),
    ))
}

fn matches(db: &Database, id: &str, name: &str, version: &str) -> bool {
    db.query(&Query::opam(name, version))
        .unwrap()
        .iter()
        .any(|f| f.records().iter().any(|r| r.id == id))
}

#[test]
fn ecosystem_ranges_agree_with_versions_lists_on_both_repositories() {
    let Some(repositories) =
        repositories("ecosystem_ranges_agree_with_versions_lists_on_both_repositories")
    else {
        return;
    };
    let lists_only = Loader::with_orders(Orders::new())
        .load_dir(&published_dir())
        .unwrap();
    // The same records without their lists: only ranges can match.
    let ranges_only = Loader::new()
        .from_records(
            "ranges only",
            lists_only.records().unwrap().into_iter().map(|record| {
                let mut record = record.clone();
                for affected in record.affected.iter_mut().flatten() {
                    affected.versions = None;
                }
                (record.id.clone(), record)
            }),
        )
        .unwrap();
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for record in lists_only.records().unwrap() {
        for affected in record.affected() {
            let package = affected.package.as_ref().unwrap();
            let name = PackageName::parse(&package.name).unwrap();
            for version in repositories.versions(&name) {
                let version = version.as_str();
                let by_list = matches(&lists_only, &record.id, &package.name, version);
                let by_range = matches(&ranges_only, &record.id, &package.name, version);
                let listed = affected.versions().iter().any(|v| v == version);
                assert_eq!(by_list, listed, "{} {version}", record.id);
                if by_range != by_list {
                    disagreements.push(format!(
                        "{} {} {version}: range says {by_range}, versions list says {by_list}",
                        record.id, package.name
                    ));
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 1_000, "only {compared} versions compared");
    assert_eq!(disagreements, Vec::<String>::new());
}
