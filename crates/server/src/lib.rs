//! The OSV-compatible HTTP API over any OSV database: what `osec serve` runs.
//!
//! # What this crate owns
//!
//! - The osv.dev v1 API (`docs/api/` and `proto/v1/osv_service_v1.proto` of
//!   google/osv.dev), over HTTP/1.1:
//!   - `POST /v1/query`: by `package` (`name` and `ecosystem`, or `purl`) and
//!     `version`, or by `commit`; a package without a version answers all its
//!     records; pages of [`Limits::page_size`] records, continued with
//!     `page_token`.
//!   - `POST /v1/querybatch`: up to [`MAX_BATCH_QUERIES`] queries, answered in
//!     order with `{id, modified}` only.
//!   - `GET /v1/vulns/{id}`: a record by ID (case-sensitive) or, failing that,
//!     by alias.
//!   - `GET /healthz` and `GET /metrics` (Prometheus; see `metrics.rs` for
//!     the list).
//! - What a `--db` names ([`DatabaseSpec`]): OSV directories and `all.zip`
//!   files of any ecosystem (loaded by vulndb), directories of OSEC advisories
//!   (linted and converted by `advisory`), or the database `osec audit` uses
//!   without one (vulndb's [`vulndb::source::Choice`]). Several at once form
//!   one [`Store`]; an ID in two of them is an error.
//! - The checks of a query (`request.rs`), errors as JSON `{code, message}`
//!   with osv.dev's gRPC codes, and limits ([`Limits`]): body size, request
//!   time, header read time (slow clients), requests in flight, connections.
//! - Reloading (`reload.rs`): on SIGHUP, on a change of the files (polled),
//!   or through [`Handle::reload`]; the new store is swapped in whole, and a
//!   reload that fails leaves the old one serving.
//! - Running ([`Server`]): bind, serve, graceful shutdown ([`shutdown_signal`]).
//!
//! # What it does not own
//!
//! Loading, indexing and matching records (vulndb: [`vulndb::Database::query`]
//! answers every package query), the OSV model (`osv`), advisories and their
//! conversion (`advisory`), package URLs (`purl`), installing a log
//! subscriber and reading the command line (`osec`).
//!
//! # Phases
//!
//! 1. [`Server::bind`]: load every database ([`Store::load`]), bind the address.
//! 2. [`Server::run`]: accept connections; each request reads the store in use.
//! 3. Reloads swap a new store in; a shutdown finishes the requests open.
//!
//! # Example
//!
//! ```no_run
//! # async fn example() -> Result<(), server::ServeError> {
//! let databases = vec![server::DatabaseSpec::path("all.zip")];
//! let options = server::Options::new("127.0.0.1:8080".parse().unwrap(), databases);
//! let server = server::Server::bind(options).await?;
//! server.run(server::shutdown_signal()).await
//! # }
//! ```
//!
//! # Limitations
//!
//! - Commit queries find records whose GIT ranges name the commit as
//!   `introduced` or `last_affected`. osv.dev walks each repository's
//!   history to find every commit between the events; offline, the commits
//!   in between are unknown and not found.
//! - Queries by ecosystem `GIT` (a repository URL and a tag) match the tags a
//!   record lists in `versions` for the first GIT range's repository, as
//!   osv.dev does; URLs are compared without scheme, `.git` and trailing `/`.
//! - Names and ecosystems are compared as given (vulndb's rule): no PyPI name
//!   normalisation, and ecosystem `Debian` does not find records of
//!   `Debian:12`. ECOSYSTEM ranges are evaluated for opam only; other
//!   ecosystems match through `versions` lists and SEMVER ranges.
//! - A package URL of a type no OSV ecosystem has finds nothing (200, no
//!   records), as osv.dev answers.
//! - HTTP/1.1 only (no HTTP/2, which osv.dev recommends for answers of many
//!   megabytes; answers here are bounded by the page sizes).
//! - A client that stops reading an answer keeps its connection until the
//!   answer is written; [`Limits::max_connections`] bounds how many can.

#![forbid(unsafe_code)]

mod api;
mod error;
mod metrics;
mod reload;
mod request;
mod serve;
mod source;
mod store;

pub use api::MAX_BATCH_QUERIES;
pub use error::{LoadError, ReloadError, ServeError};
pub use serve::{Handle, Limits, Options, Server, run, shutdown_signal};
pub use source::{DatabaseSpec, LoadedDatabase};
pub use store::Store;
