//! What a function answers: connect decisions, acks, and the conversion of return values.

use axum::http::{HeaderValue, StatusCode, header::CONTENT_TYPE};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use socketio_fn_protocol::cloud_events::TEXT_PLAIN_UTF8;
use std::fmt::Display;

/// The answer to a `connect` event: accept (2xx) or reject (any other status) the socket.
///
/// ```
/// use socketio_fn::SocketIoConnectResponse;
/// use axum::http::StatusCode;
/// let r = SocketIoConnectResponse::reject(StatusCode::UNAUTHORIZED, "who are you?");
/// assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(r.message(), Some("who are you?"));
/// assert!(SocketIoConnectResponse::accept().status().is_success());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketIoConnectResponse {
    status: StatusCode,
    message: Option<String>,
}

impl Default for SocketIoConnectResponse {
    fn default() -> Self {
        Self::accept()
    }
}

impl SocketIoConnectResponse {
    /// Accepts the socket (200).
    pub fn accept() -> Self {
        Self {
            status: StatusCode::OK,
            message: None,
        }
    }

    /// Rejects the socket with a status (use a 4xx) and a message; the client sees the message in its
    /// `connect_error`.
    pub fn reject(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: Some(message.into()),
        }
    }

    /// Answers with a status and no message (2xx accepts, anything else rejects).
    pub fn with_status(status: StatusCode) -> Self {
        Self {
            status,
            message: None,
        }
    }

    /// Rejects the socket with 401 Unauthorized.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::reject(StatusCode::UNAUTHORIZED, message)
    }

    /// The status code of the reply.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The rejection message, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

/// The answer to a user event: an optional status and the ack arguments sent back to the client's ack
/// callback (only when the client asked for an ack).
///
/// ```
/// use socketio_fn::SocketIoMessageResponse;
/// let r = SocketIoMessageResponse::ack(("ok", 1)).unwrap();
/// assert_eq!(r.values(), &[serde_json::json!("ok"), serde_json::json!(1)]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SocketIoMessageResponse {
    status: StatusCode,
    values: Vec<Value>,
}

impl Default for SocketIoMessageResponse {
    fn default() -> Self {
        Self::from_values(Vec::new())
    }
}

impl SocketIoMessageResponse {
    /// An ack with these arguments, status 200.
    pub fn from_values(values: Vec<Value>) -> Self {
        Self {
            status: StatusCode::OK,
            values,
        }
    }

    /// An ack from any serializable value: a tuple, array or `Vec` is spread into several ack arguments
    /// (`("ok", 1)` acks with two arguments); anything else is one argument. To send one array argument,
    /// wrap it in a one-element tuple: `(vec![1, 2],)`.
    pub fn ack(values: impl Serialize) -> Result<Self, serde_json::Error> {
        Ok(Self::from_values(match serde_json::to_value(values)? {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            one => vec![one],
        }))
    }

    /// Sets the status code of the reply.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The ack arguments.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// A function's answer, before it is turned into the HTTP reply for the event.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Nothing to say: 200 with an empty body.
    Empty,
    /// A connect decision.
    Connect(SocketIoConnectResponse),
    /// An ack.
    Message(SocketIoMessageResponse),
}

/// An invocation that failed: binding the arguments (4xx) or inside the function (5xx).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvocationError {
    status: StatusCode,
    message: String,
}

impl InvocationError {
    /// The event's data cannot be bound to the function's arguments (400).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::with_status(StatusCode::BAD_REQUEST, message)
    }

    /// The caller may not do this (401): on `connect` the client gets `connect_error` with the
    /// message; on a client event the message is its error ack.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::with_status(StatusCode::UNAUTHORIZED, message)
    }

    /// The function failed (500).
    pub fn function(error: impl Display) -> Self {
        Self::with_status(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
    }

    /// An error with an explicit status.
    pub fn with_status(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The HTTP status of the reply.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason, sent as the reply body.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Conversion of a function's return value into its [`Reply`], like axum's `IntoResponse`.
///
/// Implemented for `()`, [`SocketIoConnectResponse`], [`SocketIoMessageResponse`], [`Ack`], [`Reply`]
/// (for hand-written functions; annotated functions return one of the typed answers, which
/// [`ReplyFor`] checks against the event at compile time) and `Result<T, E>` where `E: Display` (an
/// error becomes a 500 reply carrying its message, and is logged).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a socketio-fn function",
    note = "return `()`, `SocketIoConnectResponse`, `SocketIoMessageResponse`, or a `Result` of one of them"
)]
pub trait IntoInvocationResult {
    /// Converts the value.
    fn into_invocation_result(self) -> Result<Reply, InvocationError>;
}

impl IntoInvocationResult for () {
    fn into_invocation_result(self) -> Result<Reply, InvocationError> {
        Ok(Reply::Empty)
    }
}

impl IntoInvocationResult for Reply {
    fn into_invocation_result(self) -> Result<Reply, InvocationError> {
        Ok(self)
    }
}

impl IntoInvocationResult for SocketIoConnectResponse {
    fn into_invocation_result(self) -> Result<Reply, InvocationError> {
        Ok(Reply::Connect(self))
    }
}

impl IntoInvocationResult for SocketIoMessageResponse {
    fn into_invocation_result(self) -> Result<Reply, InvocationError> {
        Ok(Reply::Message(self))
    }
}

impl<T: IntoInvocationResult, E: Display> IntoInvocationResult for Result<T, E> {
    fn into_invocation_result(self) -> Result<Reply, InvocationError> {
        match self {
            Ok(v) => v.into_invocation_result(),
            Err(e) => Err(InvocationError::function(e)),
        }
    }
}

/// An ack made of any serializable value: a tuple is spread into several ack arguments.
///
/// ```
/// use socketio_fn::Ack;
/// use socketio_fn::function::{IntoInvocationResult, Reply};
/// let reply = Ack(("ok", 1)).into_invocation_result().unwrap();
/// let Reply::Message(m) = reply else { unreachable!() };
/// assert_eq!(m.values(), &[serde_json::json!("ok"), serde_json::json!(1)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack<T>(pub T);

impl<T: Serialize> IntoInvocationResult for Ack<T> {
    fn into_invocation_result(self) -> Result<Reply, InvocationError> {
        SocketIoMessageResponse::ack(self.0)
            .map(Reply::Message)
            .map_err(|e| InvocationError::function(format!("cannot serialize the ack: {e}")))
    }
}

/// Compile-time check that a return type can answer event kind `K` (see [`crate::kind`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot answer a `{K}` event",
    label = "this return type cannot answer the event",
    note = "`connect` functions return `()` or `SocketIoConnectResponse`; user events return `()`, \
            `SocketIoMessageResponse` or `Ack<T>`; `connected`/`disconnected` return `()`; each may be wrapped \
            in `Result<_, E>` with `E: Display`"
)]
pub trait ReplyFor<K>: IntoInvocationResult {}

impl<K> ReplyFor<K> for () {}
impl ReplyFor<crate::kind::Connect> for SocketIoConnectResponse {}
impl ReplyFor<crate::kind::Message> for SocketIoMessageResponse {}
impl<T: Serialize> ReplyFor<crate::kind::Message> for Ack<T> {}
impl<K, T: ReplyFor<K>, E: Display> ReplyFor<K> for Result<T, E> {}

/// A reply with a plain-text reason (`text/plain; charset=utf-8`), as every error reply of the webhook
/// and the negotiation endpoints.
pub fn text_reply(status: StatusCode, body: impl Into<String>) -> Response {
    // Built directly: one header insert (`(status, String).into_response()` inserts axum's content
    // type, which this one then replaced).
    let mut response = Response::new(axum::body::Body::from(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(TEXT_PLAIN_UTF8));
    response
}
