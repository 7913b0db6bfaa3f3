//! Output actions: what a function asks the service to do (send, join and leave rooms, disconnect,
//! close connections), their JSON forms, and their mapping to the service's REST API.

mod args;
mod constructors;
mod event;
mod json;
mod kind;
mod rest;
mod validate;

pub use args::{Args, IntoArgs};
pub use event::{AskingEvent, Emit, ServerEvent};
#[doc(hidden)]
pub use event::{JsonError, JsonValue, single_answer, to_json, tuple_answer};
pub use kind::{ActionKind, InvalidAction};
pub use rest::RestRequest;

use serde_json::Value;
use socketio_fn_protocol::packet::DEFAULT_NAMESPACE;
use std::time::Duration;

/// The longest message TTL the service takes (`messageTtlSeconds`).
pub const MAX_TTL: Duration = Duration::from_secs(300);

/// One action for the service. Build it with the constructors ([`SocketIoAction::send_to_namespace`],
/// ...), then set its namespace, except-rooms or TTL.
///
/// The namespace is `/` unless set with [`SocketIoAction::in_namespace`] — except that an action
/// added to the `Actions` of a function on another namespace (`#[socketio_trigger(namespace =
/// "/x")]`), or sent through a handle of another namespace ([`ServiceHandle::of`]), goes to that
/// namespace. Actions parsed from JSON carry their `namespace` member, `/` when absent. Equality
/// compares the namespace an action would use by default (`/` when unset).
///
/// [`ServiceHandle::of`]: crate::service::ServiceHandle::of
///
/// ```
/// use socketio_fn::SocketIoAction;
/// let a = SocketIoAction::send_to_rooms(["lobby"], "new message", ("alice", "hi"))
///     .in_namespace("/chat")
///     .except_rooms(["muted"])
///     .with_ttl(std::time::Duration::from_secs(30));
/// assert_eq!(a.name(), "sendToRooms");
/// assert!(a.validate().is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct SocketIoAction {
    pub(crate) namespace: Option<String>,
    pub(crate) target: Target,
    pub(crate) ttl: Option<Duration>,
    /// Recorded by a constructor whose arguments did not serialise; reported by `validate`.
    pub(crate) invalid: Option<InvalidAction>,
}

/// An event to emit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub(crate) name: String,
    pub(crate) parameters: Vec<Value>,
}

/// What an action does, with its own members.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    AddSocketToRoom {
        socket_id: String,
        room: String,
    },
    RemoveSocketFromRoom {
        socket_id: String,
        room: String,
    },
    SendToNamespace {
        event: Event,
        except_rooms: Vec<String>,
    },
    SendToRooms {
        rooms: Vec<String>,
        event: Event,
        except_rooms: Vec<String>,
    },
    SendToSocket {
        socket_id: String,
        event: Event,
    },
    DisconnectSockets {
        rooms: Vec<String>,
        close: bool,
    },
    SendToUser {
        user_id: String,
        event: Event,
    },
    BroadcastFrom {
        socket_id: String,
        event: Event,
        except_rooms: Vec<String>,
    },
    AddUserToRoom {
        user_id: String,
        room: String,
    },
    RemoveUserFromRoom {
        user_id: String,
        room: String,
    },
    RemoveUserFromAllRooms {
        user_id: String,
    },
    SocketsJoin {
        in_rooms: Vec<String>,
        room: String,
    },
    SocketsLeave {
        in_rooms: Vec<String>,
        room: String,
    },
    CloseConnectionsOfUser {
        user_id: String,
        reason: String,
    },
    CloseConnectionsInRoom {
        room: String,
        reason: String,
    },
    CloseConnection {
        connection_id: String,
        reason: String,
    },
}

impl PartialEq for SocketIoAction {
    fn eq(&self, other: &Self) -> bool {
        self.namespace() == other.namespace()
            && self.target == other.target
            && self.ttl == other.ttl
            && self.invalid == other.invalid
    }
}

fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

impl SocketIoAction {
    pub(crate) fn new(target: Target) -> Self {
        Self {
            namespace: None,
            target,
            ttl: None,
            invalid: None,
        }
    }

    /// Sets the namespace (default `/`, or the function's or handle's namespace; see above).
    pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Uses `namespace` when no namespace was set (what `Actions` and handles of a namespace do).
    pub fn or_namespace(mut self, namespace: &str) -> Self {
        if self.namespace.is_none() {
            self.namespace = Some(namespace.to_owned());
        }
        self
    }

    /// Sets the rooms whose sockets do not receive a namespace, rooms or broadcast send; other actions
    /// are returned unchanged.
    pub fn except_rooms<S: Into<String>>(mut self, rooms: impl IntoIterator<Item = S>) -> Self {
        if let Target::SendToNamespace { except_rooms, .. }
        | Target::SendToRooms { except_rooms, .. }
        | Target::BroadcastFrom { except_rooms, .. } = &mut self.target
        {
            *except_rooms = strings(rooms);
        }
        self
    }

    /// Also closes the underlying connections of a disconnect; other actions are returned unchanged.
    pub fn close_underlying_connection(mut self, close: bool) -> Self {
        if let Target::DisconnectSockets { close: c, .. } = &mut self.target {
            *c = close;
        }
        self
    }

    /// Lets the service drop the message for clients that have not received it within `ttl`
    /// (`messageTtlSeconds`, whole seconds rounded up, at most [`MAX_TTL`]; zero means never, the
    /// default). Only send actions take a TTL: on any other action it makes the action invalid.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The namespace of the action (`/` when none was set).
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE)
    }

    /// The TTL set with [`SocketIoAction::with_ttl`].
    pub fn ttl(&self) -> Option<Duration> {
        self.ttl
    }

    /// The emitted event's name, for send actions.
    pub fn event_name(&self) -> Option<&str> {
        self.event().map(|e| e.name.as_str())
    }

    /// The emitted event's arguments, for send actions.
    pub fn parameters(&self) -> Option<&[Value]> {
        self.event().map(|e| e.parameters.as_slice())
    }

    pub(crate) fn event(&self) -> Option<&Event> {
        match &self.target {
            Target::SendToNamespace { event, .. }
            | Target::SendToRooms { event, .. }
            | Target::SendToSocket { event, .. }
            | Target::SendToUser { event, .. }
            | Target::BroadcastFrom { event, .. } => Some(event),
            _ => None,
        }
    }

    /// The kind of action.
    pub fn kind(&self) -> ActionKind {
        match &self.target {
            Target::AddSocketToRoom { .. } => ActionKind::AddSocketToRoom,
            Target::RemoveSocketFromRoom { .. } => ActionKind::RemoveSocketFromRoom,
            Target::SendToNamespace { .. } => ActionKind::SendToNamespace,
            Target::SendToRooms { .. } => ActionKind::SendToRooms,
            Target::SendToSocket { .. } => ActionKind::SendToSocket,
            Target::DisconnectSockets { .. } => ActionKind::DisconnectSockets,
            Target::SendToUser { .. } => ActionKind::SendToUser,
            Target::BroadcastFrom { .. } => ActionKind::BroadcastFrom,
            Target::AddUserToRoom { .. } => ActionKind::AddUserToRoom,
            Target::RemoveUserFromRoom { .. } => ActionKind::RemoveUserFromRoom,
            Target::RemoveUserFromAllRooms { .. } => ActionKind::RemoveUserFromAllRooms,
            Target::SocketsJoin { .. } => ActionKind::SocketsJoin,
            Target::SocketsLeave { .. } => ActionKind::SocketsLeave,
            Target::CloseConnectionsOfUser { .. } => ActionKind::CloseConnectionsOfUser,
            Target::CloseConnectionsInRoom { .. } => ActionKind::CloseConnectionsInRoom,
            Target::CloseConnection { .. } => ActionKind::CloseConnection,
        }
    }

    /// The action's name as in its JSON form (`sendToNamespace`, ...).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}
