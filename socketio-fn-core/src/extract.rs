//! Binding a function's arguments: event parameters ([`FromParameter`]) and context extractors
//! ([`FromInvocation`]).
//!
//! `#[socketio_trigger]` sorts arguments by attributes and names, never by type: arguments marked
//! `#[socketio_parameter]` or listed in `parameter_names` bind through [`FromParameter`] (any
//! `serde::de::DeserializeOwned` type); every other argument binds through [`FromInvocation`]. Both are
//! traits, so type aliases, renamed imports and your own types work.

use crate::actions::SocketIoAction;
use crate::invocation::{Invocation, OutputBindings, OutputSink};
use crate::request::{
    ConnectionContext, MultiMap, SocketIoConnectRequest, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoMessageRequest, TriggerRequest,
};
use crate::response::InvocationError;
use crate::service::ServiceHandle;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;

use crate::kind::{self, KindMarker};
use crate::state::{Requirements, State};

/// What the macro knows about one argument.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    /// The argument's name (or its name in `parameter_names`).
    pub name: &'static str,
    /// Position among the event's arguments (parameters), or among the function's output bindings
    /// (outputs); 0 for other extractors.
    pub position: usize,
}

/// A value taken from the invocation's context: the request, socket id, namespace, claims, user id...
///
/// Implement it for your own types to extract what you need. `K` is the event kind marker
/// ([`kind`]); implement for the kinds where your extractor makes sense. An extractor that needs
/// something from the app (a state type) declares it in [`FromInvocation::requires`], which the app
/// checks at start-up.
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

    /// Declares what the extractor needs from the app, checked at start-up (default: nothing).
    fn requires(_: &mut Requirements) {}
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

        impl<K: KindMarker> FromInvocation<K> for $name {
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
    SocketId(String) = |inv| inv.context().socket_id().to_owned()
);
context_extractor!(
    /// The namespace of the event's socket.
    Namespace(String) = |inv| inv.context().namespace().to_owned()
);
context_extractor!(
    /// The connection's user id (`ce-userId`), when the client's token named one.
    UserId(Option<String>) = |inv| inv.context().user_id().map(str::to_owned)
);
context_extractor!(
    /// The hub name.
    Hub(String) = |inv| inv.context().hub().to_owned()
);

impl<K: KindMarker> FromInvocation<K> for ConnectionContext {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(Ok(invocation.context().clone()))
    }
}

impl<K: KindMarker, T: Clone + Send + Sync + 'static> FromInvocation<K> for State<T> {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(invocation.state().extract::<T>())
    }

    fn requires(requirements: &mut Requirements) {
        requirements.state::<T>();
    }
}

/// A handle to the function's hub and namespace, on the function's connection: query rooms and
/// sockets or emit with acks from inside a function. Resolved at start-up (the build fails if the
/// connection is not configured).
impl<K: KindMarker> FromInvocation<K> for ServiceHandle {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        // Declared in `requires`, so a miss means the function was invoked outside its app.
        std::future::ready(
            invocation
                .service_handle()
                .cloned()
                .ok_or_else(|| InvocationError::function("this invocation has no service handle")),
        )
    }

    fn requires(requirements: &mut Requirements) {
        requirements.service_handle();
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

/// The name of the client's event: what a catch-all function (`event = "*"`) needs to tell events
/// apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventName(pub String);

impl FromInvocation<kind::Message> for EventName {
    fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> impl Future<Output = Result<Self, InvocationError>> + Send {
        std::future::ready(Ok(match invocation.request() {
            TriggerRequest::Message(m) => EventName(m.event_name.clone()),
            _ => EventName::default(),
        }))
    }
}

/// An output binding: created before the function runs from the function's resolved binding number
/// `spec.position`, flushed after it returned successfully.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `#[socketio_output]` argument",
    note = "use `socketio_fn::Actions`, the collector of output actions"
)]
pub trait FromOutput: Sized + Clone + Send {
    /// Creates the binding from the function's output bindings (`spec.position` is its index).
    fn from_output(bindings: &OutputBindings<'_>, spec: &ArgSpec) -> Result<Self, InvocationError>;
    /// Runs what the function collected.
    fn flush(self) -> impl Future<Output = Result<(), InvocationError>> + Send;
}

/// The output collector: actions added during the function are sent to the service, in order, after
/// the function returns successfully (not when it returns an error). The first failing action fails
/// the invocation (500 with the service's error) and the later ones are not sent; the error says how
/// many were skipped. An action that names no namespace goes to the function's namespace.
///
/// ```
/// use socketio_fn::extract::Actions;
/// use socketio_fn::{App, Settings, SocketIoAction};
/// let app = App::builder()
///     .settings(Settings::from_pairs([("WebPubSubForSocketIOConnectionString", "Endpoint=http://localhost;AccessKey=k")]))
///     .build()
///     .unwrap();
/// let out = Actions::new(app.service("chat").unwrap());
/// out.add(SocketIoAction::send_to_namespace("new message", ("alice", "hi")));
/// assert_eq!(out.pending().len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Actions {
    handle: ServiceHandle,
    queue: std::sync::Arc<std::sync::Mutex<Vec<SocketIoAction>>>,
    /// Bindings mode: the host's sink and this binding's index.
    sink: Option<(OutputSink, usize)>,
}

impl Actions {
    /// A collector sending through `handle`.
    pub fn new(handle: ServiceHandle) -> Self {
        Self {
            handle,
            queue: Default::default(),
            sink: None,
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<SocketIoAction>> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an action.
    pub fn add(&self, action: impl Into<SocketIoAction>) {
        self.queue().push(action.into());
    }

    /// Adds several actions (or typed sends), in order.
    pub fn extend<A: Into<SocketIoAction>>(&self, actions: impl IntoIterator<Item = A>) {
        self.queue().extend(actions.into_iter().map(Into::into));
    }

    /// The actions added so far.
    pub fn pending(&self) -> Vec<SocketIoAction> {
        self.queue().clone()
    }

    /// The handle the actions are sent through (to send right away, or from a spawned task).
    pub fn handle(&self) -> &ServiceHandle {
        &self.handle
    }
}

impl FromOutput for Actions {
    fn from_output(bindings: &OutputBindings<'_>, spec: &ArgSpec) -> Result<Self, InvocationError> {
        let handle = bindings
            .handles
            .get(spec.position)
            .cloned()
            .ok_or_else(|| {
                InvocationError::function(format!(
                    "output `{}` (binding {}) was not resolved for this invocation",
                    spec.name, spec.position
                ))
            })?;
        let mut actions = Self::new(handle);
        actions.sink = bindings.sink.map(|sink| (sink.clone(), spec.position));
        Ok(actions)
    }

    /// Sends the actions through the handle; in bindings mode hands them to the host's `socketio`
    /// output binding instead, when the binding can express every one of them (the six actions of the
    /// Functions extension, without a TTL), else sends them all through the handle (in order).
    fn flush(self) -> impl Future<Output = Result<(), InvocationError>> + Send {
        let actions = std::mem::take(&mut *self.queue());
        async move {
            if actions.is_empty() {
                return Ok(());
            }
            if let Some((sink, position)) = &self.sink {
                let namespace = self.handle.namespace().to_owned();
                let json: Option<Vec<_>> = actions
                    .iter()
                    .map(|a| a.clone().or_namespace(&namespace).to_binding_json())
                    .collect();
                if let Some(json) = json {
                    sink.put(*position, json);
                    return Ok(());
                }
            }
            self.handle.send_all(actions).await.map_err(|e| {
                let hub = self.handle.target().map(|t| t.hub).unwrap_or_default();
                let reason = socketio_fn_protocol::error_chain(&e);
                tracing::error!(%hub, error = %socketio_fn_protocol::log::Escaped(&reason), "output action failed");
                InvocationError::function(format!("output action failed: {reason}"))
            })
        }
    }
}
