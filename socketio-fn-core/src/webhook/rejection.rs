//! Every way the webhook refuses a request, as one enum: its status and plain-text reason.

use super::entra::EntraError;
use crate::response::text_reply;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use socketio_fn_protocol::cloud_events::{HeaderError, header};
use socketio_fn_protocol::packet::PacketError;

/// A refused webhook request. The reason is sent as the body (the reference sends empty bodies); it
/// never contains a key, code or token.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    /// The CloudEvents headers are missing or malformed (400).
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// An abuse-protection handshake without `WebHook-Request-Origin` (400).
    #[error("missing required header `{}`", header::WEBHOOK_REQUEST_ORIGIN)]
    MissingOrigin,
    /// A handshake from an origin that is not the endpoint of a configured connection (400).
    #[error("origin `{0}` is not the endpoint of a configured connection")]
    OriginDenied(String),
    /// The request is not authenticated (401); the text says what was expected.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// A Microsoft Entra bearer token was checked and refused (401); the text says why (never the
    /// token).
    #[error("Microsoft Entra token refused: {0}")]
    EntraRefused(EntraError),
    /// A Microsoft Entra bearer token could not be checked: the tenant's signing keys are unavailable
    /// (503, so the caller may retry).
    #[error("cannot check the Microsoft Entra token: {0}")]
    EntraUnavailable(EntraError),
    /// No function handles the event (404).
    #[error("no function for hub `{hub}`, namespace `{namespace}`, {kind} event `{event}`")]
    NoFunction {
        /// `ce-hub`
        hub: String,
        /// `ce-namespace`
        namespace: String,
        /// `system` or `user`
        kind: &'static str,
        /// `ce-eventName`
        event: String,
    },
    /// A method other than POST for an event (400).
    #[error("method `{0}` is not supported: events are POSTed")]
    Method(Method),
    /// The body is larger than the limit (413).
    #[error("the body is larger than the limit of {0} bytes")]
    TooLarge(usize),
    /// The body could not be read (400).
    #[error("cannot read the body: {0}")]
    UnreadableBody(String),
    /// A message body that is not `text/plain` (400, the reference's wording).
    #[error("Message data only supports text. Current value is: {0}")]
    NotText(String),
    /// A message body that is not UTF-8 (400).
    #[error("the message body is not valid UTF-8")]
    NotUtf8,
    /// A message body that is not an EVENT packet (400).
    #[error("invalid message packet: {0}")]
    Packet(#[from] PacketError),
    /// The packet's event name differs from `ce-eventName` (400).
    #[error(
        "the event name `{packet}` in the packet differs from `{}` `{header}`",
        header::EVENT_NAME
    )]
    EventNameMismatch {
        /// In the packet.
        packet: String,
        /// In the header.
        header: String,
    },
    /// A system event body that does not parse (400).
    #[error("invalid {event} body: {reason}")]
    SystemBody {
        /// `connect` or `disconnected`.
        event: &'static str,
        /// Why.
        reason: String,
    },
}

impl Rejection {
    /// The HTTP status of the reply.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) | Self::EntraRefused(_) => StatusCode::UNAUTHORIZED,
            Self::EntraUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::NoFunction { .. } => StatusCode::NOT_FOUND,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        text_reply(self.status(), self.to_string())
    }
}
