//! Resolving what functions and handles name — hubs (with the protocol's hub-name rule), namespaces
//! and events (with `%Setting%`), connections and their REST clients, required state — in one place
//! shared by trigger functions, output bindings, negotiation functions and service handles.

use super::connections::Connections;
use crate::error::{BindingError, Error};
use crate::service::{ServiceClient, ServiceHandle};
use crate::settings::Settings;
use crate::state::{Requirements, StateMap};
use socketio_fn_protocol::paths::is_valid_hub;
use socketio_fn_protocol::setting_names::{CONNECTION, HUB};
use std::sync::Arc;

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

    /// A handle to a hub as written (`%Setting%` allowed) on a connection (`None` = the default), as
    /// the builder and the app hand them out: a problem is an [`Error::InvalidHandle`].
    pub(crate) fn handle_for(
        &self,
        hub: &str,
        connection: Option<&str>,
    ) -> Result<ServiceHandle, Error> {
        self.hub(Some(hub))
            .and_then(|resolved| self.handle(resolved, connection))
            .map_err(|reason| Error::InvalidHandle {
                hub: hub.to_owned(),
                connection: connection.unwrap_or(CONNECTION).to_owned(),
                reason,
            })
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
