//! A local emulator of Azure Web PubSub for Socket.IO in serverless mode.
//!
//! Socket.IO v4 clients connect to `http://<addr>/clients/socketio/hubs/<hub>` with an `access_token`
//! (query or auth payload); the emulator checks the token, calls the function app's webhook for
//! `connect`, `connected`, each user event and `disconnected`, forwards acks, and serves the REST API the
//! runtime uses for output actions. Used in-process by `socketio_fn::run()` when no connection string is
//! set, by tests, and standalone (`cargo run -p socketio-fn-emulator -- --upstream <url>`).

mod filter;
mod hub;
mod rest;
mod upstream;

pub use filter::{Filter, Subject};

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::any;
use hub::{Hub, HubService, Shared};
use socketio_fn_core::protocol::paths::{CLIENT_PATH_PREFIX, REST_HUB_PREFIX};
use socketio_fn_core::settings::AccessKey;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Emulator settings. Its `Debug` does not show the access key.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Listen address (`127.0.0.1:0` picks a free port).
    pub address: SocketAddr,
    /// The access key clients' tokens and REST calls are signed with; random when `None`.
    pub access_key: Option<String>,
    /// The function app's webhook URL (`http://127.0.0.1:7071/runtime/webhooks/socketio`); without it,
    /// sockets are accepted and events go nowhere.
    pub upstream: Option<String>,
    /// Timeout of each webhook call.
    pub upstream_timeout: Duration,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("address", &self.address)
            .field(
                "access_key",
                &self.access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("upstream", &self.upstream)
            .field("upstream_timeout", &self.upstream_timeout)
            .finish()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            access_key: None,
            upstream: None,
            upstream_timeout: Duration::from_secs(30),
        }
    }
}

/// One hub's state, its Socket.IO service and server handle.
type HubEntry = (Arc<Hub>, HubService, socketioxide::SocketIo);

/// The hubs, created on first use.
struct Service {
    shared: Arc<Shared>,
    hubs: Mutex<HashMap<String, HubEntry>>,
}

impl Service {
    fn hub(&self, name: &str) -> HubEntry {
        let mut hubs = self
            .hubs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hubs.entry(name.to_owned())
            .or_insert_with(|| {
                let hub = Arc::new(Hub {
                    name: name.to_owned(),
                    shared: self.shared.clone(),
                    connections: Mutex::default(),
                });
                let (svc, io) = hub::socket_io(hub.clone());
                (hub, svc, io)
            })
            .clone()
    }

    fn existing_hub(&self, name: &str) -> Option<(Arc<Hub>, socketioxide::SocketIo)> {
        let hubs = self
            .hubs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hubs.get(name).map(|(h, _, io)| (h.clone(), io.clone()))
    }
}

/// A running emulator. Dropping it does not stop it; call [`Emulator::stop`].
#[derive(Debug)]
pub struct Emulator {
    endpoint: String,
    access_key: AccessKey,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn dispatch(
    State(service): State<Arc<Service>>,
    Path(hub): Path<String>,
    request: Request,
) -> Response {
    let (_, svc, _) = service.hub(&hub);
    match svc.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

async fn dispatch_rest(
    State(service): State<Arc<Service>>,
    Path((hub, rest)): Path<(String, String)>,
    request: Request,
) -> Response {
    rest::handle(&service, &hub, &rest, request).await
}

impl Emulator {
    /// Binds and starts serving.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.address).await?;
        let address = listener.local_addr()?;
        let endpoint = format!("http://{address}");
        let access_key = config
            .access_key
            .unwrap_or_else(|| (0..32).map(|_| fastrand::alphanumeric()).collect());
        let upstream = config.upstream.map(|url| {
            upstream::Upstream::new(
                url,
                address.ip().to_string(),
                access_key.clone(),
                config.upstream_timeout,
            )
        });
        let service = Arc::new(Service {
            shared: Arc::new(Shared {
                endpoint: endpoint.clone(),
                access_key: AccessKey::new(access_key.clone()),
                upstream,
            }),
            hubs: Mutex::default(),
        });
        let router = Router::new()
            .route(&format!("{CLIENT_PATH_PREFIX}{{hub}}"), any(dispatch))
            .route(&format!("{CLIENT_PATH_PREFIX}{{hub}}/"), any(dispatch))
            .route(
                &format!("{REST_HUB_PREFIX}{{hub}}/{{*rest}}"),
                any(dispatch_rest),
            )
            .layer(tower_http::cors::CorsLayer::permissive())
            .with_state(service);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "emulator stopped with an error");
            }
        });
        Ok(Self {
            endpoint,
            access_key: AccessKey::new(access_key),
            stop,
            task,
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

    /// The connection string an app uses to reach this emulator.
    pub fn connection_string(&self) -> String {
        format!(
            "Endpoint={};AccessKey={};Version=1.0;",
            self.endpoint,
            self.access_key.expose()
        )
    }

    /// Stops serving (open connections are closed).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.abort();
        let _ = self.task.await;
    }
}
