//! The axum endpoint the service calls: `OPTIONS|GET|POST /runtime/webhooks/socketio`.
//!
//! Processing order (spec 3.5): abuse-protection handshake for OPTIONS/GET; header parsing (400); route
//! lookup (404); signature (401); method must be POST (400); body per event kind (400/413); invoke;
//! reply. Every error reply carries a plain-text reason.

mod headers;
mod validation;

pub use validation::OriginValidator;

use crate::invocation::Invocation;
use crate::protocol::cloud_events::{
    EventKind, TEXT_PLAIN, TEXT_PLAIN_UTF8, WEBHOOK_PATH, header, is_system_type,
};
use crate::protocol::packet::{EventData, Packet, PacketType, encode_ack};
use crate::registry::Registry;
use crate::request::{
    ConnectBody, ConnectionContext, DisconnectedBody, SocketIoConnectRequest,
    SocketIoConnectedRequest, SocketIoDisconnectedRequest, SocketIoMessageRequest, TriggerRequest,
};
use crate::response::{InvocationError, Reply};
use crate::service::ActionExecutor;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header::CONTENT_LENGTH, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures_util::FutureExt;
use headers::UpstreamHeaders;
use std::sync::Arc;
use tracing::Instrument;
use validation::Handshake;

/// Default limit of an upstream request body (1 MiB, the service's message size limit).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Configuration of the webhook endpoint.
pub struct Webhook {
    registry: Arc<Registry>,
    validator: OriginValidator,
    max_body_bytes: usize,
    executor: Option<Arc<dyn ActionExecutor>>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("registry", &self.registry)
            .field("validator", &self.validator)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// A webhook dispatching to `registry`, accepting origins of `validator`.
    pub fn new(registry: Arc<Registry>, validator: OriginValidator) -> Self {
        Self {
            registry,
            validator,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            executor: None,
        }
    }

    /// Sets the executor of the functions' output actions.
    pub fn executor(mut self, executor: Arc<dyn ActionExecutor>) -> Self {
        self.executor = Some(executor);
        self
    }

    /// Sets the largest accepted body; larger requests get 413.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The axum router serving [`WEBHOOK_PATH`].
    pub fn router(self) -> Router {
        Router::new()
            .route(WEBHOOK_PATH, any(handle))
            .with_state(Arc::new(self))
    }
}

fn empty(status: StatusCode) -> Response {
    status.into_response()
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    let mut response = (status, body.into()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(TEXT_PLAIN_UTF8));
    response
}

async fn handle(State(webhook): State<Arc<Webhook>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method == Method::OPTIONS || parts.method == Method::GET {
        return handshake(&webhook, &parts.headers);
    }
    let upstream = match UpstreamHeaders::parse(&parts.headers) {
        Ok(h) => h,
        Err(e) => return text(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let system = is_system_type(&upstream.ce_type);
    let Some(function) = webhook.registry.route(
        &upstream.hub,
        &upstream.namespace,
        system,
        &upstream.event_name,
    ) else {
        let kind = if system { "system" } else { "user" };
        return text(
            StatusCode::NOT_FOUND,
            format!(
                "no function for hub `{}`, namespace `{}`, {kind} event `{}`",
                upstream.hub, upstream.namespace, upstream.event_name
            ),
        );
    };
    if !webhook.validator.is_valid(
        &upstream.origin,
        &upstream.connection_id,
        upstream.signature.as_deref(),
    ) {
        return text(
            StatusCode::UNAUTHORIZED,
            format!(
                "invalid `{}` or unknown `{}`",
                header::SIGNATURE,
                header::WEBHOOK_REQUEST_ORIGIN
            ),
        );
    }
    if parts.method != Method::POST {
        return text(
            StatusCode::BAD_REQUEST,
            format!(
                "method `{}` is not supported: events are POSTed",
                parts.method
            ),
        );
    }
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > webhook.max_body_bytes as u64) {
        return too_large(webhook.max_body_bytes);
    }
    let bytes = match axum::body::to_bytes(body, webhook.max_body_bytes).await {
        Ok(b) => b,
        Err(e) => {
            let limited = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            return if limited {
                too_large(webhook.max_body_bytes)
            } else {
                text(
                    StatusCode::BAD_REQUEST,
                    format!("cannot read the body: {e}"),
                )
            };
        }
    };
    let kind = function.kind;
    let (request, ack) = match build_request(kind, &upstream, &parts.headers, bytes) {
        Ok(r) => r,
        Err(reason) => return text(StatusCode::BAD_REQUEST, reason),
    };
    let span = tracing::info_span!(
        "invocation",
        function = function.descriptor.name,
        hub = %upstream.hub,
        namespace = %upstream.namespace,
        event = %upstream.event_name,
        socket_id = %upstream.socket_id,
    );
    let context = ConnectionContext {
        hub: upstream.hub,
        connection_id: upstream.connection_id,
        user_id: upstream.user_id,
        event_type: upstream.ce_type,
        event_name: upstream.event_name,
        namespace: upstream.namespace,
        socket_id: upstream.socket_id,
        origin: upstream.origin,
        signature: upstream.signature,
        headers: parts.headers,
    };
    let mut invocation = Invocation::new(function.descriptor.name, context, request);
    if let Some(executor) = &webhook.executor {
        invocation = invocation.with_executor(executor.clone());
    }
    // A panicking function fails its invocation (500), not the connection.
    let result = std::panic::AssertUnwindSafe((function.descriptor.invoke)(invocation))
        .catch_unwind()
        .instrument(span.clone())
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
        });
    let _entered = span.enter();
    reply(kind, ack, result)
}

fn too_large(limit: usize) -> Response {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the body is larger than the limit of {limit} bytes"),
    )
}

fn handshake(webhook: &Webhook, headers: &axum::http::HeaderMap) -> Response {
    let origins = match headers::joined(headers, header::WEBHOOK_REQUEST_ORIGIN) {
        Ok(Some(o)) => o,
        Ok(None) => {
            return text(
                StatusCode::BAD_REQUEST,
                format!(
                    "missing required header `{}`",
                    header::WEBHOOK_REQUEST_ORIGIN
                ),
            );
        }
        Err(e) => return text(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let allowed = match webhook.validator.handshake(&origins) {
        Handshake::Any => "*".to_owned(),
        Handshake::Allowed(origin) => origin,
        Handshake::Denied => {
            return text(
                StatusCode::BAD_REQUEST,
                format!("origin `{origins}` is not the endpoint of a configured connection"),
            );
        }
    };
    match HeaderValue::from_str(&allowed) {
        Ok(value) => ([(header::WEBHOOK_ALLOWED_ORIGIN, value)], StatusCode::OK).into_response(),
        Err(_) => text(StatusCode::BAD_REQUEST, "invalid origin"),
    }
}

/// Where an ack goes: the socket's namespace and the packet's ack id.
struct AckTarget {
    namespace: String,
    id: u64,
}

/// A 400 reason (bodies are checked after routing and signature, so every failure here is the caller's).
fn bad_request(reason: impl Into<String>) -> String {
    reason.into()
}

fn build_request(
    kind: EventKind,
    upstream: &UpstreamHeaders,
    headers: &axum::http::HeaderMap,
    body: Bytes,
) -> Result<(TriggerRequest, Option<AckTarget>), String> {
    let namespace = upstream.namespace.clone();
    let socket_id = upstream.socket_id.clone();
    match kind {
        EventKind::Connect => {
            let b: ConnectBody = serde_json::from_slice(&body)
                .map_err(|e| bad_request(format!("invalid connect body: {e}")))?;
            Ok((
                TriggerRequest::Connect(SocketIoConnectRequest {
                    namespace,
                    socket_id,
                    claims: b.claims,
                    query: b.query,
                    headers: b.headers,
                    client_certificates: b.client_certificates,
                }),
                None,
            ))
        }
        EventKind::Connected => Ok((
            TriggerRequest::Connected(SocketIoConnectedRequest {
                namespace,
                socket_id,
            }),
            None,
        )),
        EventKind::Disconnected => {
            let reason = if body.iter().all(u8::is_ascii_whitespace) {
                None
            } else {
                serde_json::from_slice::<DisconnectedBody>(&body)
                    .map_err(|e| bad_request(format!("invalid disconnected body: {e}")))?
                    .reason
            };
            Ok((
                TriggerRequest::Disconnected(SocketIoDisconnectedRequest {
                    namespace,
                    socket_id,
                    reason,
                }),
                None,
            ))
        }
        EventKind::Message => {
            let content_type = headers
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            let media_type = content_type.split(';').next().unwrap_or_default().trim();
            if !media_type.eq_ignore_ascii_case(TEXT_PLAIN) {
                return Err(bad_request(format!(
                    "Message data only supports text. Current value is: {media_type}"
                )));
            }
            let payload = String::from_utf8(body.into())
                .map_err(|_| bad_request("the message body is not valid UTF-8"))?;
            let packet = Packet::decode(&payload)
                .map_err(|e| bad_request(format!("invalid message packet: {e}")))?;
            if packet.kind != PacketType::Event {
                return Err(bad_request(format!(
                    "invalid message packet: expected a Socket.IO EVENT (type 2), got {:?}",
                    packet.kind
                )));
            }
            let id = packet.id;
            let data = EventData::parse(packet.data)
                .map_err(|e| bad_request(format!("invalid message packet: {e}")))?;
            if data.event_name != upstream.event_name {
                return Err(bad_request(format!(
                    "the event name `{}` in the packet differs from `{}` `{}`",
                    data.event_name,
                    header::EVENT_NAME,
                    upstream.event_name
                )));
            }
            let ack = id.map(|id| AckTarget {
                namespace: namespace.clone(),
                id,
            });
            Ok((
                TriggerRequest::Message(SocketIoMessageRequest {
                    namespace,
                    socket_id,
                    event_name: data.event_name,
                    parameters: data.parameters,
                    ack_id: id,
                    payload,
                }),
                ack,
            ))
        }
    }
}

fn reply(
    kind: EventKind,
    ack: Option<AckTarget>,
    result: Result<Reply, InvocationError>,
) -> Response {
    let reply = match result {
        Ok(reply) => reply,
        Err(error) => {
            if error.status().is_server_error() {
                tracing::error!(status = error.status().as_u16(), error = %error, "function failed");
            } else {
                tracing::warn!(status = error.status().as_u16(), error = %error, "invocation rejected");
            }
            return text(error.status(), error.message());
        }
    };
    let mismatch = |what: &str| {
        tracing::error!("a {what} cannot answer a {kind:?} event");
        text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("a {what} cannot answer a {kind:?} event"),
        )
    };
    match (kind, reply) {
        (EventKind::Connect, Reply::Empty) => empty(StatusCode::OK),
        (EventKind::Connect, Reply::Connect(r)) => match r.message() {
            Some(message) if !r.status().is_success() => text(r.status(), message),
            _ => empty(r.status()),
        },
        (EventKind::Connect, Reply::Message(_)) => mismatch("SocketIoMessageResponse"),
        (EventKind::Message, Reply::Connect(_)) if ack.is_some() => {
            mismatch("SocketIoConnectResponse")
        }
        (EventKind::Message, Reply::Message(r)) => match ack {
            Some(target) if !r.values().is_empty() => text(
                r.status(),
                encode_ack(&target.namespace, target.id, r.values()),
            ),
            Some(_) => empty(r.status()),
            None => empty(StatusCode::OK),
        },
        _ => Response::new(Body::empty()),
    }
}
