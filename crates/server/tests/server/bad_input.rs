//! Slow clients, huge bodies, too many queries, garbage: each gets a JSON error or
//! its connection closed, nothing panics, and the server keeps serving others.

use std::time::{Duration, Instant};

use serde_json::json;
use server::Limits;
use tokio::io::AsyncWriteExt as _;

use crate::support::{TestServer, crates_io, raw, read_until_closed, start_limited};

fn quick_limits() -> Limits {
    Limits {
        max_body_bytes: 4096,
        request_timeout: Duration::from_millis(500),
        header_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    }
}

async fn quick() -> TestServer {
    start_limited(&[&crates_io()], quick_limits()).await
}

/// The server still answers a good query, and its task is still running.
async fn still_serving(server: &TestServer) {
    assert_eq!(
        server.ids("crates.io", "ringbuf-demo", "0.9.0").await,
        ["RUSTSEC-2024-9001"]
    );
    assert!(!server.task.is_finished(), "the server stopped");
}

/// The JSON error at the end of a raw HTTP answer: (status line, body).
fn split_answer(answer: &str) -> (&str, serde_json::Value) {
    let status = answer.lines().next().unwrap_or_default();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        status,
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}")),
    )
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_whether_announced_or_chunked() {
    let server = quick().await;
    let big = format!(r#"{{"commit": "{}"}}"#, "ab".repeat(3000));
    let message = server.post("/v1/query", big.clone()).await.error(413, 8);
    assert_eq!(
        message,
        "the request body is larger than 4096 bytes: split the batch"
    );
    // Chunked: no length announced, the limit is met while reading.
    let mut stream = raw(server.addr).await;
    let mut request = b"POST /v1/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for chunk in big.as_bytes().chunks(1000) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    stream.write_all(&request).await.unwrap();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed);
    let (status, body) = split_answer(&answer);
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    assert_eq!(body["code"], 8);
    still_serving(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn a_batch_of_1001_queries_is_refused_and_1000_are_answered() {
    let server = start_limited(&[&crates_io()], Limits::default()).await;
    let query =
        json!({"package": {"name": "ringbuf-demo", "ecosystem": "crates.io"}, "version": "0.9.0"});
    let batch = |n: usize| json!({"queries": vec![query.clone(); n]}).to_string();
    let message = server
        .post("/v1/querybatch", batch(1001))
        .await
        .error(400, 3);
    assert_eq!(
        message,
        "too many queries: 1001, at most 1000 in one batch; split it"
    );
    let answer = server.post("/v1/querybatch", batch(1000)).await;
    assert_eq!(answer.status, 200);
    let results = answer.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 1000);
    assert!(
        results
            .iter()
            .all(|r| r["vulns"][0]["id"] == "RUSTSEC-2024-9001")
    );
    still_serving(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn a_client_slow_to_send_its_headers_is_disconnected() {
    let server = quick().await;
    // Half a request line, then nothing; and a connection that never says anything.
    let mut slow = raw(server.addr).await;
    slow.write_all(b"POST /v1/query HT").await.unwrap();
    let mut silent = raw(server.addr).await;
    let started = Instant::now();
    // Others are answered meanwhile.
    still_serving(&server).await;
    for stream in [&mut slow, &mut silent] {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(10)).await;
        assert!(closed, "the connection is still open after 10 s");
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    still_serving(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn a_client_slow_to_send_its_body_gets_a_408() {
    let server = quick().await;
    let mut stream = raw(server.addr).await;
    stream
        .write_all(b"POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"commit\"")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let (status, body) = split_answer(&answer);
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert_eq!(body["code"], 4);
    assert_eq!(
        body["message"],
        "the request was not received and answered within 0.5 s"
    );
    still_serving(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn requests_past_the_in_flight_limit_get_a_503_but_health_checks_pass() {
    let limits = Limits {
        max_in_flight: 2,
        request_timeout: Duration::from_secs(2),
        ..quick_limits()
    };
    let server = start_limited(&[&crates_io()], limits).await;
    // Two requests whose bodies never finish hold the two places.
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut stream = raw(server.addr).await;
        stream
            .write_all(b"POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            .await
            .unwrap();
        holders.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let message = server
        .query(json!({"commit": "3f786850e387550fdab836ed7e6dc881de23001b"}))
        .await
        .error(503, 14);
    assert_eq!(
        message,
        "the server is answering 2 requests already: retry shortly"
    );
    assert_eq!(server.get("/healthz").await.status, 200);
    // Once they time out, requests are answered again.
    for mut stream in holders {
        let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    still_serving(&server).await;
    server.stop().await;
}

#[tokio::test]
async fn garbage_instead_of_http_is_refused_and_the_server_goes_on() {
    let server = quick().await;
    let mut stream = raw(server.addr).await;
    stream
        .write_all(b"\x00\x01\x02 not http at all\r\n\r\n")
        .await
        .unwrap();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    // Deeply nested JSON is an error, not a stack overflow.
    for depth in [2000, 100_000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let answer = server.post("/v1/query", nested).await;
        let message = if depth > 4096 / 2 {
            answer.error(413, 8)
        } else {
            answer.error(400, 3)
        };
        assert!(!message.is_empty());
    }
    let not_utf8 = server
        .post("/v1/query", vec![b'{', 0xff, b'}'])
        .await
        .error(400, 3);
    assert!(
        not_utf8.starts_with("invalid JSON payload at line 1, column 2"),
        "{not_utf8}"
    );
    still_serving(&server).await;
    server.stop().await;
}
