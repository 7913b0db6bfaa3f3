//! The app: settings, functions, connections and webhook authentication resolved at start-up, and the
//! HTTP server that hosts the webhook, the negotiation endpoints and health checks.

mod logging;
mod mode;
mod serve;

pub use logging::init_tracing;
pub use mode::{Mode, listen_address, local_mode};
pub use serve::{HEALTH_PATH, READY_PATH, shutdown_signal};

use crate::binding::{BindingError, Resolver};
use crate::error::Error;
use crate::negotiation::{
    NegotiationDescriptor, ResolvedNegotiation, SocketIoNegotiation, UserIdTemplate,
    registered_negotiations,
};
use crate::protocol::setting_names::{
    API_VERSION, BODY_TIMEOUT_SECS, CONNECTION, DEFAULT_API_VERSION, HEADER_TIMEOUT_SECS,
    MAX_BODY_BYTES, MAX_CONNECTIONS, SHUTDOWN_GRACE_SECS, WEBHOOK_AUTH, WEBHOOK_CODE,
    WEBHOOK_ENTRA_AUDIENCE, WEBHOOK_ENTRA_AUTHORITY, WEBHOOK_ENTRA_TENANT,
};
use crate::registry::{FunctionDescriptor, Registry, registered_functions};
use crate::service::{
    ActionExecutor, Credential, OutputTarget, ServiceClient, ServiceClients, ServiceHandle,
    entra_credential,
};
use crate::settings::{SecretValue, ServiceConnection, Settings, SettingsError};
use crate::state::StateMap;
use crate::webhook::{
    DEFAULT_AUTHORITY, DEFAULT_MAX_BODY_BYTES, EntraConfig, EntraValidator, WebhookAuth,
};
use axum::Router;
use azure_core::credentials::TokenCredential;
use socketio_fn_server::ServerConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Builds an [`App`] from explicit parts.
///
/// ```
/// use socketio_fn_core::{App, Settings};
/// let app = App::builder()
///     .settings(Settings::from_pairs([("WebPubSubForSocketIOConnectionString", "Endpoint=http://localhost;Port=8080;AccessKey=k")]))
///     .build()
///     .unwrap();
/// assert!(app.registry().functions().is_empty());
/// ```
#[derive(Default)]
pub struct AppBuilder {
    settings: Option<Settings>,
    functions: Vec<FunctionDescriptor>,
    negotiations: Vec<NegotiationDescriptor>,
    include_registered: bool,
    address: Option<SocketAddr>,
    executor: Option<Arc<dyn ActionExecutor>>,
    routes: Option<Router>,
    state: StateMap,
    credentials: Vec<(String, Arc<dyn TokenCredential>)>,
    handles: Vec<(Option<String>, Option<String>, ServiceHandle)>,
    allow_unauthenticated: bool,
    local_emulator: Option<String>,
    max_body_bytes: Option<usize>,
    grace_period: Option<Duration>,
}

impl std::fmt::Debug for AppBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppBuilder")
            .field("functions", &self.functions)
            .field("negotiations", &self.negotiations)
            .field("include_registered", &self.include_registered)
            .finish_non_exhaustive()
    }
}

impl AppBuilder {
    /// Uses these settings instead of loading them from `local.settings.json` and the environment.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// Adds one function explicitly.
    pub fn function(mut self, function: FunctionDescriptor) -> Self {
        self.functions.push(function);
        self
    }

    /// Adds a function annotated with `#[socketio_trigger]` by its name:
    /// `.register::<my_function>()`.
    pub fn register<F: crate::registry::SocketIoFunction>(self) -> Self {
        self.function(F::DESCRIPTOR)
    }

    /// Adds a negotiation function explicitly.
    pub fn negotiation(mut self, negotiation: NegotiationDescriptor) -> Self {
        self.negotiations.push(negotiation);
        self
    }

    /// Adds a function annotated with `#[socketio_negotiation]` by its name.
    pub fn register_negotiation<F: SocketIoNegotiation>(self) -> Self {
        self.negotiation(F::DESCRIPTOR)
    }

    /// Adds every function registered by the attribute macros in this program.
    pub fn registered_functions(mut self) -> Self {
        self.include_registered = true;
        self
    }

    /// Replaces the executor of output actions and service handles (default: the REST client of each
    /// connection). Tests use this to record actions.
    pub fn executor(mut self, executor: Arc<dyn ActionExecutor>) -> Self {
        self.executor = Some(executor);
        self
    }

    /// Serves these extra axum routes beside the webhook and negotiation endpoints (pages, APIs).
    pub fn routes(mut self, router: Router) -> Self {
        self.routes = Some(match self.routes.take() {
            Some(existing) => existing.merge(router),
            None => router,
        });
        self
    }

    /// Adds a shared value that functions receive with a [`crate::state::State<T>`] argument (one value
    /// per type; a later one of the same type replaces it).
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// A handle to `hub` (`%Setting%` allowed) on the default connection, to send actions from axum
    /// routes and background tasks. It works once the app is built; the build fails if the hub or the
    /// connection cannot be resolved.
    pub fn service(&mut self, hub: impl Into<String>) -> ServiceHandle {
        self.service_on(hub, None::<String>)
    }

    /// Like [`AppBuilder::service`], on the connection named by a setting (`None` = the default).
    pub fn service_on(
        &mut self,
        hub: impl Into<String>,
        connection: Option<impl Into<String>>,
    ) -> ServiceHandle {
        let handle = ServiceHandle::unbound();
        self.handles
            .push((Some(hub.into()), connection.map(Into::into), handle.clone()));
        handle
    }

    /// Uses `credential` for the identity-based connection named `connection` instead of the one its
    /// settings select (custom chains, tests).
    pub fn credential(
        mut self,
        connection: impl Into<String>,
        credential: Arc<dyn TokenCredential>,
    ) -> Self {
        self.credentials.push((connection.into(), credential));
        self
    }

    /// Sets the listen address (default: see [`listen_address`]).
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = Some(address);
        self
    }

    /// Sets the largest accepted webhook body (default: the `SOCKETIO_FN_MAX_BODY_BYTES` setting, else
    /// 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Sets how long in-flight requests get after shutdown starts (default: the
    /// `SOCKETIO_FN_SHUTDOWN_GRACE_SECS` setting, else 25 s).
    pub fn grace_period(mut self, grace: Duration) -> Self {
        self.grace_period = Some(grace);
        self
    }

    /// Serves the webhook even when nothing authenticates it (tests). Without this, or the
    /// `SOCKETIO_FN_WEBHOOK_AUTH=none` setting, such an app refuses to build.
    pub fn allow_unauthenticated_webhook(mut self) -> Self {
        self.allow_unauthenticated = true;
        self
    }

    /// Marks the app as running against the embedded emulator at `endpoint` (local mode); the facade's
    /// `run()` does this when it starts the emulator.
    pub fn local_emulator(mut self, endpoint: impl Into<String>) -> Self {
        self.local_emulator = Some(endpoint.into());
        self
    }

    /// Resolves settings, connections, functions, outputs, service handles and webhook authentication.
    /// Fails, naming the function or setting, on anything that would otherwise fail at the first event.
    pub fn build(self) -> Result<App, Error> {
        let settings = match self.settings {
            Some(s) => s,
            None => Settings::load()?,
        };
        let mut functions = self.functions;
        let mut negotiations = self.negotiations;
        if self.include_registered {
            functions.extend(registered_functions().copied());
            negotiations.extend(registered_negotiations().copied());
        }
        let api_version = settings
            .get(API_VERSION)
            .unwrap_or(DEFAULT_API_VERSION)
            .to_owned();

        // One REST client per connection in use, shared by outputs, handles and negotiation.
        let mut names: Vec<&str> = vec![CONNECTION];
        for f in &functions {
            names.extend(f.connection);
            names.extend(f.outputs.iter().filter_map(|o| o.connection));
        }
        names.extend(negotiations.iter().filter_map(|n| n.connection));
        names.extend(self.handles.iter().filter_map(|(_, c, _)| c.as_deref()));
        let mut clients = ServiceClients::default();
        let mut connections: Vec<(String, ServiceConnection)> = Vec::new();
        for name in names {
            if clients.get(name).is_some() {
                continue;
            }
            let connection = match settings.connection(name) {
                Ok(c) => c,
                // Reported by whoever uses it (a function names it, or auth needs the default).
                Err(SettingsError::MissingConnection(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let credential = match &connection {
                ServiceConnection::Key(k) => Credential::Key(k.access_key.clone()),
                ServiceConnection::Identity(i) => Credential::Entra(
                    match self
                        .credentials
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    {
                        Some((_, c)) => c.clone(),
                        None => entra_credential(name, &i.identity, &settings, None)
                            .map_err(Error::Credential)?,
                    },
                ),
            };
            let client = ServiceClient::new(connection.endpoint(), credential)
                .api_version(api_version.clone());
            clients.insert(name, Arc::new(client));
            connections.push((name.to_owned(), connection));
        }
        let executor = self.executor.unwrap_or_else(|| Arc::new(clients.clone()));
        let resolver = Resolver {
            settings: &settings,
            clients: &clients,
            executor: executor.clone(),
            state: &self.state,
        };
        let registry = Registry::build(functions, &resolver)?;
        if registry.functions().is_empty() {
            tracing::warn!(
                "no socketio-fn functions found: annotate async fns with #[socketio_trigger], and make sure \
                 the modules that hold them are linked into this binary"
            );
        }
        let negotiations = resolve_negotiations(negotiations, &resolver)?;
        for (hub, connection, handle) in &self.handles {
            let resolved = resolver
                .hub(hub.as_deref())
                .and_then(|hub| resolver.handle(hub, connection.as_deref()))
                .map_err(|reason| Error::InvalidFunction {
                    function: "service handle",
                    reason,
                })?;
            if let Some(target) = resolved.target() {
                handle.bind(target, executor.clone());
            }
        }

        // Which hosts may call the webhook, and how their requests are authenticated.
        let mut auth = WebhookAuth::default();
        let mut callers: Vec<&str> = vec![CONNECTION];
        callers.extend(
            registry
                .functions()
                .iter()
                .filter_map(|f| f.descriptor.connection),
        );
        for (name, connection) in &connections {
            if callers.iter().any(|c| c.eq_ignore_ascii_case(name)) {
                auth.add_connection(connection);
            }
        }
        if let Some(code) = settings.get(WEBHOOK_CODE).filter(|c| !c.trim().is_empty()) {
            auth.code(SecretValue::new(code.trim()));
        }
        if let Some(entra) = entra_config(&settings)? {
            let validator = EntraValidator::new(entra).map_err(|reason| Error::InvalidSetting {
                name: WEBHOOK_ENTRA_AUTHORITY,
                value: settings
                    .get(WEBHOOK_ENTRA_AUTHORITY)
                    .unwrap_or(DEFAULT_AUTHORITY)
                    .to_owned(),
                reason,
            })?;
            auth.entra(Arc::new(validator));
        }
        match settings
            .get(WEBHOOK_AUTH)
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("") => {}
            Some("none") => {
                tracing::warn!(
                    "`{WEBHOOK_AUTH}=none`: webhook requests that nothing authenticates are ACCEPTED; \
                     anyone who can reach the app can inject events"
                );
                auth.allow_unauthenticated();
            }
            Some(_) => {
                return Err(Error::InvalidSetting {
                    name: WEBHOOK_AUTH,
                    value: settings.get(WEBHOOK_AUTH).unwrap_or_default().to_owned(),
                    reason: "expected `none` (or leave it unset)".into(),
                });
            }
        }
        if self.allow_unauthenticated {
            auth.allow_unauthenticated();
        }
        if !auth.is_configured() {
            return Err(Error::Unsafe(format!(
                "nothing would authenticate the webhook: the connection is identity-based (or missing), so \
                 requests are not signed. Set `{WEBHOOK_CODE}` (and add `?code=<code>` to the event handler \
                 URL), or `{WEBHOOK_ENTRA_TENANT}` and `{WEBHOOK_ENTRA_AUDIENCE}` for the service's Microsoft \
                 Entra upstream auth, or `{WEBHOOK_AUTH}=none` to run unauthenticated on purpose"
            )));
        }

        let address = match self.address {
            Some(a) => a,
            None => listen_address(&settings)?,
        };
        let seconds = |name: &'static str, default: Duration| -> Result<Duration, Error> {
            number(&settings, name, default.as_secs()).map(Duration::from_secs)
        };
        let server = ServerConfig {
            name: "app",
            max_connections: usize::try_from(number(
                &settings,
                MAX_CONNECTIONS,
                socketio_fn_server::DEFAULT_MAX_CONNECTIONS as u64,
            )?)
            .unwrap_or(usize::MAX),
            header_timeout: seconds(
                HEADER_TIMEOUT_SECS,
                socketio_fn_server::DEFAULT_HEADER_TIMEOUT,
            )?,
            body_timeout: seconds(BODY_TIMEOUT_SECS, socketio_fn_server::DEFAULT_BODY_TIMEOUT)?,
            grace_period: match self.grace_period {
                Some(g) => g,
                None => seconds(
                    SHUTDOWN_GRACE_SECS,
                    socketio_fn_server::DEFAULT_GRACE_PERIOD,
                )?,
            },
        };
        let max_body_bytes = match self.max_body_bytes {
            Some(limit) => limit,
            None => usize::try_from(number(
                &settings,
                MAX_BODY_BYTES,
                DEFAULT_MAX_BODY_BYTES as u64,
            )?)
            .unwrap_or(usize::MAX),
        };
        let default_connection = connections
            .iter()
            .find(|(n, _)| n == CONNECTION)
            .map(|(_, c)| c);
        let mode = match self.local_emulator {
            Some(endpoint) => Mode::Local(endpoint),
            None => Mode::of(default_connection),
        };
        Ok(App {
            routes: self.routes.unwrap_or_default(),
            registry: Arc::new(registry),
            negotiations,
            executor,
            auth,
            settings,
            address,
            max_body_bytes,
            state: self.state,
            mode,
            server,
        })
    }
}

/// A whole number setting, or its default.
fn number(settings: &Settings, name: &'static str, default: u64) -> Result<u64, Error> {
    match settings.get(name) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| Error::InvalidSetting {
            name,
            value: value.to_owned(),
            reason: "expected a whole number".into(),
        }),
    }
}

/// The Entra upstream auth settings: both tenant and audience, or neither.
fn entra_config(settings: &Settings) -> Result<Option<EntraConfig>, Error> {
    let get = |name| settings.get(name).map(str::trim).filter(|v| !v.is_empty());
    match (get(WEBHOOK_ENTRA_TENANT), get(WEBHOOK_ENTRA_AUDIENCE)) {
        (None, None) => Ok(None),
        (Some(tenant), Some(audience)) => Ok(Some(EntraConfig {
            tenant_id: tenant.to_owned(),
            audience: audience.to_owned(),
            authority: get(WEBHOOK_ENTRA_AUTHORITY)
                .unwrap_or(DEFAULT_AUTHORITY)
                .to_owned(),
            refresh_interval: crate::webhook::REFRESH_INTERVAL,
        })),
        (Some(_), None) => Err(Error::Unsafe(format!(
            "`{WEBHOOK_ENTRA_TENANT}` is set but `{WEBHOOK_ENTRA_AUDIENCE}` is not: set the resource the \
             service requests tokens for"
        ))),
        (None, Some(_)) => Err(Error::Unsafe(format!(
            "`{WEBHOOK_ENTRA_AUDIENCE}` is set but `{WEBHOOK_ENTRA_TENANT}` is not: set your tenant id"
        ))),
    }
}

fn resolve_negotiations(
    mut descriptors: Vec<NegotiationDescriptor>,
    resolver: &Resolver<'_>,
) -> Result<Vec<Arc<ResolvedNegotiation>>, Error> {
    descriptors.sort_by(|a, b| a.name.cmp(b.name));
    let mut resolved: Vec<Arc<ResolvedNegotiation>> = Vec::new();
    for descriptor in descriptors {
        if let Some(other) = resolved
            .iter()
            .find(|r| r.descriptor.route.eq_ignore_ascii_case(descriptor.route))
        {
            return Err(Error::DuplicateRoute {
                first: other.descriptor.name,
                second: descriptor.name,
                route: descriptor.route,
            });
        }
        let resolve = || -> Result<ResolvedNegotiation, BindingError> {
            resolver.check_requirements(descriptor.requires)?;
            Ok(ResolvedNegotiation {
                descriptor,
                hub: resolver.hub(descriptor.hub)?,
                user_id: descriptor
                    .user_id
                    .map(|parts| UserIdTemplate::resolve(parts, resolver.settings))
                    .transpose()?,
                client: resolver.client(descriptor.connection)?,
            })
        };
        let negotiation = resolve().map_err(|reason| Error::InvalidFunction {
            function: descriptor.name,
            reason,
        })?;
        resolved.push(Arc::new(negotiation));
    }
    Ok(resolved)
}

/// A configured app, ready to serve.
pub struct App {
    routes: Router,
    registry: Arc<Registry>,
    negotiations: Vec<Arc<ResolvedNegotiation>>,
    executor: Arc<dyn ActionExecutor>,
    auth: WebhookAuth,
    settings: Settings,
    address: SocketAddr,
    max_body_bytes: usize,
    state: StateMap,
    mode: Mode,
    server: ServerConfig,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("registry", &self.registry)
            .field("address", &self.address)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Starts building an app.
    pub fn builder() -> AppBuilder {
        AppBuilder::default()
    }

    /// The routing table.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The configured listen address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How the app reaches the service.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// How the webhook authenticates requests.
    pub fn auth(&self) -> &WebhookAuth {
        &self.auth
    }

    /// A handle to `hub` (`%Setting%` allowed) on the default connection.
    pub fn service(&self, hub: &str) -> Result<ServiceHandle, Error> {
        self.service_on(hub, None)
    }

    /// A handle to `hub` on the connection named by a setting (`None` = the default).
    pub fn service_on(&self, hub: &str, connection: Option<&str>) -> Result<ServiceHandle, Error> {
        let hub = self.settings.resolve(hub)?;
        let target = OutputTarget {
            hub,
            connection: connection.unwrap_or(CONNECTION).to_owned(),
        };
        Ok(ServiceHandle::new(target, self.executor.clone()))
    }
}
