//! What a function receives: the request of each event kind and the connection context.

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
pub use socketio_fn_protocol::cloud_events::{ClientCertificate, MultiMap};
use socketio_fn_protocol::cloud_events::{CloudEvent, HeaderError};

/// A socket is connecting (`connect`, blocking). Answer with [`crate::SocketIoConnectResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocketIoConnectRequest {
    /// The socket's namespace.
    pub namespace: String,
    /// The socket id.
    pub socket_id: String,
    /// Claims of the client's access token.
    pub claims: MultiMap,
    /// Query of the client's connection request.
    pub query: MultiMap,
    /// Headers of the client's connection request.
    pub headers: MultiMap,
    /// Client certificates.
    pub client_certificates: Vec<ClientCertificate>,
}

impl SocketIoConnectRequest {
    /// First value of a client request header, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        first_ignore_case(&self.headers, name)
    }

    /// First value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// First value of a claim.
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }
}

fn first_ignore_case<'a>(map: &'a MultiMap, name: &str) -> Option<&'a str> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

/// A socket connected (`connected`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocketIoConnectedRequest {
    /// The socket's namespace.
    pub namespace: String,
    /// The socket id.
    pub socket_id: String,
}

/// A socket disconnected (`disconnected`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocketIoDisconnectedRequest {
    /// The socket's namespace.
    pub namespace: String,
    /// The socket id.
    pub socket_id: String,
    /// Why the socket disconnected, as the service tells it.
    pub reason: Option<String>,
}

/// A client emitted an event (blocking: answer with an ack when the client asked for one).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocketIoMessageRequest {
    /// The socket's namespace.
    pub namespace: String,
    /// The socket id.
    pub socket_id: String,
    /// The raw Engine.IO text packet, e.g. `42["chat","hi"]`.
    pub payload: String,
    /// The Socket.IO event name.
    pub event_name: String,
    /// The event's arguments. Empty when there are none (the reference extension gives `null` then).
    pub parameters: Vec<Value>,
    /// The ack id when the client expects an acknowledgement (not part of the serialized shape).
    #[serde(skip)]
    pub ack_id: Option<u64>,
}

/// The request of any event kind.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerRequest {
    /// `connect`
    Connect(SocketIoConnectRequest),
    /// `connected`
    Connected(SocketIoConnectedRequest),
    /// `disconnected`
    Disconnected(SocketIoDisconnectedRequest),
    /// A user event.
    Message(SocketIoMessageRequest),
}

/// Facts about the connection and event, from the CloudEvents headers.
///
/// The attributes are read with methods; their text shares one allocation per event (the webhook's hot
/// path builds a context for every call).
///
/// ```
/// use socketio_fn::ConnectionContext;
/// let mut headers = axum::http::HeaderMap::new();
/// for (name, value) in [
///     ("ce-connectionId", "c1"), ("ce-hub", "chat"), ("ce-type", "azure.webpubsub.user.message"),
///     ("ce-eventName", "hi"), ("ce-namespace", "/"), ("ce-socketId", "s1"), ("ce-userId", "ann"),
/// ] {
///     headers.insert(name, value.parse().unwrap());
/// }
/// let context = ConnectionContext::from_headers(headers).unwrap();
/// assert_eq!((context.hub(), context.socket_id(), context.user_id()), ("chat", "s1", Some("ann")));
/// assert_eq!(context.origin(), None);
/// ```
#[derive(Clone, Default)]
pub struct ConnectionContext {
    /// The attributes' text, back to back.
    text: Box<str>,
    /// Where each attribute is in `text` (indexed by [`Attr`]); `None` when absent.
    spans: [Option<(u32, u32)>; ATTRS],
    headers: HeaderMap,
}

/// The attributes, in `spans` order.
#[derive(Clone, Copy)]
enum Attr {
    Hub,
    ConnectionId,
    UserId,
    EventType,
    EventName,
    Namespace,
    SocketId,
    Origin,
    Signature,
}
const ATTRS: usize = 9;

impl ConnectionContext {
    /// The context of `event`, whose attributes were parsed from `headers`.
    pub fn new(event: &CloudEvent<'_>, headers: HeaderMap) -> Self {
        let values = [
            Some(event.hub),
            Some(event.connection_id),
            event.user_id,
            Some(event.ce_type),
            Some(event.event_name),
            Some(event.namespace),
            Some(event.socket_id),
            event.origin.as_deref(),
            event.signature.as_deref(),
        ];
        let mut text = String::with_capacity(values.iter().flatten().map(|v| v.len()).sum());
        let mut spans = [None; ATTRS];
        for (span, value) in spans.iter_mut().zip(values) {
            *span = value.and_then(|value| {
                let start = u32::try_from(text.len()).ok()?;
                text.push_str(value);
                Some((start, u32::try_from(text.len()).ok()?))
            });
        }
        Self {
            text: text.into_boxed_str(),
            spans,
            headers,
        }
    }

    /// Parses the CloudEvents headers of an upstream call (see [`CloudEvent::parse`]).
    pub fn from_headers(headers: HeaderMap) -> Result<Self, HeaderError> {
        let event = CloudEvent::parse(&headers)?;
        let context = Self::new(&event, HeaderMap::new());
        Ok(context.with_headers(headers))
    }

    /// Sets the request headers (when the attributes were read from them and they can now move).
    pub(crate) fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    fn get(&self, attr: Attr) -> Option<&str> {
        let (start, end) = self.spans[attr as usize]?;
        self.text.get(start as usize..end as usize)
    }

    /// Hub name (`ce-hub`).
    pub fn hub(&self) -> &str {
        self.get(Attr::Hub).unwrap_or_default()
    }

    /// Engine.IO connection id (`ce-connectionId`), shared by the client's sockets.
    pub fn connection_id(&self) -> &str {
        self.get(Attr::ConnectionId).unwrap_or_default()
    }

    /// User id (`ce-userId`), when the connection has one.
    pub fn user_id(&self) -> Option<&str> {
        self.get(Attr::UserId)
    }

    /// CloudEvents type (`ce-type`).
    pub fn event_type(&self) -> &str {
        self.get(Attr::EventType).unwrap_or_default()
    }

    /// Event name (`ce-eventName`).
    pub fn event_name(&self) -> &str {
        self.get(Attr::EventName).unwrap_or_default()
    }

    /// Namespace (`ce-namespace`).
    pub fn namespace(&self) -> &str {
        self.get(Attr::Namespace).unwrap_or_default()
    }

    /// Socket id (`ce-socketId`).
    pub fn socket_id(&self) -> &str {
        self.get(Attr::SocketId).unwrap_or_default()
    }

    /// Origin host(s) of the service (`WebHook-Request-Origin`), when sent.
    pub fn origin(&self) -> Option<&str> {
        self.get(Attr::Origin)
    }

    /// The `ce-signature` value, when present.
    pub fn signature(&self) -> Option<&str> {
        self.get(Attr::Signature)
    }

    /// All request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl std::fmt::Debug for ConnectionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionContext")
            .field("hub", &self.hub())
            .field("connection_id", &self.connection_id())
            .field("user_id", &self.user_id())
            .field("event_type", &self.event_type())
            .field("event_name", &self.event_name())
            .field("namespace", &self.namespace())
            .field("socket_id", &self.socket_id())
            .field("origin", &self.origin())
            .field("signed", &self.signature().is_some())
            .field("headers", &self.headers.len())
            .finish()
    }
}
