//! Engine.IO / Socket.IO text packets as carried in upstream message bodies, ack replies and REST bodies.
//!
//! Only single Engine.IO *message* packets in text form are used: `4` followed by a Socket.IO packet
//! `<type>[<attachments>-][<namespace>,][<id>][<data>]`.

use serde_json::Value;
use std::fmt::Write as _;

/// The Engine.IO packet type that carries a Socket.IO packet.
pub const ENGINE_IO_MESSAGE: char = '4';
/// The default Socket.IO namespace.
pub const DEFAULT_NAMESPACE: &str = "/";

/// Socket.IO packet types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PacketType {
    /// `0`
    Connect = 0,
    /// `1`
    Disconnect = 1,
    /// `2`
    Event = 2,
    /// `3`
    Ack = 3,
    /// `4`
    ConnectError = 4,
    /// `5`
    BinaryEvent = 5,
    /// `6`
    BinaryAck = 6,
}

impl PacketType {
    fn from_digit(c: char) -> Option<Self> {
        Some(match c {
            '0' => Self::Connect,
            '1' => Self::Disconnect,
            '2' => Self::Event,
            '3' => Self::Ack,
            '4' => Self::ConnectError,
            '5' => Self::BinaryEvent,
            '6' => Self::BinaryAck,
            _ => return None,
        })
    }

    fn digit(self) -> char {
        char::from(b'0' + self as u8)
    }
}

/// Why a text could not be decoded as a packet. The message is meant for the sender of the bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    /// The text is empty.
    #[error("the packet is empty")]
    Empty,
    /// A binary Engine.IO packet (`b` prefix).
    #[error("binary packets are not supported; only text Engine.IO message packets are")]
    Binary,
    /// The first character is not the Engine.IO message type `4`.
    #[error("not an Engine.IO message packet: expected `4` as the first character, found `{0}`")]
    NotAMessage(char),
    /// The Socket.IO packet type is missing or not a digit 0-6.
    #[error("invalid Socket.IO packet type: expected a digit 0-6")]
    InvalidType,
    /// A binary packet type without the `<count>-` attachment prefix.
    #[error("invalid attachment count in binary packet")]
    InvalidAttachments,
    /// The ack id does not fit into 64 bits.
    #[error("the ack id is out of range")]
    InvalidAckId,
    /// The packet type is valid but not the one expected here.
    #[error("expected a Socket.IO {expected:?} packet, got {found:?}")]
    UnexpectedType {
        /// Expected type.
        expected: PacketType,
        /// Type found.
        found: PacketType,
    },
    /// EVENT data is not a non-empty JSON array starting with a string event name.
    #[error("invalid event data: {0}")]
    InvalidEventData(String),
}

/// A decoded Socket.IO packet, borrowing from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The Socket.IO packet type.
    pub kind: PacketType,
    /// Number of binary attachments (binary types only).
    pub attachments: Option<u32>,
    /// The namespace, `/` when absent.
    pub namespace: &'a str,
    /// The ack id, when present.
    pub id: Option<u64>,
    /// The data: JSON text, possibly empty.
    pub data: &'a str,
}

impl<'a> Packet<'a> {
    /// Decodes an Engine.IO message packet carrying a Socket.IO packet.
    ///
    /// ```
    /// use socketio_fn::protocol::packet::{Packet, PacketType};
    /// let p = Packet::decode("42/ns,7[\"chat\",\"hi\"]").unwrap();
    /// assert_eq!((p.kind, p.namespace, p.id, p.data), (PacketType::Event, "/ns", Some(7), "[\"chat\",\"hi\"]"));
    /// ```
    pub fn decode(text: &'a str) -> Result<Self, PacketError> {
        let mut chars = text.chars();
        match chars.next() {
            None => return Err(PacketError::Empty),
            Some('b') => return Err(PacketError::Binary),
            Some(ENGINE_IO_MESSAGE) => {}
            Some(c) => return Err(PacketError::NotAMessage(c)),
        }
        let kind = chars
            .next()
            .and_then(PacketType::from_digit)
            .ok_or(PacketError::InvalidType)?;
        let mut rest = &text[2..];
        let mut attachments = None;
        if matches!(kind, PacketType::BinaryEvent | PacketType::BinaryAck) {
            let (count, after) = rest
                .split_once('-')
                .ok_or(PacketError::InvalidAttachments)?;
            attachments = Some(count.parse().map_err(|_| PacketError::InvalidAttachments)?);
            rest = after;
        }
        let mut namespace = DEFAULT_NAMESPACE;
        if rest.starts_with('/') {
            match rest.split_once(',') {
                Some((ns, after)) => {
                    namespace = ns;
                    rest = after;
                }
                None => {
                    namespace = rest;
                    rest = "";
                }
            }
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let id = if digits > 0 {
            Some(
                rest[..digits]
                    .parse()
                    .map_err(|_| PacketError::InvalidAckId)?,
            )
        } else {
            None
        };
        Ok(Self {
            kind,
            attachments,
            namespace,
            id,
            data: &rest[digits..],
        })
    }

    /// Encodes the packet as Engine.IO text: `4` + type + (`<ns>,` unless `/`) + id + data.
    ///
    /// ```
    /// use socketio_fn::protocol::packet::{Packet, PacketType};
    /// let p = Packet { kind: PacketType::Ack, attachments: None, namespace: "/ns", id: Some(7), data: "[\"ok\",1]" };
    /// assert_eq!(p.encode(), "43/ns,7[\"ok\",1]");
    /// ```
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(8 + self.namespace.len() + self.data.len());
        self.write_head(&mut out);
        out.push_str(self.data);
        out
    }

    /// Everything before the data: `4`, type, attachments, namespace and id.
    fn write_head(&self, out: &mut String) {
        out.push(ENGINE_IO_MESSAGE);
        out.push(self.kind.digit());
        if let Some(n) = self.attachments {
            let _ = write!(out, "{n}-");
        }
        if self.namespace != DEFAULT_NAMESPACE {
            out.push_str(self.namespace);
            out.push(',');
        }
        if let Some(id) = self.id {
            let _ = write!(out, "{id}");
        }
    }

    /// Encodes a packet whose data is the JSON array `[head, ...items]` (`head` omitted when `None`),
    /// serialized straight into the packet's text.
    fn encode_array(&self, head: Option<&str>, items: &[Value]) -> String {
        let mut out = String::with_capacity(32 + self.namespace.len());
        self.write_head(&mut out);
        let mut bytes = out.into_bytes();
        bytes.push(b'[');
        // Writing a `str` or a `Value` to a `Vec` cannot fail.
        if let Some(head) = head {
            let _ = serde_json::to_writer(&mut bytes, head);
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 || head.is_some() {
                bytes.push(b',');
            }
            let _ = serde_json::to_writer(&mut bytes, item);
        }
        bytes.push(b']');
        // serde_json writes UTF-8; the lossy branch is never taken.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// The data of an EVENT packet: the event name and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct EventData {
    /// The Socket.IO event name (first array element).
    pub event_name: String,
    /// The event's arguments (the remaining array elements).
    pub parameters: Vec<Value>,
}

impl EventData {
    /// Parses EVENT data: a JSON array whose first element is the event name.
    pub fn parse(data: &str) -> Result<Self, PacketError> {
        let value: Value = serde_json::from_str(data)
            .map_err(|e| PacketError::InvalidEventData(format!("not valid JSON ({e})")))?;
        let Value::Array(mut items) = value else {
            return Err(PacketError::InvalidEventData(
                "expected a JSON array".into(),
            ));
        };
        if items.is_empty() {
            return Err(PacketError::InvalidEventData("the array is empty".into()));
        }
        let event_name = match items.remove(0) {
            Value::String(s) => s,
            other => {
                return Err(PacketError::InvalidEventData(format!(
                    "the event name must be a string, found `{other}`"
                )));
            }
        };
        Ok(Self {
            event_name,
            parameters: items,
        })
    }
}

/// Encodes an EVENT packet: `42<ns,>["event",...parameters]`.
///
/// ```
/// use socketio_fn::protocol::packet::encode_event;
/// assert_eq!(encode_event("/ns", "event", &["abc".into()]), "42/ns,[\"event\",\"abc\"]");
/// ```
pub fn encode_event(namespace: &str, event_name: &str, parameters: &[Value]) -> String {
    Packet {
        kind: PacketType::Event,
        attachments: None,
        namespace,
        id: None,
        data: "",
    }
    .encode_array(Some(event_name), parameters)
}

/// Encodes an ACK packet: `43<ns,><id>[...values]`.
///
/// ```
/// use socketio_fn::protocol::packet::encode_ack;
/// assert_eq!(encode_ack("/", 13, &["bar".into()]), "4313[\"bar\"]");
/// ```
pub fn encode_ack(namespace: &str, id: u64, values: &[Value]) -> String {
    Packet {
        kind: PacketType::Ack,
        attachments: None,
        namespace,
        id: Some(id),
        data: "",
    }
    .encode_array(None, values)
}

/// Encodes a DISCONNECT packet: `41<ns,>`, or `41<ns,>{"close":true}` to also close the connection.
///
/// ```
/// use socketio_fn::protocol::packet::encode_disconnect;
/// assert_eq!(encode_disconnect("/ns", true), "41/ns,{\"close\":true}");
/// ```
pub fn encode_disconnect(namespace: &str, close_underlying_connection: bool) -> String {
    Packet {
        kind: PacketType::Disconnect,
        attachments: None,
        namespace,
        id: None,
        data: if close_underlying_connection {
            "{\"close\":true}"
        } else {
            ""
        },
    }
    .encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_input_without_panicking() {
        for (text, err) in [
            ("", PacketError::Empty),
            ("b4AQID", PacketError::Binary),
            ("x2[]", PacketError::NotAMessage('x')),
            ("4", PacketError::InvalidType),
            ("49", PacketError::InvalidType),
            ("45[]", PacketError::InvalidAttachments),
            ("4299999999999999999999[\"a\"]", PacketError::InvalidAckId),
            ("4é", PacketError::InvalidType),
        ] {
            assert_eq!(Packet::decode(text), Err(err), "{text}");
        }
    }

    #[test]
    fn namespace_without_comma_takes_the_rest() {
        let p = Packet::decode("41/admin").unwrap();
        assert_eq!(
            (p.kind, p.namespace, p.data),
            (PacketType::Disconnect, "/admin", "")
        );
    }

    #[test]
    fn event_data_errors() {
        assert!(EventData::parse("[]").is_err());
        assert!(EventData::parse("{}").is_err());
        assert!(EventData::parse("[1]").is_err());
        assert!(EventData::parse("[\"a\"").is_err());
        let d = EventData::parse("[\"a\",1,null]").unwrap();
        assert_eq!(d.event_name, "a");
        assert_eq!(d.parameters, vec![Value::from(1), Value::Null]);
    }
}
