//! Errors of the runtime at start-up and while serving.

use crate::binding::BindingError;
use crate::settings::SettingsError;
use std::net::SocketAddr;

/// A start-up or serving failure. Its `Debug` prints the message with its causes, so
/// `fn main() -> Result<(), socketio_fn::Error>` reports it readably.
#[derive(thiserror::Error)]
pub enum Error {
    /// Settings could not be loaded or a connection is invalid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// An identity-based connection's settings select no credential.
    #[error(transparent)]
    Credential(#[from] crate::service::CredentialError),
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
        event: String,
    },
    /// Something a function names cannot be used (hub, namespace, event, connection, output, state).
    #[error("function `{function}`: {reason}")]
    InvalidFunction {
        /// The function.
        function: &'static str,
        /// What is wrong.
        reason: BindingError,
    },
    /// Two negotiation functions serve one route.
    #[error("functions `{first}` and `{second}` both serve `{route}`")]
    DuplicateRoute {
        /// The first function (by name).
        first: &'static str,
        /// The second function.
        second: &'static str,
        /// The route.
        route: &'static str,
    },
    /// A setting's value is invalid.
    #[error("setting `{name}` is `{value}`: {reason}")]
    InvalidSetting {
        /// The setting.
        name: &'static str,
        /// The value as written.
        value: String,
        /// What is expected.
        reason: String,
    },
    /// The app cannot start safely as configured (see the README's table of modes).
    #[error("{0}")]
    Unsafe(String),
    /// The listener could not be bound.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("server error")]
    Serve(#[source] std::io::Error),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::protocol::error_chain(self))
    }
}
