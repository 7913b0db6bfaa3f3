//! The test kit (feature `testing`): an app's functions — the same registry and builder `run()` uses,
//! with its state, hooks, layers and routes — served in the test's process with the emulator on
//! ephemeral ports, and Socket.IO clients connected to it.
//!
//! A feature of this crate rather than a crate of its own: an app adds one dev-dependency line
//! (`socketio-fn = { ..., features = ["testing"] }`), and the kit always matches the runtime it tests.
//! The client is the kit's own, on `tokio-tungstenite` and the protocol crate's packets (see
//! [`TestClient`]): rust_socketio 0.6 returns from `connect` before the namespace is connected and
//! does not fail on a refusal, which a test must see.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use socketio_fn::App;
//! use socketio_fn::testing::TestApp;
//!
//! let app = TestApp::start(App::builder().registered_functions()).await?;
//! let alice = app.client().user("alice").connect().await?;
//! let (ack,): (String,) = alice.emit_with_ack("message", ("hi",)).await?;
//! let (from, text): (String, String) = alice.next_event("message").await?;
//! # Ok(()) }
//! ```

mod client;

pub use client::{ClientError, TestClient};

use serde_json::Value;
use socketio_fn_core::protocol::AccessKey;
use socketio_fn_core::protocol::paths::{client_path, escape_component};
use socketio_fn_core::protocol::setting_names::CONNECTION;
use socketio_fn_core::protocol::token::{self, TokenClaims};
use socketio_fn_core::{AppBuilder, Error};
use socketio_fn_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

/// How long a client waits for anything by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// An app served in this process with its emulator, for tests; stopped when dropped.
pub struct TestApp {
    url: String,
    emulator: Option<Emulator>,
    hubs: Vec<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("url", &self.url)
            .field("hubs", &self.hubs)
            .finish_non_exhaustive()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    /// Builds the app from `builder` (typically `App::builder().registered_functions()`, with your
    /// state and routes) against an emulator of its own, and serves both on free loopback ports. The
    /// emulator hands the webhook calls to the app in process, as `run()` does.
    pub async fn start(builder: AppBuilder) -> Result<Self, Error> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(Error::Serve)?;
        let address = listener.local_addr().map_err(Error::Serve)?;
        let emulator = Emulator::start(EmulatorConfig {
            upstream: Some(format!(
                "http://{address}{}",
                socketio_fn_core::protocol::cloud_events::WEBHOOK_PATH
            )),
            ..EmulatorConfig::default()
        })
        .await
        .map_err(Error::Serve)?;
        let app = builder
            .local_emulator(emulator.endpoint())
            .setting(CONNECTION, emulator.connection_string())
            .build()?;
        emulator
            .call_in_process(app.router())
            .map_err(|e| Error::Serve(std::io::Error::other(e)))?;
        let mut hubs: Vec<String> = app.functions().iter().map(|f| f.hub.clone()).collect();
        hubs.sort();
        hubs.dedup();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.serve_with_shutdown(listener, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            url: format!("http://{address}"),
            emulator: Some(emulator),
            hubs,
            stop: Some(stop),
        })
    }

    /// The app's base URL (its routes and negotiation endpoints).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The emulator (its endpoint, key, and what it holds).
    pub fn emulator(&self) -> &Emulator {
        self.emulator
            .as_ref()
            .unwrap_or_else(|| unreachable!("set until dropped"))
    }

    /// A client to configure and connect: the app's only hub and namespace `/` by default.
    pub fn client(&self) -> ClientBuilder<'_> {
        ClientBuilder {
            app: self,
            hub: (self.hubs.len() == 1).then(|| self.hubs[0].clone()),
            namespace: "/".to_owned(),
            user: None,
            query: Vec::new(),
            auth: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Stops the app and the emulator.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(emulator) = self.emulator.take() {
            emulator.stop().await;
        }
    }
}

/// A client to connect: its hub, namespace, user, query and auth payload. Its `Debug` leaves the
/// auth payload out (it may hold a token).
pub struct ClientBuilder<'a> {
    app: &'a TestApp,
    hub: Option<String>,
    namespace: String,
    user: Option<String>,
    query: Vec<(String, String)>,
    auth: Option<Value>,
    timeout: Duration,
}

impl std::fmt::Debug for ClientBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("hub", &self.hub)
            .field("namespace", &self.namespace)
            .field("user", &self.user)
            .field("query", &self.query)
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder<'_> {
    /// The hub (needed when the app's functions are on several).
    pub fn hub(mut self, hub: impl Into<String>) -> Self {
        self.hub = Some(hub.into());
        self
    }

    /// The namespace (`/` by default).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The user id the client's token names (`UserId` in the app's functions).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// A query parameter of the connection (what `SocketIoConnectRequest::query_value` reads).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The CONNECT packet's auth payload.
    pub fn auth(mut self, auth: Value) -> Self {
        self.auth = Some(auth);
        self
    }

    /// How long the client waits for anything ([`DEFAULT_TIMEOUT`] by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects over a WebSocket with a token for the hub, as a negotiated client does; a connection
    /// the app refuses is [`ClientError::Refused`] with its reason.
    pub async fn connect(self) -> Result<TestClient, ClientError> {
        let hub = self.hub.ok_or_else(|| {
            ClientError::Connect(format!(
                "the app's functions are on several hubs ({}): choose one with .hub(..)",
                self.app.hubs.join(", ")
            ))
        })?;
        let emulator = self.app.emulator();
        let claims = TokenClaims::new(
            socketio_fn_core::protocol::paths::client_audience(emulator.endpoint(), &hub),
            token::unix_now(),
            3600,
            self.user,
        );
        let token = token::sign(&claims, &AccessKey::new(emulator.access_key()))
            .map_err(|e| ClientError::Connect(e.to_string()))?;
        let mut url = format!(
            "{}{}/?EIO=4&transport=websocket&access_token={token}",
            emulator.endpoint().replacen("http", "ws", 1),
            client_path(&hub)
        );
        for (name, value) in &self.query {
            url.push('&');
            url.push_str(&escape_component(name));
            url.push('=');
            url.push_str(&escape_component(value));
        }
        TestClient::connect(&url, &self.namespace, self.auth.as_ref(), self.timeout).await
    }
}
