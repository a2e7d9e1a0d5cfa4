//! Reloads: under load, failed, on a change of the files, on SIGHUP; and a
//! graceful shutdown.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use server::ReloadError;
use tokio::io::AsyncWriteExt as _;

use crate::support::{
    copy_dir, crates_io, metric, options, raw, read_until_closed, start, start_with,
};

/// A record about ringbuf-demo 0.8.0 (not in the fixture).
fn extra_record() -> String {
    json!({
        "id": "RUSTSEC-2024-9999",
        "modified": "2024-09-01T00:00:00Z",
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": "ringbuf-demo"},
            "versions": ["0.8.0"]
        }]
    })
    .to_string()
}

/// Records about other packages, so that a load takes a while.
fn write_filler(dir: &Path, count: usize) {
    for i in 0..count {
        let record = json!({
            "id": format!("RUSTSEC-2098-{i:04}"),
            "modified": "2024-01-01T00:00:00Z",
            "affected": [{
                "package": {"ecosystem": "crates.io", "name": format!("filler-{i}")},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}]}]
            }]
        });
        std::fs::write(dir.join(format!("filler-{i}.json")), record.to_string()).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloads_under_load_fail_no_request() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&crates_io(), dir.path());
    write_filler(dir.path(), 2000);
    let server = Arc::new(start(&[dir.path()]).await);
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let (old, new) = (
        vec!["GHSA-9001-demo-abcd", "RUSTSEC-2024-9001"],
        vec![
            "GHSA-9001-demo-abcd",
            "RUSTSEC-2024-9001",
            "RUSTSEC-2024-9999",
        ],
    );
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (server, stop, answered) = (server.clone(), stop.clone(), answered.clone());
        let (old, new) = (old.clone(), new.clone());
        clients.push(tokio::spawn(async move {
            let mut seen = (0, 0);
            // Bounded: the reloads below end it; the count is a safety stop.
            for _ in 0..1_000_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let ids = server.ids("crates.io", "ringbuf-demo", "0.8.0").await;
                if ids == old {
                    seen.0 += 1;
                } else if ids == new {
                    seen.1 += 1;
                } else {
                    panic!("neither the old nor the new answer: {ids:?}");
                }
                let record = server.get("/v1/vulns/RUSTSEC-2024-9001").await;
                assert_eq!(record.status, 200);
                answered.fetch_add(2, Ordering::Relaxed);
            }
            seen
        }));
    }
    let extra = dir.path().join("RUSTSEC-2024-9999.json");
    let mut during = 0;
    for round in 0..6 {
        if round % 2 == 0 {
            std::fs::write(&extra, extra_record()).unwrap();
        } else {
            std::fs::remove_file(&extra).unwrap();
        }
        let before = answered.load(Ordering::Relaxed);
        let records = server.handle.reload().await.unwrap();
        during += answered.load(Ordering::Relaxed) - before;
        assert_eq!(records, if round % 2 == 0 { 2006 } else { 2005 });
    }
    stop.store(true, Ordering::Relaxed);
    let mut seen = (0, 0);
    for client in clients {
        // A failed request panics its client, which fails here.
        let (old, new) = client.await.unwrap();
        seen = (seen.0 + old, seen.1 + new);
    }
    assert!(during > 0, "no request was answered while reloading");
    assert!(seen.0 > 0 && seen.1 > 0, "{seen:?}");
    let metrics = server.metrics().await;
    assert_eq!(
        metric(&metrics, r#"osec_db_reloads_total{result="ok"}"#),
        Some(6.0)
    );
    assert_eq!(
        metric(
            &metrics,
            r#"osec_http_requests_total{route="/v1/query",status="503"}"#
        ),
        None
    );
    Arc::into_inner(server).unwrap().stop().await;
}

#[tokio::test]
async fn a_failed_reload_keeps_the_databases_in_use() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&crates_io(), dir.path());
    let server = start(&[dir.path()]).await;
    let broken = dir.path().join("RUSTSEC-2024-9999.json");
    std::fs::write(
        &broken,
        "{\"id\": \"RUSTSEC-2024-9999\",\n  \"modified\": }",
    )
    .unwrap();
    let error = server.handle.reload().await.unwrap_err();
    assert!(matches!(error, ReloadError::Load(_)));
    let message = format!(
        "{error}: {}",
        std::error::Error::source(&error).map_or(String::new(), |s| s.to_string())
    );
    assert!(
        message.contains(&format!("{}:2:15", broken.display())),
        "{message}"
    );
    // Still the five records loaded before.
    assert_eq!(server.get("/healthz").await.json()["records"], 5);
    assert_eq!(
        server.ids("crates.io", "ringbuf-demo", "0.9.0").await,
        ["RUSTSEC-2024-9001"]
    );
    let metrics = server.metrics().await;
    assert_eq!(
        metric(&metrics, r#"osec_db_reloads_total{result="failed"}"#),
        Some(1.0)
    );
    // Repaired: the next reload takes it.
    std::fs::write(&broken, extra_record()).unwrap();
    assert_eq!(server.handle.reload().await.unwrap(), 6);
    assert_eq!(server.get("/v1/vulns/RUSTSEC-2024-9999").await.status, 200);
    server.stop().await;
}

/// Waits until `check` holds, for at most 10 s.
async fn eventually<F: std::future::Future<Output = bool>>(
    what: &str,
    mut check: impl FnMut() -> F,
) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not within 10 s: {what}");
}

#[tokio::test]
async fn a_change_of_the_files_is_noticed_and_a_broken_one_is_not_served() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&crates_io(), dir.path());
    let mut options = options(&[dir.path()]);
    options.poll_interval = Some(Duration::from_millis(50));
    let server = start_with(options).await;
    let extra = dir.path().join("RUSTSEC-2024-9999.json");
    std::fs::write(&extra, extra_record()).unwrap();
    eventually("the new record is served", || async {
        server.get("/v1/vulns/RUSTSEC-2024-9999").await.status == 200
    })
    .await;
    // Broken on disk: counted as failed, the loaded records stay.
    std::fs::write(dir.path().join("RUSTSEC-2024-9001.json"), "not json").unwrap();
    eventually("the failed reload is counted", || async {
        metric(
            &server.metrics().await,
            r#"osec_db_reloads_total{result="failed"}"#,
        ) == Some(1.0)
    })
    .await;
    assert_eq!(server.get("/v1/vulns/RUSTSEC-2024-9001").await.status, 200);
    // Not tried again while the files stay as they are.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        metric(
            &server.metrics().await,
            r#"osec_db_reloads_total{result="failed"}"#
        ),
        Some(1.0)
    );
    server.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn sighup_reloads() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&crates_io(), dir.path());
    let mut options = options(&[dir.path()]);
    options.reload_on_sighup = true;
    let server = start_with(options).await;
    std::fs::write(dir.path().join("RUSTSEC-2024-9999.json"), extra_record()).unwrap();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    eventually("the new record is served", || async {
        server.get("/v1/vulns/RUSTSEC-2024-9999").await.status == 200
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn a_shutdown_finishes_the_requests_being_answered() {
    let server = start(&[&crates_io()]).await;
    let body = br#"{"commit": "3f786850e387550fdab836ed7e6dc881de23001b"}"#;
    let mut stream = raw(server.addr).await;
    let head = format!(
        "POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.handle.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // No new connections…
    assert!(tokio::net::TcpStream::connect(server.addr).await.is_err());
    // …but the request begun is answered.
    stream.write_all(&body[10..]).await.unwrap();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("RUSTSEC-2024-9002"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
