//! Binding a function's arguments: event parameters ([`FromParameter`]) and context extractors
//! ([`FromInvocation`]).
//!
//! `#[socketio_trigger]` sorts arguments by attributes and names, never by type: arguments marked
//! `#[socketio_parameter]` or listed in `parameter_names` bind through [`FromParameter`] (any
//! `serde::de::DeserializeOwned` type); every other argument binds through [`FromInvocation`]. Both are
//! traits, so type aliases, renamed imports and your own types work.

use crate::invocation::Invocation;
use crate::request::{
    ConnectionContext, MultiMap, SocketIoConnectRequest, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoMessageRequest, TriggerRequest,
};
use crate::response::InvocationError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;

/// Marker types naming the event kind a function handles; extractors and return types are checked
/// against them at compile time.
pub mod kind {
    /// The `connect` event.
    #[derive(Debug, Clone, Copy)]
    pub struct Connect;
    /// The `connected` event.
    #[derive(Debug, Clone, Copy)]
    pub struct Connected;
    /// The `disconnected` event.
    #[derive(Debug, Clone, Copy)]
    pub struct Disconnected;
    /// A user event (message).
    #[derive(Debug, Clone, Copy)]
    pub struct Message;

    /// Implemented by the four markers.
    pub trait EventKind: Send + Sync + 'static {
        /// Name used in messages.
        const NAME: &'static str;
    }
    impl EventKind for Connect {
        const NAME: &'static str = "connect";
    }
    impl EventKind for Connected {
        const NAME: &'static str = "connected";
    }
    impl EventKind for Disconnected {
        const NAME: &'static str = "disconnected";
    }
    impl EventKind for Message {
        const NAME: &'static str = "message";
    }
}

use kind::EventKind;

/// What the macro knows about one argument.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    /// The argument's name (or its name in `parameter_names`).
    pub name: &'static str,
    /// Position among the event's arguments (parameters only).
    pub position: usize,
}

/// A value taken from the invocation's context: the request, socket id, namespace, claims, user id...
///
/// Implement it for your own types to extract what you need. `K` is the event kind marker
/// ([`kind`]); implement for the kinds where your extractor makes sense.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be extracted in a `{K}` function",
    label = "not an extractor for this event",
    note = "an argument is either an event parameter (mark it `#[socketio_parameter]` or list it in \
            `parameter_names`) or an extractor such as `SocketId`, `Namespace`, `UserId`, `ConnectionContext` \
            or the event's request type; see the `socketio_fn::extract` docs"
)]
pub trait FromInvocation<K>: Sized {
    /// Extracts the value.
    fn from_invocation(
        invocation: &Invocation,
        spec: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send;
}

/// A value bound from the event's arguments by position, deserialized with serde.
///
/// A missing trailing argument binds as `None` for `Option<T>` and is an error otherwise; extra arguments
/// the function does not bind are ignored.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound from an event argument",
    note = "event arguments are deserialized with serde: use a type that implements `serde::Deserialize`"
)]
pub trait FromParameter: Sized {
    /// Binds the value.
    fn from_parameter(
        invocation: &Invocation,
        spec: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send;
}

/// Binds argument `spec.position` of a message.
pub fn bind_parameter<T: DeserializeOwned>(
    invocation: &Invocation,
    spec: &ArgSpec,
) -> Result<T, InvocationError> {
    let TriggerRequest::Message(message) = invocation.request() else {
        return Err(InvocationError::bad_request(format!(
            "argument `{}`: only user events have arguments",
            spec.name
        )));
    };
    let value = message
        .parameters
        .get(spec.position)
        .unwrap_or(&Value::Null);
    T::deserialize(value).map_err(|e| {
        if spec.position >= message.parameters.len() {
            InvocationError::bad_request(format!(
                "missing argument `{}` (position {}): event `{}` has {} argument(s)",
                spec.name,
                spec.position,
                message.event_name,
                message.parameters.len()
            ))
        } else {
            InvocationError::bad_request(format!(
                "argument `{}` (position {}) of event `{}`: {e}",
                spec.name, spec.position, message.event_name
            ))
        }
    })
}

#[diagnostic::do_not_recommend]
impl<T: DeserializeOwned + Send> FromParameter for T {
    fn from_parameter(
        invocation: &Invocation,
        spec: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(bind_parameter(invocation, spec))
    }
}

macro_rules! request_extractor {
    ($ty:ty, $kind:ty, $variant:ident) => {
        impl FromInvocation<$kind> for $ty {
            fn from_invocation(
                invocation: &Invocation,
                _: &ArgSpec,
            ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
                std::future::ready(match invocation.request() {
                    TriggerRequest::$variant(r) => Ok(r.clone()),
                    _ => Err(InvocationError::with_status(
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        concat!("this invocation has no ", stringify!($ty)),
                    )),
                })
            }
        }
    };
}

request_extractor!(SocketIoConnectRequest, kind::Connect, Connect);
request_extractor!(SocketIoConnectedRequest, kind::Connected, Connected);
request_extractor!(
    SocketIoDisconnectedRequest,
    kind::Disconnected,
    Disconnected
);
request_extractor!(SocketIoMessageRequest, kind::Message, Message);

macro_rules! context_extractor {
    ($(#[$doc:meta])* $name:ident($ty:ty) = |$inv:ident| $get:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub $ty);

        impl<K: EventKind> FromInvocation<K> for $name {
            fn from_invocation(
                $inv: &Invocation,
                _: &ArgSpec,
            ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
                std::future::ready(Ok(Self($get)))
            }
        }

        impl std::ops::Deref for $name {
            type Target = $ty;
            fn deref(&self) -> &$ty {
                &self.0
            }
        }
    };
}

context_extractor!(
    /// The socket id of the event's socket.
    SocketId(String) = |inv| inv.context().socket_id.clone()
);
context_extractor!(
    /// The namespace of the event's socket.
    Namespace(String) = |inv| inv.context().namespace.clone()
);
context_extractor!(
    /// The connection's user id (`ce-userId`), when the client's token named one.
    UserId(Option<String>) = |inv| inv.context().user_id.clone()
);
context_extractor!(
    /// The hub name.
    Hub(String) = |inv| inv.context().hub.clone()
);

impl<K: EventKind> FromInvocation<K> for ConnectionContext {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(Ok(invocation.context().clone()))
    }
}

/// The claims of the client's access token (connect events only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims(pub MultiMap);

impl FromInvocation<kind::Connect> for Claims {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(Ok(match invocation.request() {
            TriggerRequest::Connect(r) => Claims(r.claims.clone()),
            _ => Claims::default(),
        }))
    }
}

impl std::ops::Deref for Claims {
    type Target = MultiMap;
    fn deref(&self) -> &MultiMap {
        &self.0
    }
}

/// All arguments of a user event, unbound.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parameters(pub Vec<Value>);

impl FromInvocation<kind::Message> for Parameters {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(Ok(match invocation.request() {
            TriggerRequest::Message(m) => Parameters(m.parameters.clone()),
            _ => Parameters::default(),
        }))
    }
}

/// What the macro knows about an output argument (`#[socketio_output(hub = "...", connection = "...")]`).
#[derive(Debug, Clone, Copy)]
pub struct OutputSpec {
    /// The hub; empty = the hub of the triggering event.
    pub hub: &'static str,
    /// Setting name of the connection; `None` = the default connection.
    pub connection: Option<&'static str>,
}

/// An output binding: created before the function runs, flushed after it returned successfully.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `#[socketio_output]` argument",
    note = "use `socketio_fn::Actions`, the collector of output actions"
)]
pub trait FromOutput: Sized + Clone + Send {
    /// Creates the binding.
    fn from_output(invocation: &Invocation, spec: &OutputSpec) -> Self;
    /// Runs what the function collected.
    fn flush(
        &self,
        invocation: &Invocation,
    ) -> impl Future<Output = Result<(), InvocationError>> + Send;
}

/// The output collector: actions added during the function are executed against the service, in order,
/// after the function returns successfully (not when it returns an error). The first failing action fails
/// the invocation (500 with the service's error) and the later ones are not executed; the error names how
/// many were skipped.
///
/// ```
/// use socketio_fn_core::actions::SocketIoAction;
/// use socketio_fn_core::extract::Actions;
/// let out = Actions::new("hub", None);
/// out.add(SocketIoAction::send_to_namespace("new message", ("alice", "hi")));
/// assert_eq!(out.pending().len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Actions {
    target: crate::service::OutputTarget,
    queue: std::sync::Arc<std::sync::Mutex<Vec<crate::actions::SocketIoAction>>>,
}

impl Actions {
    /// A collector for `hub` on the connection named `connection` (default connection when `None`).
    pub fn new(hub: impl Into<String>, connection: Option<String>) -> Self {
        Self {
            target: crate::service::OutputTarget {
                hub: hub.into(),
                connection,
            },
            queue: Default::default(),
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<crate::actions::SocketIoAction>> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an action.
    pub fn add(&self, action: crate::actions::SocketIoAction) {
        self.queue().push(action);
    }

    /// The actions added so far.
    pub fn pending(&self) -> Vec<crate::actions::SocketIoAction> {
        self.queue().clone()
    }

    /// Where the actions go.
    pub fn target(&self) -> &crate::service::OutputTarget {
        &self.target
    }
}

impl FromOutput for Actions {
    fn from_output(invocation: &Invocation, spec: &OutputSpec) -> Self {
        let hub = if spec.hub.is_empty() {
            invocation.context().hub.clone()
        } else {
            spec.hub.to_owned()
        };
        Self::new(hub, spec.connection.map(str::to_owned))
    }

    fn flush(
        &self,
        invocation: &Invocation,
    ) -> impl Future<Output = Result<(), InvocationError>> + Send {
        let actions = std::mem::take(&mut *self.queue());
        let executor = invocation.executor().cloned();
        let target = self.target.clone();
        let function = invocation.function();
        async move {
            if actions.is_empty() {
                return Ok(());
            }
            let Some(executor) = executor else {
                return Err(InvocationError::function(format!(
                    "{} output action(s) not executed: no service connection is configured",
                    actions.len()
                )));
            };
            let total = actions.len();
            for (i, action) in actions.iter().enumerate() {
                if let Err(e) = executor.execute(&target, action).await {
                    tracing::error!(function, action = action.name(), hub = %target.hub, error = %e, "output action failed");
                    let skipped = total - i - 1;
                    let note = if skipped > 0 {
                        format!("; {skipped} later action(s) not executed")
                    } else {
                        String::new()
                    };
                    return Err(InvocationError::function(format!(
                        "output action failed: {e}{note}"
                    )));
                }
            }
            Ok(())
        }
    }
}
