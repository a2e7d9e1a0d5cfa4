//! Reloading the databases: on SIGHUP, when a file under a `--db` changes
//! (polled: lengths and modification times), or when asked through
//! [`crate::Handle::reload`].
//!
//! A reload loads every database again into a new [`Store`] off the request
//! threads, then swaps it in at once: a request holds the store it started
//! with until it is answered, so none fails or sees half of each. A reload
//! that fails (a database that no longer loads, an ID now in two databases)
//! is logged and counted, and the store in use keeps serving; the same files
//! are not tried again until they change again or a reload is asked for.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use opam_model::RepositorySpec;
use tokio::sync::{mpsc, oneshot, watch};

use crate::error::{LoadError, ReloadError};
use crate::metrics::Metrics;
use crate::source::DatabaseSpec;
use crate::store::Store;

/// A request to reload, with where to send the outcome.
pub(crate) type ReloadRequest = oneshot::Sender<Result<usize, ReloadError>>;

/// Loads the databases again when asked or when they change.
pub(crate) struct Reloader {
    pub(crate) specs: Vec<DatabaseSpec>,
    pub(crate) repos: Vec<RepositorySpec>,
    pub(crate) store: Arc<ArcSwap<Store>>,
    pub(crate) metrics: Arc<Metrics>,
    /// The databases' fingerprints when they were last loaded or tried.
    pub(crate) seen: Vec<u64>,
    /// SIGHUP, when it reloads: listened to from the start, so that a SIGHUP
    /// right after [`crate::Server::bind`] reloads rather than ends the process.
    pub(crate) hangups: Option<Hangups>,
}

/// The fingerprints of `specs` (one `stat` per file: run off the runtime).
pub(crate) fn fingerprints(specs: &[DatabaseSpec]) -> Vec<u64> {
    specs.iter().map(DatabaseSpec::fingerprint).collect()
}

impl Reloader {
    /// Reloads on SIGHUP, on a request, and every `poll` when the files
    /// changed, until `shutdown` turns true.
    pub(crate) async fn run(
        mut self,
        poll: Option<Duration>,
        mut requests: mpsc::Receiver<ReloadRequest>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut hangups = self.hangups.take();
        let mut ticks = poll.map(|every| {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks
        });
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                Some(reply) = requests.recv() => {
                    let outcome = self.reload("asked").await;
                    let _ = reply.send(outcome);
                }
                Some(()) = recv_hangup(&mut hangups) => {
                    let _ = self.reload("SIGHUP").await;
                }
                _ = tick(&mut ticks) => {
                    let specs = self.specs.clone();
                    let Ok(now) = tokio::task::spawn_blocking(move || fingerprints(&specs)).await else {
                        continue;
                    };
                    if now != self.seen {
                        let _ = self.reload("files changed").await;
                    }
                }
            }
        }
    }

    /// Loads every database again and swaps the new store in; on failure,
    /// keeps the store in use. Returns the number of records now served.
    pub(crate) async fn reload(&mut self, why: &'static str) -> Result<usize, ReloadError> {
        let specs = self.specs.clone();
        let repos = self.repos.clone();
        let started = std::time::Instant::now();
        let loaded = tokio::task::spawn_blocking(move || {
            // Fingerprints first: a change during the load is seen at the next poll.
            let seen = fingerprints(&specs);
            (seen, Store::load(&specs, &repos))
        })
        .await;
        let (seen, result) = match loaded {
            Ok(loaded) => loaded,
            Err(join) => (
                self.seen.clone(),
                Err(LoadError::Panicked(join.to_string())),
            ),
        };
        self.seen = seen;
        match result {
            Ok(store) => {
                let records = store.len();
                self.metrics.loaded(&store);
                self.metrics.reloaded(true);
                self.store.store(Arc::new(store));
                tracing::info!(
                    why,
                    records,
                    millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "reloaded the databases"
                );
                Ok(records)
            }
            Err(error) => {
                self.metrics.reloaded(false);
                tracing::error!(
                    why,
                    error = %error,
                    records = self.store.load().len(),
                    "reload failed; the databases loaded before keep serving"
                );
                Err(ReloadError::Load(error))
            }
        }
    }
}

#[cfg(unix)]
pub(crate) type Hangups = tokio::signal::unix::Signal;
#[cfg(not(unix))]
pub(crate) type Hangups = std::convert::Infallible;

/// The SIGHUP stream, or `None` where there is none (or it cannot be had:
/// then the error is logged and reloads come from polling and requests).
pub(crate) fn hangups() -> Option<Hangups> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::hangup()) {
            Ok(signal) => Some(signal),
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for SIGHUP");
                None
            }
        }
    }
    #[cfg(not(unix))]
    None
}

/// The next SIGHUP; never, without a stream.
async fn recv_hangup(hangups: &mut Option<Hangups>) -> Option<()> {
    match hangups {
        #[cfg(unix)]
        Some(signal) => signal.recv().await,
        #[cfg(not(unix))]
        Some(never) => match *never {},
        None => std::future::pending().await,
    }
}

/// The next poll; never, without polling.
async fn tick(ticks: &mut Option<tokio::time::Interval>) {
    match ticks {
        Some(ticks) => {
            ticks.tick().await;
        }
        None => std::future::pending().await,
    }
}
