//! Serving the app: the router (webhook, negotiation, health, the user's routes), the start-up line,
//! shutdown on SIGTERM or Ctrl-C with a bounded grace period.

use super::App;
use crate::error::Error;
use crate::functions_host::FunctionsHost;
use crate::settings::Settings;
use crate::startup::mode::Mode;
use crate::webhook::Webhook;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use socketio_fn_protocol::paths::{ADMIN_UI_NAMESPACE, client_path};
use socketio_fn_protocol::setting_names::CORS;
use socketio_fn_server::ShutdownSignal;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::TcpListener;

/// Liveness: 200 while the process serves.
pub const HEALTH_PATH: &str = "/healthz";
/// Readiness: 200 with the mode and how the webhook is authenticated (JSON, no secrets); 503 once
/// shutdown has started.
pub const READY_PATH: &str = "/readyz";

impl App {
    /// The axum router of the app (webhook, negotiation endpoints, health checks and the extra routes),
    /// for tests or to merge into a larger router. Readiness always answers 200 here.
    pub fn router(&self) -> Router {
        self.router_with(Arc::new(AtomicBool::new(false)))
    }

    fn router_with(&self, draining: Arc<AtomicBool>) -> Router {
        let ready = serde_json::json!({
            "status": "ready",
            "mode": self.mode.name(),
            "auth": {
                "signature": self.auth.summary().signature,
                "code": self.auth.summary().code,
                "entra": self.auth.summary().entra,
                "unauthenticated": self.auth.summary().open,
            },
            "functions": self.registry.functions().len(),
            "warning": self.auth.summary().open.then_some(
                "the webhook accepts unauthenticated requests"
            ),
        });
        let webhook = Webhook::new(self.registry.clone(), self.auth.clone())
            .hooks(self.hooks.clone())
            .max_body_bytes(self.limits.max_body_bytes)
            .state(self.state.clone())
            .router(&self.limits.webhook_path);
        let rest = crate::negotiation::router(&self.negotiations, &self.state)
            .layer(cors(&self.settings))
            .route(HEALTH_PATH, get(|| async { "ok" }))
            .route(
                READY_PATH,
                get(move || {
                    let ready = ready.clone();
                    let draining = draining.clone();
                    async move {
                        if draining.load(Ordering::Relaxed) {
                            (
                                StatusCode::SERVICE_UNAVAILABLE,
                                axum::Json(serde_json::json!({"status": "shutting down"})),
                            )
                                .into_response()
                        } else {
                            axum::Json(ready).into_response()
                        }
                    }
                }),
            )
            .merge(self.routes.clone());
        // The builder's layers wrap everything but the webhook, which only the service calls: a CORS
        // layer there would answer the service's OPTIONS handshake in the webhook's place. Hooks run
        // around the webhook's invocations.
        let rest = self.layers.iter().fold(rest, |router, layer| layer(router));
        if self.bindings {
            // The Functions host serves the webhook; its invocations come first, then the app's
            // routes (forwarded by the package's HTTP function).
            let config = (
                self.hooks.clone(),
                self.state.clone(),
                self.limits.max_body_bytes,
            );
            return FunctionsHost::new(
                self.registry.clone(),
                &self.negotiations,
                &self.timers,
                config,
            )
            .wrap(rest);
        }
        webhook.merge(rest)
    }

    /// Serves on the configured address until SIGTERM or Ctrl-C, letting in-flight invocations finish
    /// within the grace period.
    pub async fn serve(self) -> Result<(), Error> {
        let address = self.limits.address;
        let setting = self.limits.address_setting;
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| Error::Bind {
                address,
                setting,
                source,
            })?;
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `shutdown` completes, then drains (at most the grace period).
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let local = listener.local_addr().map_err(Error::Serve)?;
        self.log_start(local);
        let draining = Arc::new(AtomicBool::new(false));
        let router = self.router_with(draining.clone());
        // The timers run while the app serves (the Functions host runs them in bindings mode).
        let _timers =
            (!self.bindings).then(|| crate::timer::spawn_timers(&self.timers, &self.state));
        let stopped = socketio_fn_server::serve(
            listener,
            router,
            self.limits.server.clone(),
            shutdown,
            move || {
                draining.store(true, Ordering::Relaxed);
            },
        )
        .await;
        tracing::info!(?stopped, "stopped");
        Ok(())
    }
}

impl App {
    /// The start-up lines: the mode and what authenticates the webhook first, then the functions and
    /// the negotiation endpoints. (An identity-based connection's credential is logged when it is
    /// chosen, while the app is built.)
    fn log_start(&self, local: std::net::SocketAddr) {
        let summary = self.auth.summary();
        let webhook = &self.limits.webhook_path;
        if self.bindings {
            tracing::info!(
                mode = "functions-bindings",
                "mode: Azure Functions bindings; the host serves the webhook (its `socketio_extension` \
                 key and the service's signature authenticate it) and invokes each function at \
                 http://{local}/<function>; {}",
                self.mode
            );
        } else {
            tracing::info!(
                mode = self.mode.name(),
                auth = %summary,
                "mode: {}; the webhook at http://{local}{webhook} accepts requests authenticated by {summary}",
                self.mode
            );
        }
        self.log_admin_ui();
        if summary.open && !self.bindings {
            tracing::warn!(
                "the webhook accepts UNAUTHENTICATED requests: anyone who can reach it can inject events"
            );
        }
        for f in self.registry.functions() {
            tracing::info!(
                function = f.descriptor.name,
                hub = %f.hub,
                namespace = %f.namespace,
                event = %f.event,
                "registered"
            );
        }
        for n in &self.negotiations {
            tracing::info!(function = n.descriptor.name, hub = %n.hub, "negotiation at http://{local}{}", n.descriptor.route);
        }
        let runner = if self.bindings {
            "run by the host's timerTrigger"
        } else {
            "UTC"
        };
        for t in &self.timers {
            tracing::info!(
                function = t.descriptor.name,
                schedule = t.descriptor.schedule,
                "timer on `{}` ({runner})",
                t.descriptor.schedule
            );
        }
        let cap = socketio_fn_server::connection_cap(self.limits.server.max_connections);
        tracing::info!(
            max_connections = cap.connections,
            descriptors = cap.descriptors,
            "at most {} connections at once{}",
            cap.connections,
            if cap.lowered() {
                " (lowered by the descriptor limit)"
            } else {
                ""
            }
        );
    }
}

impl App {
    /// How to connect the Socket.IO Admin UI to each hub, when the embedded emulator serves it.
    fn log_admin_ui(&self) {
        let (true, Mode::Local(endpoint)) = (self.admin_ui, &self.mode) else {
            return;
        };
        let mut hubs: Vec<&str> = self
            .registry
            .functions()
            .iter()
            .map(|f| f.hub.as_str())
            .collect();
        hubs.sort_unstable();
        hubs.dedup();
        for hub in hubs {
            tracing::info!(
                server_url = %endpoint,
                path = %client_path(hub),
                namespace = %ADMIN_UI_NAMESPACE,
                "Socket.IO Admin UI (development only) for hub {hub}: open https://admin.socket.io, \
                 or serve the ui/dist folder of npm @socket.io/admin-ui; enter this Server URL, and \
                 under Advanced options this Path and Namespace"
            );
        }
    }
}

/// Completes on SIGTERM (container platforms) or SIGINT (Ctrl-C), and logs which.
pub async fn shutdown_signal() {
    let which = match socketio_fn_server::shutdown_signal().await {
        ShutdownSignal::Interrupt => "Ctrl-C",
        ShutdownSignal::Terminate => "SIGTERM",
    };
    tracing::info!("{which}: shutting down; waiting for in-flight invocations");
}

/// The CORS layer of the negotiation endpoints: none unless `Host:CORS` (or `Host__CORS`) is set.
fn cors(settings: &Settings) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let Some(value) = settings.get(CORS).map(str::trim).filter(|v| !v.is_empty()) else {
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
