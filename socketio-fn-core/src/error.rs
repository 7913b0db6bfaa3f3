//! Errors of the runtime at start-up and while serving.

use crate::settings::SettingsError;
use std::net::SocketAddr;

/// A start-up or serving failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Settings could not be loaded or a connection is invalid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Two functions handle the same (hub, namespace, event).
    #[error(
        "functions `{first}` and `{second}` both handle hub `{hub}`, namespace `{namespace}`, event `{event}`; \
         give each (hub, namespace, event) exactly one function"
    )]
    DuplicateFunction {
        /// The first function (by name).
        first: &'static str,
        /// The second function.
        second: &'static str,
        /// The hub.
        hub: String,
        /// The namespace.
        namespace: String,
        /// The event.
        event: &'static str,
    },
    /// A function's description cannot be used.
    #[error("function `{function}`: {reason}")]
    InvalidFunction {
        /// The function.
        function: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The listen address is invalid.
    #[error("invalid listen address `{value}`: {reason}")]
    InvalidAddress {
        /// The value as written.
        value: String,
        /// The parse error.
        reason: String,
    },
    /// The listener could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// An error and its sources, joined with `: ` (for logs and typed errors that carry a reason string).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
