//! The app: settings + functions + the HTTP server that hosts the webhook.

use crate::actions::DEFAULT_API_VERSION;
use crate::error::Error;
use crate::negotiation::{
    NegotiationDescriptor, ResolvedNegotiation, SocketIoNegotiation, registered_negotiations,
};
use crate::registry::{FunctionDescriptor, Registry, registered_functions};
use crate::service::{ActionExecutor, ServiceExecutor};
use crate::settings::{DEFAULT_CONNECTION_SETTING, Settings, SettingsError};
use crate::webhook::{DEFAULT_MAX_BODY_BYTES, OriginValidator, Webhook};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Setting (or environment variable) holding the listen address.
pub const ADDRESS_SETTING: &str = "SOCKETIO_FN_ADDR";
/// Setting holding the REST `api-version` (default [`DEFAULT_API_VERSION`]).
pub const API_VERSION_SETTING: &str = "WebPubSubForSocketIOApiVersion";
/// Setting with the origins allowed to call the negotiation endpoints from a browser (`*` or a comma
/// separated list), as `Host.CORS` in `local.settings.json`.
pub const CORS_SETTING: &str = "Host:CORS";
/// The default listen address: the Functions host's local port.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7071";

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
    max_body_bytes: Option<usize>,
    executor: Option<Arc<dyn ActionExecutor>>,
    routes: Option<Router>,
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

    /// Replaces the executor of output actions (default: the REST client of each connection). Tests use
    /// this to record actions.
    pub fn executor(mut self, executor: Arc<dyn ActionExecutor>) -> Self {
        self.executor = Some(executor);
        self
    }

    /// Serves these extra axum routes beside the webhook and negotiation endpoints (static pages,
    /// health checks).
    pub fn routes(mut self, router: Router) -> Self {
        self.routes = Some(match self.routes.take() {
            Some(existing) => existing.merge(router),
            None => router,
        });
        self
    }

    /// Adds every function registered by the attribute macros in this program.
    pub fn registered_functions(mut self) -> Self {
        self.include_registered = true;
        self
    }

    /// Sets the listen address (default: the `SOCKETIO_FN_ADDR` setting, else `127.0.0.1:7071`).
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = Some(address);
        self
    }

    /// Sets the largest accepted webhook body (default 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Resolves settings and functions. Fails on invalid settings, an invalid connection used by a function,
    /// or two functions for one (hub, namespace, event).
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
            .get(API_VERSION_SETTING)
            .unwrap_or(DEFAULT_API_VERSION)
            .to_owned();
        // One REST client per connection, shared by negotiation and output actions.
        let clients = Arc::new(ServiceExecutor::new(settings.clone(), api_version));
        let negotiations = resolve_negotiations(negotiations, &settings, &clients)?;
        let registry = Registry::build(functions, &settings)?;
        if registry.functions().is_empty() {
            tracing::warn!(
                "no socketio-fn functions found: annotate async fns with #[socketio_trigger], and make sure \
                 the modules that hold them are linked into this binary"
            );
        }
        let mut validator = OriginValidator::default();
        let mut names = vec![DEFAULT_CONNECTION_SETTING];
        names.extend(
            registry
                .functions()
                .iter()
                .filter_map(|f| f.descriptor.connection),
        );
        for name in names {
            match settings.connection(name) {
                Ok(connection) => validator.add(&connection),
                Err(SettingsError::MissingConnection(_)) if name == DEFAULT_CONNECTION_SETTING => {}
                Err(e) => return Err(e.into()),
            }
        }
        if validator.is_empty() {
            tracing::warn!(
                "no `{DEFAULT_CONNECTION_SETTING}` configured: webhook signatures are NOT checked"
            );
        }
        let address = match self.address {
            Some(a) => a,
            None => {
                let value = settings.get(ADDRESS_SETTING).unwrap_or(DEFAULT_ADDRESS);
                value
                    .parse()
                    .map_err(|e: std::net::AddrParseError| Error::InvalidAddress {
                        value: value.to_owned(),
                        reason: e.to_string(),
                    })?
            }
        };
        let executor = self.executor.unwrap_or_else(|| clients.clone());
        Ok(App {
            routes: self.routes.unwrap_or_default(),
            registry: Arc::new(registry),
            negotiations,
            executor,
            validator,
            settings,
            address,
            max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
        })
    }
}

/// A configured app, ready to serve.
pub struct App {
    routes: Router,
    registry: Arc<Registry>,
    negotiations: Vec<Arc<ResolvedNegotiation>>,
    executor: Arc<dyn ActionExecutor>,
    validator: OriginValidator,
    settings: Settings,
    address: SocketAddr,
    max_body_bytes: usize,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("registry", &self.registry)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

fn resolve_negotiations(
    mut descriptors: Vec<NegotiationDescriptor>,
    settings: &Settings,
    clients: &ServiceExecutor,
) -> Result<Vec<Arc<ResolvedNegotiation>>, Error> {
    descriptors.sort_by(|a, b| a.name.cmp(b.name));
    let mut resolved: Vec<Arc<ResolvedNegotiation>> = Vec::new();
    for descriptor in descriptors {
        let invalid = |reason: String| Error::InvalidFunction {
            function: descriptor.name,
            reason,
        };
        if let Some(other) = resolved
            .iter()
            .find(|r| r.descriptor.route.eq_ignore_ascii_case(descriptor.route))
        {
            return Err(invalid(format!(
                "route `{}` is already served by `{}`",
                descriptor.route, other.descriptor.name
            )));
        }
        let hub = if descriptor.hub.is_empty() {
            settings
                .get(crate::settings::DEFAULT_HUB_SETTING)
                .map(str::to_owned)
                .ok_or_else(|| {
                    invalid("no hub: set `hub` or the `WebPubSubForSocketIOHub` setting".into())
                })?
        } else {
            settings
                .resolve(descriptor.hub)
                .map_err(|e| invalid(e.to_string()))?
        };
        let name = descriptor.connection.unwrap_or(DEFAULT_CONNECTION_SETTING);
        let connection = match settings.connection(name) {
            Ok(c) => {
                let client = clients
                    .client(Some(name))
                    .map_err(|e| invalid(e.to_string()))?;
                Ok((c, client))
            }
            Err(e @ SettingsError::MissingConnection(_)) => {
                tracing::warn!(
                    function = descriptor.name,
                    "negotiation cannot work yet: {e}"
                );
                Err(e.to_string())
            }
            Err(e) => return Err(e.into()),
        };
        resolved.push(Arc::new(ResolvedNegotiation {
            descriptor,
            hub,
            connection,
        }));
    }
    Ok(resolved)
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

    /// The axum router of the app (the webhook), for tests or to merge into a larger router.
    pub fn router(&self) -> Router {
        Webhook::new(self.registry.clone(), self.validator.clone())
            .max_body_bytes(self.max_body_bytes)
            .executor(self.executor.clone())
            .router()
            .merge(crate::negotiation::router(&self.negotiations).layer(cors(&self.settings)))
            .merge(self.routes.clone())
    }

    /// Serves on the configured address until Ctrl-C, letting in-flight invocations finish.
    pub async fn serve(self) -> Result<(), Error> {
        let address = self.address;
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| Error::Bind { address, source })?;
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `shutdown` completes, then waits for in-flight requests.
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let local = listener.local_addr().map_err(Error::Serve)?;
        for f in self.registry.functions() {
            tracing::info!(
                function = f.descriptor.name,
                hub = %f.hub,
                namespace = %f.namespace,
                event = f.descriptor.event,
                "registered"
            );
        }
        for n in &self.negotiations {
            tracing::info!(function = n.descriptor.name, hub = %n.hub, "negotiation at http://{local}{}", n.descriptor.route);
        }
        tracing::info!(
            "listening on http://{local}{}",
            crate::protocol::cloud_events::WEBHOOK_PATH
        );
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(Error::Serve)
    }
}

async fn shutdown_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
    tracing::info!("shutting down; waiting for in-flight invocations");
}

/// Installs a `tracing` subscriber reading `RUST_LOG` (default `info`), unless one is already set.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Runs the app: installs logging, loads settings, collects every registered function and serves until
/// Ctrl-C.
pub async fn run() -> Result<(), Error> {
    init_tracing();
    App::builder().registered_functions().build()?.serve().await
}

/// The CORS layer of the negotiation endpoints: none unless `Host:CORS` (or `Host__CORS`) is set.
fn cors(settings: &Settings) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let Some(value) = settings
        .get(CORS_SETTING)
        .map(str::trim)
        .filter(|v| !v.is_empty())
    else {
        return CorsLayer::new();
    };
    let origins = if value == "*" {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            value
                .split(',')
                .filter_map(|o| axum::http::HeaderValue::from_str(o.trim()).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([axum::http::Method::GET])
}
