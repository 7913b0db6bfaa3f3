//! The axum endpoint the service calls: `OPTIONS|GET|POST /runtime/webhooks/socketio`.
//!
//! Steps: abuse-protection handshake for OPTIONS/GET; then for events: headers (400), authenticate
//! (401), route (404), method must be POST (400), body per event kind (400/413), invoke, reply. Every
//! refusal is a [`Rejection`] with a plain-text reason.
//!
//! Three jobs, a file each: HTTP (this file: handshake, headers, authentication, routing, body),
//! turning a request into the function's request and ack target (`decode.rs`), and running the
//! function (`crate::dispatch`, shared with the Functions host's invocations) into the HTTP reply
//! (`reply.rs`).
//!
//! The reference routes before it checks the signature, so an unsigned request learns from 404 vs 401
//! which hubs and events exist; here authentication comes first.

mod auth;
mod decode;
mod entra;
mod rejection;
mod reply;

pub use auth::{AuthSummary, CODE_HEADER, CODE_QUERY, WebhookAuth};
pub use entra::{
    DEFAULT_AUTHORITY, DEFAULT_FETCH_TIMEOUT, EntraConfig, EntraError, EntraRefusals,
    EntraValidator, REFRESH_INTERVAL,
};
pub use rejection::Rejection;

use crate::hook::Hooks;
use crate::invocation::Invocation;
use crate::registry::{Registry, ResolvedFunction};
use crate::request::ConnectionContext;
use crate::state::StateMap;
use crate::telemetry;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_LENGTH};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use socketio_fn_protocol::cloud_events::{CloudEvent, header};
use socketio_fn_protocol::log::Escaped;
use std::sync::Arc;

/// Default limit of an upstream request body (1 MiB, the service's message size limit).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Configuration of the webhook endpoint.
#[derive(Debug)]
pub(crate) struct Webhook {
    registry: Arc<Registry>,
    hooks: Hooks,
    auth: WebhookAuth,
    state: StateMap,
    max_body_bytes: usize,
}

impl Webhook {
    /// A webhook dispatching to `registry`, authenticating with `auth`.
    pub(crate) fn new(registry: Arc<Registry>, auth: WebhookAuth) -> Self {
        Self {
            registry,
            hooks: Hooks::default(),
            auth,
            state: StateMap::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Sets the app's state, handed to every invocation.
    pub(crate) fn state(mut self, state: StateMap) -> Self {
        self.state = state;
        self
    }

    /// Sets the largest accepted body; larger requests get 413.
    pub(crate) fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Runs these hooks around every invocation.
    pub(crate) fn hooks(mut self, hooks: Hooks) -> Self {
        self.hooks = hooks;
        self
    }

    /// The axum router serving the webhook at `path` (`/runtime/webhooks/socketio` unless the settings choose
    /// another: `crate::app::webhook_path`).
    pub(crate) fn router(self, path: &str) -> Router {
        Router::new()
            .route(path, any(handle))
            .with_state(Arc::new(self))
    }
}

async fn handle(State(webhook): State<Arc<Webhook>>, request: Request) -> Response {
    match serve(&webhook, request).await {
        Ok(response) => response,
        Err(rejection) => {
            // The reason may quote request values: escaped, so it cannot start a line.
            let reason = rejection.to_string();
            tracing::debug!(status = rejection.status().as_u16(), reason = %Escaped(&reason), "webhook request refused");
            telemetry::rejection(rejection.status().as_u16());
            rejection.into_response()
        }
    }
}

async fn serve(webhook: &Webhook, request: Request) -> Result<Response, Rejection> {
    let (parts, body) = request.into_parts();
    if parts.method == Method::OPTIONS || parts.method == Method::GET {
        let allowed = webhook.auth.handshake(&parts)?;
        let value = HeaderValue::from_str(&allowed)
            .map_err(|_| Rejection::OriginDenied(allowed.clone()))?;
        return Ok(([(header::WEBHOOK_ALLOWED_ORIGIN, value)], StatusCode::OK).into_response());
    }
    let event = CloudEvent::parse(&parts.headers)?;
    webhook
        .auth
        .authorize(&parts.headers, &parts, &event)
        .await?;
    let function = route(&webhook.registry, &event)?;
    if parts.method != Method::POST {
        return Err(Rejection::Method(parts.method.clone()));
    }
    let bytes = read_body(body, &parts.headers, webhook.max_body_bytes).await?;
    let (request, ack) = decode::request(function.kind, &event, &parts.headers, bytes)?;
    let context = ConnectionContext::new(&event, HeaderMap::new());
    drop(event); // ends the borrow of the headers, which move into the context
    let context = context.with_headers(parts.headers);
    let invocation = Invocation::with_bindings(
        function.descriptor.name,
        context,
        request,
        (&function.outputs, &function.handle),
        webhook.state.clone(),
    );
    Ok(
        crate::dispatch::invoke(function, invocation, &webhook.hooks.0, |result| {
            let response = reply::reply(ack, result);
            let status = response.status();
            (response, status)
        })
        .await,
    )
}

fn route<'r>(
    registry: &'r Registry,
    event: &CloudEvent<'_>,
) -> Result<&'r ResolvedFunction, Rejection> {
    let system = event.is_system();
    registry
        .route(event.hub, event.namespace, system, event.event_name)
        .ok_or_else(|| Rejection::NoFunction {
            hub: event.hub.to_owned(),
            namespace: event.namespace.to_owned(),
            kind: if system { "system" } else { "user" },
            event: event.event_name.to_owned(),
        })
}

async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, Rejection> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Rejection::TooLarge(limit));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let limited = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if limited {
            Rejection::TooLarge(limit)
        } else {
            Rejection::UnreadableBody(e.to_string())
        }
    })
}
