//! Pages of `/v1/query` and the budget of `/v1/querybatch`.

use std::path::Path;

use serde_json::{Value, json};
use server::Limits;

use crate::support::{ids_of, start, start_limited};

/// Writes `count` crates.io records about `name` (IDs `RUSTSEC-YEAR-NNNN`), all
/// affecting every version.
fn write_records(dir: &Path, name: &str, year: u32, count: usize) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let mut ids: Vec<String> = (0..count)
        .map(|i| format!("RUSTSEC-{year}-{i:04}"))
        .collect();
    for id in &ids {
        let record = json!({
            "id": id,
            "modified": "2025-01-01T00:00:00Z",
            "affected": [{
                "package": {"ecosystem": "crates.io", "name": name},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}]}]
            }]
        });
        std::fs::write(dir.join(format!("{id}-{name}.json")), record.to_string()).unwrap();
    }
    ids.sort();
    ids
}

/// Every page of a query, following `next_page_token` to the end.
async fn all_pages(server: &crate::support::TestServer, query: Value) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut query = query;
    loop {
        let answer = server.query(query.clone()).await;
        let json = answer.json();
        pages.push(ids_of(&json));
        match json.get("next_page_token") {
            Some(token) => query["page_token"] = token.clone(),
            None => return pages,
        }
        assert!(pages.len() < 1000, "pages never end");
    }
}

#[tokio::test]
async fn a_query_pages_past_the_page_size_and_the_pages_make_up_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write_records(dir.path(), "paged", 2099, 25);
    let limits = Limits {
        page_size: 10,
        ..Limits::default()
    };
    let server = start_limited(&[dir.path()], limits).await;
    for query in [
        json!({"package": {"name": "paged", "ecosystem": "crates.io"}, "version": "1.0.0"}),
        json!({"package": {"name": "paged", "ecosystem": "crates.io"}}),
        json!({"package": {"purl": "pkg:cargo/paged@1.0.0"}}),
    ] {
        let pages = all_pages(&server, query.clone()).await;
        let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(sizes, [10, 10, 5], "{query}");
        assert_eq!(pages.concat(), ids, "{query}");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_default_page_holds_1000_records() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write_records(dir.path(), "many", 2099, 1001);
    let server = start(&[dir.path()]).await;
    let pages = all_pages(
        &server,
        json!({"package": {"name": "many", "ecosystem": "crates.io"}, "version": "2.0.0"}),
    )
    .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [1000, 1]);
    assert_eq!(pages.concat(), ids);
    server.stop().await;
}

#[tokio::test]
async fn a_batch_pages_each_query_and_stops_at_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_records(&dir.path().join("a"), "alpha", 2098, 7);
    let b = write_records(&dir.path().join("b"), "beta", 2099, 7);
    let limits = Limits {
        batch_page_size: 5,
        batch_total: 8,
        ..Limits::default()
    };
    let server = start_limited(&[&dir.path().join("a"), &dir.path().join("b")], limits).await;
    let query = |name: &str| json!({"package": {"name": name, "ecosystem": "crates.io"}, "version": "1.0.0"});
    let empty = json!({"package": {"name": "none", "ecosystem": "crates.io"}, "version": "1.0.0"});
    let results = server
        .batch(vec![
            query("alpha"),
            query("beta"),
            empty.clone(),
            query("alpha"),
        ])
        .await;
    // alpha: a page of 5; beta: the 3 left of the budget of 8; no records: `{}`;
    // alpha again: no budget left, only a token to start it again.
    assert_eq!(ids_of(&results[0]), a[..5]);
    assert_eq!(ids_of(&results[1]), b[..3]);
    assert_eq!(results[2], json!({}));
    assert_eq!(results[3].as_object().unwrap().len(), 1, "{}", results[3]);
    let restart = results[3]["next_page_token"].clone();
    // Following each token gets the rest.
    let mut next_a = query("alpha");
    next_a["page_token"] = results[0]["next_page_token"].clone();
    let mut next_b = query("beta");
    next_b["page_token"] = results[1]["next_page_token"].clone();
    let mut again = query("alpha");
    again["page_token"] = restart;
    let results = server.batch(vec![next_a, next_b, again]).await;
    assert_eq!(ids_of(&results[0]), a[5..]);
    assert_eq!(ids_of(&results[1]), b[3..]);
    assert!(results[0].get("next_page_token").is_none());
    assert!(results[1].get("next_page_token").is_none());
    // 2 + 4 = 6 of the budget of 8: the third gets 2, and a token for more.
    assert_eq!(ids_of(&results[2]), a[..2]);
    assert!(results[2].get("next_page_token").is_some());
    server.stop().await;
}
