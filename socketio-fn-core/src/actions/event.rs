//! Typed server→client events: an event declared once as a Rust type (`#[socketio_event]` on a tuple
//! or unit struct) carries its wire name and its arguments in order, and is sent through typed forms
//! of every send. A misspelt event or a wrong argument is then a compile error, not a silent break of
//! every client. [`AskingEvent`]s also declare what clients answer, so `emit_with_ack` returns it
//! typed.

use super::{Args, IntoArgs, SocketIoAction};
use serde_json::Value;
use std::marker::PhantomData;
use std::time::Duration;

/// An event the server sends to clients, declared once: its name on the wire and its arguments.
/// `#[socketio_event(name = "...")]` implements it for a tuple struct (its fields are the event's
/// arguments, in order) or a unit struct (no arguments).
///
/// Each send has a typed form that returns an [`Emit`], which goes wherever a [`SocketIoAction`] goes
/// (`Actions::add`, `ServiceHandle::send`):
///
/// ```
/// use socketio_fn::prelude::*;
///
/// /// Every tab gets each chat line: who wrote it, and the text.
/// #[socketio_event(name = "new message")]
/// struct NewMessage(String, String);
///
/// let all = NewMessage("alice".into(), "hi".into()).to_namespace().except_rooms(["muted"]);
/// assert_eq!(all.action().event_name(), Some("new message"));
/// assert_eq!(all.action().parameters().unwrap().len(), 2);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a server event",
    note = "declare it with `#[socketio_event(name = \"...\")]` on a tuple or unit struct"
)]
pub trait ServerEvent: Sized {
    /// The event's name on the wire.
    const NAME: &'static str;

    /// The event's arguments, in order, or why one does not serialise.
    fn into_args(self) -> Result<Args, serde_json::Error>;

    /// Emits the event to the whole namespace (`io.of(ns).emit`).
    fn to_namespace(self) -> Emit<Self> {
        Emit::new(SocketIoAction::send_to_namespace(Self::NAME, Typed(self)))
    }

    /// Emits the event to the sockets of any of `rooms` (`io.to(rooms).emit`).
    fn to_rooms<R: Into<String>>(self, rooms: impl IntoIterator<Item = R>) -> Emit<Self> {
        Emit::new(SocketIoAction::send_to_rooms(
            rooms,
            Self::NAME,
            Typed(self),
        ))
    }

    /// Emits the event to one socket (`io.to(socketId).emit`).
    fn to_socket(self, socket_id: impl Into<String>) -> Emit<Self> {
        Emit::new(SocketIoAction::send_to_socket(
            socket_id,
            Self::NAME,
            Typed(self),
        ))
    }

    /// Emits the event to every socket of a user, in every tab.
    fn to_user(self, user_id: impl Into<String>) -> Emit<Self> {
        Emit::new(SocketIoAction::send_to_user(
            user_id,
            Self::NAME,
            Typed(self),
        ))
    }

    /// Emits the event to every socket of the namespace but `socket_id` (`socket.broadcast.emit`).
    fn broadcast_from(self, socket_id: impl Into<String>) -> Emit<Self> {
        Emit::new(SocketIoAction::broadcast_from(
            socket_id,
            Self::NAME,
            Typed(self),
        ))
    }
}

/// A [`ServerEvent`] the server asks clients to answer (their ack callback's arguments): declared
/// with `#[socketio_event(name = "...", answer = "T")]`, where `T` is a tuple for several arguments
/// (`"(bool, String)"`) and any other type for one (`"bool"`), as [`Ack`](crate::Ack) writes them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` declares no answer, so clients cannot be asked it",
    label = "an event without `answer`",
    note = "add `answer = T` to its `#[socketio_event(...)]` (what one client answers), or send it without asking"
)]
pub trait AskingEvent: ServerEvent {
    /// What one client answers.
    type Answer;

    /// One client's answer from its ack's arguments.
    fn answer(arguments: Vec<Value>) -> Result<Self::Answer, serde_json::Error>;
}

/// A typed send of event `E`: a [`SocketIoAction`] that remembers what it sends, so that
/// `ServiceHandle::emit_with_ack` can return `E`'s answers typed. It converts into the action
/// wherever one is taken.
#[derive(Debug, Clone)]
pub struct Emit<E> {
    action: SocketIoAction,
    event: PhantomData<fn() -> E>,
}

impl<E> Emit<E> {
    fn new(action: SocketIoAction) -> Self {
        Self {
            action,
            event: PhantomData,
        }
    }

    /// Leaves out the sockets in any of `rooms`.
    pub fn except_rooms<R: Into<String>>(self, rooms: impl IntoIterator<Item = R>) -> Self {
        Self::new(self.action.except_rooms(rooms))
    }

    /// Drops the message when it cannot be delivered within `ttl` (whole seconds, at most 300).
    pub fn with_ttl(self, ttl: Duration) -> Self {
        Self::new(self.action.with_ttl(ttl))
    }

    /// Sends in `namespace` instead of the function's or the handle's.
    pub fn in_namespace(self, namespace: impl Into<String>) -> Self {
        Self::new(self.action.in_namespace(namespace))
    }

    /// The action.
    pub fn action(&self) -> &SocketIoAction {
        &self.action
    }

    /// The action, forgetting the event's type.
    pub fn into_action(self) -> SocketIoAction {
        self.action
    }
}

impl<E> From<Emit<E>> for SocketIoAction {
    fn from(emit: Emit<E>) -> Self {
        emit.action
    }
}

/// An event's arguments, as the constructors take them.
struct Typed<E>(E);

impl<E: ServerEvent> IntoArgs for Typed<E> {
    fn into_args(self) -> Result<Args, serde_json::Error> {
        self.0.into_args()
    }
}

/// A JSON value, as generated code names it.
#[doc(hidden)]
pub type JsonValue = Value;

/// A JSON (de)serialisation error, as generated code names it.
#[doc(hidden)]
pub type JsonError = serde_json::Error;

/// One argument of an event, as JSON.
#[doc(hidden)]
pub fn to_json<T: serde::Serialize>(value: T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(value)
}

/// The answer of an event that declares one type (not a tuple): the ack's first argument.
pub fn single_answer<T: serde::de::DeserializeOwned>(
    arguments: Vec<Value>,
) -> Result<T, serde_json::Error> {
    let first = arguments.into_iter().next().unwrap_or(Value::Null);
    serde_json::from_value(first)
}

/// The answer of an event that declares a tuple: the ack's arguments in order.
pub fn tuple_answer<T: serde::de::DeserializeOwned>(
    arguments: Vec<Value>,
) -> Result<T, serde_json::Error> {
    serde_json::from_value(Value::Array(arguments))
}
