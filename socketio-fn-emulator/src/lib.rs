//! A local emulator of Azure Web PubSub for Socket.IO in serverless mode.
//!
//! Socket.IO v4 clients connect to `http://<addr>/clients/socketio/hubs/<hub>` with an `access_token`
//! (query or auth payload); the emulator checks the token, calls the function app's webhook for
//! `connect`, `connected`, each user event and `disconnected`, forwards acks, and serves the REST API the
//! runtime and Microsoft's SDKs use. It depends on the wire facts of `socketio-fn-protocol` only, never
//! on the runtime, so it also serves apps written in any language (see `docs/emulator.md`).
//!
//! Used in-process by `socketio_fn::run()` in local mode, by tests, and standalone
//! (`socketio-fn-emulator --upstream <url>`).

mod admin;
#[cfg(feature = "cli")]
pub mod cli;
mod clock;
mod hubs;
mod rest;
mod sockets;
mod upstream;

pub use admin::{ADMIN_NAMESPACE, AdminConfig};
pub use hubs::MAX_HUBS;
pub use rest::{API_VERSIONS, INVOKE_WAIT, MAX_TOKEN_MINUTES, MAX_TTL_SECONDS};
pub use sockets::{ENGINE_BUFFER, QUEUE_CAPACITY};
pub use upstream::{
    BREAKER_COOL_DOWN, BREAKER_THRESHOLD, CONNECT_TIMEOUT, HOLD_RETRY, InProcessError,
    MAX_CONCURRENT_CALLS, MAX_UPSTREAM_REPLY_BYTES, SetUpstreamsError, UPSTREAM_IDLE_TIMEOUT,
};

/// `url` with its query redacted (`?code=...` is a secret), as the emulator prints and logs it.
pub fn redacted_url(url: &str) -> String {
    upstream::redacted(url)
}

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::paths::{CLIENT_PATH_PREFIX, REST_HUB_PREFIX};
use socketio_fn_server::ServerConfig;
use sockets::{ClientService, Shared};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Default of [`EmulatorConfig::ping_interval`] (Node socket.io's).
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(25);
/// Default of [`EmulatorConfig::connect_timeout`] (Node socket.io's `connectTimeout`).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(45);
/// Default of [`EmulatorConfig::ping_timeout`] (Node socket.io's).
pub const DEFAULT_PING_TIMEOUT: Duration = Duration::from_secs(20);

/// How often namespaces nobody uses are looked for (and dropped after two looks in a row).
const SWEEP_INTERVAL: Duration = Duration::from_secs(30);

/// Emulator settings. Its `Debug` does not show the access key.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Listen address (`127.0.0.1:0` picks a free port).
    pub address: SocketAddr,
    /// The URL clients and the app reach the emulator at (token audiences, the connection string, the
    /// `WebHook-Request-Origin` host); default `http://<address>`. Set it when listening on `0.0.0.0`
    /// (a container): e.g. `http://localhost:7072`.
    pub public_endpoint: Option<String>,
    /// The access key clients' tokens and REST calls are signed with; random when `None`.
    pub access_key: Option<String>,
    /// The function app's webhook URL (`http://127.0.0.1:7071/runtime/webhooks/socketio`); without it,
    /// sockets are accepted and events go nowhere.
    pub upstream: Option<String>,
    /// Further instances of the same app (a rolling restart, several replicas). Calls are spread over
    /// `upstream` and these in turn, as the service's load balancer would; a call an instance refuses
    /// (connection refused, or not connected within [`CONNECT_TIMEOUT`]) goes to the next one, since it
    /// cannot have been received; any other failure is not retried, so nothing runs twice. Each
    /// instance has its own circuit breaker.
    pub extra_upstreams: Vec<String>,
    /// Timeout of each webhook call.
    pub upstream_timeout: Duration,
    /// After three failed webhook calls in a row, how long events fail fast before one is tried again.
    pub breaker_cool_down: Duration,
    /// Connection limits and timeouts of the emulator's HTTP server.
    pub server: ServerConfig,
    /// How often the emulator pings each client (Engine.IO `pingInterval`; default 25 s, as Node
    /// socket.io).
    pub ping_interval: Duration,
    /// How long it waits for a client's pong before closing (Engine.IO `pingTimeout`; default 20 s).
    pub ping_timeout: Duration,
    /// How long an Engine.IO connection may stay without a Socket.IO connect to a namespace before it
    /// is closed (default 45 s, as Node socket.io's `connectTimeout`): what a token-less handshake
    /// can hold.
    pub connect_timeout: Duration,
    /// The namespaces clients may connect to; `None` (the default) accepts any. A client connecting
    /// to another gets `connect_error` `Invalid namespace`, as from a Socket.IO server.
    pub namespaces: Option<Vec<String>>,
    /// How long an event waits when no instance of the app takes it (none is running, or each refuses
    /// the connection: a restart, a crash), tried again every [`HOLD_RETRY`]; each socket's events
    /// stay in order behind it ([`QUEUE_CAPACITY`] at most). `None` (the default): it fails at once
    /// (an error ack), as does one still untaken at the end. `cargo socketio-fn dev` holds for 60 s.
    pub hold: Option<Duration>,
    /// Serve the Socket.IO Admin UI on namespace [`ADMIN_NAMESPACE`] of each hub (a development
    /// tool; `None`, the default: not served, and `/admin` is a namespace like any other). Without
    /// credentials only on a loopback address: [`Emulator::start`] refuses otherwise.
    pub admin: Option<AdminConfig>,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("address", &self.address)
            .field("public_endpoint", &self.public_endpoint)
            .field(
                "access_key",
                &self.access_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "upstream",
                &self.upstream.as_deref().map(upstream::redacted),
            )
            .field(
                "extra_upstreams",
                &self
                    .extra_upstreams
                    .iter()
                    .map(|u| upstream::redacted(u))
                    .collect::<Vec<_>>(),
            )
            .field("upstream_timeout", &self.upstream_timeout)
            .field("breaker_cool_down", &self.breaker_cool_down)
            .field("server", &self.server)
            .field("ping_interval", &self.ping_interval)
            .field("ping_timeout", &self.ping_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("namespaces", &self.namespaces)
            .field("hold", &self.hold)
            .field("admin", &self.admin)
            .finish()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_endpoint: None,
            access_key: None,
            upstream: None,
            extra_upstreams: Vec::new(),
            upstream_timeout: Duration::from_secs(30),
            breaker_cool_down: BREAKER_COOL_DOWN,
            server: ServerConfig {
                name: "emulator",
                ..ServerConfig::default()
            },
            ping_interval: DEFAULT_PING_INTERVAL,
            ping_timeout: DEFAULT_PING_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            namespaces: None,
            hold: None,
            admin: None,
        }
    }
}

/// A running emulator. Dropping it does not stop it; call [`Emulator::stop`].
#[derive(Debug)]
pub struct Emulator {
    endpoint: String,
    access_key: AccessKey,
    shared: Arc<Shared>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    sweeper: tokio::task::JoinHandle<()>,
    /// The Admin UI's `server_stats` reports, when it is served.
    admin_stats: Option<tokio::task::JoinHandle<()>>,
    /// The server's grace period, also the bound of the wait for in-process calls at stop.
    grace_period: Duration,
}

/// The emulator's endpoint (the public one, else `http://<address>`) and the host name the service sends
/// as `WebHook-Request-Origin` (no scheme, no port).
fn endpoint_and_origin(
    public: Option<&str>,
    address: SocketAddr,
) -> std::io::Result<(String, String)> {
    let endpoint = match public {
        Some(e) => e.trim_end_matches('/').to_owned(),
        None => format!("http://{address}"),
    };
    let origin = reqwest::Url::parse(&endpoint)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("invalid public endpoint `{endpoint}`"),
            )
        })?;
    Ok((endpoint, origin))
}

async fn dispatch(
    State((_, clients)): State<(Arc<Shared>, ClientService)>,
    Path(hub): Path<String>,
    request: Request,
) -> Response {
    // Only valid hub names reach the Socket.IO server (a 20 kB "hub" is refused here).
    if !socketio_fn_protocol::paths::is_valid_hub(&hub) {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            format!(
                "invalid hub name: {}",
                socketio_fn_protocol::paths::HUB_NAME_RULE
            ),
        )
            .into_response();
    }
    // The head of a request that opens a session is kept for the session's life: not hyper's buffer.
    let request = if sockets::head::opens_a_session(&request) {
        sockets::head::detached(request)
    } else {
        request
    };
    match clients.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

async fn dispatch_rest(
    State((shared, _)): State<(Arc<Shared>, ClientService)>,
    request: Request,
) -> Response {
    rest::handle(shared, request).await.into_response()
}

/// The emulator's routes: each hub's Socket.IO endpoint and the REST API.
fn router(shared: Arc<Shared>, clients: ClientService) -> Router {
    Router::new()
        .route(&format!("{CLIENT_PATH_PREFIX}{{hub}}"), any(dispatch))
        .route(&format!("{CLIENT_PATH_PREFIX}{{hub}}/"), any(dispatch))
        .route(&format!("{REST_HUB_PREFIX}{{*rest}}"), any(dispatch_rest))
        // Any page may connect, with credentials too (the Admin UI's client sends them): the
        // emulator reads no cookie, so a browser's credentials grant nothing here.
        .layer(tower_http::cors::CorsLayer::very_permissive())
        .with_state((shared, clients))
}

/// Deletes empty namespaces every [`SWEEP_INTERVAL`].
async fn sweep(shared: Arc<Shared>) {
    let mut empty = HashSet::new();
    let mut tick = tokio::time::interval(SWEEP_INTERVAL);
    loop {
        tick.tick().await;
        shared.sweep_namespaces(&mut empty);
    }
}

impl Emulator {
    /// Binds and starts serving. An Admin UI without credentials on an address that is not loopback is
    /// refused (`InvalidInput`), before anything is bound.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        if let Some(refusal) = config
            .admin
            .as_ref()
            .and_then(|a| a.refusal(config.address))
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                refusal,
            ));
        }
        let timing = sockets::Timing {
            ping_interval: config.ping_interval,
            ping_timeout: config.ping_timeout,
            connect_timeout: config.connect_timeout,
        };
        let listener = TcpListener::bind(config.address).await?;
        let address = listener.local_addr()?;
        let (endpoint, origin) = endpoint_and_origin(config.public_endpoint.as_deref(), address)?;
        let access_key = match config.access_key {
            Some(k) => AccessKey::new(k),
            None => AccessKey::random().map_err(std::io::Error::other)?,
        };
        let upstream = config.upstream.map(|url| {
            upstream::Upstream::new(
                std::iter::once(url).chain(config.extra_upstreams).collect(),
                origin,
                access_key.clone(),
                config.upstream_timeout,
                config.breaker_cool_down,
                config.hold,
            )
        });
        let shared = Arc::new(Shared {
            endpoint: endpoint.clone(),
            key: access_key.clone(),
            upstream,
            hubs: hubs::Hubs::default(),
            io: std::sync::OnceLock::new(),
            namespaces: std::sync::Mutex::default(),
            allowed_namespaces: config.namespaces.clone(),
            live_sockets: Arc::default(),
            admin: config.admin.map(admin::Admin::new),
        });
        let clients = sockets::socket_io(shared.clone(), timing);
        let router = router(shared.clone(), clients);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = config.server;
        let grace_period = server.grace_period;
        let task = tokio::spawn(async move {
            socketio_fn_server::serve(
                listener,
                router,
                server,
                async {
                    let _ = stopped.await;
                },
                || {},
            )
            .await;
        });
        let sweeper = tokio::spawn(sweep(shared.clone()));
        let admin_stats = shared
            .admin
            .is_some()
            .then(|| tokio::spawn(admin::run_stats(Arc::downgrade(&shared))));
        Ok(Self {
            endpoint,
            access_key,
            shared,
            stop,
            task,
            sweeper,
            admin_stats,
            grace_period,
        })
    }

    /// `http://host:port` of the emulator.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The access key. Treat it as a secret outside local development.
    pub fn access_key(&self) -> &str {
        self.access_key.expose()
    }

    /// The access key, for signing tokens and checking signatures.
    pub fn key(&self) -> &AccessKey {
        &self.access_key
    }

    /// The connection string an app uses to reach this emulator. It contains the key.
    pub fn connection_string(&self) -> String {
        socketio_fn_protocol::connection_string::format(&self.endpoint, self.access_key.expose())
    }

    /// Hands the app's webhook calls to `app`, a router in this process, instead of sending them over
    /// HTTP: the same requests (the upstream URL's path and query, the CloudEvents headers with
    /// `ce-signature`, the raw body, the abuse-protection handshake first), without a socket or an
    /// HTTP exchange. `socketio_fn::run()` does this for its embedded emulator. Each call keeps the
    /// upstream timeout and the breaker; a panic in the router fails that call only. Only with a single
    /// upstream.
    ///
    /// ```no_run
    /// # async fn demo(app: axum::Router) -> std::io::Result<()> {
    /// use socketio_fn_emulator::{Emulator, EmulatorConfig};
    /// let emulator = Emulator::start(EmulatorConfig {
    ///     upstream: Some("http://127.0.0.1:7071/runtime/webhooks/socketio".into()),
    ///     ..EmulatorConfig::default()
    /// })
    /// .await?;
    /// emulator.call_in_process(app).map_err(std::io::Error::other)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn call_in_process(&self, app: axum::Router) -> Result<(), InProcessError> {
        self.shared
            .upstream
            .as_ref()
            .ok_or(InProcessError::NoUpstream)?
            .call_in_process(app)
    }

    /// From the next webhook call on, calls go to the app instances at `urls` (each with a fresh
    /// breaker); calls already made finish where they went, and each socket's events stay in order
    /// (its next event is sent once the last was answered). `cargo socketio-fn dev` swaps a new build
    /// in with this; only the process holding the emulator can call it, never a client.
    pub fn set_upstreams(&self, urls: Vec<String>) -> Result<(), SetUpstreamsError> {
        match &self.shared.upstream {
            Some(upstream) => upstream.set_instances(urls),
            None => Err(SetUpstreamsError::NoUpstream),
        }
    }

    /// Whether the app's webhook calls go to a router in this process ([`Emulator::call_in_process`]).
    pub fn calls_in_process(&self) -> bool {
        self.shared
            .upstream
            .as_ref()
            .is_some_and(upstream::Upstream::in_process)
    }

    /// How many hubs have connected clients (a hub is dropped when its last client leaves).
    pub fn hub_count(&self) -> usize {
        self.shared.hubs.len()
    }

    /// How many sockets the emulator holds state for: connected ones, and closed ones whose queued
    /// upstream calls (ending with `disconnected`) are still being made. Back to zero once every client
    /// has left: a closed socket leaves nothing behind.
    pub fn socket_count(&self) -> usize {
        self.shared
            .live_sockets
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many namespaces the Socket.IO server holds (unused ones are dropped by a periodic sweep).
    pub fn namespace_count(&self) -> usize {
        self.shared.io().map_or(0, |io| io.nsps().len())
    }

    /// Runs the namespace sweep now (tests; it also runs every 30 s).
    pub fn sweep_namespaces_now(&self) {
        let mut empty: HashSet<String> = self
            .shared
            .io()
            .map(|io| io.nsps().iter().map(|n| n.ns_path().to_owned()).collect())
            .unwrap_or_default();
        self.shared.sweep_namespaces(&mut empty);
    }

    /// Stops serving: open connections get the server's grace period, then are closed. When the app's
    /// webhook is called in process ([`Emulator::call_in_process`]), the calls in flight first get the
    /// grace period to finish, with their acks and output actions (as the app's own server lets its
    /// in-flight requests finish).
    pub async fn stop(self) {
        let grace = self.grace_period;
        self.stop_within(grace).await;
    }

    /// Like [`Emulator::stop`], the calls in flight to an app in this process getting `grace` (the
    /// app's own grace period: `socketio_fn::run()` passes it).
    pub async fn stop_within(self, grace: Duration) {
        if let Some(upstream) = self.shared.upstream.as_ref().filter(|u| u.in_process())
            && !upstream.settle(grace).await
        {
            tracing::warn!("calls to the app still in flight after {grace:?}: stopping anyway");
        }
        let _ = self.stop.send(());
        self.sweeper.abort();
        if let Some(stats) = &self.admin_stats {
            stats.abort();
        }
        if let Some(io) = self.shared.io() {
            io.close().await;
        }
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod admin_tests {
    use super::{ADMIN_NAMESPACE, AdminConfig, Emulator, EmulatorConfig};

    /// The Admin UI's namespace outlives the sweeps that delete empty namespaces: were it deleted, a
    /// UI connecting later would land in a dynamic namespace and be asked for a client token.
    #[tokio::test]
    async fn the_admin_namespace_survives_the_sweeps() {
        let emulator = Emulator::start(EmulatorConfig {
            admin: Some(AdminConfig::default()),
            ..EmulatorConfig::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..3 {
            emulator.sweep_namespaces_now();
        }
        let io = emulator.shared.io().unwrap_or_else(|| unreachable!());
        assert!(io.of(ADMIN_NAMESPACE).is_some());
        emulator.stop().await;
    }

    #[tokio::test]
    async fn an_open_admin_ui_on_every_address_is_refused() {
        let refused = Emulator::start(EmulatorConfig {
            address: "0.0.0.0:0".parse().unwrap_or_else(|_| unreachable!()),
            admin: Some(AdminConfig::default()),
            ..EmulatorConfig::default()
        })
        .await;
        let error = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("loopback"), "{error}");
    }
}
