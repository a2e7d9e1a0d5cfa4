//! Prometheus metrics (`GET /metrics`, OpenMetrics text).
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `osec_http_requests_total` | counter | `route` (the route's pattern, or `unmatched`), `status` |
//! | `osec_http_request_duration_seconds` | histogram (50 µs to 1.6 s) | `route` |
//! | `osec_db_records` | gauge | `db` (what it was loaded from) |
//! | `osec_db_age_seconds` | gauge | `db`: seconds since its newest record was modified, or since `osec db fetch` last confirmed the cache |
//! | `osec_db_loaded_timestamp_seconds` | gauge | the Unix time of the last successful load |
//! | `osec_db_reloads_total` | counter | `result` (`ok`, `failed`) |

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::store::Store;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DatabaseLabels {
    db: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReloadLabels {
    result: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// The server's metrics and their registry.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    records: Family<DatabaseLabels, Gauge>,
    age: Family<DatabaseLabels, FloatGauge>,
    loaded_at: FloatGauge,
    reloads: Family<ReloadLabels, Counter>,
}

fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("osec");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(duration_histogram);
        let records = Family::<DatabaseLabels, Gauge>::default();
        let age = Family::<DatabaseLabels, FloatGauge>::default();
        let loaded_at = FloatGauge::default();
        let reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from the request to its answer, by route",
            Unit::Seconds,
            durations.clone(),
        );
        registry.register("db_records", "Records loaded, by database", records.clone());
        registry.register_with_unit(
            "db_age",
            "Age of each database: since its newest record was modified, or since the cache was last confirmed current",
            Unit::Seconds,
            age.clone(),
        );
        registry.register_with_unit(
            "db_loaded_timestamp",
            "Unix time of the last successful load of the databases",
            Unit::Seconds,
            loaded_at.clone(),
        );
        registry.register(
            "db_reloads",
            "Reloads of the databases, by result (a failed one leaves the previous databases serving)",
            reloads.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            records,
            age,
            loaded_at,
            reloads,
        }
    }

    /// Counts one answered request.
    pub(crate) fn observe(&self, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Records a successful load of `store`.
    pub(crate) fn loaded(&self, store: &Store) {
        self.records.clear();
        for loaded in store.databases() {
            let records = i64::try_from(loaded.opened.db.len()).unwrap_or(i64::MAX);
            self.records
                .get_or_create(&DatabaseLabels {
                    db: loaded.name().to_owned(),
                })
                .set(records);
        }
        self.loaded_at.set(unix_now());
    }

    /// Counts a reload.
    pub(crate) fn reloaded(&self, ok: bool) {
        let result = if ok { "ok" } else { "failed" };
        self.reloads.get_or_create(&ReloadLabels { result }).inc();
    }

    /// The metrics as OpenMetrics text, with the databases' ages as of now.
    pub(crate) fn render(&self, store: &Store) -> String {
        let now = jiff::Timestamp::now();
        self.age.clear();
        for loaded in store.databases() {
            if let Some(age) = loaded.opened.age() {
                let seconds = now.duration_since(age.since).as_secs_f64().max(0.0);
                self.age
                    .get_or_create(&DatabaseLabels {
                        db: loaded.name().to_owned(),
                    })
                    .set(seconds);
            }
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
