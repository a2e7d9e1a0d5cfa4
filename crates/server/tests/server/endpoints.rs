//! Every endpoint and its errors, on the crates.io fixture and the embedded opam
//! database served together.

use serde_json::{Value, json};

use crate::support::{TestServer, crates_io, embedded_zip, ids_of, metric, start};

async fn both() -> TestServer {
    start(&[&crates_io(), &embedded_zip()]).await
}

fn fixture(id: &str) -> Value {
    let text = std::fs::read_to_string(crates_io().join(format!("{id}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn semver_ranges_and_versions_lists_decide_what_a_version_is_affected_by() {
    let server = both().await;
    let cases: &[(&str, &[&str])] = &[
        ("0.1.0-alpha", &["GHSA-9001-demo-abcd", "RUSTSEC-2024-9001"]),
        ("0.8.0", &["GHSA-9001-demo-abcd", "RUSTSEC-2024-9001"]),
        ("0.8.1", &[]),
        ("0.9.0", &["RUSTSEC-2024-9001"]),
        ("0.9.2", &["RUSTSEC-2024-9001"]),
        ("0.9.3", &[]),
        ("1.0.0", &["RUSTSEC-2024-9002"]),
        ("1.2.0", &["RUSTSEC-2024-9002"]),
        ("1.2.1", &[]),
    ];
    for (version, expected) in cases {
        // RUSTSEC-2024-9003 (withdrawn, introduced 0.0.0-0) is never found.
        assert_eq!(
            server.ids("crates.io", "ringbuf-demo", version).await,
            *expected,
            "ringbuf-demo {version}"
        );
    }
    assert_eq!(
        server.ids("crates.io", "tinyframe-demo", "0.3.3").await,
        ["RUSTSEC-2024-9004"]
    );
    assert!(
        server
            .ids("crates.io", "tinyframe-demo", "0.3.4")
            .await
            .is_empty()
    );
    // The same name in another ecosystem is another package.
    assert!(server.ids("npm", "ringbuf-demo", "0.8.0").await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_query_answers_the_whole_records_as_loaded() {
    let server = both().await;
    let answer = server
        .query(json!({"package": {"name": "ringbuf-demo", "ecosystem": "crates.io"}, "version": "1.1.0"}))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(
        answer.json(),
        json!({"vulns": [fixture("RUSTSEC-2024-9002")]})
    );
    // A version nothing affects: `{}`, as proto3 JSON writes an empty list.
    let none = server
        .query(json!({"package": {"name": "ringbuf-demo", "ecosystem": "crates.io"}, "version": "2.0.0"}))
        .await;
    assert_eq!((none.status, &none.body[..]), (200, &b"{}"[..]));
    server.stop().await;
}

#[tokio::test]
async fn opam_versions_match_in_opams_order_next_to_crates_io() {
    let server = both().await;
    // Every opam version of every record is checked in real_data; here, opam and
    // crates.io records are served side by side.
    let affected = server.ids("opam", "cohttp", "6.2.1").await;
    assert_eq!(affected, ["OSEC-2026-16"]);
    assert!(server.ids("opam", "cohttp", "6.3.0").await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn package_urls_give_the_package_and_maybe_the_version() {
    let server = both().await;
    let by_purl = |purl: &str| json!({"package": {"purl": purl}});
    assert_eq!(
        server
            .query(by_purl("pkg:cargo/ringbuf-demo@0.9.0"))
            .await
            .ids(),
        ["RUSTSEC-2024-9001"]
    );
    assert_eq!(
        server
            .query(json!({"package": {"purl": "pkg:cargo/ringbuf-demo"}, "version": "0.9.0"}))
            .await
            .ids(),
        ["RUSTSEC-2024-9001"]
    );
    assert_eq!(
        server.query(by_purl("pkg:opam/cohttp@6.2.1")).await.ids(),
        ["OSEC-2026-16"]
    );
    // Without a version: every record of the package.
    assert_eq!(
        server.query(by_purl("pkg:cargo/ringbuf-demo")).await.ids(),
        [
            "GHSA-9001-demo-abcd",
            "RUSTSEC-2024-9001",
            "RUSTSEC-2024-9002"
        ]
    );
    // A type no ecosystem has: nothing, as osv.dev answers.
    let unknown = server
        .query(by_purl("pkg:github/example/ringbuf-demo@1"))
        .await;
    assert_eq!((unknown.status, &unknown.body[..]), (200, &b"{}"[..]));
    // Both versions: 400.
    let message = server
        .query(json!({"package": {"purl": "pkg:cargo/ringbuf-demo@0.9.0"}, "version": "0.9.0"}))
        .await
        .error(400, 3);
    assert!(
        message.contains("both in the purl and in `version`"),
        "{message}"
    );
    let message = server.query(by_purl("pkg:cargo/")).await.error(400, 3);
    assert!(
        message.starts_with("invalid purl `pkg:cargo/`"),
        "{message}"
    );
    let message = server
        .query(json!({"package": {"purl": "pkg:cargo/a", "ecosystem": "crates.io"}}))
        .await
        .error(400, 3);
    assert!(message.contains("not both"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn a_package_without_version_lists_its_records_and_without_ecosystem_every_ecosystem() {
    let server = both().await;
    let all = server
        .query(json!({"package": {"name": "ringbuf-demo", "ecosystem": "crates.io"}}))
        .await
        .ids();
    assert_eq!(
        all,
        [
            "GHSA-9001-demo-abcd",
            "RUSTSEC-2024-9001",
            "RUSTSEC-2024-9002"
        ]
    );
    let anywhere = server
        .query(json!({"package": {"name": "ringbuf-demo"}, "version": "0.9.0"}))
        .await
        .ids();
    assert_eq!(anywhere, ["RUSTSEC-2024-9001"]);
    let message = server
        .query(json!({"package": {"name": "ringbuf-demo"}}))
        .await
        .error(400, 3);
    assert!(message.contains("needs a `version`"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn commits_named_by_git_ranges_are_found() {
    let server = both().await;
    let commit = |c: &str| json!({"commit": c});
    assert_eq!(
        server
            .query(commit("3f786850e387550fdab836ed7e6dc881de23001b"))
            .await
            .ids(),
        ["RUSTSEC-2024-9002"]
    );
    // Hexadecimal in any case.
    assert_eq!(
        server
            .query(commit("3F786850E387550FDAB836ED7E6DC881DE23001B"))
            .await
            .ids(),
        ["RUSTSEC-2024-9002"]
    );
    // The fixing commit is not affected; an unknown one finds nothing.
    assert!(
        server
            .query(commit("89e6c98d92887913cadf06b2adb97f26cde4849b"))
            .await
            .ids()
            .is_empty()
    );
    assert!(
        server
            .query(commit("0000000000000000000000000000000000000000"))
            .await
            .ids()
            .is_empty()
    );
    let message = server.query(commit("not-a-hash")).await.error(400, 3);
    assert!(
        message.starts_with("invalid hash `not-a-hash`"),
        "{message}"
    );
    let message = server
        .query(json!({"commit": "3f786850e387550fdab836ed7e6dc881de23001b", "version": "1"}))
        .await
        .error(400, 3);
    assert!(message.contains("exclude each other"), "{message}");
    // A repository and a tag (ecosystem GIT).
    let tag = |tag: &str| json!({"package": {"name": "https://github.com/example/ringbuf-demo", "ecosystem": "GIT"}, "version": tag});
    assert_eq!(
        server.query(tag("1.1.0")).await.ids(),
        ["RUSTSEC-2024-9002"]
    );
    assert!(server.query(tag("0.9.0")).await.ids().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn vulns_answers_a_record_by_id_or_by_alias() {
    let server = both().await;
    let answer = server.get("/v1/vulns/RUSTSEC-2024-9001").await;
    assert_eq!(
        (answer.status, answer.content_type.as_str()),
        (200, "application/json")
    );
    assert_eq!(answer.json(), fixture("RUSTSEC-2024-9001"));
    // A withdrawn record is still there by ID.
    assert_eq!(
        server.get("/v1/vulns/RUSTSEC-2024-9003").await.json(),
        fixture("RUSTSEC-2024-9003")
    );
    // From the zip.
    assert_eq!(
        server.get("/v1/vulns/OSEC-2026-16").await.json()["id"],
        "OSEC-2026-16"
    );
    // An alias: the record with the smallest ID among those listing it.
    assert_eq!(
        server.get("/v1/vulns/CVE-2024-90001").await.json(),
        fixture("GHSA-9001-demo-abcd")
    );
    // IDs are case-sensitive.
    let message = server
        .get("/v1/vulns/rustsec-2024-9001")
        .await
        .error(404, 5);
    assert!(message.contains("`rustsec-2024-9001`"), "{message}");
    let long = "X".repeat(101);
    let message = server.get(&format!("/v1/vulns/{long}")).await.error(400, 3);
    assert!(message.starts_with("ID is too long"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn a_batch_answers_ids_and_modified_in_the_order_of_its_queries() {
    let server = both().await;
    let results = server
        .batch(vec![
            json!({"package": {"purl": "pkg:cargo/ringbuf-demo@0.8.0"}}),
            json!({"package": {"name": "nothing-here", "ecosystem": "crates.io"}, "version": "1.0.0"}),
            json!({"commit": "3f786850e387550fdab836ed7e6dc881de23001b"}),
            json!({"package": {"name": "cohttp", "ecosystem": "opam"}, "version": "6.2.1"}),
        ])
        .await;
    assert_eq!(
        results,
        [
            json!({"vulns": [
                {"id": "GHSA-9001-demo-abcd", "modified": "2024-05-03T00:00:00Z"},
                {"id": "RUSTSEC-2024-9001", "modified": "2024-05-02T10:00:00Z"},
            ]}),
            json!({}),
            json!({"vulns": [{"id": "RUSTSEC-2024-9002", "modified": "2024-06-10T08:30:00Z"}]}),
            json!({"vulns": [{"id": "OSEC-2026-16", "modified": "2026-08-22T11:05:00Z"}]}),
        ]
    );
    assert_eq!(ids_of(&results[3]), ["OSEC-2026-16"]);
    assert_eq!(server.batch(vec![]).await, Vec::<Value>::new());
    server.stop().await;
}

#[tokio::test]
async fn every_refusal_is_a_json_error_with_its_status_and_code() {
    let server = both().await;
    let cases: &[(&str, &str, &str, u16, u64, &str)] = &[
        (
            "POST",
            "/v1/query",
            "{",
            400,
            3,
            "invalid JSON payload at line 1, column 1: EOF while parsing",
        ),
        ("POST", "/v1/query", "", 400, 3, "invalid JSON payload"),
        (
            "POST",
            "/v1/query",
            r#"{"version": 1}"#,
            400,
            3,
            "invalid type: integer `1`, expected a string",
        ),
        (
            "POST",
            "/v1/query",
            r#"{"versoin": "1"}"#,
            400,
            3,
            "unknown field `versoin`",
        ),
        ("POST", "/v1/query", "{}", 400, 3, "invalid query"),
        (
            "POST",
            "/v1/query",
            r#"{"package": {"name": "a", "ecosystem": "Rust"}, "version": "1"}"#,
            400,
            3,
            "invalid ecosystem `Rust`",
        ),
        (
            "POST",
            "/v1/query",
            r#"{"package": {"name": "a", "ecosystem": "CRATES.IO"}}"#,
            400,
            3,
            "did you mean `crates.io`?",
        ),
        (
            "POST",
            "/v1/query",
            r#"{"package": {"name": "cohttp", "ecosystem": "opam"}, "version": "6.2 .1"}"#,
            400,
            3,
            "invalid version `6.2 .1` for ecosystem opam",
        ),
        (
            "POST",
            "/v1/query",
            r#"{"package": {"name": "a", "ecosystem": "crates.io"}, "version": "1.0"}"#,
            400,
            3,
            "is not a semantic version",
        ),
        (
            "POST",
            "/v1/query",
            r#"{"commit": "abc", "page_token": "%%%"}"#,
            400,
            3,
            "invalid page_token",
        ),
        (
            "POST",
            "/v1/querybatch",
            r#"{"queries": [{"commit": "ab"}, {"commit": "zz"}]}"#,
            400,
            3,
            "error in query at index 1: invalid hash `zz`",
        ),
        (
            "POST",
            "/v1/querybatch",
            r#"{"queries": {}}"#,
            400,
            3,
            "invalid type: map, expected a sequence",
        ),
        (
            "GET",
            "/v1/query",
            "",
            405,
            12,
            "method GET is not allowed on /v1/query",
        ),
        (
            "POST",
            "/v1/vulns/OSEC-2026-16",
            "",
            405,
            12,
            "method POST is not allowed",
        ),
        (
            "GET",
            "/v2/query",
            "",
            404,
            5,
            "no such endpoint: GET /v2/query",
        ),
        ("GET", "/v1/vulns/", "", 404, 5, "no such endpoint"),
    ];
    for (method, path, body, status, code, expected) in cases {
        let message = server
            .request(method, path, body.to_string())
            .await
            .error(*status, *code);
        assert!(
            message.contains(expected),
            "{method} {path} {body}: {message}"
        );
    }
    // Each was counted with its status.
    let metrics = server.metrics().await;
    assert!(
        metric(
            &metrics,
            r#"osec_http_requests_total{route="/v1/query",status="400"}"#
        )
        .unwrap()
            >= 9.0,
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            r#"osec_http_requests_total{route="unmatched",status="404"}"#
        ),
        Some(2.0)
    );
    server.stop().await;
}

#[tokio::test]
async fn healthz_and_metrics_describe_what_is_served() {
    let server = both().await;
    let health = server.get("/healthz").await;
    assert_eq!(health.status, 200);
    let databases: Vec<(String, u64)> = health.json()["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["db"].as_str().unwrap().to_owned(),
                d["records"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(databases.len(), 2);
    assert_eq!((databases[0].1, databases[1].1), (5, 26));
    assert_eq!(health.json()["records"], 31);
    let _ = server.get("/v1/vulns/OSEC-2026-16").await;
    let metrics = server.metrics().await;
    let zip = embedded_zip().display().to_string();
    assert_eq!(
        metric(&metrics, &format!(r#"osec_db_records{{db="{zip}"}}"#)),
        Some(26.0),
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            r#"osec_http_requests_total{route="/v1/vulns/{id}",status="200"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        metric(
            &metrics,
            r#"osec_http_request_duration_seconds_count{route="/v1/vulns/{id}"}"#
        ),
        Some(1.0)
    );
    // The newest record of the crates.io fixture is of 2024-08-01: over a year old.
    let crates = crates_io().display().to_string();
    let age = metric(
        &metrics,
        &format!(r#"osec_db_age_seconds{{db="{crates}"}}"#),
    )
    .unwrap();
    assert!(age > 365.0 * 86_400.0, "{age}");
    assert!(metric(&metrics, "osec_db_loaded_timestamp_seconds").unwrap() > 1.7e9);
    assert!(metrics.ends_with("# EOF\n"));
    server.stop().await;
}

#[tokio::test]
async fn an_id_in_two_databases_is_refused_at_start() {
    let options = crate::support::options(&[&crates_io(), &crates_io()]);
    let error = server::Server::bind(options)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(error.starts_with("record "), "{error}");
    assert!(error.contains("an ID names one record"), "{error}");
}
