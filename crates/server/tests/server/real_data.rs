//! Answers equal to what the real records say: for every record of the embedded
//! database and of the 26 real advisories, every version of each affected package
//! (from both opam repositories, and every version the record lists) is asked for;
//! the record is in the answer exactly when its `versions` list names the version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use opam_model::{PackageName, RepositorySpec, RepositoryStack};
use serde_json::{Value, json};

use crate::support::{TestServer, embedded_zip, ids_of, options, shared_data, start, start_with};

/// What the records say: (record ID, package) → its `versions` list.
type Lists = BTreeMap<(String, String), BTreeSet<String>>;

fn repositories(data: &Path) -> (Vec<RepositorySpec>, RepositoryStack) {
    let specs: Vec<RepositorySpec> = ["opam-repository.tar.gz", "opam-repository-archive.tar.gz"]
        .iter()
        .map(|name| RepositorySpec::Path(data.join(name)))
        .collect();
    let stack = RepositoryStack::open(&specs).unwrap();
    (specs, stack)
}

/// The `versions` lists of `records` (opam entries only).
fn lists(records: &[Value]) -> Lists {
    let mut lists = Lists::new();
    for record in records {
        for affected in record["affected"].as_array().unwrap() {
            assert_eq!(affected["package"]["ecosystem"], "opam");
            let name = affected["package"]["name"].as_str().unwrap().to_owned();
            let versions = affected["versions"]
                .as_array()
                .map_or_else(BTreeSet::new, |list| {
                    list.iter()
                        .map(|v| v.as_str().unwrap().to_owned())
                        .collect()
                });
            let id = record["id"].as_str().unwrap().to_owned();
            lists.entry((id, name)).or_default().extend(versions);
        }
    }
    lists
}

/// Asks `server` about every version of every package in `lists` (released in
/// `stack`, or listed) and returns the disagreements with the lists, and how many
/// (record, version) pairs were compared.
async fn compare(
    server: &TestServer,
    lists: &Lists,
    stack: &RepositoryStack,
) -> (Vec<String>, usize) {
    let mut versions: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for ((_, name), listed) in lists {
        let released = stack.versions(&PackageName::parse(name).unwrap());
        let all = versions.entry(name.as_str()).or_default();
        all.extend(released.into_iter().map(|v| v.as_str().to_owned()));
        all.extend(listed.iter().cloned());
    }
    let pairs: Vec<(&str, &str)> = versions
        .iter()
        .flat_map(|(name, versions)| versions.iter().map(move |v| (*name, v.as_str())))
        .collect();
    let mut answers: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
    for chunk in pairs.chunks(server::MAX_BATCH_QUERIES) {
        let queries = chunk
            .iter()
            .map(|(name, version)| json!({"package": {"name": name, "ecosystem": "opam"}, "version": version}))
            .collect();
        let results = server.batch(queries).await;
        assert_eq!(results.len(), chunk.len());
        for (pair, result) in chunk.iter().zip(&results) {
            answers.insert(*pair, ids_of(result).into_iter().collect());
        }
    }
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for ((id, name), listed) in lists {
        for version in &versions[name.as_str()] {
            compared += 1;
            let answered = answers[&(name.as_str(), version.as_str())].contains(id);
            if answered != listed.contains(version) {
                disagreements.push(format!(
                    "{id} {name} {version}: listed {}, answered {answered}",
                    listed.contains(version)
                ));
            }
        }
    }
    (disagreements, compared)
}

/// Every record the server has, by ID, through `GET /v1/vulns/{id}`.
async fn records(server: &TestServer, ids: &BTreeSet<String>) -> Vec<Value> {
    let mut records = Vec::new();
    for id in ids {
        let answer = server.get(&format!("/v1/vulns/{id}")).await;
        assert_eq!(answer.status, 200, "{id}");
        records.push(answer.json());
    }
    records
}

/// The IDs of the advisories in `dir` (their file names).
fn advisory_ids(dir: &Path) -> BTreeSet<String> {
    advisory::tree::find_advisories(&[dir.to_owned()])
        .unwrap()
        .iter()
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_database_answers_each_listed_version_and_no_other() {
    let Some(data) = shared_data("the_embedded_database_answers_each_listed_version_and_no_other")
    else {
        return;
    };
    let (_, stack) = repositories(&data);
    // What the records say, read without the server.
    let db = vulndb::Database::from_zip_file(&embedded_zip()).unwrap();
    let records: Vec<Value> = db
        .records()
        .unwrap()
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert_eq!(records.len(), 26);
    let lists = lists(&records);
    let server = start(&[&embedded_zip()]).await;
    let (disagreements, compared) = compare(&server, &lists, &stack).await;
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(compared > 1000, "only {compared} versions compared");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_advisories_answer_as_their_lists_say_with_and_without_repositories() {
    let Some(data) = shared_data("the_real_advisories_answer_as_their_lists_say") else {
        return;
    };
    let advisories = data.join("security-advisories");
    let ids = advisory_ids(&advisories);
    assert_eq!(ids.len(), 26);
    let (specs, stack) = repositories(&data);

    // Converted with the repositories: every record lists its versions.
    let mut with_repos = options(&[&advisories]);
    with_repos.repos = specs;
    let server = start_with(with_repos).await;
    let converted = records(&server, &ids).await;
    let lists = lists(&converted);
    assert!(lists.values().all(|listed| !listed.is_empty()));
    let (disagreements, compared) = compare(&server, &lists, &stack).await;
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(compared > 1000, "only {compared} versions compared");
    server.stop().await;

    // Without: no lists, only ECOSYSTEM ranges in opam's order, and the same answers.
    let server = start(&[&advisories]).await;
    for record in records(&server, &ids).await {
        for affected in record["affected"].as_array().unwrap() {
            assert!(affected.get("versions").is_none(), "{}", record["id"]);
        }
    }
    let (disagreements, compared_again) = compare(&server, &lists, &stack).await;
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert_eq!(compared_again, compared);
    server.stop().await;
}
