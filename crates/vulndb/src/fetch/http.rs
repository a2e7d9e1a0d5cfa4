//! The only code in osec that opens a network connection.
//!
//! This module is private to [`crate::fetch`], and [`get`] takes an
//! [`Online`] permit, which only [`Online::permit`] makes, and refuses under
//! `--offline` / `OSEC_OFFLINE=1`: the one path to the network goes through
//! that check.
//!
//! HTTPS uses rustls with the Mozilla root certificates (webpki-roots) compiled in: no
//! OpenSSL, no system TLS library. Proxies come from `HTTPS_PROXY`/`HTTP_PROXY`/
//! `ALL_PROXY` and `NO_PROXY`, as in curl.

use std::time::Duration;

use super::{Online, Timeouts};

/// The largest body accepted (osv.dev's opam `all.zip` is a few hundred kilobytes;
/// its largest ecosystems' are tens of megabytes).
pub(super) const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// What the server answered.
#[derive(Debug)]
pub(super) enum Answer {
    /// 304: the copy whose ETag was sent is current.
    NotModified,
    /// 200, with the whole body.
    Body(Download),
}

/// A downloaded body and the headers `db fetch` uses.
#[derive(Debug)]
pub(super) struct Download {
    /// The body, complete (its length checked against `Content-Length`).
    pub(super) bytes: Vec<u8>,
    /// `ETag`.
    pub(super) etag: Option<String>,
    /// `Last-Modified`.
    pub(super) last_modified: Option<String>,
    /// Every `x-goog-hash` value.
    pub(super) goog_hash: Vec<String>,
    /// `Content-MD5`.
    pub(super) content_md5: Option<String>,
}

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// No answer: DNS, connection, TLS, redirects.
    #[error("{0}")]
    Request(ureq::Error),
    /// Nothing arrived for longer than the idle limit.
    #[error(
        "the server sent nothing for {} s (the limit between two reads; raise it with --idle-timeout)",
        .0.as_secs_f64()
    )]
    Idle(Duration),
    /// The whole exchange took longer than the deadline.
    #[error(
        "the download did not finish within {} s (the deadline; raise it with --timeout)",
        .0.as_secs_f64()
    )]
    Deadline(Duration),
    /// An answer other than 200 or 304.
    #[error("the server answered HTTP {code}{reason}")]
    Status {
        /// The status code.
        code: u16,
        /// " Reason phrase", or empty.
        reason: String,
    },
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("the body is larger than the {MAX_BODY_BYTES}-byte limit")]
    TooLarge,
    /// The body could not be read to its end.
    #[error("reading the body failed: {0}")]
    Body(ureq::Error),
    /// The body is shorter or longer than its `Content-Length`.
    #[error(
        "the body has {got} bytes, but Content-Length says {expected}: the transfer was cut short"
    )]
    Truncated {
        /// `Content-Length`.
        expected: u64,
        /// Bytes received.
        got: u64,
    },
}

impl HttpError {
    /// Whether trying again later may help (as opposed to a wrong URL).
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Status { code, .. } => *code >= 500 || *code == 429 || *code == 408,
            HttpError::TooLarge => false,
            _ => true,
        }
    }

    /// A timeout as the limit it hit; other errors as `wrap` makes them.
    fn from_ureq(error: ureq::Error, timeouts: Timeouts, wrap: fn(ureq::Error) -> Self) -> Self {
        match error {
            ureq::Error::Timeout(ureq::Timeout::Global) => HttpError::Deadline(timeouts.total),
            ureq::Error::Timeout(_) => HttpError::Idle(timeouts.idle),
            other => wrap(other),
        }
    }
}

/// `GET url`, with `If-None-Match: etag` when one is given, within `timeouts`.
pub(super) fn get(
    _permit: &Online,
    url: &str,
    etag: Option<&str>,
    timeouts: Timeouts,
) -> Result<Answer, HttpError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_resolve(Some(timeouts.idle))
        .timeout_connect(Some(timeouts.idle))
        .timeout_per_read(Some(timeouts.idle))
        .timeout_per_write(Some(timeouts.idle))
        .timeout_global(Some(timeouts.total))
        .user_agent(concat!(
            "osec/",
            env!("CARGO_PKG_VERSION"),
            " (+https://github.com/ocaml/osec)"
        ))
        .build()
        .into();
    let mut request = agent.get(url);
    if let Some(etag) = etag {
        request = request.header("If-None-Match", etag);
    }
    let mut response = request
        .call()
        .map_err(|e| HttpError::from_ureq(e, timeouts, HttpError::Request))?;
    let status = response.status();
    if status == ureq::http::StatusCode::NOT_MODIFIED {
        return Ok(Answer::NotModified);
    }
    if status != ureq::http::StatusCode::OK {
        return Err(HttpError::Status {
            code: status.as_u16(),
            reason: status
                .canonical_reason()
                .map(|r| format!(" {r}"))
                .unwrap_or_default(),
        });
    }
    let headers = response.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header("etag");
    let last_modified = header("last-modified");
    let content_md5 = header("content-md5");
    let goog_hash = headers
        .get_all("x-goog-hash")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect();
    let declared = response.body().content_length();
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(HttpError::TooLarge);
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge,
            other => HttpError::from_ureq(other, timeouts, HttpError::Body),
        })?;
    if let Some(expected) = declared.filter(|n| *n != bytes.len() as u64) {
        return Err(HttpError::Truncated {
            expected,
            got: bytes.len() as u64,
        });
    }
    Ok(Answer::Body(Download {
        bytes,
        etag,
        last_modified,
        goog_hash,
        content_md5,
    }))
}
