//! Integration tests of the server: each starts one on 127.0.0.1:0 and talks HTTP
//! to it over loopback. One module a topic.

// Tests tell plainly when they are skipped.
#![allow(clippy::print_stderr)]

/// Slow clients, huge bodies, too many queries, malformed requests: JSON errors,
/// and the server keeps serving.
mod bad_input;
/// Every endpoint and its errors, on the crates.io fixture and the embedded opam
/// database served together.
mod endpoints;
/// Pages of `/v1/query` and the budget of `/v1/querybatch`.
mod paging;
/// Answers equal to what the real records say, version by version.
mod real_data;
/// Reloads: under load, failed, on file change, on SIGHUP; graceful shutdown.
mod reload;
/// Starting servers and talking to them.
mod support;
