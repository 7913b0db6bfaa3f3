//! [`AppBuilder`]: what an app is made of, set explicitly; [`AppBuilder::build`] runs the start-up
//! pipeline, whose steps are in `crate::startup`.

use super::App;
use crate::error::Error;
use crate::hook::{Hooks, InvocationHook};
use crate::negotiation::{NegotiationDescriptor, SocketIoNegotiation};
use crate::registry::{FunctionDescriptor, SocketIoFunction};
use crate::service::ServiceHandle;
use crate::settings::Settings;
use crate::startup::{
    self, Connections, CredentialOverride, LimitOverrides, Limits, PendingHandle, Resolver,
};
use crate::state::StateMap;
use crate::timer::{SocketIoTimer, TimerDescriptor};
use crate::webhook::WebhookAuth;
use axum::Router;
use azure_core::credentials::TokenCredential;
use socketio_fn_protocol::setting_names::{
    CONNECTION, FUNCTIONS_BINDINGS, FUNCTIONS_CUSTOMHANDLER_PORT,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Builds an [`App`] from explicit parts.
///
/// ```
/// use socketio_fn::{App, Settings};
/// let app = App::builder()
///     .settings(Settings::from_pairs([("WebPubSubForSocketIOConnectionString", "Endpoint=http://localhost;Port=8080;AccessKey=k")]))
///     .build()
///     .unwrap();
/// assert!(app.functions().is_empty());
/// ```
#[derive(Default)]
pub struct AppBuilder {
    pub(crate) settings: Option<Settings>,
    pub(crate) functions: Vec<FunctionDescriptor>,
    pub(crate) negotiations: Vec<NegotiationDescriptor>,
    pub(crate) timers: Vec<TimerDescriptor>,
    pub(crate) include_registered: bool,
    pub(crate) routes: Option<Router>,
    pub(crate) state: StateMap,
    pub(crate) credentials: Vec<CredentialOverride>,
    pub(crate) handles: Vec<PendingHandle>,
    pub(crate) allow_unauthenticated: bool,
    pub(crate) local_emulator: Option<String>,
    pub(crate) admin_ui: bool,
    pub(crate) overrides: Vec<(String, String)>,
    pub(crate) limits: LimitOverrides,
    pub(crate) layers: Vec<RouterLayer>,
    pub(crate) hooks: Vec<Arc<dyn InvocationHook>>,
}

/// A tower layer to wrap the app's router in, kept as a function so the router can be made again.
pub(crate) type RouterLayer = Arc<dyn Fn(Router) -> Router + Send + Sync>;

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
    pub fn register<F: SocketIoFunction>(self) -> Self {
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

    /// Adds a timer function by its descriptor.
    pub fn timer(mut self, timer: TimerDescriptor) -> Self {
        self.timers.push(timer);
        self
    }

    /// Adds a `#[socketio_timer]` function: `.register_timer::<tick>()`.
    pub fn register_timer<T: SocketIoTimer>(self) -> Self {
        self.timer(T::DESCRIPTOR)
    }

    /// The `function.json` of every function (the builder's, and the registered ones when asked),
    /// by name, for the Functions host's bindings mode; nothing is resolved (`%Setting%`s stay for
    /// the host). `cargo socketio-fn functions --bindings` writes them.
    pub fn functions_manifest(
        &self,
    ) -> Result<
        Vec<(&'static str, serde_json::Value)>,
        crate::functions_host::manifest::ManifestError,
    > {
        let (functions, negotiations, timers) = startup::descriptors(
            (
                self.functions.clone(),
                self.negotiations.clone(),
                self.timers.clone(),
            ),
            self.include_registered,
        );
        crate::functions_host::manifest::functions(&functions, &negotiations, &timers)
    }

    /// Serves these extra axum routes beside the webhook and negotiation endpoints (pages, APIs).
    pub fn routes(mut self, router: Router) -> Self {
        self.routes = Some(match self.routes.take() {
            Some(existing) => existing.merge(router),
            None => router,
        });
        self
    }

    /// Wraps the app's HTTP routes (negotiation, health checks and your routes) in a tower layer:
    /// CORS, compression, request ids, tower-http's `TraceLayer`. As with axum's `Router::layer`, a
    /// layer added later wraps those added before (it sees a request first). The webhook is not
    /// wrapped: only the service calls it, and a layer such as CORS would answer the service's
    /// `OPTIONS` handshake in its place; [`AppBuilder::hook`] runs around its invocations.
    ///
    /// ```
    /// use socketio_fn::App;
    /// use tower_http::cors::CorsLayer;
    /// let _builder = App::builder().layer(CorsLayer::permissive());
    /// ```
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Error:
            Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        self.layers
            .push(Arc::new(move |router: Router| router.layer(layer.clone())));
        self
    }

    /// Adds a hook around every function invocation (see [`InvocationHook`]); hooks run in the
    /// order they are added.
    pub fn hook(mut self, hook: impl InvocationHook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Adds a shared value that functions receive with a [`crate::state::State<T>`] argument (one value
    /// per type; a later one of the same type replaces it).
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// A handle to `hub` (`%Setting%` allowed) on the default connection, to send actions from axum
    /// routes and background tasks. It sends once the app is built; the build fails if the hub or the
    /// connection cannot be resolved, and then (as when the builder is dropped unbuilt) every send
    /// fails at once with `ServiceError::NotReady`.
    pub fn service(&mut self, hub: impl Into<String>) -> ServiceHandle {
        self.service_on(hub, None::<String>)
    }

    /// Like [`AppBuilder::service`], on the connection named by a setting (`None` = the default).
    pub fn service_on(
        &mut self,
        hub: impl Into<String>,
        connection: Option<impl Into<String>>,
    ) -> ServiceHandle {
        let (handle, binder) = ServiceHandle::pending();
        self.handles.push(PendingHandle {
            hub: hub.into(),
            connection: connection.map(Into::into),
            binder,
        });
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

    /// Sets the listen address (default: see [`crate::app::listen_address`]).
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.limits.address = Some(address);
        self
    }

    /// Sets the largest accepted webhook body (default: the `SOCKETIO_FN_MAX_BODY_BYTES` setting, else
    /// 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.limits.max_body_bytes = Some(limit);
        self
    }

    /// Sets how long in-flight requests get after shutdown starts (default: the
    /// `SOCKETIO_FN_SHUTDOWN_GRACE_SECS` setting, else 25 s).
    pub fn grace_period(mut self, grace: Duration) -> Self {
        self.limits.grace_period = Some(grace);
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

    /// Sets one setting over the app's settings (given with [`AppBuilder::settings`] or loaded), as
    /// the environment would: the test kit points the app at its emulator with this.
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.overrides.push((name.into(), value.into()));
        self
    }

    /// Says that the embedded emulator serves the Socket.IO Admin UI: the start-up lines tell how to
    /// connect it to each hub of the app. The facade's `run()` does this with
    /// `SOCKETIO_FN_EMULATOR_ADMIN=on`.
    pub fn local_admin_ui(mut self) -> Self {
        self.admin_ui = true;
        self
    }

    /// Resolves settings, connections, functions, outputs, service handles, webhook authentication and
    /// server limits, in that order. Fails, naming the function, handle or setting, on anything that
    /// would otherwise fail at the first event or send.
    ///
    /// This is the start-up pipeline's entry; each step is a function of `crate::startup`.
    pub fn build(self) -> Result<App, Error> {
        let Self {
            settings,
            functions,
            negotiations,
            timers,
            include_registered,
            routes,
            state,
            credentials,
            handles,
            allow_unauthenticated,
            local_emulator,
            admin_ui,
            overrides,
            limits,
            layers,
            hooks,
        } = self;
        // 1. settings
        let mut settings = startup::settings(settings)?;
        for (name, value) in overrides {
            settings.set(&name, value);
        }
        let (functions, negotiations, timers) =
            startup::descriptors((functions, negotiations, timers), include_registered);
        // 2. connections
        let names = startup::connection_names((&functions, &negotiations, &timers), &handles);
        let connections = Connections::open(&settings, names, &credentials)?;
        // 3. resolution
        let resolver = Resolver::new(&settings, &connections, &state);
        let registry = startup::registry(functions, &resolver)?;
        let negotiations = startup::negotiations(negotiations, &resolver)?;
        let timers = startup::timers(timers, &resolver)?;
        let resolved_handles = startup::resolve_handles(&handles, &resolver)?;
        // 4. webhook authentication (under the Functions host in bindings mode, the host serves it)
        let bindings = bindings_mode(&settings)?;
        let callers = registry.callers();
        let auth = if bindings {
            WebhookAuth::default()
        } else {
            WebhookAuth::from_settings(&settings, &connections, &callers, allow_unauthenticated)?
        };
        // 5. server limits and mode
        let limits = Limits::from_settings(&settings, limits)?;
        if bindings && !limits.address.ip().is_loopback() {
            return Err(Error::InvalidSetting {
                name: FUNCTIONS_BINDINGS,
                value: "on".into(),
                reason: format!(
                    "in bindings mode the app takes the host's invocations on a loopback address only, not {}",
                    limits.address
                ),
            });
        }
        let mode = match local_emulator {
            Some(endpoint) => startup::mode::Mode::Local(endpoint),
            None => startup::mode::Mode::of(connections.get(CONNECTION).map(|c| &c.connection)),
        };
        // 6. handles bound, last
        startup::bind_handles(handles, &resolved_handles);
        Ok(App {
            routes: routes.unwrap_or_default(),
            registry: Arc::new(registry),
            negotiations,
            timers,
            bindings,
            connections: Arc::new(connections),
            auth,
            settings,
            limits,
            state,
            mode,
            admin_ui,
            layers,
            hooks: Hooks(hooks.into()),
        })
    }
}

/// Whether the app runs under the Functions host in bindings mode (`SOCKETIO_FN_FUNCTIONS_BINDINGS`),
/// which needs the host's port: the mode is for the host only.
fn bindings_mode(settings: &Settings) -> Result<bool, Error> {
    let on = match settings.get(FUNCTIONS_BINDINGS).map(str::trim) {
        None | Some("") => return Ok(false),
        Some(v)
            if ["on", "true", "1"]
                .iter()
                .any(|x| v.eq_ignore_ascii_case(x)) =>
        {
            true
        }
        Some(v)
            if ["off", "false", "0"]
                .iter()
                .any(|x| v.eq_ignore_ascii_case(x)) =>
        {
            false
        }
        Some(other) => {
            return Err(Error::InvalidSetting {
                name: FUNCTIONS_BINDINGS,
                value: other.to_owned(),
                reason: "expected `on` or `off`".into(),
            });
        }
    };
    if on && settings.get(FUNCTIONS_CUSTOMHANDLER_PORT).is_none() {
        return Err(Error::InvalidSetting {
            name: FUNCTIONS_BINDINGS,
            value: "on".into(),
            reason: format!(
                "bindings mode is for the Azure Functions host, which sets `{FUNCTIONS_CUSTOMHANDLER_PORT}`; \
                 run without it (the app serves its own webhook)"
            ),
        });
    }
    Ok(on)
}
