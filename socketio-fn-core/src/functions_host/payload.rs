//! The host's invocation request, `{"Data": {...}, "Metadata": {...}}`, decoded into the requests
//! functions take. Facts from the Functions host's sources (`ScriptInvocationContextExtensions.cs`,
//! `HttpScriptInvocationContext.cs`) and the Socket.IO extension's (`WebPubSubForSocketIOTriggerBinding.cs`,
//! `Trigger/Model/*.cs`), noted in docs/deploy.md: a binding's value arrives as a JSON object, or as a
//! JSON string holding JSON text (the host's fallback when a value is not an object, and what the
//! Socket.IO trigger sends a custom handler), so every value is read both ways; member names are
//! matched case-insensitively (the host writes .NET names).

use crate::request::{
    SocketIoConnectRequest, SocketIoConnectedRequest, SocketIoDisconnectedRequest,
    SocketIoMessageRequest, TriggerRequest,
};
use crate::timer::{ScheduleStatus, TimerInfo};
use serde_json::{Map, Value};
use socketio_fn_protocol::cloud_events::{ConnectBody, EventKind};
use socketio_fn_protocol::packet::{EventData, Packet, PacketType};

/// Why an invocation request cannot be decoded (answered to the host with status 400 and the reason).
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    /// The body is not a JSON object.
    #[error("the invocation body is not a JSON object with `Data` and `Metadata`: {0}")]
    NotJson(String),
    /// A binding's value is missing.
    #[error("`Data.{0}` is missing")]
    Missing(&'static str),
    /// A value has the wrong shape.
    #[error("`{what}` cannot be read: {reason}")]
    Shape {
        /// Where.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// The decoded body: its `Data` and `Metadata` objects.
#[derive(Debug, Default)]
pub(crate) struct Payload {
    data: Map<String, Value>,
    metadata: Map<String, Value>,
}

/// A member of an object, by name compared case-insensitively.
pub(crate) fn member<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A value as JSON: an object as it is, a string holding JSON text parsed (twice-encoded values);
/// other strings and values as they are.
pub(crate) fn unwrap(value: &Value) -> Value {
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(inner @ (Value::Object(_) | Value::Array(_) | Value::String(_))) => inner,
            _ => value.clone(),
        },
        other => other.clone(),
    }
}

fn object(value: Value, what: &'static str) -> Result<Map<String, Value>, PayloadError> {
    // The kind of value only: the value itself is the sender's and may be large.
    let found = match value {
        Value::Object(map) => return Ok(map),
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
    };
    Err(PayloadError::Shape {
        what,
        reason: format!("expected an object, found {found}"),
    })
}

impl Payload {
    /// Parses the body.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, PayloadError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| PayloadError::NotJson(e.to_string()))?;
        let Value::Object(root) = value else {
            return Err(PayloadError::NotJson("not an object".into()));
        };
        let part = |name| match member(&root, name) {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        };
        Ok(Self {
            data: part("Data"),
            metadata: part("Metadata"),
        })
    }

    /// `Data.<name>`, unwrapped.
    pub(crate) fn data(&self, name: &'static str) -> Result<Value, PayloadError> {
        member(&self.data, name)
            .map(unwrap)
            .ok_or(PayloadError::Missing(name))
    }

    /// `Metadata.<name>`, unwrapped.
    pub(crate) fn metadata(&self, name: &str) -> Option<Value> {
        member(&self.metadata, name).map(unwrap)
    }

    /// The Socket.IO trigger's request (`Data.<trigger>`), as the function's event kind reads it.
    pub(crate) fn trigger_request(
        &self,
        name: &'static str,
        kind: EventKind,
    ) -> Result<TriggerRequest, PayloadError> {
        let request = object(self.data(name)?, "the trigger's request")?;
        let text = |field: &str| match member(&request, field) {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        let (namespace, socket_id) = (text("namespace"), text("socketId"));
        Ok(match kind {
            EventKind::Connect => {
                // The members the service's connect body has, read by the same rules.
                let body: ConnectBody =
                    serde_json::from_value(Value::Object(request)).map_err(|e| {
                        PayloadError::Shape {
                            what: "the connect request",
                            reason: e.to_string(),
                        }
                    })?;
                TriggerRequest::Connect(SocketIoConnectRequest {
                    claims: body.claims,
                    query: body.query,
                    headers: body.headers,
                    client_certificates: body.client_certificates,
                    namespace,
                    socket_id,
                })
            }
            EventKind::Connected => TriggerRequest::Connected(SocketIoConnectedRequest {
                namespace,
                socket_id,
            }),
            EventKind::Disconnected => TriggerRequest::Disconnected(SocketIoDisconnectedRequest {
                reason: member(&request, "reason")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                namespace,
                socket_id,
            }),
            EventKind::Message => {
                TriggerRequest::Message(message(&request, text("payload"), namespace, socket_id)?)
            }
        })
    }
}

/// A user event: its arguments and ack id from the packet in `payload` (the one source of both);
/// without a payload, the `eventName` and `parameters` members, and no ack id.
fn message(
    request: &Map<String, Value>,
    payload: String,
    namespace: String,
    socket_id: String,
) -> Result<SocketIoMessageRequest, PayloadError> {
    let shape = |reason: String| PayloadError::Shape {
        what: "payload",
        reason,
    };
    if payload.is_empty() {
        let event_name = member(request, "eventName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let parameters = match member(request, "parameters").map(unwrap) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        return Ok(SocketIoMessageRequest {
            namespace,
            socket_id,
            payload,
            event_name,
            parameters,
            ack_id: None,
        });
    }
    let packet = Packet::decode(&payload).map_err(|e| shape(e.to_string()))?;
    if packet.kind != PacketType::Event {
        return Err(shape(format!(
            "expected an EVENT packet, found {:?}",
            packet.kind
        )));
    }
    let ack_id = packet.id;
    let data = EventData::parse(packet.data).map_err(|e| shape(e.to_string()))?;
    Ok(SocketIoMessageRequest {
        namespace,
        socket_id,
        event_name: data.event_name,
        parameters: data.parameters,
        ack_id,
        payload,
    })
}

/// The timer trigger's `TimerInfo` (`Data.<timer>`): `ScheduleStatus` (`Last`, `Next`,
/// `LastUpdated`) and `IsPastDue`, .NET names, either case.
pub(crate) fn timer_info(value: &Value) -> TimerInfo {
    let Value::Object(info) = value else {
        return TimerInfo::default();
    };
    let text = |object: &Map<String, Value>, name| {
        member(object, name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let schedule_status = match member(info, "ScheduleStatus").map(unwrap) {
        Some(Value::Object(status)) => Some(ScheduleStatus {
            last: text(&status, "Last"),
            next: text(&status, "Next"),
            last_updated: text(&status, "LastUpdated"),
        }),
        _ => None,
    };
    TimerInfo {
        schedule_status,
        is_past_due: member(info, "IsPastDue")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload(data: Value) -> Payload {
        Payload::parse(
            json!({"Data": {"socketio": data}, "Metadata": {}})
                .to_string()
                .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn the_request_as_json_text_or_as_an_object() {
        let request = json!({"namespace": "/ns", "socketId": "s", "payload": "42/ns,7[\"e\",1,{\"a\":true}]"});
        for data in [
            Value::String(serde_json::to_string_pretty(&request).unwrap()),
            request.clone(),
        ] {
            let TriggerRequest::Message(m) = payload(data)
                .trigger_request("socketio", EventKind::Message)
                .unwrap()
            else {
                panic!("a message");
            };
            assert_eq!(
                (
                    m.namespace.as_str(),
                    m.socket_id.as_str(),
                    m.event_name.as_str()
                ),
                ("/ns", "s", "e")
            );
            assert_eq!(m.parameters, vec![json!(1), json!({"a": true})]);
            assert_eq!(m.ack_id, Some(7));
        }
    }

    #[test]
    fn connect_requests_and_their_maps() {
        let request = json!({"namespace": "/", "socketId": "s", "claims": {"sub": ["ann"]}, "query": {"q": "1"}, "headers": null});
        let TriggerRequest::Connect(c) = payload(request)
            .trigger_request("socketio", EventKind::Connect)
            .unwrap()
        else {
            panic!("a connect");
        };
        assert_eq!(c.claim("sub"), Some("ann"));
        assert_eq!(c.query_value("q"), Some("1"));
        assert!(c.headers.is_empty());
        let bad =
            payload(json!({"claims": {"sub": 5}})).trigger_request("socketio", EventKind::Connect);
        let error = bad.unwrap_err().to_string();
        assert!(
            error.contains("`the connect request` cannot be read")
                && error.contains("`sub` must be a string or an array of strings"),
            "{error}"
        );
    }

    #[test]
    fn bad_invocations_say_why() {
        assert!(Payload::parse(b"[1]").is_err());
        // The kind of a wrong value is named, not the value (the sender's, maybe large).
        let wrong = payload(json!(["not-an-object-12345"]))
            .trigger_request("socketio", EventKind::Connect)
            .unwrap_err()
            .to_string();
        assert!(
            wrong.contains("expected an object, found an array"),
            "{wrong}"
        );
        assert!(!wrong.contains("not-an-object-12345"), "{wrong}");
        let missing = Payload::parse(br#"{"Data": {}}"#)
            .unwrap()
            .trigger_request("socketio", EventKind::Connected);
        assert_eq!(
            missing.unwrap_err().to_string(),
            "`Data.socketio` is missing"
        );
        let not_event =
            payload(json!({"payload": "43[1]"})).trigger_request("socketio", EventKind::Message);
        assert!(
            not_event
                .unwrap_err()
                .to_string()
                .contains("expected an EVENT packet")
        );
    }

    #[test]
    fn timer_info_in_either_case() {
        let info = timer_info(
            &json!({"scheduleStatus": {"last": "a", "next": "b", "lastUpdated": "c"}, "isPastDue": true}),
        );
        assert!(info.is_past_due);
        assert_eq!(info.schedule_status.unwrap().next, "b");
        assert_eq!(timer_info(&json!("x")), TimerInfo::default());
    }
}
