//! The constructors of [`SocketIoAction`], one per kind (the JSON `actionName` is each one's name in
//! camelCase).

use super::{Event, IntoArgs, InvalidAction, SocketIoAction, Target, strings};

impl SocketIoAction {
    /// A send action; arguments that do not serialise make it invalid (reported before sending).
    fn send(
        event_name: String,
        parameters: impl IntoArgs,
        target: impl FnOnce(Event) -> Target,
    ) -> Self {
        let (parameters, error) = match parameters.into_args() {
            Ok(args) => (args.0, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        let mut action = Self::new(target(Event {
            name: event_name,
            parameters,
        }));
        action.invalid = error.map(|reason| InvalidAction::Arguments {
            action: action.kind(),
            reason,
        });
        action
    }

    /// Adds `socket_id` to `room` (`socket.join(room)`).
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let join = SocketIoAction::add_socket_to_room("sock1", "lobby").in_namespace("/chat");
    /// assert_eq!(join.namespace(), "/chat");
    /// ```
    pub fn add_socket_to_room(socket_id: impl Into<String>, room: impl Into<String>) -> Self {
        Self::new(Target::AddSocketToRoom {
            socket_id: socket_id.into(),
            room: room.into(),
        })
    }

    /// Removes `socket_id` from `room` (`socket.leave(room)`).
    pub fn remove_socket_from_room(socket_id: impl Into<String>, room: impl Into<String>) -> Self {
        Self::new(Target::RemoveSocketFromRoom {
            socket_id: socket_id.into(),
            room: room.into(),
        })
    }

    /// Emits `event_name` with `parameters` to the whole namespace (`io.of(ns).emit`).
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let all = SocketIoAction::send_to_namespace("new message", ("alice", "hi")).except_rooms(["muted"]);
    /// assert_eq!(all.parameters().unwrap().len(), 2);
    /// ```
    pub fn send_to_namespace(event_name: impl Into<String>, parameters: impl IntoArgs) -> Self {
        Self::send(event_name.into(), parameters, |event| {
            Target::SendToNamespace {
                event,
                except_rooms: Vec::new(),
            }
        })
    }

    /// Emits `event_name` with `parameters` to the sockets in any of `rooms` (`io.to(rooms).emit`).
    pub fn send_to_rooms<S: Into<String>>(
        rooms: impl IntoIterator<Item = S>,
        event_name: impl Into<String>,
        parameters: impl IntoArgs,
    ) -> Self {
        let rooms = strings(rooms);
        Self::send(event_name.into(), parameters, |event| Target::SendToRooms {
            rooms,
            event,
            except_rooms: Vec::new(),
        })
    }

    /// Emits `event_name` with `parameters` to one socket (`io.to(socket_id).emit`).
    pub fn send_to_socket(
        socket_id: impl Into<String>,
        event_name: impl Into<String>,
        parameters: impl IntoArgs,
    ) -> Self {
        let socket_id = socket_id.into();
        Self::send(event_name.into(), parameters, |event| {
            Target::SendToSocket { socket_id, event }
        })
    }

    /// Emits `event_name` with `parameters` to every socket of user `user_id` in the namespace (all
    /// their tabs and devices).
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let dm = SocketIoAction::send_to_user("alice", "dm", ("bob", "hi"));
    /// assert_eq!(dm.name(), "sendToUser");
    /// ```
    pub fn send_to_user(
        user_id: impl Into<String>,
        event_name: impl Into<String>,
        parameters: impl IntoArgs,
    ) -> Self {
        let user_id = user_id.into();
        Self::send(event_name.into(), parameters, |event| Target::SendToUser {
            user_id,
            event,
        })
    }

    /// Emits `event_name` with `parameters` to every socket of the namespace except `socket_id`
    /// (`socket.broadcast.emit`); `.except_rooms` excludes more.
    pub fn broadcast_from(
        socket_id: impl Into<String>,
        event_name: impl Into<String>,
        parameters: impl IntoArgs,
    ) -> Self {
        let socket_id = socket_id.into();
        Self::send(event_name.into(), parameters, |event| {
            Target::BroadcastFrom {
                socket_id,
                event,
                except_rooms: Vec::new(),
            }
        })
    }

    /// Disconnects the sockets in any of `rooms`; pass no rooms to disconnect the whole namespace
    /// (`io.in(rooms).disconnectSockets()`).
    pub fn disconnect_sockets<S: Into<String>>(rooms: impl IntoIterator<Item = S>) -> Self {
        Self::new(Target::DisconnectSockets {
            rooms: strings(rooms),
            close: false,
        })
    }

    /// Every socket of user `user_id` in the namespace joins `room`.
    pub fn add_user_to_room(user_id: impl Into<String>, room: impl Into<String>) -> Self {
        Self::new(Target::AddUserToRoom {
            user_id: user_id.into(),
            room: room.into(),
        })
    }

    /// Every socket of user `user_id` in the namespace leaves `room`.
    pub fn remove_user_from_room(user_id: impl Into<String>, room: impl Into<String>) -> Self {
        Self::new(Target::RemoveUserFromRoom {
            user_id: user_id.into(),
            room: room.into(),
        })
    }

    /// Every socket of user `user_id` in the namespace leaves all its rooms; it stays in the namespace
    /// and in its own room (docs/protocol-notes.md says how).
    pub fn remove_user_from_all_rooms(user_id: impl Into<String>) -> Self {
        Self::new(Target::RemoveUserFromAllRooms {
            user_id: user_id.into(),
        })
    }

    /// Every socket in any of `in_rooms` joins `room` (`io.in(in_rooms).socketsJoin(room)`); no rooms
    /// = every socket of the namespace.
    ///
    /// ```
    /// # use socketio_fn::SocketIoAction;
    /// let merge = SocketIoAction::sockets_join(["red", "blue"], "purple");
    /// assert_eq!(merge.name(), "socketsJoin");
    /// ```
    pub fn sockets_join<S: Into<String>>(
        in_rooms: impl IntoIterator<Item = S>,
        room: impl Into<String>,
    ) -> Self {
        Self::new(Target::SocketsJoin {
            in_rooms: strings(in_rooms),
            room: room.into(),
        })
    }

    /// Every socket in any of `in_rooms` leaves `room` (`io.in(in_rooms).socketsLeave(room)`); no
    /// rooms = every socket of the namespace.
    pub fn sockets_leave<S: Into<String>>(
        in_rooms: impl IntoIterator<Item = S>,
        room: impl Into<String>,
    ) -> Self {
        Self::new(Target::SocketsLeave {
            in_rooms: strings(in_rooms),
            room: room.into(),
        })
    }

    /// Closes every Engine.IO connection of user `user_id` (all their sockets, in every namespace);
    /// `reason` goes to the service (empty: none).
    pub fn close_connections_of_user(
        user_id: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(Target::CloseConnectionsOfUser {
            user_id: user_id.into(),
            reason: reason.into(),
        })
    }

    /// Closes the Engine.IO connections of the sockets in `room` of the namespace (their sockets in
    /// every namespace end); `reason` goes to the service.
    pub fn close_connections_in_room(room: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(Target::CloseConnectionsInRoom {
            room: room.into(),
            reason: reason.into(),
        })
    }

    /// Closes one Engine.IO connection (`ce-connectionId`: every socket on it); `reason` goes to the
    /// service.
    pub fn close_connection(connection_id: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(Target::CloseConnection {
            connection_id: connection_id.into(),
            reason: reason.into(),
        })
    }
}
