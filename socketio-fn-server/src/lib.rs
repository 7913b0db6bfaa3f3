//! The HTTP server loop of the socketio-fn runtime and of its emulator, with the connection hygiene a
//! server on a network needs (hyper's defaults have none of it):
//!
//! - at most [`ServerConfig::max_connections`] connections at once: at the cap, the oldest connection
//!   that has not sent a request yet ("silent") is closed to make room; when none is silent, new
//!   connections wait in the listen backlog, and one warning says so;
//! - a header timeout ([`ServerConfig::header_timeout`]): a connection's first request head must
//!   arrive within it from accept (a silent connection is closed), each later head within it, and an
//!   idle keep-alive connection is closed after it;
//! - a body timeout ([`ServerConfig::body_timeout`]): reading a request body fails when the body has
//!   not arrived whole within it ([`BodyDeadline`]);
//! - graceful shutdown: stop accepting (new connections are refused), answer HTTP/1 requests with
//!   `Connection: close`, close each keep-alive connection once it has been unused for
//!   [`REUSE_WINDOW`] (so that a client reusing it is never cut off mid-request), and give open
//!   requests at most [`ServerConfig::grace_period`] to finish; then close what is left (a half-sent
//!   request does not hold the shutdown).

mod body_timeout;
mod connection;
mod descriptors;
mod signal;
mod silent;

pub use body_timeout::{BodyDeadline, BodyTimedOut};
pub use descriptors::{ConnectionCap, RESERVED_DESCRIPTORS, connection_cap};
pub use signal::{ShutdownSignal, shutdown_signal};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Limits and timeouts of a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// What the server is, in log lines (`app`, `emulator`).
    pub name: &'static str,
    /// Connections served at once (default 1024).
    pub max_connections: usize,
    /// Time for a request's headers to arrive, and for an idle keep-alive connection to send its next
    /// request (default 30 s).
    pub header_timeout: Duration,
    /// Time to read a request body, from the first read that has to wait for data (default 30 s).
    pub body_timeout: Duration,
    /// Time open requests get to finish after shutdown starts (default 25 s).
    pub grace_period: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            name: "server",
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            grace_period: DEFAULT_GRACE_PERIOD,
        }
    }
}

/// Default of [`ServerConfig::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default of [`ServerConfig::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`ServerConfig::body_timeout`].
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`ServerConfig::grace_period`].
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(25);
/// At shutdown, a keep-alive connection used within this window is kept open until it has been
/// unused for this long (or the grace period ends). HTTP/1.1 cannot tell a client whether a request
/// sent on a connection the server was closing was received, so a client that drops its idle
/// connections sooner (the emulator's upstream client does after 1 s) never has a request cut off.
pub const REUSE_WINDOW: Duration = Duration::from_secs(2);

/// How a server stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Every open connection finished within the grace period.
    Drained,
    /// The grace period ran out; this many connections were closed.
    GraceExpired(usize),
}

/// Serves `router` on `listener` until `shutdown` completes, then drains (see the crate docs).
/// `draining` runs once when shutdown starts (e.g. to fail readiness checks).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
    draining: impl FnOnce() + Send,
) -> Stopped {
    let body_timeout = config.body_timeout;
    // hyper's body gets its deadline before the router boxes it: one box per request.
    let router = router.map_request(move |request: hyper::Request<hyper::body::Incoming>| {
        request.map(|body| BodyDeadline::new(body, body_timeout))
    });
    let builder = http_builder(&config);
    let max = descriptors::logged_cap(&config).clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let silent = Arc::new(silent::Silent::default());
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    let mut at_cap = false;
    // When running out of descriptors was last logged (once a minute at most).
    let mut warned: Option<std::time::Instant> = None;
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e, &silent, &config, &mut warned).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small writes (acks, websocket frames, replies) go out at once, not after the peer's
        // delayed ACK (Nagle); Node's servers do the same.
        let _ = stream.set_nodelay(true);
        let Some(permit) = slot(&slots, &silent, &config, &mut at_cap, &mut shutdown).await else {
            break;
        };
        let state = silent.accepted();
        let service = connection::Tracked {
            inner: TowerToHyperService::new(router.clone()),
            connection: state.clone(),
            silent: silent.clone(),
        };
        let connection = serve_connection(
            builder.clone(),
            service,
            stream,
            stopping.clone(),
            state.clone(),
        );
        let (silent, header_timeout) = (silent.clone(), config.header_timeout);
        connections.spawn(async move {
            tokio::select! {
                () = connection => {}
                // Closed (dropped) when it stays silent: no request within the header timeout of
                // accept, or shed at the cap.
                () = state.silent_too_long(header_timeout) => {}
            }
            silent.forget(&state);
            drop(permit);
        });
    }
    drop(listener);
    draining();
    silent
        .stopping
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = stop.send(true);
    drain(&config, &slots, max, connections).await
}

/// An accept that failed. Out of descriptors is the cap by another name: the oldest silent connection
/// makes room (as at the cap) and the loop waits a little; any other failure (a connection reset
/// before it was accepted) is logged. Either way the loop never spins.
async fn accept_failed(
    error: &std::io::Error,
    silent: &silent::Silent,
    config: &ServerConfig,
    warned: &mut Option<std::time::Instant>,
) {
    if descriptors::exhausted(error) {
        let shed = silent.shed_oldest();
        if warned.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
            tracing::warn!(
                server = config.name,
                error = %error,
                shed,
                "out of file descriptors: treated as the connection cap; silent connections are \
                 closed first"
            );
            *warned = Some(std::time::Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    } else {
        tracing::warn!(server = config.name, error = %error, "cannot accept a connection");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A slot for a just-accepted connection: at the cap, the oldest silent connection is asked to close
/// and the slot is waited for; `None` when shutdown starts meanwhile.
async fn slot(
    slots: &Arc<Semaphore>,
    silent: &silent::Silent,
    config: &ServerConfig,
    at_cap: &mut bool,
    shutdown: &mut (impl Future<Output = ()> + Unpin),
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    if let Ok(permit) = slots.clone().try_acquire_owned() {
        *at_cap = false;
        return Some(permit);
    }
    // A new connection at the cap: the oldest one that sent nothing yet makes room.
    let shed = silent.shed_oldest();
    if !*at_cap {
        tracing::warn!(
            server = config.name,
            max_connections = config.max_connections,
            shed,
            "connection cap reached: silent connections are closed first; others wait until one \
             closes"
        );
        *at_cap = true;
    }
    tokio::select! {
        permit = slots.clone().acquire_owned() => permit.ok(),
        () = shutdown => None,
    }
}

/// HTTP/1 with the header timeout, HTTP/2 with keep-alive pings, both on tokio's timer.
fn http_builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(config.header_timeout));
    builder
}

/// One connection, shut down gracefully once `stopping` turns true: when it has been unused for the
/// [`REUSE_WINDOW`] (meanwhile each HTTP/1 response asks the client to close it), in-flight requests
/// finish.
async fn serve_connection<S>(
    builder: auto::Builder<TokioExecutor>,
    service: S,
    stream: tokio::net::TcpStream,
    mut stopping: watch::Receiver<bool>,
    state: Arc<silent::Connection>,
) where
    S: hyper::service::Service<
            hyper::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    stopping.mark_unchanged();
    let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let stop_signal = async move {
        // The guard `wait_for` returns is not `Send`: drop it here.
        let _ = stopping.wait_for(|stop| *stop).await.map(|_| ());
    };
    tokio::select! {
        _ = connection.as_mut() => return,
        () = stop_signal => {}
    }
    tokio::select! {
        _ = connection.as_mut() => return,
        () = state.unused_for(REUSE_WINDOW) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// Waits (at most the grace period) for every open connection to finish; then closes the rest.
async fn drain(
    config: &ServerConfig,
    slots: &Semaphore,
    max: usize,
    mut connections: tokio::task::JoinSet<()>,
) -> Stopped {
    let open = max - slots.available_permits();
    if open > 0 {
        tracing::info!(server = config.name, open, grace_period = ?config.grace_period, "waiting for open requests");
    }
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    match tokio::time::timeout(config.grace_period, slots.acquire_many(all)).await {
        Ok(_) => Stopped::Drained,
        Err(_) => {
            let open = max - slots.available_permits();
            tracing::warn!(
                server = config.name,
                open,
                "grace period over: closing the remaining connections"
            );
            connections.abort_all();
            while connections.join_next().await.is_some() {}
            Stopped::GraceExpired(open)
        }
    }
}
