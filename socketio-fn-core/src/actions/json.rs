//! The JSON forms of actions: `{"actionName": "sendToNamespace", ...}` as the reference extension reads
//! it, and `{"type": "SendToNamespace", ...}` as the service's docs write it, including their
//! `"type": "SendToRoom"` for sending to rooms (the reference rejects every `type` form; we accept
//! them). Member names are matched case-insensitively.

use super::{ActionKind, InvalidAction, SocketIoAction};
use serde_json::{Map, Value};
use socketio_fn_protocol::packet::DEFAULT_NAMESPACE;

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
        let namespace = f
            .string("namespace")?
            .unwrap_or_else(|| DEFAULT_NAMESPACE.into());
        let parsed = match action {
            ActionKind::AddSocketToRoom => Self::AddSocketToRoom {
                namespace,
                socket_id: f.string("socketId")?.unwrap_or_default(),
                room: f.string("room")?.unwrap_or_default(),
            },
            ActionKind::RemoveSocketFromRoom => Self::RemoveSocketFromRoom {
                namespace,
                socket_id: f.string("socketId")?.unwrap_or_default(),
                room: f.string("room")?.unwrap_or_default(),
            },
            ActionKind::SendToNamespace => Self::SendToNamespace {
                namespace,
                event_name: f.string("eventName")?.unwrap_or_default(),
                parameters: f.parameters()?,
                except_rooms: f.strings("exceptRooms")?,
            },
            ActionKind::SendToRooms => Self::SendToRooms {
                namespace,
                rooms: f.strings("rooms")?,
                event_name: f.string("eventName")?.unwrap_or_default(),
                parameters: f.parameters()?,
                except_rooms: f.strings("exceptRooms")?,
            },
            ActionKind::SendToSocket => Self::SendToSocket {
                namespace,
                socket_id: f.string("socketId")?.unwrap_or_default(),
                event_name: f.string("eventName")?.unwrap_or_default(),
                parameters: f.parameters()?,
            },
            ActionKind::DisconnectSockets => Self::DisconnectSockets {
                namespace,
                rooms: f.strings("rooms")?,
                close_underlying_connection: f.bool("closeUnderlyingConnection")?,
            },
        };
        parsed.validate()?;
        Ok(parsed)
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
