//! The JSON forms of actions: `{"actionName": "sendToNamespace", ...}` as the reference extension reads
//! it, and `{"type": "SendToNamespace", ...}` as the service's docs write it, including their
//! `"type": "SendToRoom"` for sending to rooms (the reference rejects every `type` form; we accept
//! them). Member names are matched case-insensitively.

use super::{ActionKind, Event, InvalidAction, SocketIoAction, Target};
use serde_json::{Map, Value};
use socketio_fn_protocol::packet::DEFAULT_NAMESPACE;
use std::time::Duration;

impl SocketIoAction {
    /// Parses one action object, or an array of them.
    ///
    /// ```
    /// use socketio_fn::SocketIoAction;
    /// let actions = SocketIoAction::from_json(&serde_json::json!(
    ///     {"type": "SendToNamespace", "eventName": "new message", "parameters": ["hi"]}
    /// )).unwrap();
    /// assert_eq!(actions, vec![SocketIoAction::send_to_namespace("new message", ("hi",))]);
    /// ```
    pub fn from_json(value: &Value) -> Result<Vec<Self>, InvalidAction> {
        match value {
            Value::Array(items) => items.iter().map(Self::from_json_object).collect(),
            other => Ok(vec![Self::from_json_object(other)?]),
        }
    }

    fn from_json_object(value: &Value) -> Result<Self, InvalidAction> {
        let Value::Object(object) = value else {
            return Err(InvalidAction::NotAnObject);
        };
        let fields = Fields(object);
        // `actionName` as the reference reads it; else `type` as the service's docs write it.
        let (named, action) = match (fields.get("actionName"), fields.get("type")) {
            (Some(name), _) => {
                let name = name.as_str().unwrap_or_default();
                (name, ActionKind::from_action_name(name))
            }
            (None, Some(name)) => {
                let name = name.as_str().unwrap_or_default();
                (name, ActionKind::from_type_name(name))
            }
            (None, None) => ("", None),
        };
        let action = action.ok_or_else(|| InvalidAction::UnknownAction(named.to_owned()))?;
        let f = Reader { fields, action };
        let mut parsed = Self::new(f.target()?);
        parsed.namespace = Some(
            f.string("namespace")?
                .unwrap_or_else(|| DEFAULT_NAMESPACE.into()),
        );
        parsed.ttl = f.ttl()?;
        parsed.validate()?;
        Ok(parsed)
    }
}

impl SocketIoAction {
    /// The action as the Functions extension's `socketio` output binding reads it (`actionName` and
    /// camelCase members), or `None` when the binding cannot express it: an action beyond its six
    /// (`sendToUser`, `closeConnection`, ...) or a send with a TTL.
    ///
    /// ```
    /// use socketio_fn::SocketIoAction;
    /// let a = SocketIoAction::send_to_rooms(["lobby"], "new message", ("hi",)).in_namespace("/chat");
    /// assert_eq!(a.to_binding_json().unwrap(), serde_json::json!({
    ///     "actionName": "sendToRooms", "namespace": "/chat", "rooms": ["lobby"],
    ///     "eventName": "new message", "parameters": ["hi"], "exceptRooms": []
    /// }));
    /// assert_eq!(SocketIoAction::send_to_user("ann", "hi", ()).to_binding_json(), None);
    /// ```
    pub fn to_binding_json(&self) -> Option<Value> {
        if self.ttl.is_some() || self.invalid.is_some() {
            return None;
        }
        let mut object = Map::new();
        object.insert("actionName".into(), self.name().into());
        object.insert("namespace".into(), self.namespace().into());
        let event = |object: &mut Map<String, Value>, event: &Event| {
            object.insert("eventName".into(), event.name.clone().into());
            object.insert("parameters".into(), event.parameters.clone().into());
        };
        match &self.target {
            Target::SendToNamespace {
                event: e,
                except_rooms,
            } => {
                event(&mut object, e);
                object.insert("exceptRooms".into(), except_rooms.clone().into());
            }
            Target::SendToRooms {
                rooms,
                event: e,
                except_rooms,
            } => {
                object.insert("rooms".into(), rooms.clone().into());
                event(&mut object, e);
                object.insert("exceptRooms".into(), except_rooms.clone().into());
            }
            Target::SendToSocket {
                socket_id,
                event: e,
            } => {
                object.insert("socketId".into(), socket_id.clone().into());
                event(&mut object, e);
            }
            Target::AddSocketToRoom { socket_id, room }
            | Target::RemoveSocketFromRoom { socket_id, room } => {
                object.insert("socketId".into(), socket_id.clone().into());
                object.insert("room".into(), room.clone().into());
            }
            Target::DisconnectSockets { rooms, close } => {
                object.insert("rooms".into(), rooms.clone().into());
                object.insert("closeUnderlyingConnection".into(), (*close).into());
            }
            _ => return None,
        }
        Some(Value::Object(object))
    }
}

impl Reader<'_> {
    /// The members of the action's kind.
    fn target(&self) -> Result<Target, InvalidAction> {
        let text = |field| self.string(field).map(Option::unwrap_or_default);
        let event = || -> Result<Event, InvalidAction> {
            Ok(Event {
                name: text("eventName")?,
                parameters: self.parameters()?,
            })
        };
        Ok(match self.action {
            ActionKind::AddSocketToRoom => Target::AddSocketToRoom {
                socket_id: text("socketId")?,
                room: text("room")?,
            },
            ActionKind::RemoveSocketFromRoom => Target::RemoveSocketFromRoom {
                socket_id: text("socketId")?,
                room: text("room")?,
            },
            ActionKind::SendToNamespace => Target::SendToNamespace {
                event: event()?,
                except_rooms: self.strings("exceptRooms")?,
            },
            ActionKind::SendToRooms => Target::SendToRooms {
                rooms: self.strings("rooms")?,
                event: event()?,
                except_rooms: self.strings("exceptRooms")?,
            },
            ActionKind::SendToSocket => Target::SendToSocket {
                socket_id: text("socketId")?,
                event: event()?,
            },
            ActionKind::DisconnectSockets => Target::DisconnectSockets {
                rooms: self.strings("rooms")?,
                close: self.bool("closeUnderlyingConnection")?,
            },
            ActionKind::SendToUser => Target::SendToUser {
                user_id: text("userId")?,
                event: event()?,
            },
            ActionKind::BroadcastFrom => Target::BroadcastFrom {
                socket_id: text("socketId")?,
                event: event()?,
                except_rooms: self.strings("exceptRooms")?,
            },
            _ => self.membership_or_close()?,
        })
    }

    /// The kinds that change rooms of many sockets or close connections.
    fn membership_or_close(&self) -> Result<Target, InvalidAction> {
        let text = |field| self.string(field).map(Option::unwrap_or_default);
        Ok(match self.action {
            ActionKind::AddUserToRoom => Target::AddUserToRoom {
                user_id: text("userId")?,
                room: text("room")?,
            },
            ActionKind::RemoveUserFromRoom => Target::RemoveUserFromRoom {
                user_id: text("userId")?,
                room: text("room")?,
            },
            ActionKind::RemoveUserFromAllRooms => Target::RemoveUserFromAllRooms {
                user_id: text("userId")?,
            },
            ActionKind::SocketsJoin => Target::SocketsJoin {
                in_rooms: self.strings("inRooms")?,
                room: text("room")?,
            },
            ActionKind::SocketsLeave => Target::SocketsLeave {
                in_rooms: self.strings("inRooms")?,
                room: text("room")?,
            },
            ActionKind::CloseConnectionsOfUser => Target::CloseConnectionsOfUser {
                user_id: text("userId")?,
                reason: text("reason")?,
            },
            ActionKind::CloseConnectionsInRoom => Target::CloseConnectionsInRoom {
                room: text("room")?,
                reason: text("reason")?,
            },
            _ => Target::CloseConnection {
                connection_id: text("connectionId")?,
                reason: text("reason")?,
            },
        })
    }

    /// `messageTtlSeconds`: a whole number of seconds.
    fn ttl(&self) -> Result<Option<Duration>, InvalidAction> {
        match self.fields.get("messageTtlSeconds") {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(|s| Some(Duration::from_secs(s)))
                .ok_or_else(|| self.invalid("messageTtlSeconds", "a whole number of seconds")),
        }
    }
}

struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }
}

struct Reader<'a> {
    fields: Fields<'a>,
    action: ActionKind,
}

impl Reader<'_> {
    fn invalid(&self, field: &'static str, expected: &'static str) -> InvalidAction {
        InvalidAction::InvalidField {
            action: self.action,
            field,
            expected,
        }
    }

    fn string(&self, field: &'static str) -> Result<Option<String>, InvalidAction> {
        match self.fields.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.invalid(field, "a string")),
        }
    }

    fn strings(&self, field: &'static str) -> Result<Vec<String>, InvalidAction> {
        match self.fields.get(field) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(|| self.invalid(field, "an array of strings")),
            Some(_) => Err(self.invalid(field, "an array of strings")),
        }
    }

    fn parameters(&self) -> Result<Vec<Value>, InvalidAction> {
        match self.fields.get("parameters") {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(_) => Err(self.invalid("parameters", "an array")),
        }
    }

    fn bool(&self, field: &'static str) -> Result<bool, InvalidAction> {
        match self.fields.get(field) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.invalid(field, "a boolean")),
        }
    }
}
