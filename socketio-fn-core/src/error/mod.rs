//! Errors of the runtime at start-up and while serving: one enum, each variant naming the function,
//! handle or setting at fault.

mod causes;

pub use causes::{BindingError, ContractError, CredentialError, EntraConfigError};

use crate::settings::SettingsError;
use socketio_fn_protocol::setting_names::{
    CONNECTION, EMULATOR, WEBHOOK_AUTH, WEBHOOK_CODE, WEBHOOK_ENTRA_AUDIENCE, WEBHOOK_ENTRA_TENANT,
};
use std::net::SocketAddr;

/// A start-up or serving failure. Its `Debug` prints the message with its causes, so
/// `fn main() -> Result<(), socketio_fn::Error>` reports it readably.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Settings could not be loaded or a connection is invalid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// An identity-based connection's settings select no credential.
    #[error(transparent)]
    Credential(#[from] CredentialError),
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
    /// A service handle names a hub or connection that cannot be used.
    #[error("service handle for hub `{hub}` on connection `{connection}`: {reason}")]
    InvalidHandle {
        /// The hub as written (`%Setting%` allowed).
        hub: String,
        /// The connection's setting name.
        connection: String,
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
    /// A secret setting is too short to resist guessing (its value is never shown).
    #[error(
        "setting `{name}` is shorter than {min} characters: use a long random string (for example \
         the output of `openssl rand -hex 32`)"
    )]
    WeakSecret {
        /// The setting.
        name: &'static str,
        /// The shortest length accepted.
        min: usize,
    },
    /// Nothing would authenticate the webhook (an identity-based or missing connection, no code, no
    /// Entra settings, no explicit opt-out).
    #[error(
        "nothing would authenticate the webhook: the connection is identity-based (or missing), so \
         requests are not signed. Set `{WEBHOOK_CODE}` (and add `?code=<code>` to the event handler \
         URL), or `{WEBHOOK_ENTRA_TENANT}` and `{WEBHOOK_ENTRA_AUDIENCE}` for the service's Microsoft \
         Entra upstream auth, or `{WEBHOOK_AUTH}=none` to run unauthenticated on purpose"
    )]
    Unauthenticated,
    /// The webhook would accept unauthenticated requests under the Azure Functions host, whose HTTP
    /// trigger forwards every request from the internet.
    #[error(
        "`{WEBHOOK_AUTH}=none` (or `allow_unauthenticated`) is refused under the Azure Functions host \
         (`FUNCTIONS_CUSTOMHANDLER_PORT` is set): its HTTP trigger forwards any request from the \
         internet. Use a key-based connection (signed requests), `{WEBHOOK_CODE}`, or Entra upstream \
         auth"
    )]
    UnauthenticatedOnFunctions,
    /// One of the two Entra upstream auth settings is set without the other.
    #[error("`{set}` is set but `{missing}` is not: set both, or neither")]
    EntraIncomplete {
        /// The setting that is set.
        set: &'static str,
        /// The setting that is missing.
        missing: &'static str,
    },
    /// The Entra upstream auth settings cannot be used.
    #[error("Microsoft Entra upstream auth")]
    Entra(#[source] EntraConfigError),
    /// No connection is configured and local mode (the embedded emulator) does not apply.
    #[error(
        "no `{CONNECTION}` is set and {reason}. Set `{CONNECTION}` to your Web PubSub for Socket.IO \
         connection string (or `{CONNECTION}__endpoint` for an identity-based connection); the \
         embedded emulator is for local development (`{EMULATOR}=on` forces it). Settings come from \
         the environment and from `local.settings.json` in the working directory, else next to the \
         executable"
    )]
    NoConnection {
        /// Why local mode does not apply.
        reason: NoLocalMode,
    },
    /// `SOCKETIO_FN_EMULATOR=on` while a connection is configured.
    #[error(
        "`{EMULATOR}=on` asks for the embedded emulator but `{CONNECTION}` is set: remove one of them"
    )]
    EmulatorConflict,
    /// The listener could not be bound.
    #[error(
        "cannot listen on {address} (from `{setting}`): is another program (or another copy of this \
         app) using it? Set `{setting}` to another address or port"
    )]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The setting the address comes from (`SOCKETIO_FN_ADDR`, `PORT`,
        /// `FUNCTIONS_CUSTOMHANDLER_PORT`, or `SOCKETIO_FN_EMULATOR_ADDR` for the embedded emulator).
        setting: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while serving.
    #[error("server error")]
    Serve(#[source] std::io::Error),
    /// The app's contract cannot be made (`SOCKETIO_FN_CONTRACT`).
    #[error(transparent)]
    Contract(#[from] ContractError),
}

/// Why an app without a connection does not start the embedded emulator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoLocalMode {
    /// `SOCKETIO_FN_EMULATOR=off`.
    #[error("`{EMULATOR}=off` turns the emulator off")]
    EmulatorOff,
    /// A variable of a hosting platform is set.
    #[error("`{0}` says the app runs on a hosting platform")]
    HostingPlatform(&'static str),
    /// The app listens on an address that is not loopback.
    #[error("the app listens on {0}, which is not a loopback address")]
    NotLoopback(SocketAddr),
    /// This build has no embedded emulator (the facade's `emulator` feature is off).
    #[error(
        "this build has no embedded emulator (feature `emulator`); run `socketio-fn-emulator` and \
         point `{CONNECTION}` at it"
    )]
    NoEmulator,
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&socketio_fn_protocol::error_chain(self))
    }
}
