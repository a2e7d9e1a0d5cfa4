//! The routes, their answers, and the layers around them: limits, errors as
//! JSON, metrics and request logs.
//!
//! Every error is `{"code": N, "message": "…"}` with the gRPC code osv.dev's
//! gateway gives for the HTTP status (400 → 3 `INVALID_ARGUMENT`, 404 → 5
//! `NOT_FOUND`, 408 → 4 `DEADLINE_EXCEEDED`, 413 → 8 `RESOURCE_EXHAUSTED`,
//! 503 → 14 `UNAVAILABLE`, 500 → 13 `INTERNAL`), including the errors of
//! the layers (an unknown route, a method not allowed, a body too large, a
//! request too slow).

use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::Limits;
use crate::metrics::Metrics;
use crate::request::{
    BatchRequest, Checked, Cursor, FIRST_PAGE_TOKEN, Invalid, QueryRequest, page_token,
};
use crate::store::{Served, Store};

/// The most queries in one `POST /v1/querybatch`, as osv.dev.
pub const MAX_BATCH_QUERIES: usize = 1000;

/// The longest ID `GET /v1/vulns/{id}` looks up, as osv.dev.
const MAX_ID_LENGTH: usize = 100;

/// What every request can reach.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Arc<ArcSwap<Store>>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) limits: Limits,
    in_flight: Arc<Semaphore>,
}

impl AppState {
    pub(crate) fn new(store: Arc<ArcSwap<Store>>, metrics: Arc<Metrics>, limits: Limits) -> Self {
        let in_flight = Arc::new(Semaphore::new(limits.max_in_flight));
        AppState {
            store,
            metrics,
            limits,
            in_flight,
        }
    }
}

/// The application: routes and layers.
pub(crate) fn router(state: AppState) -> Router {
    let limits = state.limits;
    Router::new()
        .route("/v1/query", post(query))
        .route("/v1/querybatch", post(query_batch))
        .route("/v1/vulns/{id}", get(vuln))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .fallback(unknown_route)
        // Innermost first: the body limit, then the in-flight limit and the
        // time limit; errors of all of them become JSON, then are counted.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit_in_flight,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// An error answer.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::invalid(invalid.0)
    }
}

impl From<vulndb::Error> for ApiError {
    fn from(error: vulndb::Error) -> Self {
        tracing::error!(error = %error, "a database could not read a record back");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: a record could not be read",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "code": grpc_code(self.status),
            "message": self.message,
        });
        json_response(self.status, Bytes::from(body.to_string()))
    }
}

/// The gRPC status code osv.dev's gateway answers with for an HTTP status.
fn grpc_code(status: StatusCode) -> u8 {
    match status.as_u16() {
        400 => 3,
        404 => 5,
        405 | 501 => 12,
        408 | 504 => 4,
        413 | 429 => 8,
        500 => 13,
        503 => 14,
        _ => 2,
    }
}

fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The request body as JSON of type `T`, or the error to answer with.
fn parse_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    limits: &Limits,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limits)
        } else {
            ApiError::invalid(format!("could not read the request body: {rejection}"))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid(format!(
            "invalid JSON payload at line {}, column {}: {}",
            e.line(),
            e.column(),
            json_error_text(&e)
        ))
    })
}

/// serde_json's message without its own " at line L column C" suffix.
fn json_error_text(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn too_large(limits: &Limits) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is larger than {} bytes: split the batch",
            limits.max_body_bytes
        ),
    )
}

/// One page of `ids` (sorted): those after the cursor, at most `size`, and
/// the token of the next page when more remain.
fn page<'a, 'ids>(
    ids: &'a [&'ids str],
    cursor: &Cursor,
    size: usize,
) -> (&'a [&'ids str], Option<String>) {
    let start = match cursor {
        Cursor::Start => 0,
        Cursor::After(last) => ids.partition_point(|id| *id <= last.as_str()),
    };
    let rest = ids.get(start..).unwrap_or_default();
    if rest.len() <= size {
        return (rest, None);
    }
    let page = rest.get(..size).unwrap_or_default();
    (page, page.last().map(|last| page_token(last)))
}

/// `{"vulns": [...], "next_page_token": "..."}`, with the parts that are
/// empty left out (as proto3 JSON does: no records is `{}`).
fn vulnerability_list<'a>(
    records: impl ExactSizeIterator<Item = &'a Bytes>,
    next_page_token: Option<&str>,
    out: &mut Vec<u8>,
) {
    out.push(b'{');
    let has_records = records.len() > 0;
    if has_records {
        out.extend_from_slice(b"\"vulns\":[");
        for (i, record) in records.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(record);
        }
        out.push(b']');
    }
    if let Some(token) = next_page_token {
        if has_records {
            out.push(b',');
        }
        out.extend_from_slice(b"\"next_page_token\":");
        // A token is URL-safe base64: JSON needs no escapes, but stay exact.
        out.extend_from_slice(serde_json::to_string(token).unwrap_or_default().as_bytes());
    }
    out.push(b'}');
}

/// The records of `ids` (found in `store`, which they come from).
fn served<'s>(store: &'s Store, ids: &[&str]) -> Vec<&'s Served> {
    ids.iter().filter_map(|id| store.get(id)).collect()
}

/// `POST /v1/query`.
async fn query(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request: QueryRequest = parse_body(body, &state.limits)?;
    let Checked { lookup, cursor } = request.check()?;
    let store = state.store.load();
    let ids = store.find(&lookup)?;
    let (ids, next) = page(&ids, &cursor, state.limits.page_size);
    let records = served(&store, ids);
    let mut out = Vec::with_capacity(records.iter().map(|r| r.json.len() + 1).sum::<usize>() + 64);
    vulnerability_list(records.iter().map(|r| &r.json), next.as_deref(), &mut out);
    Ok(json_response(StatusCode::OK, Bytes::from(out)))
}

/// `POST /v1/querybatch`: each query's records as `{id, modified}`, in the
/// order of the queries. A query's page holds at most
/// [`Limits::batch_page_size`] records, and all pages together at most
/// [`Limits::batch_total`]: past that, a query that has records answers with
/// only a `next_page_token` to ask for them again (as osv.dev does).
async fn query_batch(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request: BatchRequest = parse_body(body, &state.limits)?;
    let queries = request.queries.unwrap_or_default();
    if queries.len() > MAX_BATCH_QUERIES {
        return Err(ApiError::invalid(format!(
            "too many queries: {}, at most {MAX_BATCH_QUERIES} in one batch; split it",
            queries.len()
        )));
    }
    let checked = queries
        .into_iter()
        .enumerate()
        .map(|(index, query)| {
            query.check().map_err(|Invalid(why)| {
                ApiError::invalid(format!("error in query at index {index}: {why}"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let store = state.store.load();
    let limits = state.limits;
    let mut budget = limits.batch_total;
    let mut out = Vec::with_capacity(64 + checked.len() * 16);
    out.extend_from_slice(b"{\"results\":[");
    for (index, Checked { lookup, cursor }) in checked.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        let found = store.find(lookup)?;
        let (ids, next) = if budget == 0 {
            // Out of budget: a query with records left starts again later.
            let (left, _) = page(&found, cursor, 1);
            let again = match cursor {
                Cursor::Start => FIRST_PAGE_TOKEN.to_owned(),
                Cursor::After(last) => page_token(last),
            };
            (&[][..], (!left.is_empty()).then_some(again))
        } else {
            page(&found, cursor, limits.batch_page_size.min(budget))
        };
        budget -= ids.len();
        let records = served(&store, ids);
        vulnerability_list(records.iter().map(|r| &r.brief), next.as_deref(), &mut out);
    }
    out.extend_from_slice(b"]}");
    Ok(json_response(StatusCode::OK, Bytes::from(out)))
}

/// `GET /v1/vulns/{id}`: the record with this ID, else the record with this
/// alias.
async fn vuln(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    if id.len() > MAX_ID_LENGTH {
        return Err(ApiError::invalid(format!(
            "ID is too long: IDs have at most {MAX_ID_LENGTH} characters"
        )));
    }
    let store = state.store.load();
    match store.resolve(&id) {
        Some(record) => Ok(json_response(StatusCode::OK, record.json.clone())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "Vulnerability not found: no record has the ID or alias `{id}` (IDs are case-sensitive)"
            ),
        )),
    }
}

/// `GET /healthz`: the server is up and serving these databases.
async fn health(State(state): State<AppState>) -> Response {
    let store = state.store.load();
    let databases: Vec<_> = store
        .databases()
        .iter()
        .map(|loaded| {
            serde_json::json!({
                "db": loaded.name(),
                "records": loaded.opened.db.len(),
            })
        })
        .collect();
    let body = serde_json::json!({
        "status": "ok",
        "records": store.len(),
        "databases": databases,
    });
    json_response(StatusCode::OK, Bytes::from(body.to_string()))
}

/// `GET /metrics`.
async fn metrics(State(state): State<AppState>) -> Response {
    let text = state.metrics.render(&state.store.load());
    let mut response = (StatusCode::OK, text).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

async fn unknown_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no such endpoint: {method} {}; the API is POST /v1/query, POST /v1/querybatch, GET /v1/vulns/{{id}}, GET /healthz and GET /metrics",
            uri.path()
        ),
    )
}

/// Refuses a request when [`Limits::max_in_flight`] are being answered
/// already (503), except health checks and metrics.
async fn limit_in_flight(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/healthz" || path == "/metrics" {
        return next.run(request).await;
    }
    let Ok(_permit) = state.in_flight.clone().try_acquire_owned() else {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the server is answering {} requests already: retry shortly",
                state.limits.max_in_flight
            ),
        )
        .into_response();
    };
    next.run(request).await
}

/// Turns the errors that layers and the router answer with (empty or plain
/// text) into JSON errors.
async fn json_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let limits = &state.limits;
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limits),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            status,
            format!(
                "the request was not received and answered within {} s",
                limits.request_timeout.as_secs_f64()
            ),
        ),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, format!("method {method} is not allowed on {path}"))
        }
        other => ApiError::new(
            other,
            other.canonical_reason().unwrap_or("error").to_owned(),
        ),
    };
    let mut json = error.into_response();
    // Keep what the layer said beyond the body (`Allow`, for one).
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            json.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    json
}

/// Counts and logs every request once answered.
async fn observe(State(state): State<AppState>, request: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = request.method().clone();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.observe(&route, status, elapsed.as_secs_f64());
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    if response.status().is_server_error() {
        tracing::warn!(%method, route, status, micros, "request");
    } else {
        tracing::debug!(%method, route, status, micros, "request");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_continue_after_the_last_id_and_say_when_more_remain() {
        let ids = ["A", "B", "C", "D", "E"];
        let (first, next) = page(&ids, &Cursor::Start, 2);
        assert_eq!(first, ["A", "B"]);
        assert_eq!(next, Some(page_token("B")));
        let (second, next) = page(&ids, &Cursor::After("B".into()), 2);
        assert_eq!(second, ["C", "D"]);
        assert_eq!(next, Some(page_token("D")));
        let (last, next) = page(&ids, &Cursor::After("D".into()), 2);
        assert_eq!(last, ["E"]);
        assert_eq!(next, None);
        // A cursor between IDs (the record was removed by a reload) goes on
        // after it.
        let (rest, _) = page(&ids, &Cursor::After("BB".into()), 5);
        assert_eq!(rest, ["C", "D", "E"]);
        let (exact, next) = page(&ids, &Cursor::Start, 5);
        assert_eq!((exact.len(), next), (5, None));
    }

    #[test]
    fn lists_leave_out_their_empty_parts() {
        let list = |records: &[&str], token: Option<&str>| {
            let records: Vec<Bytes> = records.iter().map(|r| Bytes::from(r.to_string())).collect();
            let mut out = Vec::new();
            vulnerability_list(records.iter(), token, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(list(&[], None), "{}");
        assert_eq!(list(&["{\"id\":\"A\"}"], None), r#"{"vulns":[{"id":"A"}]}"#);
        assert_eq!(
            list(&["1", "2"], Some("QQ")),
            r#"{"vulns":[1,2],"next_page_token":"QQ"}"#
        );
        assert_eq!(list(&[], Some("QQ")), r#"{"next_page_token":"QQ"}"#);
    }
}
