//! Executing output actions: a trait so tests can record them, and the implementation over the REST
//! client.

use super::client::ServiceClient;
use crate::actions::{ActionError, SocketIoAction};
use crate::settings::{DEFAULT_CONNECTION_SETTING, Settings};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

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

/// Executes actions with one [`ServiceClient`] per connection setting name, created on first use from the
/// settings.
#[derive(Debug, Default)]
pub struct ServiceExecutor {
    settings: Settings,
    api_version: String,
    clients: Mutex<HashMap<String, Arc<ServiceClient>>>,
}

impl ServiceExecutor {
    /// An executor creating clients from `settings` with REST `api_version`.
    pub fn new(settings: Settings, api_version: impl Into<String>) -> Self {
        Self {
            settings,
            api_version: api_version.into(),
            clients: Mutex::default(),
        }
    }

    /// Uses `client` for the connection named `name`.
    pub fn with_client(self, name: impl Into<String>, client: ServiceClient) -> Self {
        self.lock()
            .insert(name.into().to_lowercase(), Arc::new(client));
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<ServiceClient>>> {
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The client of a connection name (default connection when `None`), created on first use.
    pub fn client(&self, connection: Option<&str>) -> Result<Arc<ServiceClient>, ActionError> {
        let name = connection.unwrap_or(DEFAULT_CONNECTION_SETTING);
        let key = name.to_lowercase();
        if let Some(client) = self.lock().get(&key) {
            return Ok(client.clone());
        }
        let connection = self
            .settings
            .connection(name)
            .map_err(|e| ActionError::NoConnection(e.to_string()))?;
        let client =
            Arc::new(ServiceClient::new(&connection).api_version(self.api_version.clone()));
        self.lock().insert(key, client.clone());
        Ok(client)
    }
}

impl ActionExecutor for ServiceExecutor {
    fn execute<'a>(
        &'a self,
        target: &'a OutputTarget,
        action: &'a SocketIoAction,
    ) -> Pin<Box<dyn Future<Output = Result<(), ActionError>> + Send + 'a>> {
        Box::pin(async move {
            let client = self.client(target.connection.as_deref())?;
            let hub = self
                .settings
                .resolve(&target.hub)
                .map_err(|e| ActionError::InvalidHub(e.to_string()))?;
            client.execute(&hub, action).await
        })
    }
}
