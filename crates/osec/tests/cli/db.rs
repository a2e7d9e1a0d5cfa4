//! `osec db fetch` against a server on 127.0.0.1, `osec db status`, and `--offline`
//! (issue 8). Every run has its own cache (`XDG_CACHE_HOME` in its temporary directory).

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use md5::Digest as _;
use serde_json::Value;

use crate::server::{Request, Server, response};
use crate::support::{
    Output, TestDir, no_opam_records, pypi_zip, scenario, zip_naming_an_entry_twice, zip_of,
};

/// The embedded snapshot (vulndb's, feature `embedded`): 26 valid records.
fn real_zip() -> Vec<u8> {
    std::fs::read(embedded_path()).unwrap()
}

fn embedded_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vulndb/data/opam-all.zip")
}

/// One record that makes cohttp 6.3.0 (the clean scenario's, fixed for OSEC-2026-16)
/// vulnerable.
fn cohttp_zip() -> Vec<u8> {
    zip_of(&[(
        "OSEC-2026-99.json",
        r#"{"schema_version":"1.7.4","id":"OSEC-2026-99","modified":"2026-11-01T00:00:00Z",
"published":"2026-11-01T00:00:00Z","summary":"A test record on the fixed cohttp",
"affected":[{"package":{"ecosystem":"opam","name":"cohttp","purl":"pkg:opam/cohttp"},
"versions":["6.3.0"]}]}"#,
    )])
}

fn md5_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes))
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A 200 answer with `zip`, an ETag, Last-Modified and GCS's checksum header.
fn ok(zip: &[u8], etag: &str) -> Vec<u8> {
    let hash = format!("md5={}", md5_base64(zip));
    response(
        "200 OK",
        &[
            ("ETag", etag),
            ("Last-Modified", "Sun, 29 Nov 2026 10:00:00 GMT"),
            ("x-goog-hash", &hash),
            ("Content-Type", "application/zip"),
        ],
        zip,
    )
}

/// A server that serves `zip` with ETag `"v1"` on every path, and 304 to a request
/// carrying that ETag.
fn serving(zip: Vec<u8>) -> Server {
    Server::start(move |request: &Request| {
        if request.header("if-none-match") == Some("\"v1\"") {
            response("304 Not Modified", &[("ETag", "\"v1\"")], b"")
        } else {
            ok(&zip, "\"v1\"")
        }
    })
}

fn cache_files(dir: &TestDir) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(dir.cache().join("opam-all.zip")).unwrap(),
        std::fs::read(dir.cache().join("opam-all.meta.json")).unwrap(),
    )
}

fn metadata(dir: &TestDir) -> Value {
    serde_json::from_slice(&cache_files(dir).1).unwrap()
}

fn fetch(dir: &TestDir, url: &str) -> Output {
    dir.osec(&["db", "fetch", "--url", url])
}

#[test]
fn first_fetch_writes_the_database_and_its_metadata() {
    let dir = TestDir::new();
    let server = serving(real_zip());
    let url = server.url("/opam/all.zip");
    let out = fetch(&dir, &url);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.starts_with(&format!(
            "fetched 26 records from {url} ({} bytes, checksums match)\nwrote ",
            real_zip().len()
        )),
        "{}",
        out.stdout
    );
    let (zip, _) = cache_files(&dir);
    assert_eq!(zip, real_zip());
    let meta = metadata(&dir);
    assert_eq!(meta["url"], url.as_str());
    assert_eq!(meta["etag"], "\"v1\"");
    assert_eq!(meta["last_modified"], "Sun, 29 Nov 2026 10:00:00 GMT");
    assert_eq!(meta["sha256"], sha256_hex(&real_zip()).as_str());
    assert_eq!(meta["records"], 26);
    assert_eq!(meta["fetched_at"], meta["checked_at"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path(), "/opam/all.zip");
    assert_eq!(requests[0].header("if-none-match"), None);
    // No temporary file is left behind.
    let mut names: Vec<_> = std::fs::read_dir(dir.cache())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["opam-all.meta.json", "opam-all.zip"]);
}

#[test]
fn second_fetch_sends_the_etag_and_a_304_keeps_the_file() {
    let dir = TestDir::new();
    let server = serving(real_zip());
    let url = server.url("/all.zip");
    assert_eq!(fetch(&dir, &url).code, 0);
    let (zip_before, _) = cache_files(&dir);
    let before = metadata(&dir);
    let out = fetch(&dir, &url);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("up to date: ") && out.stdout.contains("(26 records, unchanged"),
        "{}",
        out.stdout
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    let (zip_after, _) = cache_files(&dir);
    assert_eq!(zip_after, zip_before);
    let after = metadata(&dir);
    for field in [
        "url",
        "etag",
        "last_modified",
        "fetched_at",
        "sha256",
        "records",
    ] {
        assert_eq!(after[field], before[field], "{field}");
    }
    let checked =
        |meta: &Value| -> jiff::Timestamp { meta["checked_at"].as_str().unwrap().parse().unwrap() };
    assert!(checked(&after) >= checked(&before));
}

#[test]
fn an_etag_from_another_url_is_not_sent() {
    let dir = TestDir::new();
    let server = serving(real_zip());
    assert_eq!(fetch(&dir, &server.url("/a/all.zip")).code, 0);
    assert_eq!(fetch(&dir, &server.url("/b/all.zip")).code, 0);
    assert_eq!(server.requests()[1].header("if-none-match"), None);
    assert_eq!(metadata(&dir)["url"], server.url("/b/all.zip").as_str());
}

/// Answers of a broken or hostile server, each with what the error must say.
fn bad_answers() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let real = real_zip();
    let mut truncated = response("200 OK", &[], &real);
    truncated.truncate(truncated.len() - real.len() / 2);
    let wrong_md5 = {
        let hash = format!("md5={}", md5_base64(b"something else"));
        response("200 OK", &[("x-goog-hash", hash.as_str())], &real)
    };
    vec![
        (
            "corrupt zip",
            response("200 OK", &[], b"PK\x03\x04 this is not a zip archive"),
            "the download does not verify: bad.zip: not a readable zip archive",
        ),
        (
            "invalid record",
            response(
                "200 OK",
                &[],
                &zip_of(&[("OSEC-2026-99.json", r#"{"id": "OSEC-2026-99"}"#)]),
            ),
            "the download does not verify: bad.zip!OSEC-2026-99.json:1:22: missing field `modified`",
        ),
        (
            "no record",
            response("200 OK", &[], &zip_of(&[("README", "nothing")])),
            "no OSV records",
        ),
        ("truncated body", truncated, "reading the body failed"),
        (
            "server error",
            response("500 Internal Server Error", &[], b"oops"),
            "HTTP 500 Internal Server Error",
        ),
        (
            "not found",
            response("404 Not Found", &[], b"no"),
            "HTTP 404 Not Found",
        ),
        ("checksum mismatch", wrong_md5, "the body's MD5 is "),
        (
            "too large",
            b"HTTP/1.1 200 OK\r\nContent-Length: 268435457\r\nConnection: close\r\n\r\nPK".to_vec(),
            "the body is larger than the 268435456-byte limit",
        ),
        (
            "malformed checksum",
            response("200 OK", &[("x-goog-hash", "md5=???")], &real),
            "x-goog-hash md5: `???` is not 16 bytes in base64",
        ),
    ]
}

#[test]
fn a_failed_or_unverified_download_leaves_the_previous_database_byte_identical() {
    for (case, answer, reason) in bad_answers() {
        let dir = TestDir::new();
        let good = real_zip();
        let server = Server::start(move |request: &Request| {
            if request.path() == "/good.zip" {
                ok(&good, "\"v1\"")
            } else {
                answer.clone()
            }
        });
        assert_eq!(fetch(&dir, &server.url("/good.zip")).code, 0, "{case}");
        let before = cache_files(&dir);
        let url = server.url("/bad.zip");
        let out = fetch(&dir, &url);
        assert_eq!(out.code, 2, "{case}: {}", out.stdout);
        assert!(
            out.stderr.starts_with(&format!("error: {url}: ")),
            "{case}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(reason), "{case}: {}", out.stderr);
        let kept = dir.cache().join("opam-all.zip");
        assert!(
            out.stderr.contains(&format!(
                "nothing was changed: `osec audit` keeps using {}",
                kept.display()
            )),
            "{case}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{case}");
        assert!(cache_files(&dir) == before, "{case}: the cache changed");
        let names = std::fs::read_dir(dir.cache()).unwrap().count();
        assert_eq!(names, 2, "{case}: a temporary file was left behind");
    }
}

#[test]
fn a_failed_first_download_writes_nothing() {
    let dir = TestDir::new();
    let server = Server::start(|_: &Request| response("503 Service Unavailable", &[], b""));
    let out = fetch(&dir, &server.url("/all.zip"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "nothing was changed: `osec audit` keeps using the embedded database; \
             check the connection"
        ),
        "{}",
        out.stderr
    );
    assert!(!dir.cache().exists());
}

#[test]
fn an_unreachable_server_is_an_error_naming_the_url() {
    let dir = TestDir::new();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/all.zip");
    let out = fetch(&dir, &url);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(&format!("error: {url}: ")),
        "{}",
        out.stderr
    );
}

#[test]
fn offline_refuses_to_fetch_and_touches_no_server() {
    let dir = TestDir::new();
    let server = serving(real_zip());
    let url = server.url("/all.zip");
    let runs = [
        dir.osec(&["--offline", "db", "fetch", "--url", &url]),
        dir.osec(&["db", "fetch", "--offline", "--url", &url]),
        dir.osec_with_env(&["db", "fetch", "--url", &url], &[("OSEC_OFFLINE", "1")]),
    ];
    for out in runs {
        assert_eq!(out.code, 2, "{}", out.stdout);
        assert!(
            out.stderr.starts_with(
                "error: `osec db fetch` needs the network, which --offline (or OSEC_OFFLINE) \
                 forbids; nothing was changed."
            ),
            "{}",
            out.stderr
        );
    }
    assert!(server.requests().is_empty());
    assert!(!dir.cache().exists());
    let out = dir.osec_with_env(&["db", "fetch", "--url", &url], &[("OSEC_OFFLINE", "0")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn audit_uses_the_fetched_database_and_offline_changes_nothing() {
    let dir = TestDir::new();
    let clean = scenario("clean");
    // Before any fetch: the embedded database, on which the clean project is clean.
    let out = dir.osec(&["audit", "--offline", &clean, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let server = serving(cohttp_zip());
    assert_eq!(fetch(&dir, &server.url("/all.zip")).code, 0);
    for args in [
        vec!["audit", &clean, "--format", "json"],
        vec!["--offline", "audit", &clean, "--format", "json"],
    ] {
        let out = dir.osec(&args);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let report: Value = serde_json::from_str(&out.stdout).unwrap();
        let cached = dir.cache().join("opam-all.zip");
        assert_eq!(
            report["database"]["source"],
            cached.display().to_string().as_str()
        );
        let ids: Vec<&str> = report["inputs"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        assert_eq!(ids, ["OSEC-2026-99"]);
    }
    assert_eq!(server.requests().len(), 1, "audit used the network");
    // --db still wins over the cache.
    let embedded = embedded_path();
    let out = dir.osec(&["audit", &clean, "--db", &embedded.display().to_string()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Replaces what changes from run to run (directory, port, times, day counts).
fn redact(text: &str, dir: &TestDir, server: &Server, meta: Option<&Value>) -> String {
    let mut text = text
        .replace(&dir.path().display().to_string(), "[DIR]")
        .replace(&server.url(""), "http://127.0.0.1:[PORT]");
    if let Some(meta) = meta {
        for field in ["fetched_at", "checked_at"] {
            text = text.replace(meta[field].as_str().unwrap(), &format!("[{field}]"));
        }
    }
    redact_days(&text)
}

/// `123 days` → `[N] days`.
fn redact_days(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(" days") {
        let before = &rest[..at];
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&before[..before.len() - digits]);
        out.push_str(if digits > 0 { "[N]" } else { "" });
        out.push_str(" days");
        rest = &rest[at + " days".len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn status_shows_the_fetched_database_its_origin_and_age() {
    let dir = TestDir::new();
    let server = serving(real_zip());
    assert_eq!(fetch(&dir, &server.url("/all.zip")).code, 0);
    let out = dir.osec(&["db", "status"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Fetched seconds ago: no warning, whatever the age of the records.
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout
            .contains("\nage: 0 days (since it was last fetched")
    );
    let meta = metadata(&dir);
    insta::assert_snapshot!(
        "status_after_fetch",
        redact(&out.stdout, &dir, &server, Some(&meta))
    );
}

#[test]
fn status_shows_the_embedded_database_and_warns_by_its_newest_record() {
    let dir = TestDir::new();
    let out = dir.osec(&["db", "status"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("status_embedded", redact_days(&out.stdout));
    let newest: jiff::Timestamp = "2026-08-22T11:05:00Z".parse().unwrap();
    let days = (jiff::Timestamp::now().as_second() - newest.as_second()) / 86_400;
    assert!(
        out.stdout
            .contains(&format!("\nage: {days} days (since its newest record)\n"))
    );
    assert_eq!(
        out.stderr.starts_with("warning: the database is"),
        days > 90,
        "{}",
        out.stderr
    );
}

#[test]
fn a_cache_last_checked_long_ago_is_stale_for_status_and_audit() {
    let dir = TestDir::new();
    let server = serving(cohttp_zip());
    assert_eq!(fetch(&dir, &server.url("/all.zip")).code, 0);
    let meta_path = dir.cache().join("opam-all.meta.json");
    let mut meta = metadata(&dir);
    meta["checked_at"] = Value::from("2026-01-01T00:00:00Z");
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta).unwrap()).unwrap();
    let since: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let days = (jiff::Timestamp::now().as_second() - since.as_second()) / 86_400;
    let warning = format!(
        "warning: the database is {days} days old (counted from its last fetch; more \
         than 90): refresh it with `osec db fetch`, or pass --db with a recent all.zip\n"
    );
    let status = dir.osec(&["db", "status"]);
    assert_eq!(status.stderr, warning);
    let audit = dir.osec(&["audit", &scenario("clean")]);
    assert_eq!(audit.code, 1, "{}", audit.stderr);
    assert!(audit.stderr.contains(&warning), "{}", audit.stderr);
}

#[test]
fn metadata_that_does_not_describe_the_cache_is_reported_and_not_used() {
    let dir = TestDir::new();
    let server = serving(real_zip());
    let url = server.url("/all.zip");
    assert_eq!(fetch(&dir, &url).code, 0);
    // Another valid database replaces the zip behind the metadata's back.
    std::fs::write(dir.cache().join("opam-all.zip"), cohttp_zip()).unwrap();
    let out = dir.osec(&["db", "status"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "\nfetched: unknown ({} describes other bytes than the database beside it)\n",
            dir.cache().join("opam-all.meta.json").display()
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("(since its newest record)"),
        "{}",
        out.stdout
    );
    // The next fetch does not revalidate a copy it cannot vouch for: it downloads.
    let out = fetch(&dir, &url);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.requests()[1].header("if-none-match"), None);
    assert_eq!(cache_files(&dir).0, real_zip());
}

#[test]
fn status_describes_a_database_given_with_db() {
    let dir = TestDir::new();
    let path = dir.path().join("one.zip");
    std::fs::write(&path, cohttp_zip()).unwrap();
    let out = dir.osec(&["db", "status", "--db", &path.display().to_string()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(&format!(
            "database: {} (--db)\nrecords: 1\nnewest record: 2026-11-01T00:00:00Z (",
            path.display()
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn a_corrupt_cache_is_an_error_saying_what_to_do_and_fetch_repairs_it() {
    let dir = TestDir::new();
    std::fs::create_dir_all(dir.cache()).unwrap();
    std::fs::write(dir.cache().join("opam-all.zip"), b"not a zip").unwrap();
    let out = dir.osec(&["audit", &scenario("clean")]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains(&format!(
            "error: loading the cached database {} (run `osec db fetch` to replace it, or \
             delete it to use the embedded one)",
            dir.cache().join("opam-all.zip").display()
        )),
        "{}",
        out.stderr
    );
    let server = serving(real_zip());
    let out = fetch(&dir, &server.url("/all.zip"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Nothing to revalidate: the broken file had no metadata.
    assert_eq!(server.requests()[0].header("if-none-match"), None);
    let out = dir.osec(&["audit", &scenario("clean")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Issue 14: downloads that load as databases but must not replace the cache: an
/// entry name listed twice (the last copy withdrew the record), and an archive of
/// another ecosystem (PyPI's `all.zip` at a mistyped --url). On main both replaced it.
#[test]
fn fetch_refuses_an_ambiguous_archive_or_one_without_opam_records() {
    let pypi = pypi_zip();
    for (case, bad, reason) in [
        (
            "one name twice",
            zip_naming_an_entry_twice(),
            "the download does not verify: bad.zip: entries 1 and 2 are both named \
             OSEC-2026-99.json: the archive is ambiguous",
        ),
        (
            "PyPI only",
            pypi,
            "the download does not verify: it holds 1 records, none about an opam package \
             (ecosystems: PyPI)",
        ),
    ] {
        let dir = TestDir::new();
        let good = real_zip();
        let server = Server::start(move |request: &Request| {
            if request.path() == "/good.zip" {
                ok(&good, "\"v1\"")
            } else {
                ok(&bad, "\"v2\"")
            }
        });
        assert_eq!(fetch(&dir, &server.url("/good.zip")).code, 0, "{case}");
        let before = cache_files(&dir);
        let out = fetch(&dir, &server.url("/bad.zip"));
        assert_eq!(out.code, 2, "{case}: {}", out.stdout);
        assert!(out.stderr.contains(reason), "{case}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("nothing was changed: `osec audit` keeps using"),
            "{case}: {}",
            out.stderr
        );
        assert!(cache_files(&dir) == before, "{case}: the cache changed");
    }
}

/// Issue 14: a server that sends a byte every half second kept `db fetch` busy until
/// its 600 s global timeout; the deadline is now 30 s by default, and --timeout sets it.
#[test]
fn a_server_trickling_the_body_fails_at_the_deadline() {
    let dir = TestDir::new();
    let server = Server::start_streaming(|_: &Request, stream: &mut std::net::TcpStream| {
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n";
        if stream.write_all(head).is_err() {
            return;
        }
        for _ in 0..120 {
            if stream
                .write_all(b"P")
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    });
    let url = server.url("/all.zip");
    let out = dir.osec(&["db", "fetch", "--url", &url, "--timeout", "2"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.starts_with(&format!(
            "error: {url}: the download did not finish within 2 s (the deadline; raise it \
             with --timeout)\n  nothing was changed: `osec audit` keeps using the embedded \
             database; check the connection"
        )),
        "{}",
        out.stderr
    );
    assert!(!dir.cache().exists());
}

/// A server that answers the headers and then goes silent fails at the idle limit.
#[test]
fn a_server_that_stops_sending_fails_at_the_idle_limit() {
    let dir = TestDir::new();
    let server = Server::start_streaming(|_: &Request, stream: &mut std::net::TcpStream| {
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nPK";
        if stream.write_all(head).is_err() {
            return;
        }
        // Wait (without sending) until the client hangs up, at most 30 s.
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(100)));
        let mut byte = [0u8; 1];
        for _ in 0..300 {
            if let Ok(0) = stream.peek(&mut byte) {
                return;
            }
        }
    });
    let url = server.url("/all.zip");
    let out = dir.osec(&["db", "fetch", "--url", &url, "--idle-timeout", "1"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.starts_with(&format!(
            "error: {url}: the server sent nothing for 1 s (the limit between two reads; \
             raise it with --idle-timeout)\n"
        )),
        "{}",
        out.stderr
    );
}

/// Issue 14: `db status` describes a database as `audit` would use it, so it refuses
/// one without opam records too, unless told otherwise.
#[test]
fn status_refuses_a_database_without_opam_records_unless_allowed() {
    let dir = TestDir::new();
    let path = dir.path().join("pypi.zip");
    std::fs::write(&path, pypi_zip()).unwrap();
    let db = path.display().to_string();
    let out = dir.osec(&["db", "status", "--db", &db]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(out.stderr, no_opam_records(&db));
    let out = dir.osec(&["db", "status", "--db", &db, "--allow-empty-db"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with(&format!("database: {db} (--db)\nrecords: 1\n"))
    );
}
