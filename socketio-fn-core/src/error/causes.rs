//! The causes inside [`Error`](super::Error): why something a function or handle names cannot be
//! used, why a connection's identity settings select no credential, why Microsoft Entra upstream auth
//! cannot be set up. Like `Error`, they name nothing above this module.

use crate::settings::SettingsError;
use socketio_fn_protocol::paths::HUB_NAME_RULE;
use socketio_fn_protocol::setting_names::{
    HUB, WEBHOOK_ENTRA_AUDIENCE, WEBHOOK_ENTRA_AUTHORITY, WEBHOOK_ENTRA_TENANT,
};

/// Why something a function or handle names cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// A `%Setting%` names no setting, or a connection is not configured.
    #[error(transparent)]
    Setting(#[from] SettingsError),
    /// A connection's identity settings select no credential.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// Neither the function nor the settings name a hub.
    #[error("no hub: set `hub` on the function or the `{HUB}` app setting")]
    NoHub,
    /// A hub (as resolved) breaks the service's hub-name rule.
    #[error("hub `{hub}` is not a valid hub name ({HUB_NAME_RULE})")]
    InvalidHub {
        /// The hub as resolved.
        hub: String,
    },
    /// A timer's schedule (as resolved) is not a six-field NCRONTAB expression.
    #[error("schedule `{schedule}`: {reason}")]
    InvalidSchedule {
        /// The schedule as resolved.
        schedule: String,
        /// Why it does not parse.
        reason: String,
    },
    /// A name resolved to empty text.
    #[error("`{0}` is empty")]
    Empty(&'static str),
    /// A namespace does not start with `/`.
    #[error("namespace `{0}` must start with `/`")]
    InvalidNamespace(String),
    /// A `%Setting%` event resolved to a system event name.
    #[error(
        "event `{expression}` resolves to `{value}`, a system event; name system events literally \
         (`event = \"connect\"`) so their arguments and replies are checked at compile time"
    )]
    SystemEventFromSetting {
        /// The expression as written.
        expression: &'static str,
        /// What it resolved to.
        value: String,
    },
    /// A `%Setting%` event resolved to `*`, the catch-all.
    #[error(
        "event `{expression}` resolves to `*`, the catch-all; write `event = \"*\"` literally for a \
         function that takes every event without one of its own"
    )]
    CatchAllFromSetting {
        /// The expression as written.
        expression: &'static str,
    },
    /// A built app's handle names a connection that no function or builder handle named, so the app
    /// did not open it.
    #[error(
        "connection `{0}` is not opened by this app: take the handle from the builder \
         (`AppBuilder::service_on`) so the connection is opened at start-up"
    )]
    NotOpened(String),
    /// An argument asks for a state type the app was not given.
    #[error("no state of type `{0}`: add it with `App::builder().state(...)`")]
    MissingState(&'static str),
}

/// Why a connection's identity settings select no credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("connection `{connection}`: {reason}")]
pub struct CredentialError {
    /// The connection's setting name.
    pub connection: String,
    /// What does not fit, naming the setting.
    pub reason: String,
}

/// Why Entra validation cannot be set up. Names the setting at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EntraConfigError {
    /// The authority is not a URL.
    #[error("`{WEBHOOK_ENTRA_AUTHORITY}` is `{authority}`, not a URL: {reason}")]
    InvalidAuthority {
        /// The authority as configured.
        authority: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The authority is neither `https` nor `http` on a loopback address.
    #[error(
        "`{WEBHOOK_ENTRA_AUTHORITY}` is `{0}`: the authority must use https (http only on a loopback \
         address, for tests)"
    )]
    InsecureAuthority(String),
    /// The tenant or the audience is empty.
    #[error("`{WEBHOOK_ENTRA_TENANT}` and `{WEBHOOK_ENTRA_AUDIENCE}` must not be empty")]
    Empty,
    /// The HTTP client that fetches the signing keys could not be made.
    #[error("cannot create the HTTP client that fetches the signing keys")]
    Client(#[source] reqwest::Error),
}

/// Why a contract cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContractError {
    /// The app's functions are on several hubs and none was chosen.
    #[error("the app's functions are on several hubs ({}): choose one", .0.join(", "))]
    SeveralHubs(Vec<String>),
    /// The hub chosen has no function.
    #[error("no function is on hub `{hub}` (the app's hubs: {})", .hubs.join(", "))]
    UnknownHub {
        /// The hub asked for.
        hub: String,
        /// The app's hubs.
        hubs: Vec<String>,
    },
    /// The contract could not be written.
    #[error("cannot write the contract to {path}: {reason}")]
    Write {
        /// Where it was to go (`-` for standard output).
        path: String,
        /// The I/O error.
        reason: String,
    },
}
