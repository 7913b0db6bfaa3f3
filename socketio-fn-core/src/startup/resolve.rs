//! Resolving what functions and handles name — hubs (with the protocol's hub-name rule), namespaces
//! and events (with `%Setting%`), connections and their REST clients, required state — in one place
//! shared by trigger functions, output bindings, negotiation functions and service handles.

use super::connections::Connections;
use crate::service::{CredentialError, ServiceClient, ServiceHandle};
use crate::settings::{Settings, SettingsError};
use crate::state::{Requirements, StateMap};
use socketio_fn_protocol::paths::{HUB_NAME_RULE, is_valid_hub};
use socketio_fn_protocol::setting_names::{CONNECTION, HUB};
use std::sync::Arc;

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

/// Resolves names against the settings, the app's connections and its state.
pub(crate) struct Resolver<'a> {
    pub(crate) settings: &'a Settings,
    connections: &'a Connections,
    state: &'a StateMap,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(
        settings: &'a Settings,
        connections: &'a Connections,
        state: &'a StateMap,
    ) -> Self {
        Self {
            settings,
            connections,
            state,
        }
    }

    /// A name that may be a `%Setting%`; must not be empty.
    pub(crate) fn text(&self, what: &'static str, text: &str) -> Result<String, BindingError> {
        let value = self.settings.resolve(text)?;
        if value.trim().is_empty() {
            return Err(BindingError::Empty(what));
        }
        Ok(value)
    }

    /// A hub: the declared one (`%Setting%` allowed), else the `WebPubSubForSocketIOHub` setting;
    /// either way checked against the service's hub-name rule.
    pub(crate) fn hub(&self, declared: Option<&str>) -> Result<String, BindingError> {
        let hub = match declared {
            Some(hub) => self.text("hub", hub)?,
            None => self
                .settings
                .get(HUB)
                .filter(|h| !h.trim().is_empty())
                .map(str::to_owned)
                .ok_or(BindingError::NoHub)?,
        };
        if !is_valid_hub(&hub) {
            return Err(BindingError::InvalidHub { hub });
        }
        Ok(hub)
    }

    /// A namespace (`%Setting%` allowed, default `/`), which must start with `/`.
    pub(crate) fn namespace(&self, declared: Option<&str>) -> Result<String, BindingError> {
        let namespace = match declared {
            Some(ns) => self.text("namespace", ns)?,
            None => "/".to_owned(),
        };
        if !namespace.starts_with('/') {
            return Err(BindingError::InvalidNamespace(namespace));
        }
        Ok(namespace)
    }

    /// The REST client of a connection (default connection when `None`).
    pub(crate) fn client(
        &self,
        connection: Option<&str>,
    ) -> Result<Arc<ServiceClient>, BindingError> {
        let name = connection.unwrap_or(CONNECTION);
        match self.connections.get(name) {
            Some(open) => Ok(open.client.clone()),
            // Not opened: the connection is missing or invalid (say why), or nothing named it at
            // start-up.
            None => match self.settings.connection(name) {
                Err(e) => Err(e.into()),
                Ok(_) => Err(BindingError::NotOpened(name.to_owned())),
            },
        }
    }

    /// A handle to `hub` (resolved) on a connection, holding the connection's client.
    pub(crate) fn handle(
        &self,
        hub: String,
        connection: Option<&str>,
    ) -> Result<ServiceHandle, BindingError> {
        let client = self.client(connection)?;
        Ok(ServiceHandle::bound(
            hub,
            connection.unwrap_or(CONNECTION),
            client,
        ))
    }

    /// A handle to a hub as written (`%Setting%` allowed) on a connection.
    pub(crate) fn handle_for(
        &self,
        hub: &str,
        connection: Option<&str>,
    ) -> Result<ServiceHandle, BindingError> {
        let hub = self.hub(Some(hub))?;
        self.handle(hub, connection)
    }

    /// Checks that every state type an argument asks for was provided; returns what was declared.
    pub(crate) fn check_requirements(
        &self,
        requires: fn(&mut Requirements),
    ) -> Result<Requirements, BindingError> {
        let mut requirements = Requirements::default();
        requires(&mut requirements);
        match requirements.missing_state(self.state) {
            Some(name) => Err(BindingError::MissingState(name)),
            None => Ok(requirements),
        }
    }
}
