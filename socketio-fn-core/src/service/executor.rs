//! Executing output actions: a trait so tests can record them, and the implementation over the REST
//! client.

use super::client::ServiceClient;
use crate::actions::{ActionError, SocketIoAction};
use crate::settings::{DEFAULT_CONNECTION_SETTING, Settings};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Where output actions go: a hub on the connection named `connection` (default connection when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    /// The hub.
    pub hub: String,
    /// Setting name of the connection.
    pub connection: Option<String>,
}

/// Runs actions against the service. The runtime uses [`ServiceExecutor`]; tests may record instead.
pub trait ActionExecutor: Send + Sync + 'static {
    /// Executes one action.
    fn execute<'a>(
        &'a self,
        target: &'a OutputTarget,
        action: &'a SocketIoAction,
    ) -> Pin<Box<dyn Future<Output = Result<(), ActionError>> + Send + 'a>>;
}

/// Executes actions with one [`ServiceClient`] per connection setting name.
#[derive(Debug, Default, Clone)]
pub struct ServiceExecutor {
    clients: HashMap<String, Arc<ServiceClient>>,
}

impl ServiceExecutor {
    /// An executor with `client` for the connection named `name`.
    pub fn with_client(mut self, name: impl Into<String>, client: ServiceClient) -> Self {
        self.clients
            .insert(name.into().to_lowercase(), Arc::new(client));
        self
    }

    /// Builds clients for the named connections that exist in `settings`.
    pub fn from_settings<'a>(
        settings: &Settings,
        names: impl IntoIterator<Item = &'a str>,
        api_version: &str,
    ) -> Self {
        let mut executor = Self::default();
        for name in names {
            if let Ok(connection) = settings.connection(name) {
                executor = executor.with_client(
                    name,
                    ServiceClient::new(&connection).api_version(api_version),
                );
            }
        }
        executor
    }

    /// The client of a connection name (default connection when `None`).
    pub fn client(&self, connection: Option<&str>) -> Option<&Arc<ServiceClient>> {
        self.clients.get(
            &connection
                .unwrap_or(DEFAULT_CONNECTION_SETTING)
                .to_lowercase(),
        )
    }
}

impl ActionExecutor for ServiceExecutor {
    fn execute<'a>(
        &'a self,
        target: &'a OutputTarget,
        action: &'a SocketIoAction,
    ) -> Pin<Box<dyn Future<Output = Result<(), ActionError>> + Send + 'a>> {
        Box::pin(async move {
            let name = target
                .connection
                .as_deref()
                .unwrap_or(DEFAULT_CONNECTION_SETTING);
            let client = self.client(Some(name)).ok_or_else(|| {
                ActionError::NoConnection(format!("connection setting `{name}` is not configured"))
            })?;
            client.execute(&target.hub, action).await
        })
    }
}
