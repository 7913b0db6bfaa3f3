//! Typed errors of calls to the service: one [`ServiceError`] for output actions and negotiation, and
//! [`SendError`] for sending an action (which may also be invalid).

use crate::actions::InvalidAction;
use std::time::Duration;

/// A call to the service (an action's REST request, or `:generateToken`) failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The service answered with an error status.
    #[error("the service refused `{operation}` with {status}{}: {message}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Refused {
        /// The operation (`sendToNamespace`, `generateToken`, ...).
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// `x-ms-error-code` or the body's `code`.
        code: Option<String>,
        /// The body's `message`, or the body.
        message: String,
    },
    /// The request could not be delivered (connection refused or dropped) after the retries.
    #[error("`{operation}` could not reach the service after {attempts} attempt(s)")]
    Unreachable {
        /// The operation.
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        #[source]
        source: reqwest::Error,
    },
    /// One attempt timed out; not retried, because the service may have acted.
    #[error("`{operation}` timed out after {after:?} (not retried: the service may have acted)")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// The attempt's timeout.
        after: Duration,
    },
    /// No credential could be obtained for the request (identity-based connections).
    #[error("cannot authenticate `{operation}`")]
    Auth {
        /// The operation.
        operation: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The service answered 2xx with a body that could not be read.
    #[error("the service's reply to `{operation}` is invalid")]
    InvalidReply {
        /// The operation.
        operation: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The handle was made by an app builder whose app failed to build, or was dropped unbuilt.
    #[error(
        "the service handle has no target: the app builder that made it failed to build the app, or \
         was dropped before building it"
    )]
    NotReady,
}

/// Sending an action failed: it is invalid, or the service call failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The action is incomplete; nothing was sent.
    #[error(transparent)]
    Invalid(#[from] InvalidAction),
    /// The service call failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// A query through a service handle (who is in a room, does a socket exist) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// An argument the service cannot take (an empty id, a room too long for a group name).
    #[error("{0}")]
    Invalid(String),
    /// The service call failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A room has more members than a listing returns.
    #[error("room `{room}` has more than {limit} members; the listing stops there")]
    TooManyMembers {
        /// The room.
        room: String,
        /// The limit ([`crate::service::MAX_ROOM_MEMBERS`]).
        limit: usize,
    },
    /// The service's pages did not end within the limit.
    #[error("the listing of room `{room}` did not end after {limit} pages")]
    TooManyPages {
        /// The room.
        room: String,
        /// The limit ([`crate::service::MAX_ROOM_PAGES`]).
        limit: usize,
    },
    /// A page's `nextLink` points somewhere else than the service's endpoint (it is not followed:
    /// the request would carry a credential there).
    #[error("the service's nextLink `{0}` is not on its endpoint; not followed")]
    ForeignNextLink(String),
}
