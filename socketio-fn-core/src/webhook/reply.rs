//! The webhook's HTTP reply of a function's answer: a status, a rejection's text, an ack packet.

use super::decode::AckTarget;
use crate::response::{InvocationError, Reply, text_reply};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use socketio_fn_protocol::packet::encode_ack;

/// The HTTP reply of a function's answer. Annotated functions can only give the answers their event
/// takes (checked at compile time through `ReplyFor`); a hand-written function's answer is sent as it
/// is.
pub(super) fn reply(ack: Option<AckTarget>, result: Result<&Reply, &InvocationError>) -> Response {
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
