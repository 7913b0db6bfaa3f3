//! Resolving what functions name at start-up — hubs, namespaces and events (with `%Setting%`),
//! connections and their REST clients, output targets, required state — in one place shared by trigger
//! functions, output bindings and negotiation functions.

use crate::protocol::setting_names::{CONNECTION, HUB};
use crate::service::{
    ActionExecutor, CredentialError, OutputTarget, ServiceClient, ServiceClients, ServiceHandle,
};
use crate::settings::{Settings, SettingsError};
use crate::state::{Requirements, StateMap};
use std::sync::Arc;

/// Why something a function names cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// An argument asks for a state type the app was not given.
    #[error("no state of type `{0}`: add it with `App::builder().state(...)`")]
    MissingState(&'static str),
}

/// Resolves names against the settings, the app's REST clients and its state.
pub(crate) struct Resolver<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) clients: &'a ServiceClients,
    pub(crate) executor: Arc<dyn ActionExecutor>,
    pub(crate) state: &'a StateMap,
}

impl Resolver<'_> {
    /// A name that may be a `%Setting%`; must not be empty.
    pub(crate) fn text(&self, what: &'static str, text: &str) -> Result<String, BindingError> {
        let value = self.settings.resolve(text)?;
        if value.trim().is_empty() {
            return Err(BindingError::Empty(what));
        }
        Ok(value)
    }

    /// A hub: the declared one (`%Setting%` allowed), else the `WebPubSubForSocketIOHub` setting.
    pub(crate) fn hub(&self, declared: Option<&str>) -> Result<String, BindingError> {
        match declared {
            Some(hub) => self.text("hub", hub),
            None => self
                .settings
                .get(HUB)
                .filter(|h| !h.trim().is_empty())
                .map(str::to_owned)
                .ok_or(BindingError::NoHub),
        }
    }

    /// The REST client of a connection (default connection when `None`).
    pub(crate) fn client(
        &self,
        connection: Option<&str>,
    ) -> Result<Arc<ServiceClient>, BindingError> {
        let name = connection.unwrap_or(CONNECTION);
        match self.clients.get(name) {
            Some(client) => Ok(client.clone()),
            // Not built: the connection is missing (or invalid); say why.
            None => match self.settings.connection(name) {
                Err(e) => Err(e.into()),
                Ok(_) => Err(SettingsError::MissingConnection(name.to_owned()).into()),
            },
        }
    }

    /// A handle to `hub` on a connection, checked to exist.
    pub(crate) fn handle(
        &self,
        hub: String,
        connection: Option<&str>,
    ) -> Result<ServiceHandle, BindingError> {
        let connection = connection.unwrap_or(CONNECTION);
        self.client(Some(connection))?;
        Ok(ServiceHandle::new(
            OutputTarget {
                hub,
                connection: connection.to_owned(),
            },
            self.executor.clone(),
        ))
    }

    /// Checks that every state type an argument asks for was provided.
    pub(crate) fn check_requirements(
        &self,
        requires: fn(&mut Requirements),
    ) -> Result<(), BindingError> {
        let mut requirements = Requirements::default();
        requires(&mut requirements);
        match requirements.missing_state(self.state) {
            Some(name) => Err(BindingError::MissingState(name)),
            None => Ok(()),
        }
    }
}
