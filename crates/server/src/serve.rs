//! Running the server: loading, binding, the connection loop, reloads and a
//! graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use opam_model::RepositorySpec;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};

use crate::api::{AppState, router};
use crate::error::{LoadError, ReloadError, ServeError};
use crate::metrics::Metrics;
use crate::reload::{ReloadRequest, Reloader, fingerprints, hangups};
use crate::source::DatabaseSpec;
use crate::store::Store;

/// Bounds on what a client may ask of the server, and on how long it may
/// take. The defaults suit a public deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body (default 2 MiB: a batch of 1,000 queries with
    /// long names is a few hundred kilobytes); larger is a 413.
    pub max_body_bytes: usize,
    /// How long a request may take from its headers to its answer, reading
    /// its body included (default 10 s); longer is a 408.
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's headers, the
    /// first or, kept alive, the next (default 10 s); then it is closed.
    pub header_read_timeout: Duration,
    /// How many requests may be answered at once (default 1,024); more are
    /// refused with a 503 (`/healthz` and `/metrics` never are).
    pub max_in_flight: usize,
    /// How many connections may be open at once (default 4,096); more are
    /// closed as soon as they are accepted.
    pub max_connections: usize,
    /// The most records in one page of `/v1/query` (default 1,000, as osv.dev
    /// documents).
    pub page_size: usize,
    /// The most records in one query's page of `/v1/querybatch` (default 1,000).
    pub batch_page_size: usize,
    /// The most records in all pages of one `/v1/querybatch` together
    /// (default 3,000, as osv.dev documents).
    pub batch_total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 << 20,
            request_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            max_in_flight: 1024,
            max_connections: 4096,
            page_size: 1000,
            batch_page_size: 1000,
            batch_total: 3000,
        }
    }
}

/// What to serve, where, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The databases, in order.
    pub databases: Vec<DatabaseSpec>,
    /// The opam repositories whose released versions advisories are
    /// converted with (`--repo`); none: records have ranges only.
    pub repos: Vec<RepositorySpec>,
    /// Limits on requests.
    pub limits: Limits,
    /// How often to look for changed database files (`None`: never).
    pub poll_interval: Option<Duration>,
    /// Whether SIGHUP reloads the databases.
    pub reload_on_sighup: bool,
    /// How long a shutdown waits for requests being answered.
    pub shutdown_grace: Duration,
}

impl Options {
    /// Serves `databases` on `addr` with the default limits, polling for
    /// changes every 10 seconds and reloading on SIGHUP.
    pub fn new(addr: SocketAddr, databases: Vec<DatabaseSpec>) -> Options {
        Options {
            addr,
            databases,
            repos: Vec::new(),
            limits: Limits::default(),
            poll_interval: Some(Duration::from_secs(10)),
            reload_on_sighup: true,
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// A server with its databases loaded and its address bound, ready to
/// [`run`](Server::run).
pub struct Server {
    listener: TcpListener,
    state: AppState,
    reloader: Reloader,
    options: Options,
    reload_requests: mpsc::Receiver<ReloadRequest>,
    handle: Handle,
    stop: watch::Receiver<bool>,
}

/// Asks a running server to reload or to stop; cheap to clone.
#[derive(Debug, Clone)]
pub struct Handle {
    reload: mpsc::Sender<ReloadRequest>,
    stop: Arc<watch::Sender<bool>>,
}

impl Handle {
    /// Loads the databases again now and swaps them in; returns how many
    /// records are served. On an error the databases loaded before keep
    /// serving.
    pub async fn reload(&self) -> Result<usize, ReloadError> {
        let (reply, outcome) = oneshot::channel();
        self.reload
            .send(reply)
            .await
            .map_err(|_| ReloadError::Stopped)?;
        outcome.await.map_err(|_| ReloadError::Stopped)?
    }

    /// Stops the server gracefully: no new connections, requests being
    /// answered are finished.
    pub fn shutdown(&self) {
        self.stop.send_replace(true);
    }
}

impl Server {
    /// Loads the databases and binds the address: after this, the server is
    /// ready (requests queue on the socket until [`Server::run`]).
    pub async fn bind(options: Options) -> Result<Server, ServeError> {
        let specs = options.databases.clone();
        let repos = options.repos.clone();
        let (seen, store) = tokio::task::spawn_blocking(move || {
            let seen = fingerprints(&specs);
            (seen, Store::load(&specs, &repos))
        })
        .await
        .map_err(|join| LoadError::Panicked(join.to_string()))?;
        let store = store?;
        for loaded in store.databases() {
            tracing::info!(
                db = loaded.name(),
                records = loaded.opened.db.len(),
                "loaded"
            );
            for note in &loaded.notes {
                tracing::warn!(db = loaded.name(), note = note.as_str(), "conversion note");
            }
        }
        let listener =
            TcpListener::bind(options.addr)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: options.addr,
                    source,
                })?;
        let metrics = Arc::new(Metrics::new());
        metrics.loaded(&store);
        let store = Arc::new(ArcSwap::from_pointee(store));
        let state = AppState::new(store.clone(), metrics.clone(), options.limits);
        let reloader = Reloader {
            specs: options.databases.clone(),
            repos: options.repos.clone(),
            store,
            metrics,
            seen,
            hangups: if options.reload_on_sighup {
                hangups()
            } else {
                None
            },
        };
        let (reload, reload_requests) = mpsc::channel(8);
        let (stop, stop_receiver) = watch::channel(false);
        Ok(Server {
            listener,
            state,
            reloader,
            options,
            reload_requests,
            handle: Handle {
                reload,
                stop: Arc::new(stop),
            },
            stop: stop_receiver,
        })
    }

    /// The address the server listens on (the port chosen, for port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener.local_addr().map_err(|source| ServeError::Io {
            what: "reading the listening address",
            source,
        })
    }

    /// A handle to reload or stop the server once it runs.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Serves until `shutdown` completes or [`Handle::shutdown`] is called,
    /// then stops accepting, finishes the requests being answered (for at
    /// most [`Options::shutdown_grace`]) and returns.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), ServeError> {
        let Server {
            listener,
            state,
            reloader,
            options,
            reload_requests,
            handle,
            mut stop,
        } = self;
        let limits = options.limits;
        let reloads =
            tokio::spawn(reloader.run(options.poll_interval, reload_requests, stop.clone()));
        let app = router(state);
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .keep_alive(true);
        let connections = Arc::new(Semaphore::new(limits.max_connections));
        let graceful = GracefulShutdown::new();
        tracing::info!(
            addr = %listener.local_addr().map_or_else(|_| options.addr.to_string(), |a| a.to_string()),
            "listening"
        );
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                () = &mut shutdown => break,
                () = stopped(&mut stop) => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors, most likely: wait, don't spin.
                        tracing::warn!(error = %error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let Ok(permit) = connections.clone().try_acquire_owned() else {
                tracing::warn!(%peer, limit = limits.max_connections, "too many connections: closed one");
                continue;
            };
            let _ = stream.set_nodelay(true);
            let service = TowerToHyperService::new(app.clone());
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%peer, error = %error, "connection closed with an error");
                }
                drop(permit);
            });
        }
        drop(listener);
        tracing::info!("shutting down: finishing the requests being answered");
        handle.stop.send_replace(true);
        reloads.abort();
        tokio::select! {
            () = graceful.shutdown() => tracing::info!("stopped"),
            () = tokio::time::sleep(options.shutdown_grace) => {
                tracing::warn!(grace_secs = options.shutdown_grace.as_secs(), "stopped with requests still open");
            }
        }
        Ok(())
    }
}

/// Completes when [`Handle::shutdown`] is called (or every handle is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is dropped here, not held by the caller.
    let _ = stop.wait_for(|stopped| *stopped).await.map(|_| ());
}

/// Completes on SIGTERM or SIGINT (Ctrl-C): pass it to [`Server::run`].
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the server on a runtime of its own until SIGTERM or SIGINT: what
/// `osec serve` calls.
pub fn run(options: Options) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServeError::Io {
            what: "starting the runtime",
            source,
        })?;
    runtime.block_on(async {
        let server = Server::bind(options).await?;
        server.run(shutdown_signal()).await
    })
}
