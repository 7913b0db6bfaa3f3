//! What a function receives: the request of each event kind and the connection context.

pub use crate::protocol::cloud_events::{ClientCertificate, MultiMap};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
#[derive(Debug, Clone, Default)]
pub struct ConnectionContext {
    /// Hub name (`ce-hub`).
    pub hub: String,
    /// Engine.IO connection id (`ce-connectionId`).
    pub connection_id: String,
    /// User id (`ce-userId`), when the connection has one.
    pub user_id: Option<String>,
    /// CloudEvents type (`ce-type`).
    pub event_type: String,
    /// Event name (`ce-eventName`).
    pub event_name: String,
    /// Namespace (`ce-namespace`).
    pub namespace: String,
    /// Socket id (`ce-socketId`).
    pub socket_id: String,
    /// Origin host(s) of the service (`WebHook-Request-Origin`), when sent.
    pub origin: Option<String>,
    /// The `ce-signature` value, when present.
    pub signature: Option<String>,
    /// All request headers.
    pub headers: HeaderMap,
}
