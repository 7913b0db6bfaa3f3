//! Output actions: what a function asks the service to do (send, join/leave rooms, disconnect), their
//! JSON forms, and their mapping to the service's REST API.

mod json;
mod rest;

pub use rest::RestRequest;

use serde_json::Value;
use socketio_fn_protocol::packet::DEFAULT_NAMESPACE;

/// The arguments of an emitted event: built from tuples of values convertible into JSON (`("user", 1)`),
/// a `Vec<serde_json::Value>`, an array of values, or `()` for none.
///
/// ```
/// use socketio_fn::actions::Args;
/// let args: Args = ("user", 1, true).into();
/// assert_eq!(args.0, vec![serde_json::json!("user"), serde_json::json!(1), serde_json::json!(true)]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Args(pub Vec<Value>);

impl From<()> for Args {
    fn from((): ()) -> Self {
        Self(Vec::new())
    }
}

impl From<Vec<Value>> for Args {
    fn from(values: Vec<Value>) -> Self {
        Self(values)
    }
}

impl<const N: usize> From<[Value; N]> for Args {
    fn from(values: [Value; N]) -> Self {
        Self(values.into())
    }
}

macro_rules! tuple_args {
    ($($name:ident),+) => {
        impl<$($name: Into<Value>),+> From<($($name,)+)> for Args {
            #[allow(non_snake_case)]
            fn from(($($name,)+): ($($name,)+)) -> Self {
                Self(vec![$($name.into()),+])
            }
        }
    };
}
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F);

/// The `namespace` field of any action (shared or mutable, like `self`).
macro_rules! namespace_of {
    ($action:expr) => {
        match $action {
            Self::AddSocketToRoom { namespace, .. }
            | Self::RemoveSocketFromRoom { namespace, .. }
            | Self::SendToNamespace { namespace, .. }
            | Self::SendToRooms { namespace, .. }
            | Self::SendToSocket { namespace, .. }
            | Self::DisconnectSockets { namespace, .. } => namespace,
        }
    };
}

/// One action for the service. Build it with the constructors; `namespace` defaults to `/`.
///
/// ```
/// use socketio_fn::SocketIoAction;
/// let a = SocketIoAction::send_to_rooms(["lobby"], "new message", ("alice", "hi"))
///     .in_namespace("/chat")
///     .except_rooms(["muted"]);
/// assert_eq!(a.name(), "sendToRooms");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum SocketIoAction {
    /// Add a socket to a room.
    AddSocketToRoom {
        /// Namespace of the socket.
        namespace: String,
        /// The socket.
        socket_id: String,
        /// The room to join.
        room: String,
    },
    /// Remove a socket from a room.
    RemoveSocketFromRoom {
        /// Namespace of the socket.
        namespace: String,
        /// The socket.
        socket_id: String,
        /// The room to leave.
        room: String,
    },
    /// Emit an event to every socket of a namespace, except those in `except_rooms`.
    SendToNamespace {
        /// The namespace.
        namespace: String,
        /// The event name.
        event_name: String,
        /// The event's arguments.
        parameters: Vec<Value>,
        /// Rooms whose sockets do not receive it.
        except_rooms: Vec<String>,
    },
    /// Emit an event to the sockets in any of `rooms`, except those in `except_rooms`.
    SendToRooms {
        /// The namespace.
        namespace: String,
        /// Target rooms (at least one).
        rooms: Vec<String>,
        /// The event name.
        event_name: String,
        /// The event's arguments.
        parameters: Vec<Value>,
        /// Rooms whose sockets do not receive it.
        except_rooms: Vec<String>,
    },
    /// Emit an event to one socket.
    SendToSocket {
        /// The namespace.
        namespace: String,
        /// The socket.
        socket_id: String,
        /// The event name.
        event_name: String,
        /// The event's arguments.
        parameters: Vec<Value>,
    },
    /// Disconnect the sockets in any of `rooms` (all sockets of the namespace when empty).
    DisconnectSockets {
        /// The namespace.
        namespace: String,
        /// Rooms whose sockets are disconnected; empty = the whole namespace.
        rooms: Vec<String>,
        /// Also close the clients' underlying Engine.IO connections.
        close_underlying_connection: bool,
    },
}

fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

impl SocketIoAction {
    /// Adds `socket_id` to `room`.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let join = SocketIoAction::add_socket_to_room("sock1", "lobby").in_namespace("/chat");
    /// assert_eq!(join.namespace(), "/chat");
    /// ```
    pub fn add_socket_to_room(socket_id: impl Into<String>, room: impl Into<String>) -> Self {
        Self::AddSocketToRoom {
            namespace: DEFAULT_NAMESPACE.into(),
            socket_id: socket_id.into(),
            room: room.into(),
        }
    }

    /// Removes `socket_id` from `room`.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let leave = SocketIoAction::remove_socket_from_room("sock1", "lobby");
    /// assert_eq!(leave.name(), "removeSocketFromRoom");
    /// ```
    pub fn remove_socket_from_room(socket_id: impl Into<String>, room: impl Into<String>) -> Self {
        Self::RemoveSocketFromRoom {
            namespace: DEFAULT_NAMESPACE.into(),
            socket_id: socket_id.into(),
            room: room.into(),
        }
    }

    /// Emits `event_name` with `parameters` to the whole namespace.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let all = SocketIoAction::send_to_namespace("new message", ("alice", "hi")).except_rooms(["muted"]);
    /// assert_eq!(all.rest_request("hub", "2024-01-01").body, r#"42["new message","alice","hi"]"#);
    /// ```
    pub fn send_to_namespace(event_name: impl Into<String>, parameters: impl Into<Args>) -> Self {
        Self::SendToNamespace {
            namespace: DEFAULT_NAMESPACE.into(),
            event_name: event_name.into(),
            parameters: parameters.into().0,
            except_rooms: Vec::new(),
        }
    }

    /// Emits `event_name` with `parameters` to the sockets in any of `rooms`.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let some = SocketIoAction::send_to_rooms(["red", "blue"], "score", (3,));
    /// assert_eq!(some.name(), "sendToRooms");
    /// ```
    pub fn send_to_rooms<S: Into<String>>(
        rooms: impl IntoIterator<Item = S>,
        event_name: impl Into<String>,
        parameters: impl Into<Args>,
    ) -> Self {
        Self::SendToRooms {
            namespace: DEFAULT_NAMESPACE.into(),
            rooms: strings(rooms),
            event_name: event_name.into(),
            parameters: parameters.into().0,
            except_rooms: Vec::new(),
        }
    }

    /// Emits `event_name` with `parameters` to one socket.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let dm = SocketIoAction::send_to_socket("sock1", "dm", ("psst",));
    /// assert_eq!(dm.name(), "sendToSocket");
    /// ```
    pub fn send_to_socket(
        socket_id: impl Into<String>,
        event_name: impl Into<String>,
        parameters: impl Into<Args>,
    ) -> Self {
        Self::SendToSocket {
            namespace: DEFAULT_NAMESPACE.into(),
            socket_id: socket_id.into(),
            event_name: event_name.into(),
            parameters: parameters.into().0,
        }
    }

    /// Disconnects the sockets in any of `rooms`; pass no rooms to disconnect the whole namespace.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let kick = SocketIoAction::disconnect_sockets(["sock1"]).close_underlying_connection(true);
    /// assert_eq!(kick.rest_request("hub", "2024-01-01").body, r#"41{"close":true}"#);
    /// ```
    pub fn disconnect_sockets<S: Into<String>>(rooms: impl IntoIterator<Item = S>) -> Self {
        Self::DisconnectSockets {
            namespace: DEFAULT_NAMESPACE.into(),
            rooms: strings(rooms),
            close_underlying_connection: false,
        }
    }

    /// Sets the namespace (default `/`).
    pub fn in_namespace(mut self, ns: impl Into<String>) -> Self {
        *self.namespace_mut() = ns.into();
        self
    }

    /// Sets the rooms excluded from a namespace or rooms send; other actions are returned unchanged.
    pub fn except_rooms<S: Into<String>>(mut self, rooms: impl IntoIterator<Item = S>) -> Self {
        if let Self::SendToNamespace { except_rooms, .. } | Self::SendToRooms { except_rooms, .. } =
            &mut self
        {
            *except_rooms = strings(rooms);
        }
        self
    }

    /// Also closes the underlying connections of a disconnect; other actions are returned unchanged.
    pub fn close_underlying_connection(mut self, close: bool) -> Self {
        if let Self::DisconnectSockets {
            close_underlying_connection,
            ..
        } = &mut self
        {
            *close_underlying_connection = close;
        }
        self
    }

    fn namespace_mut(&mut self) -> &mut String {
        namespace_of!(self)
    }

    /// The namespace of the action.
    pub fn namespace(&self) -> &str {
        namespace_of!(self)
    }

    /// The kind of action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::AddSocketToRoom { .. } => ActionKind::AddSocketToRoom,
            Self::RemoveSocketFromRoom { .. } => ActionKind::RemoveSocketFromRoom,
            Self::SendToNamespace { .. } => ActionKind::SendToNamespace,
            Self::SendToRooms { .. } => ActionKind::SendToRooms,
            Self::SendToSocket { .. } => ActionKind::SendToSocket,
            Self::DisconnectSockets { .. } => ActionKind::DisconnectSockets,
        }
    }

    /// The action's name as in its JSON form (`sendToNamespace`, ...).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Checks the required members: non-empty namespace, event name, socket id, room, and at least one
    /// room for `sendToRooms`.
    pub fn validate(&self) -> Result<(), InvalidAction> {
        let missing = |field: &'static str| {
            Err(InvalidAction::MissingField {
                action: self.kind(),
                field,
            })
        };
        if self.namespace().is_empty() {
            return missing("namespace");
        }
        match self {
            Self::AddSocketToRoom {
                socket_id, room, ..
            }
            | Self::RemoveSocketFromRoom {
                socket_id, room, ..
            } => {
                if socket_id.is_empty() {
                    return missing("socketId");
                }
                if room.is_empty() {
                    return missing("room");
                }
            }
            Self::SendToNamespace { event_name, .. } if event_name.is_empty() => {
                return missing("eventName");
            }
            Self::SendToRooms {
                rooms, event_name, ..
            } => {
                if rooms.is_empty() || rooms.iter().any(String::is_empty) {
                    return missing("rooms");
                }
                if event_name.is_empty() {
                    return missing("eventName");
                }
            }
            Self::SendToSocket {
                socket_id,
                event_name,
                ..
            } => {
                if socket_id.is_empty() {
                    return missing("socketId");
                }
                if event_name.is_empty() {
                    return missing("eventName");
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The six kinds of action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// [`SocketIoAction::AddSocketToRoom`]
    AddSocketToRoom,
    /// [`SocketIoAction::RemoveSocketFromRoom`]
    RemoveSocketFromRoom,
    /// [`SocketIoAction::SendToNamespace`]
    SendToNamespace,
    /// [`SocketIoAction::SendToRooms`]
    SendToRooms,
    /// [`SocketIoAction::SendToSocket`]
    SendToSocket,
    /// [`SocketIoAction::DisconnectSockets`]
    DisconnectSockets,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [Self; 6] = [
        Self::AddSocketToRoom,
        Self::RemoveSocketFromRoom,
        Self::SendToNamespace,
        Self::SendToRooms,
        Self::SendToSocket,
        Self::DisconnectSockets,
    ];

    /// The name in the JSON form's `actionName` (camelCase).
    pub fn name(self) -> &'static str {
        match self {
            Self::AddSocketToRoom => "addSocketToRoom",
            Self::RemoveSocketFromRoom => "removeSocketFromRoom",
            Self::SendToNamespace => "sendToNamespace",
            Self::SendToRooms => "sendToRooms",
            Self::SendToSocket => "sendToSocket",
            Self::DisconnectSockets => "disconnectSockets",
        }
    }

    /// The kind named by an `actionName` value, compared case-insensitively (as the reference does).
    ///
    /// ```
    /// use socketio_fn::actions::ActionKind;
    /// assert_eq!(ActionKind::from_action_name("SENDTOROOMS"), Some(ActionKind::SendToRooms));
    /// assert_eq!(ActionKind::from_action_name("sendToRoom"), None);
    /// ```
    pub fn from_action_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The kind named by a `type` value as the service's docs write it (`SendToNamespace`, and
    /// `SendToRoom` for sending to rooms), compared case-insensitively.
    ///
    /// ```
    /// use socketio_fn::actions::ActionKind;
    /// assert_eq!(ActionKind::from_type_name("SendToRoom"), Some(ActionKind::SendToRooms));
    /// assert_eq!(ActionKind::from_type_name("DisconnectSockets"), Some(ActionKind::DisconnectSockets));
    /// ```
    pub fn from_type_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("sendToRoom") {
            return Some(Self::SendToRooms);
        }
        Self::from_action_name(name)
    }
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an action could not be parsed from JSON or is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAction {
    /// The JSON names no known action.
    #[error(
        "unsupported action `{0}`: expected `actionName` (or `type`) to be one of addSocketToRoom, \
         removeSocketFromRoom, sendToNamespace, sendToRooms, sendToSocket, disconnectSockets"
    )]
    UnknownAction(String),
    /// The JSON is not an object or an array of objects.
    #[error("an action must be a JSON object (or an array of them)")]
    NotAnObject,
    /// A required member is missing or empty.
    #[error("`{field}` of `{action}` must not be missing or empty")]
    MissingField {
        /// The action.
        action: ActionKind,
        /// The member (camelCase).
        field: &'static str,
    },
    /// A member has the wrong JSON type.
    #[error("`{field}` of `{action}` must be {expected}")]
    InvalidField {
        /// The action.
        action: ActionKind,
        /// The member.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
}
