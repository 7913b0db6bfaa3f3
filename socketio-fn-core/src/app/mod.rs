//! The app: what the start-up pipeline (`crate::startup`) resolved — settings, functions,
//! connections, webhook authentication, limits — and the HTTP server that hosts the webhook, the
//! negotiation endpoints and health checks.

mod builder;
mod logging;
mod serve;

pub use crate::startup::mode::{Mode, listen_address, local_mode, webhook_path};
pub use builder::AppBuilder;
pub use logging::{init_tracing, json_logs};
pub use serve::{HEALTH_PATH, READY_PATH, shutdown_signal};

use crate::error::Error;
use crate::hook::Hooks;
use crate::negotiation::ResolvedNegotiation;
use crate::registry::{Registry, ResolvedFunction};
use crate::service::ServiceHandle;
use crate::settings::Settings;
use crate::startup::{Connections, Limits, Resolver};
use crate::state::StateMap;
use crate::webhook::{AuthSummary, WebhookAuth};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

/// A configured app, ready to serve.
pub struct App {
    pub(crate) routes: Router,
    pub(crate) registry: Arc<Registry>,
    pub(crate) negotiations: Vec<Arc<ResolvedNegotiation>>,
    pub(crate) timers: Vec<Arc<crate::timer::ResolvedTimer>>,
    /// Bindings mode: the Functions host invokes the functions (no webhook, no scheduler).
    pub(crate) bindings: bool,
    pub(crate) connections: Arc<Connections>,
    pub(crate) auth: WebhookAuth,
    pub(crate) settings: Settings,
    pub(crate) limits: Limits,
    pub(crate) state: StateMap,
    pub(crate) mode: Mode,
    /// Whether the embedded emulator serves the Admin UI (said in the start-up lines).
    pub(crate) admin_ui: bool,
    pub(crate) layers: Vec<builder::RouterLayer>,
    pub(crate) hooks: Hooks,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("functions", &self.registry.functions())
            .field("address", &self.limits.address)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Starts building an app.
    pub fn builder() -> AppBuilder {
        AppBuilder::default()
    }

    /// The functions with their hub, namespace and event resolved, sorted by name.
    pub fn functions(&self) -> &[ResolvedFunction] {
        self.registry.functions()
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The app's wire contract for `hub` (the only hub of its functions when `None`) and `namespace`
    /// (`/` when `None`): the events clients send and the server sends, with their types.
    pub fn contract(
        &self,
        hub: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<crate::contract::Contract, crate::error::ContractError> {
        let negotiations: Vec<(&str, &str)> = self
            .negotiations
            .iter()
            .map(|n| (n.hub.as_str(), n.descriptor.route))
            .collect();
        crate::contract::Contract::collect(self.registry.functions(), &negotiations, hub, namespace)
    }

    /// The configured listen address.
    pub fn address(&self) -> SocketAddr {
        self.limits.address
    }

    /// The time in-flight invocations get to finish after SIGTERM or Ctrl-C
    /// (`SOCKETIO_FN_SHUTDOWN_GRACE_SECS`, 25 s by default), as resolved at start-up.
    pub fn grace_period(&self) -> std::time::Duration {
        self.limits.server.grace_period
    }

    /// How the app reaches the service.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// What authenticates webhook requests.
    pub fn auth(&self) -> AuthSummary {
        self.auth.summary()
    }

    /// A handle to `hub` (`%Setting%` allowed) on the default connection.
    pub fn service(&self, hub: &str) -> Result<ServiceHandle, Error> {
        self.service_on(hub, None)
    }

    /// A handle to `hub` on the connection named by a setting (`None` = the default), resolved as the
    /// app's functions are: an unknown setting, an invalid hub name or a connection the app has not
    /// opened is an error here, not at the first send.
    pub fn service_on(&self, hub: &str, connection: Option<&str>) -> Result<ServiceHandle, Error> {
        Resolver::new(&self.settings, &self.connections, &self.state).handle_for(hub, connection)
    }
}
