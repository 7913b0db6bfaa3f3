//! The client side of one hub: Socket.IO connections through socketioxide, token checks, and the upstream
//! events of each socket (`connect`, `connected`, user events in order, `disconnected`).

use crate::filter::Subject;
use crate::upstream::{Event, Upstream, UpstreamError, UpstreamReply};
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use serde::ser::SerializeTuple;
use serde_json::{Value, json};
use socketio_fn_core::protocol::cloud_events::EventKind;
use socketio_fn_core::protocol::groups::{namespace_group, room_group};
use socketio_fn_core::protocol::packet::{EventData, Packet, PacketType};
use socketio_fn_core::protocol::paths::{client_audience, client_path};
use socketio_fn_core::protocol::token;
use socketio_fn_core::settings::AccessKey;
use socketioxide::extract::{AckSender, SocketRef, State, TryData};
use socketioxide::handler::{ConnectHandler, FromMessageParts, MessageHandler, Value as RawValue};
use socketioxide::socket::{DisconnectReason, Socket};
use socketioxide::{SocketIo, adapter::LocalAdapter};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

/// What the emulator knows about one Engine.IO connection (all namespaces of one client).
#[derive(Debug, Default)]
pub(crate) struct Connection {
    pub(crate) user_id: Option<String>,
    pub(crate) groups: HashSet<String>,
    pub(crate) namespaces: HashSet<String>,
}

/// A connection id with its state, for filter evaluation.
pub(crate) struct Candidate<'a> {
    pub(crate) id: &'a str,
    pub(crate) connection: &'a Connection,
}

impl Subject for Candidate<'_> {
    fn in_group(&self, group: &str) -> bool {
        self.connection.groups.contains(group)
    }
    fn user_id(&self) -> Option<&str> {
        self.connection.user_id.as_deref()
    }
    fn connection_id(&self) -> &str {
        self.id
    }
}

/// Settings shared by all hubs.
#[derive(Debug)]
pub(crate) struct Shared {
    /// `scheme://host:port` of the emulator, as in the connection string.
    pub(crate) endpoint: String,
    pub(crate) access_key: AccessKey,
    pub(crate) upstream: Option<Upstream>,
}

/// One hub: its Socket.IO server and connection table.
pub(crate) struct Hub {
    pub(crate) name: String,
    pub(crate) shared: Arc<Shared>,
    pub(crate) connections: Mutex<HashMap<String, Connection>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Hub {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Connection>> {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Calls the app for an event of socket `sid` (also the connection id: socketioxide shares the
    /// Engine.IO sid across namespaces). `None` when the emulator has no upstream.
    async fn call(
        &self,
        kind: EventKind,
        namespace: &str,
        sid: &str,
        user_id: Option<&str>,
        event_name: Option<&str>,
        body: String,
    ) -> Option<Result<UpstreamReply, UpstreamError>> {
        let upstream = self.shared.upstream.as_ref()?;
        Some(
            upstream
                .send(Event {
                    kind,
                    hub: &self.name,
                    namespace,
                    connection_id: sid,
                    socket_id: sid,
                    user_id,
                    event_name,
                    body,
                })
                .await,
        )
    }

    fn audience(&self) -> String {
        client_audience(&self.shared.endpoint, &self.name)
    }
}

/// The type-erased service of one hub's Socket.IO server.
pub(crate) type HubService = BoxCloneSyncService<Request, Response, Infallible>;

/// Builds the Socket.IO server of `hub`.
pub(crate) fn socket_io(hub: Arc<Hub>) -> (HubService, SocketIo) {
    let (svc, io) = SocketIo::builder()
        .req_path(client_path(&hub.name))
        .with_state(hub)
        .build_svc();
    io.ns("/", on_connect.with(authenticate));
    if let Err(e) = io.dyn_ns("/{*ns}", on_connect.with(authenticate)) {
        tracing::error!(error = %e, "cannot register dynamic namespaces");
    }
    let svc = BoxCloneSyncService::new(ServiceExt::<Request>::map_response(svc, |r| {
        r.map(Body::new)
    }));
    (svc, io)
}

/// Why a socket was refused; the message reaches the client's `connect_error`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Refused(String);

fn multimap(pairs: impl Iterator<Item = (String, String)>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        map.entry(k).or_default().push(v);
    }
    map
}

fn claim_values(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(claim_values).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// The user id of a socket, kept in its extensions.
#[derive(Debug, Clone)]
struct UserId(Option<String>);

async fn authenticate(
    s: SocketRef,
    State(hub): State<Arc<Hub>>,
    TryData(auth): TryData<Value>,
) -> Result<(), Refused> {
    let parts = s.req_parts();
    let query = multimap(form_pairs(parts.uri.query().unwrap_or_default()).into_iter());
    let auth = auth.unwrap_or(Value::Null);
    let token = query
        .get("access_token")
        .and_then(|v| v.first())
        .map(String::as_str)
        .or_else(|| auth.get("token").and_then(Value::as_str))
        .or_else(|| auth.get("access_token").and_then(Value::as_str));
    let Some(token) = token else {
        return Err(Refused("Unauthorized: missing access_token".into()));
    };
    let claims = token::verify(
        token,
        hub.shared.access_key.expose(),
        &hub.audience(),
        token::unix_now(),
        0,
    )
    .map_err(|e| Refused(format!("Unauthorized: {e}")))?;
    let user_id = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
    // The app gets the token's claims, not the token itself.
    let mut query = query;
    query.remove("access_token");
    let headers = multimap(parts.headers.iter().filter_map(|(k, v)| {
        v.to_str()
            .ok()
            .map(|v| (k.as_str().to_owned(), v.to_owned()))
    }));
    let claims: BTreeMap<String, Vec<String>> = claims
        .iter()
        .map(|(k, v)| (k.clone(), claim_values(v)))
        .collect();
    let body = json!({
        "claims": claims,
        "query": query,
        "headers": headers,
        "subprotocols": [],
        "clientCertificates": [],
    });
    let sid = s.id.to_string();
    if let Some(reply) = hub
        .call(
            EventKind::Connect,
            s.ns(),
            &sid,
            user_id.as_deref(),
            None,
            body.to_string(),
        )
        .await
    {
        let reply = reply.map_err(|e| {
            tracing::error!(error = %e, "connect: function app unavailable");
            Refused(format!("Service unavailable: {e}"))
        })?;
        // 404: the app has no `connect` function, as if the hub's event handler did not subscribe to the
        // event; the service then accepts the socket.
        if !(200..300).contains(&reply.status) && reply.status != 404 {
            let message = if reply.body.is_empty() {
                format!(
                    "connection rejected by the app with status {}",
                    reply.status
                )
            } else {
                reply.body
            };
            tracing::info!(socket = %sid, status = reply.status, "connect rejected by the app");
            return Err(Refused(message));
        }
    }
    s.extensions.insert(UserId(user_id));
    Ok(())
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// One user event waiting for its upstream call.
struct Pending {
    raw: String,
    ack_id: Option<i64>,
    ack: AckSender,
}

/// The sender of a socket's ordered event queue.
#[derive(Clone)]
struct Queue(mpsc::Sender<Pending>);

/// Events a socket may have waiting for the app before new ones are refused.
const QUEUE_CAPACITY: usize = 1024;

async fn on_connect(s: SocketRef, State(hub): State<Arc<Hub>>) {
    let sid = s.id.to_string();
    let ns = s.ns().to_owned();
    let user_id = s.extensions.get::<UserId>().and_then(|u| u.0);
    {
        let mut connections = hub.lock();
        let connection = connections.entry(sid.clone()).or_default();
        connection.user_id = user_id.clone();
        connection.namespaces.insert(ns.clone());
        connection.groups.insert(namespace_group(&ns));
        connection.groups.insert(room_group(&ns, &sid));
    }
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    s.extensions.insert(Queue(tx));
    tokio::spawn(drain(hub.clone(), s.clone(), rx));
    s.on_fallback(Enqueue);
    s.on_disconnect(on_disconnect);
    tracing::debug!(hub = %hub.name, namespace = %ns, socket = %sid, "connected");
    let reply = hub
        .call(
            EventKind::Connected,
            &ns,
            &sid,
            user_id.as_deref(),
            None,
            "{}".into(),
        )
        .await;
    if let Some(Err(e)) = reply {
        tracing::warn!(error = %e, "connected event not delivered");
    }
}

/// The raw data of an event (`["name", ...args]` as the client sent it) and its ack id.
struct RawEvent {
    data: Option<String>,
    ack_id: Option<i64>,
}

impl FromMessageParts<LocalAdapter> for RawEvent {
    type Error = Infallible;
    fn from_message_parts(
        _: &Arc<Socket<LocalAdapter>>,
        value: &mut RawValue,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        let data = match value {
            RawValue::Str(text, None) => Some(text.as_str().to_owned()),
            _ => None,
        };
        Ok(Self {
            data,
            ack_id: *ack_id,
        })
    }
}

/// The fallback handler of every socket. socketioxide spawns a task per event for async handlers, which
/// would let events overtake each other; this handler runs synchronously where the packet is received
/// and only queues it, so the socket's queue holds events in the order the client sent them.
#[derive(Clone)]
struct Enqueue;

/// Marks the [`MessageHandler`] implementation of [`Enqueue`].
struct EnqueueArgs;

impl MessageHandler<LocalAdapter, EnqueueArgs> for Enqueue {
    fn call(&self, s: Arc<Socket<LocalAdapter>>, mut value: RawValue, ack_id: Option<i64>) {
        let Ok(raw) = RawEvent::from_message_parts(&s, &mut value, &ack_id);
        let Ok(ack) = AckSender::from_message_parts(&s, &mut value, &ack_id);
        let Some(data) = raw.data else {
            tracing::warn!(socket = %s.id, "binary event arguments are not supported (as by the service); event refused");
            let _ = ack.send(&Spread(&[
                json!({"error": "binary arguments are not supported"}),
            ]));
            return;
        };
        if let Some(queue) = s.extensions.get::<Queue>() {
            let pending = Pending {
                raw: data,
                ack_id: raw.ack_id,
                ack,
            };
            if let Err(mpsc::error::TrySendError::Full(refused)) = queue.0.try_send(pending) {
                tracing::warn!(socket = %s.id, "{QUEUE_CAPACITY} events already wait for the app; event refused");
                let error = json!({ "error": "too many events are waiting for the app" });
                let _ = refused.ack.send(&Spread(&[error]));
            }
        }
    }
}

/// Serializes values as a tuple, so socketioxide sends them as separate arguments.
pub(crate) struct Spread<'a>(pub(crate) &'a [Value]);

impl serde::Serialize for Spread<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tuple = serializer.serialize_tuple(self.0.len())?;
        for value in self.0 {
            tuple.serialize_element(value)?;
        }
        tuple.end()
    }
}

/// Sends a socket's events upstream one at a time, in arrival order.
async fn drain(hub: Arc<Hub>, s: SocketRef, mut rx: mpsc::Receiver<Pending>) {
    let sid = s.id.to_string();
    let ns = s.ns().to_owned();
    while let Some(pending) = rx.recv().await {
        let event_name = match EventData::parse(&pending.raw) {
            Ok(d) => d.event_name,
            Err(e) => {
                tracing::warn!(socket = %sid, error = %e, "invalid event dropped");
                continue;
            }
        };
        let payload = Packet {
            kind: PacketType::Event,
            attachments: None,
            namespace: &ns,
            id: pending.ack_id.and_then(|id| u64::try_from(id).ok()),
            data: &pending.raw,
        }
        .encode();
        let user_id = hub.lock().get(&sid).and_then(|c| c.user_id.clone());
        let Some(reply) = hub
            .call(
                EventKind::Message,
                &ns,
                &sid,
                user_id.as_deref(),
                Some(&event_name),
                payload,
            )
            .await
        else {
            continue;
        };
        let outcome: Result<Option<Vec<Value>>, String> = match reply {
            Ok(reply) => match Packet::decode(&reply.body) {
                Ok(packet) if packet.kind == PacketType::Ack => {
                    Ok(Some(serde_json::from_str(packet.data).unwrap_or_default()))
                }
                _ if (200..300).contains(&reply.status) => Ok(None),
                _ => Err(format!("the app answered {}: {}", reply.status, reply.body)),
            },
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(Some(values)) => {
                let _ = pending.ack.send(&Spread(&values));
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(socket = %sid, event = %event_name, %error, "user event failed");
                // Only a client waiting for an ack can be told; without an ack id this sends nothing.
                let _ = pending.ack.send(&Spread(&[json!({ "error": error })]));
            }
        }
    }
}

/// The reason strings of the JavaScript Socket.IO server.
fn reason_text(reason: DisconnectReason) -> &'static str {
    match reason {
        DisconnectReason::TransportClose => "transport close",
        DisconnectReason::MultipleHttpPollingError | DisconnectReason::PacketParsingError => {
            "parse error"
        }
        DisconnectReason::TransportError => "transport error",
        DisconnectReason::HeartbeatTimeout => "ping timeout",
        DisconnectReason::ClientNSDisconnect => "client namespace disconnect",
        DisconnectReason::ServerNSDisconnect => "server namespace disconnect",
        DisconnectReason::ClosingServer => "server shutting down",
    }
}

async fn on_disconnect(s: SocketRef, reason: DisconnectReason, State(hub): State<Arc<Hub>>) {
    let sid = s.id.to_string();
    let ns = s.ns().to_owned();
    let user_id = {
        let mut connections = hub.lock();
        let mut user_id = None;
        let mut empty = false;
        if let Some(c) = connections.get_mut(&sid) {
            let prefix = namespace_group(&ns);
            c.groups.retain(|g| !g.starts_with(&prefix));
            c.namespaces.remove(&ns);
            user_id = c.user_id.clone();
            empty = c.namespaces.is_empty();
        }
        if empty {
            connections.remove(&sid);
        }
        user_id
    };
    let body = json!({ "reason": reason_text(reason) }).to_string();
    let reply = hub
        .call(
            EventKind::Disconnected,
            &ns,
            &sid,
            user_id.as_deref(),
            None,
            body,
        )
        .await;
    if let Some(Err(e)) = reply {
        tracing::warn!(error = %e, "disconnected event not delivered");
    }
}
