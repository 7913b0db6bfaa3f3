//! The [`ServiceHandle`] that functions, background tasks and HTTP routes send through: a hub, and the
//! REST client of its connection, resolved at start-up.

use super::client::ServiceClient;
use super::error::{SendError, ServiceError};
use crate::actions::SocketIoAction;
use socketio_fn_protocol::packet::DEFAULT_NAMESPACE;
use std::sync::Arc;
use tokio::sync::watch;

/// Where a handle's actions go: a hub on the connection named by a setting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutputTarget {
    /// The hub (resolved: no `%Setting%`).
    pub hub: String,
    /// The setting name of the connection.
    pub connection: String,
}

/// A cloneable handle to one hub of one connection, with the app's REST client and retry policy: send
/// actions from a function, a spawned task or an HTTP route.
///
/// Get one from the app builder ([`crate::AppBuilder::service`], usable once the app is built: hand it
/// to axum routes and spawned tasks), from the built app ([`crate::App::service`]), or inside a function
/// as an output binding (`#[socketio_output] out: Actions` collects and sends through one). A handle
/// from the builder whose app failed to build, or was dropped unbuilt, fails every send at once with
/// [`ServiceError::NotReady`].
///
/// ```no_run
/// # async fn demo() -> Result<(), socketio_fn::Error> {
/// use socketio_fn::SocketIoAction;
/// socketio_fn::run_with(|mut app| {
///     let chat = app.service("chat");
///     tokio::spawn(async move {
///         let _ = chat.send(SocketIoAction::send_to_rooms(["lobby"], "order changed", (42,))).await;
///     });
///     app
/// })
/// .await
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ServiceHandle {
    inner: Inner,
    /// The namespace of actions that name none, and of queries (`/` unless made with `of`).
    namespace: Arc<str>,
}

#[derive(Debug, Clone)]
enum Inner {
    /// Resolved: the hub and the client.
    Bound(Arc<Bound>),
    /// Made by a builder: bound when its app is built; closed when the build fails or the builder is
    /// dropped.
    Pending(watch::Receiver<Option<Arc<Bound>>>),
}

#[derive(Debug)]
pub(super) struct Bound {
    pub(super) target: OutputTarget,
    pub(super) client: Arc<ServiceClient>,
}

/// The sending half of a builder's handle: kept by the builder, used once when the app is built.
#[derive(Debug)]
pub(crate) struct HandleBinder(watch::Sender<Option<Arc<Bound>>>);

impl HandleBinder {
    /// Binds the builder's handle (and its clones) to the target and client of `resolved`.
    pub(crate) fn bind(self, resolved: &ServiceHandle) {
        if let Inner::Bound(bound) = &resolved.inner {
            self.0.send_replace(Some(bound.clone()));
        }
    }
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
    /// A handle sending to `hub` (resolved) through `client`, the REST client of connection
    /// `connection`.
    pub(crate) fn bound(
        hub: String,
        connection: impl Into<String>,
        client: Arc<ServiceClient>,
    ) -> Self {
        let target = OutputTarget {
            hub,
            connection: connection.into(),
        };
        Self {
            inner: Inner::Bound(Arc::new(Bound { target, client })),
            namespace: Arc::from(DEFAULT_NAMESPACE),
        }
    }

    /// A handle that is bound later through its binder; sends wait until then.
    pub(crate) fn pending() -> (Self, HandleBinder) {
        let (sender, receiver) = watch::channel(None);
        let handle = Self {
            inner: Inner::Pending(receiver),
            namespace: Arc::from(DEFAULT_NAMESPACE),
        };
        (handle, HandleBinder(sender))
    }

    /// A handle to the same hub and connection for namespace `namespace`: actions that name no
    /// namespace go there, and queries look there.
    ///
    /// ```no_run
    /// # async fn demo(hub: socketio_fn::ServiceHandle) -> Result<(), Box<dyn std::error::Error>> {
    /// use socketio_fn::SocketIoAction;
    /// let admin = hub.of("/admin");
    /// admin.send(SocketIoAction::send_to_namespace("alert", ("disk full",))).await?; // to /admin
    /// # Ok(()) }
    /// ```
    pub fn of(&self, namespace: impl Into<String>) -> Self {
        Self {
            inner: self.inner.clone(),
            namespace: Arc::from(namespace.into()),
        }
    }

    /// The namespace of this handle (`/` unless made with [`ServiceHandle::of`]).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The hub and connection actions go to; `None` until the app that made the handle is built.
    pub fn target(&self) -> Option<OutputTarget> {
        match &self.inner {
            Inner::Bound(bound) => Some(bound.target.clone()),
            Inner::Pending(rx) => rx.borrow().as_ref().map(|b| b.target.clone()),
        }
    }

    /// The bound target, waiting for the app to be built; [`ServiceError::NotReady`] at once when the
    /// build failed or the builder was dropped.
    pub(super) async fn resolved(&self) -> Result<Arc<Bound>, ServiceError> {
        let rx = match &self.inner {
            Inner::Bound(bound) => return Ok(bound.clone()),
            Inner::Pending(rx) => rx,
        };
        if let Some(bound) = rx.borrow().clone() {
            return Ok(bound);
        }
        let mut rx = rx.clone();
        let outcome = rx.wait_for(Option::is_some).await.map(|b| b.clone());
        match outcome {
            Ok(Some(bound)) => Ok(bound),
            _ => Err(ServiceError::NotReady),
        }
    }

    /// A client's service URL and token for this handle's hub, as a negotiation function returns it:
    /// signed with the access key, or asked of the service (`:generateToken`) on an identity-based
    /// connection. For routes that hand out tokens their own way (`#[socketio_negotiation]` covers the
    /// usual `GET /api/negotiate`).
    ///
    /// ```no_run
    /// # async fn demo(hub: socketio_fn::ServiceHandle) -> Result<(), socketio_fn::service::ServiceError> {
    /// let result = hub.negotiate(Some("alice")).await?;
    /// println!("connect to {}{}", result.endpoint, result.path);
    /// # Ok(()) }
    /// ```
    pub async fn negotiate(
        &self,
        user_id: Option<&str>,
    ) -> Result<super::SocketIoNegotiationResult, ServiceError> {
        let bound = self.resolved().await?;
        super::negotiate(&bound.client, &bound.target.hub, user_id).await
    }

    /// Sends one action, or a typed send of a [`ServerEvent`](crate::actions::ServerEvent) (in this
    /// handle's namespace unless it names one).
    pub async fn send(&self, action: impl Into<SocketIoAction>) -> Result<(), SendError> {
        self.send_action(action.into()).await
    }

    async fn send_action(&self, action: SocketIoAction) -> Result<(), SendError> {
        let action = action.or_namespace(&self.namespace);
        let bound = self.resolved().await?;
        bound.client.execute(&bound.target.hub, &action).await
    }

    /// Sends actions in order, stopping at the first failure (the later ones are not sent).
    pub async fn send_all<A: Into<SocketIoAction>>(
        &self,
        actions: impl IntoIterator<Item = A>,
    ) -> Result<(), BatchError> {
        let actions: Vec<_> = actions
            .into_iter()
            .map(|a| a.into().or_namespace(&self.namespace))
            .collect();
        let total = actions.len();
        let failed = |index: usize, action: &SocketIoAction, source: SendError| BatchError {
            index,
            total,
            action: action.name(),
            source,
        };
        let Some(first) = actions.first() else {
            return Ok(());
        };
        let bound = self
            .resolved()
            .await
            .map_err(|e| failed(0, first, e.into()))?;
        for (index, action) in actions.iter().enumerate() {
            if let Err(source) = bound.client.execute(&bound.target.hub, action).await {
                return Err(failed(index, action, source));
            }
        }
        Ok(())
    }
}
