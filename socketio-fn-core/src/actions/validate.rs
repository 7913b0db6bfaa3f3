//! What makes an action sendable: its arguments serialised, a namespace starting with `/`, non-empty
//! ids and event names, rooms whose group names the service accepts, a TTL only on sends and within
//! the service's range.

use super::{ActionKind, InvalidAction, MAX_TTL, SocketIoAction, Target};
use socketio_fn_protocol::groups::{MAX_GROUP_NAME_CHARS, room_group};

impl SocketIoAction {
    /// Checks the action before anything is sent: every problem is an [`InvalidAction`] naming the
    /// member (camelCase, as in the JSON form).
    ///
    /// ```
    /// use socketio_fn::SocketIoAction;
    /// use std::time::Duration;
    /// assert!(SocketIoAction::send_to_user("", "ev", ()).validate().is_err());
    /// assert!(SocketIoAction::send_to_namespace("ev", ()).with_ttl(Duration::from_secs(301)).validate().is_err());
    /// assert!(SocketIoAction::add_socket_to_room("s", "lobby").with_ttl(Duration::from_secs(1)).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), InvalidAction> {
        if let Some(invalid) = &self.invalid {
            return Err(invalid.clone());
        }
        let check = Check {
            action: self.kind(),
            namespace: self.namespace(),
        };
        if self.namespace().is_empty() {
            return Err(check.missing("namespace"));
        }
        if !self.namespace().starts_with('/') {
            return Err(check.invalid("namespace", "a namespace starting with `/`"));
        }
        self.check_ttl(&check)?;
        if let Some(event) = self.event() {
            check.present("eventName", &event.name)?;
        }
        self.check_members(&check)
    }

    fn check_ttl(&self, check: &Check<'_>) -> Result<(), InvalidAction> {
        match self.ttl {
            Some(_) if !check.action.is_send() => Err(check.invalid(
                "messageTtlSeconds",
                "set on send actions only (sendToNamespace, sendToRooms, sendToSocket, sendToUser, \
                 broadcastFrom)",
            )),
            Some(ttl) if ttl > MAX_TTL => Err(check.invalid(
                "messageTtlSeconds",
                "at most 300 seconds (the service's limit)",
            )),
            _ => Ok(()),
        }
    }

    fn check_members(&self, check: &Check<'_>) -> Result<(), InvalidAction> {
        match &self.target {
            Target::AddSocketToRoom { socket_id, room }
            | Target::RemoveSocketFromRoom { socket_id, room } => {
                check.present("socketId", socket_id)?;
                check.room("room", room)
            }
            Target::AddUserToRoom { user_id, room }
            | Target::RemoveUserFromRoom { user_id, room } => {
                check.present("userId", user_id)?;
                check.room("room", room)
            }
            Target::SendToSocket { socket_id, .. } | Target::BroadcastFrom { socket_id, .. } => {
                check.present("socketId", socket_id)
            }
            Target::SendToUser { user_id, .. }
            | Target::RemoveUserFromAllRooms { user_id }
            | Target::CloseConnectionsOfUser { user_id, .. } => check.present("userId", user_id),
            Target::SendToRooms { rooms, .. } if rooms.is_empty() => Err(check.missing("rooms")),
            Target::SendToRooms { rooms, .. } | Target::DisconnectSockets { rooms, .. } => {
                rooms.iter().try_for_each(|r| check.room("rooms", r))
            }
            Target::SocketsJoin { in_rooms, room } | Target::SocketsLeave { in_rooms, room } => {
                in_rooms.iter().try_for_each(|r| check.room("inRooms", r))?;
                check.room("room", room)
            }
            Target::CloseConnectionsInRoom { room, .. } => check.room("room", room),
            Target::CloseConnection { connection_id, .. } => {
                check.present("connectionId", connection_id)
            }
            Target::SendToNamespace { .. } => Ok(()),
        }
    }
}

/// The rules, for one action.
struct Check<'a> {
    action: ActionKind,
    namespace: &'a str,
}

impl Check<'_> {
    fn missing(&self, field: &'static str) -> InvalidAction {
        InvalidAction::MissingField {
            action: self.action,
            field,
        }
    }

    fn invalid(&self, field: &'static str, expected: &'static str) -> InvalidAction {
        InvalidAction::InvalidField {
            action: self.action,
            field,
            expected,
        }
    }

    fn present(&self, field: &'static str, value: &str) -> Result<(), InvalidAction> {
        if value.is_empty() {
            return Err(self.missing(field));
        }
        Ok(())
    }

    /// A room: not empty, and its group name within the service's 1024 characters.
    fn room(&self, field: &'static str, room: &str) -> Result<(), InvalidAction> {
        self.present(field, room)?;
        if room_group(self.namespace, room).chars().count() > MAX_GROUP_NAME_CHARS {
            return Err(self.invalid(
                field,
                "a room short enough for the service's group names (at most 1024 characters, \
                 with the namespace, in base64)",
            ));
        }
        Ok(())
    }
}
