//! Starting a server on loopback and talking to it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use server::{DatabaseSpec, Handle, Limits, Options, ServeError, Server};
use tokio::task::JoinHandle;

/// The crate's test data.
pub(crate) fn test_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The small crates.io database.
pub(crate) fn crates_io() -> PathBuf {
    test_data().join("crates-io")
}

/// The OSV snapshot of the OCaml advisories compiled into osec (26 records).
pub(crate) fn embedded_zip() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vulndb/data/opam-all.zip")
}

/// The shared reference data with `opam-repository.tar.gz`; otherwise the test is
/// skipped, a failure under CI (see crate `test-references`).
pub(crate) fn shared_data(test: &str) -> Option<PathBuf> {
    test_references::require_data(test, "opam-repository.tar.gz")
}

/// Copies the files of `from` (one level) into `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A running server and a client for it.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    pub(crate) handle: Handle,
    pub(crate) task: JoinHandle<Result<(), ServeError>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Options for a test server: `paths` as `--db`, no polling, no SIGHUP.
pub(crate) fn options(paths: &[&Path]) -> Options {
    let databases = paths.iter().map(|p| DatabaseSpec::path(*p)).collect();
    let mut options = Options::new("127.0.0.1:0".parse().unwrap(), databases);
    options.poll_interval = None;
    options.reload_on_sighup = false;
    options.shutdown_grace = Duration::from_secs(5);
    options
}

/// Starts a server serving `paths` with default options.
pub(crate) async fn start(paths: &[&Path]) -> TestServer {
    start_with(options(paths)).await
}

/// Starts a server with `limits` changed from the test options.
pub(crate) async fn start_limited(paths: &[&Path], limits: Limits) -> TestServer {
    let mut options = options(paths);
    options.limits = limits;
    start_with(options).await
}

/// Starts a server with these options.
pub(crate) async fn start_with(options: Options) -> TestServer {
    assert!(options.addr.ip().is_loopback(), "tests bind loopback only");
    let server = Server::bind(options).await.expect("the server starts");
    let addr = server.local_addr().unwrap();
    let handle = server.handle();
    let task = tokio::spawn(server.run(std::future::pending()));
    TestServer {
        addr,
        handle,
        task,
        // Idle connections are dropped before the quickest header read timeout of
        // the tests (300 ms) closes them on the server's side.
        client: Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_millis(200))
            .build_http(),
    }
}

/// An answer: status, content type and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: Bytes,
}

impl Answer {
    /// The body as JSON (fails the test if it is not).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts a JSON error `{code, message}` with this status and gRPC code;
    /// returns the message.
    pub(crate) fn error(&self, status: u16, code: u64) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type, "application/json");
        let json = self.json();
        assert_eq!(json["code"], code, "{json}");
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), 2, "only code and message: {json}");
        json["message"].as_str().unwrap().to_owned()
    }

    /// The IDs in `{"vulns": [...]}` (`{}`: none).
    pub(crate) fn ids(&self) -> Vec<String> {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        ids_of(&self.json())
    }
}

/// The IDs of a `VulnerabilityList` in JSON.
pub(crate) fn ids_of(list: &Value) -> Vec<String> {
    list.get("vulns").map_or_else(Vec::new, |vulns| {
        vulns
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    })
}

impl TestServer {
    /// `METHOD path` with `body`.
    pub(crate) async fn request(&self, method: &str, path: &str, body: impl Into<Bytes>) -> Answer {
        let request = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr))
            .body(Full::new(body.into()))
            .unwrap();
        let response = tokio::time::timeout(Duration::from_secs(30), self.client.request(request))
            .await
            .expect("an answer within 30 s")
            .expect("an answer");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            content_type,
            body,
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        self.request("GET", path, Bytes::new()).await
    }

    pub(crate) async fn post(&self, path: &str, body: impl Into<Bytes>) -> Answer {
        self.request("POST", path, body).await
    }

    /// `POST /v1/query` with this JSON.
    pub(crate) async fn query(&self, json: Value) -> Answer {
        self.post("/v1/query", json.to_string()).await
    }

    /// `POST /v1/querybatch` with these queries; the results.
    pub(crate) async fn batch(&self, queries: Vec<Value>) -> Vec<Value> {
        let answer = self
            .post(
                "/v1/querybatch",
                serde_json::json!({ "queries": queries }).to_string(),
            )
            .await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()["results"].as_array().unwrap().clone()
    }

    /// The IDs found for a package version.
    pub(crate) async fn ids(&self, ecosystem: &str, name: &str, version: &str) -> Vec<String> {
        self.query(serde_json::json!({
            "package": {"name": name, "ecosystem": ecosystem},
            "version": version,
        }))
        .await
        .ids()
    }

    /// The metrics text.
    pub(crate) async fn metrics(&self) -> String {
        let answer = self.get("/metrics").await;
        assert_eq!(answer.status, 200);
        String::from_utf8(answer.body.to_vec()).unwrap()
    }

    /// Stops the server and waits for it.
    pub(crate) async fn stop(self) {
        self.handle.shutdown();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the server stops within 10 s")
            .unwrap()
            .unwrap();
    }
}

/// The value of the metric line that starts with `prefix` (name and labels).
pub(crate) fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(prefix))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

/// A raw connection to `addr`, for clients that misbehave.
pub(crate) async fn raw(addr: SocketAddr) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(addr).await.unwrap()
}

/// Everything the server sends on `stream` until it closes it, or what came
/// within `within` (then `closed` is false).
pub(crate) async fn read_until_closed(
    stream: &mut tokio::net::TcpStream,
    within: Duration,
) -> (String, bool) {
    use tokio::io::AsyncReadExt as _;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return (String::from_utf8_lossy(&received).into_owned(), false),
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (String::from_utf8_lossy(&received).into_owned(), true);
            }
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}
