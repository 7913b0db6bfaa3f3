//! Sending actions: the [`ActionExecutor`] seam (the REST clients in an app, a recorder in tests) and the
//! [`ServiceHandle`] that functions, background tasks and HTTP routes send through.

use super::client::ServiceClient;
use super::error::{SendError, ServiceError};
use crate::actions::SocketIoAction;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future borrowing its inputs.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// Where actions go: a hub on the connection named by a setting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutputTarget {
    /// The hub (resolved: no `%Setting%`).
    pub hub: String,
    /// The setting name of the connection.
    pub connection: String,
}

/// Runs actions against the service. Apps use [`ServiceClients`]; tests may record instead.
pub trait ActionExecutor: Send + Sync + std::fmt::Debug + 'static {
    /// Executes one action.
    fn execute<'a>(
        &'a self,
        target: &'a OutputTarget,
        action: &'a SocketIoAction,
    ) -> SendFuture<'a>;
}

/// The REST clients of an app's connections, by setting name (compared case-insensitively): the
/// executor of an app unless a test replaces it.
#[derive(Debug, Default, Clone)]
pub struct ServiceClients {
    clients: HashMap<String, Arc<ServiceClient>>,
}

impl ServiceClients {
    /// Adds (or replaces) the client of the connection named `name`.
    pub fn insert(&mut self, name: &str, client: Arc<ServiceClient>) {
        self.clients.insert(name.to_lowercase(), client);
    }

    /// The client of the connection named `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<ServiceClient>> {
        self.clients.get(&name.to_lowercase())
    }
}

impl ActionExecutor for ServiceClients {
    fn execute<'a>(
        &'a self,
        target: &'a OutputTarget,
        action: &'a SocketIoAction,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            let client = self
                .get(&target.connection)
                .ok_or_else(|| ServiceError::UnknownConnection(target.connection.clone()))?;
            client.execute(&target.hub, action).await
        })
    }
}

/// A cloneable handle to one hub of one connection, with the app's REST client and retry policy: send
/// actions from a function, a spawned task or an HTTP route.
///
/// Get one from the app builder ([`crate::AppBuilder::service`], usable once the app is built: hand it
/// to axum routes and spawned tasks), from the built app ([`crate::App::service`]), or inside a function
/// as an output binding (`#[socketio_output] out: Actions` collects and sends through one).
///
/// ```no_run
/// # async fn demo(mut app: socketio_fn_core::AppBuilder) -> Result<(), Box<dyn std::error::Error>> {
/// use socketio_fn_core::actions::SocketIoAction;
/// let chat = app.service("chat");
/// let app = app.build()?;
/// tokio::spawn(async move {
///     let _ = chat.send(SocketIoAction::send_to_rooms(["lobby"], "order changed", (42,))).await;
/// });
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ServiceHandle {
    bound: tokio::sync::watch::Receiver<Option<Arc<Bound>>>,
    /// Held by handles the builder made until the app binds them (dropped with the builder otherwise).
    binder: Option<Arc<tokio::sync::watch::Sender<Option<Arc<Bound>>>>>,
}

#[derive(Debug)]
struct Bound {
    target: OutputTarget,
    executor: Arc<dyn ActionExecutor>,
}

/// A batch stopped at a failing action; the later ones were not sent.
#[derive(Debug, thiserror::Error)]
#[error("`{action}` failed (action {} of {total}); {} later action(s) not sent", index + 1, total - index - 1)]
pub struct BatchError {
    /// Position of the failing action (0-based).
    pub index: usize,
    /// Number of actions in the batch.
    pub total: usize,
    /// The failing action's name.
    pub action: &'static str,
    /// Why it failed.
    #[source]
    pub source: SendError,
}

impl ServiceHandle {
    /// A handle sending to `target` through `executor`.
    pub fn new(target: OutputTarget, executor: Arc<dyn ActionExecutor>) -> Self {
        let (_, bound) = tokio::sync::watch::channel(Some(Arc::new(Bound { target, executor })));
        Self {
            bound,
            binder: None,
        }
    }

    /// A handle whose target is set when the app that made it is built; sends wait until then.
    pub(crate) fn unbound() -> Self {
        let (binder, bound) = tokio::sync::watch::channel(None);
        Self {
            bound,
            binder: Some(Arc::new(binder)),
        }
    }

    /// Sets the target of an unbound handle (once).
    pub(crate) fn bind(&self, target: OutputTarget, executor: Arc<dyn ActionExecutor>) {
        if let Some(binder) = &self.binder {
            binder.send_if_modified(|slot| {
                if slot.is_some() {
                    return false;
                }
                *slot = Some(Arc::new(Bound { target, executor }));
                true
            });
        }
    }

    /// The hub and connection actions go to; `None` until the app that made the handle is built.
    pub fn target(&self) -> Option<OutputTarget> {
        self.bound.borrow().as_ref().map(|b| b.target.clone())
    }

    /// The bound target, waiting for the app to be built; an error when its builder was dropped.
    async fn bound(&self) -> Result<Arc<Bound>, ServiceError> {
        if let Some(bound) = self.bound.borrow().clone() {
            return Ok(bound);
        }
        let mut rx = self.bound.clone();
        let outcome = rx.wait_for(Option::is_some).await.map(|b| b.clone());
        match outcome {
            Ok(Some(bound)) => Ok(bound),
            _ => Err(ServiceError::NotReady),
        }
    }

    /// Sends one action.
    pub async fn send(&self, action: SocketIoAction) -> Result<(), SendError> {
        let bound = self.bound().await?;
        bound.executor.execute(&bound.target, &action).await
    }

    /// Sends actions in order, stopping at the first failure (the later ones are not sent).
    pub async fn send_all(
        &self,
        actions: impl IntoIterator<Item = SocketIoAction>,
    ) -> Result<(), BatchError> {
        let actions: Vec<_> = actions.into_iter().collect();
        let total = actions.len();
        for (index, action) in actions.iter().enumerate() {
            let sent = match self.bound().await {
                Ok(bound) => bound.executor.execute(&bound.target, action).await,
                Err(e) => Err(e.into()),
            };
            if let Err(source) = sent {
                return Err(BatchError {
                    index,
                    total,
                    action: action.name(),
                    source,
                });
            }
        }
        Ok(())
    }
}
