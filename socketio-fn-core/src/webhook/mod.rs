//! The axum endpoint the service calls: `OPTIONS|GET|POST /runtime/webhooks/socketio`.
//!
//! Steps: abuse-protection handshake for OPTIONS/GET; then for events: headers (400), authenticate
//! (401), route (404), method must be POST (400), body per event kind (400/413), invoke, reply. Every
//! refusal is a [`Rejection`] with a plain-text reason.
//!
//! The reference routes before it checks the signature, so an unsigned request learns from 404 vs 401
//! which hubs and events exist; here authentication comes first.

mod auth;
mod entra;
mod rejection;

pub use auth::{AuthSummary, CODE_HEADER, CODE_QUERY, WebhookAuth};
pub use entra::{
    DEFAULT_AUTHORITY, EntraConfig, EntraError, EntraRefusals, EntraValidator, REFRESH_INTERVAL,
};
pub use rejection::Rejection;

use crate::hook::{Decision, HookCall, Hooks, InvocationHook};
use crate::invocation::Invocation;
use crate::registry::{Registry, ResolvedFunction};
use crate::request::{
    ConnectionContext, SocketIoConnectRequest, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoMessageRequest, TriggerRequest,
};
use crate::response::{InvocationError, Reply, text_reply};
use crate::state::StateMap;
use crate::telemetry;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{
    HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_LENGTH, header::CONTENT_TYPE,
};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures_util::FutureExt;
use socketio_fn_protocol::cloud_events::{
    CloudEvent, ConnectBody, DisconnectedBody, EventKind, TEXT_PLAIN, header,
};
use socketio_fn_protocol::log::Escaped;
use socketio_fn_protocol::packet::{EventData, Packet, PacketError, PacketType, encode_ack};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

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
    let (request, ack) = build_request(function.kind, &event, &parts.headers, bytes)?;
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
    Ok(invoke(function, invocation, ack, &webhook.hooks.0).await)
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

/// Where an ack goes: the socket's namespace and the packet's ack id.
struct AckTarget {
    namespace: String,
    id: u64,
}

/// The request of the event kind the route found, from the event's attributes and body.
fn build_request(
    kind: EventKind,
    event: &CloudEvent<'_>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(TriggerRequest, Option<AckTarget>), Rejection> {
    let namespace = event.namespace.to_owned();
    let socket_id = event.socket_id.to_owned();
    let system_body = |event: &'static str| {
        move |e: socketio_fn_protocol::cloud_events::BodyError| Rejection::SystemBody {
            event,
            reason: e.to_string(),
        }
    };
    Ok(match kind {
        EventKind::Connect => {
            let b = ConnectBody::from_json(&body).map_err(system_body("connect"))?;
            let request = SocketIoConnectRequest {
                namespace,
                socket_id,
                claims: b.claims,
                query: b.query,
                headers: b.headers,
                client_certificates: b.client_certificates,
            };
            (TriggerRequest::Connect(request), None)
        }
        EventKind::Connected => (
            TriggerRequest::Connected(SocketIoConnectedRequest {
                namespace,
                socket_id,
            }),
            None,
        ),
        EventKind::Disconnected => {
            let b = DisconnectedBody::from_json(&body).map_err(system_body("disconnected"))?;
            let request = SocketIoDisconnectedRequest {
                namespace,
                socket_id,
                reason: b.reason,
            };
            (TriggerRequest::Disconnected(request), None)
        }
        EventKind::Message => message_request(event, headers, body, namespace, socket_id)?,
    })
}

/// A user event: a `text/plain` UTF-8 body holding one EVENT packet whose event name is
/// `ce-eventName`; its ack id (when the client asked for an ack) says where the reply goes.
fn message_request(
    event: &CloudEvent<'_>,
    headers: &HeaderMap,
    body: Bytes,
    namespace: String,
    socket_id: String,
) -> Result<(TriggerRequest, Option<AckTarget>), Rejection> {
    let media_type = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .unwrap_or_default();
    let media_type = media_type.split(';').next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case(TEXT_PLAIN) {
        return Err(Rejection::NotText(media_type.to_owned()));
    }
    let payload = String::from_utf8(body.into()).map_err(|_| Rejection::NotUtf8)?;
    let packet = Packet::decode(&payload)?;
    if packet.kind != PacketType::Event {
        return Err(PacketError::UnexpectedType {
            expected: PacketType::Event,
            found: packet.kind,
        }
        .into());
    }
    let id = packet.id;
    let data = EventData::parse(packet.data)?;
    if data.event_name != event.event_name {
        return Err(Rejection::EventNameMismatch {
            packet: data.event_name,
            header: event.event_name.to_owned(),
        });
    }
    let ack = id.map(|id| AckTarget {
        namespace: namespace.clone(),
        id,
    });
    let request = SocketIoMessageRequest {
        namespace,
        socket_id,
        event_name: data.event_name,
        parameters: data.parameters,
        ack_id: id,
        payload,
    };
    Ok((TriggerRequest::Message(request), ack))
}

/// Runs the function (a panic fails the invocation, not the connection), logs one line with its outcome
/// and duration, and turns the result into the reply.
async fn invoke(
    function: &ResolvedFunction,
    invocation: Invocation,
    ack: Option<AckTarget>,
    hooks: &[Arc<dyn InvocationHook>],
) -> Response {
    let name = function.descriptor.name;
    let span = tracing::info_span!(
        "invocation",
        function = name,
        hub = invocation.context().hub(),
        namespace = invocation.context().namespace(),
        event = invocation.context().event_name(),
        socket_id = invocation.context().socket_id(),
        connection_id = invocation.context().connection_id(),
        otel.name = name,
        otel.kind = "server",
        outcome = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
        span_id = tracing::field::Empty,
    );
    telemetry::continue_trace(&span, invocation.context().headers());
    telemetry::record_ids(&span);
    telemetry::in_flight(name, 1);
    let started = Instant::now();
    let result = if hooks.is_empty() {
        run(function, invocation).instrument(span.clone()).await
    } else {
        hooked(function, invocation, hooks)
            .instrument(span.clone())
            .await
    };
    let took = started.elapsed();
    let duration_ms = took.as_secs_f64() * 1000.0;
    let _entered = span.enter();
    let response = reply(ack, result.as_ref());
    let outcome = outcome_of(&result, response.status());
    span.record("outcome", outcome);
    span.record(
        "http.response.status_code",
        i64::from(response.status().as_u16()),
    );
    telemetry::in_flight(name, -1);
    telemetry::invocation(name, &function.event, outcome, took);
    match &result {
        Ok(_) if response.status().is_success() => {
            tracing::info!(
                outcome = "Succeeded",
                duration_ms,
                "Executed '{name}' (Succeeded, Duration={duration_ms:.1}ms)"
            );
        }
        Ok(_) => {
            tracing::info!(
                outcome = "Answered",
                status = response.status().as_u16(),
                duration_ms,
                "Executed '{name}' (Succeeded with status {}, Duration={duration_ms:.1}ms)",
                response.status().as_u16()
            );
        }
        Err(error) if error.status().is_server_error() => {
            tracing::error!(outcome = "Failed", status = error.status().as_u16(), error = %Escaped(error.message()), duration_ms, "Executed '{name}' (Failed, Duration={duration_ms:.1}ms)");
        }
        Err(error) => {
            tracing::warn!(outcome = "Rejected", status = error.status().as_u16(), error = %Escaped(error.message()), duration_ms, "Executed '{name}' (Rejected, Duration={duration_ms:.1}ms)");
        }
    }
    response
}

/// `Succeeded`, `Answered` (a non-2xx answer), `Rejected` (4xx error) or `Failed` (5xx error), as the
/// "Executed" line says.
fn outcome_of(result: &Result<Reply, InvocationError>, status: StatusCode) -> &'static str {
    match result {
        Ok(_) if status.is_success() => "Succeeded",
        Ok(_) => "Answered",
        Err(e) if e.status().is_server_error() => "Failed",
        Err(_) => "Rejected",
    }
}

/// Runs the function; a panic fails the invocation (500), not the connection.
async fn run(
    function: &ResolvedFunction,
    invocation: Invocation,
) -> Result<Reply, InvocationError> {
    std::panic::AssertUnwindSafe((function.descriptor.invoke)(invocation))
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(InvocationError::function(format!(
                "the function panicked: {message}"
            )))
        })
}

/// The hooks' `before`s in order (the first answer short-circuits), the function, then the `after`s
/// of the hooks that ran. The hooks see a copy of the context and request, taken only when there are
/// hooks.
async fn hooked(
    function: &ResolvedFunction,
    invocation: Invocation,
    hooks: &[Arc<dyn InvocationHook>],
) -> Result<Reply, InvocationError> {
    let started = Instant::now();
    let context = invocation.context().clone();
    let request = invocation.request().clone();
    let call = HookCall::new(function.descriptor.name, &context, &request);
    let mut ran = 0;
    let mut answer = None;
    for hook in hooks {
        ran += 1;
        if let Decision::Reply(reply) = hook.before(&call).await {
            answer = Some(reply);
            break;
        }
    }
    let outcome = match answer {
        Some(reply) => reply,
        None => run(function, invocation).await,
    };
    let elapsed = started.elapsed();
    for hook in &hooks[..ran] {
        hook.after(&call, &outcome, elapsed).await;
    }
    outcome
}

/// The HTTP reply of a function's answer. Annotated functions can only give the answers their event
/// takes (checked at compile time through `ReplyFor`); a hand-written function's answer is sent as it
/// is.
fn reply(ack: Option<AckTarget>, result: Result<&Reply, &InvocationError>) -> Response {
    let reply = match result {
        Ok(reply) => reply,
        Err(error) => return text_reply(error.status(), error.message()),
    };
    match reply {
        Reply::Empty => StatusCode::OK.into_response(),
        Reply::Connect(r) => match r.message() {
            Some(message) if !r.status().is_success() => text_reply(r.status(), message),
            _ => r.status().into_response(),
        },
        Reply::Message(r) => match ack {
            Some(target) if !r.values().is_empty() => text_reply(
                r.status(),
                encode_ack(&target.namespace, target.id, r.values()),
            ),
            Some(_) => r.status().into_response(),
            // The client asked for no ack: nothing to send, whatever the function answered.
            None => StatusCode::OK.into_response(),
        },
    }
}
