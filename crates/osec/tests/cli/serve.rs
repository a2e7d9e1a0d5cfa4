//! `osec serve`: started on 127.0.0.1 port 0, found through its "listening" log
//! line, asked over HTTP, and stopped with SIGTERM.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::TestDir;

fn embedded_zip() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vulndb/data/opam-all.zip")
}

/// A running `osec serve`, killed when dropped.
struct Serving {
    child: Child,
    addr: SocketAddr,
    logs: Vec<String>,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `osec serve --addr 127.0.0.1:0 ARGS` and waits for it to listen.
fn serve(dir: &TestDir, args: &[&str]) -> Serving {
    let mut command = Command::new(env!("CARGO_BIN_EXE_osec"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    dir.prepare(&mut command);
    let mut child = command.spawn().unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    // Killed and waited for when dropped, also when a check below fails.
    let mut serving = Serving {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        logs: Vec::new(),
        stderr,
    };
    loop {
        let mut line = String::new();
        let read = serving.stderr.read_line(&mut line).unwrap();
        assert!(read > 0, "no listening line: {:#?}", serving.logs);
        let json: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        serving.logs.push(line);
        if json["message"] == "listening" {
            serving.addr = json["addr"].as_str().unwrap().parse().unwrap();
            return serving;
        }
    }
}

/// `GET path` over a fresh connection: (status line, body).
fn get(addr: SocketAddr, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

#[test]
fn serves_a_database_and_stops_cleanly_on_sigterm() {
    let dir = TestDir::new();
    let zip = embedded_zip();
    let mut serving = serve(&dir, &["--db", zip.to_str().unwrap()]);
    let loaded: serde_json::Value = serde_json::from_str(&serving.logs[0]).unwrap();
    assert_eq!(loaded["message"], "loaded");
    assert_eq!(loaded["records"], 26);
    let (status, body) = get(serving.addr, "/v1/vulns/OSEC-2026-16");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let record: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(record["id"], "OSEC-2026-16");
    let killed = Command::new("kill")
        .args(["-TERM", &serving.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = serving.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let mut rest = String::new();
    serving.stderr.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("shutting down"), "{rest}");
}

#[test]
fn without_db_serves_the_database_audit_would_use() {
    let dir = TestDir::new();
    let serving = serve(&dir, &[]);
    let (status, body) = get(serving.addr, "/healthz");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["databases"][0]["db"], "<embedded>");
    assert_eq!(health["records"], 26);
}

#[test]
fn a_database_that_does_not_load_is_an_error_before_listening() {
    let dir = TestDir::new();
    dir.write("broken/RUSTSEC-2024-0001.json", "{\"id\": ");
    let output = dir.osec(&["serve", "--addr", "127.0.0.1:0", "--db", "broken"]);
    assert_eq!(output.code, 2, "{output:?}");
    assert!(
        output.stderr.contains("error: loading the database broken"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("RUSTSEC-2024-0001.json:1:7: EOF while parsing a value"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("listening"), "{}", output.stderr);
}
