//! The client side: Socket.IO sockets through socketioxide, the token check, and each socket's upstream
//! events in order (`connect`, `connected`, user events, `disconnected`).
//!
//! One socketioxide server serves every hub (the hub is read from the request path); hubs, connections
//! and groups are the emulator's own state ([`crate::hubs`]). Everything a socket needs is set up in the
//! connect middleware, before the client sees its CONNECT packet, so no early event can be lost.

use crate::hubs::{Hub, Hubs};
use crate::upstream::{Event, Upstream, UpstreamError, UpstreamReply};
use axum::extract::Request;
use axum::response::Response;
use serde::ser::SerializeTuple;
use serde_json::{Value, json};
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::cloud_events::{
    CONNECTED_BODY, ConnectBody, DisconnectedBody, EventKind, MultiMap, can_travel_in_a_header,
};
use socketio_fn_protocol::packet::{EventData, Packet, PacketType};
use socketio_fn_protocol::paths::{CLIENT_PATH_PREFIX, client_audience, is_valid_hub};
use socketio_fn_protocol::token::{self, DEFAULT_LEEWAY_SECS};
use socketioxide::SocketIo;
use socketioxide::adapter::LocalAdapter;
use socketioxide::extract::{AckSender, SocketRef, State, TryData};
use socketioxide::handler::{FromMessageParts, MessageHandler, Value as RawValue};
use socketioxide::socket::{DisconnectReason, Socket};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

/// Events a socket may have waiting for the app before new ones are refused (with an error ack).
pub const QUEUE_CAPACITY: usize = 1024;

/// Settings and state shared by every socket and the REST API.
#[derive(Debug)]
pub(crate) struct Shared {
    /// `scheme://host:port` of the emulator, as in the connection string.
    pub(crate) endpoint: String,
    pub(crate) key: AccessKey,
    pub(crate) upstream: Option<Upstream>,
    pub(crate) hubs: Hubs,
    pub(crate) io: OnceLock<SocketIo>,
    /// Sockets connecting or connected per namespace (the sweeper keeps namespaces that have any).
    pub(crate) namespaces: Mutex<HashMap<String, usize>>,
    /// Live [`SocketState`]s (a leak detector, see `Emulator::socket_count`).
    pub(crate) live_sockets: Arc<AtomicUsize>,
}

impl Shared {
    pub(crate) fn io(&self) -> Option<&SocketIo> {
        self.io.get()
    }

    fn namespace_count(&self, namespace: &str, delta: isize) {
        let mut counts = self
            .namespaces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = counts.entry(namespace.to_owned()).or_default();
        *count = count.saturating_add_signed(delta);
        if *count == 0 {
            counts.remove(namespace);
        }
    }

    fn namespace_in_use(&self, namespace: &str) -> bool {
        self.namespaces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains_key(namespace)
    }

    /// Deletes dynamic namespaces that have had no socket for two sweeps in a row (socketioxide keeps
    /// every namespace a CONNECT packet ever named, even an unauthenticated one). `empty` carries the
    /// namespaces found empty by the previous sweep.
    pub(crate) fn sweep_namespaces(&self, empty: &mut HashSet<String>) {
        let Some(io) = self.io() else { return };
        let mut now_empty = HashSet::new();
        for ns in io.nsps() {
            let path = ns.ns_path().to_owned();
            if path == "/" || self.namespace_in_use(&path) || !ns.sockets().is_empty() {
                continue;
            }
            if empty.contains(&path) {
                io.delete_ns(&path);
            } else {
                now_empty.insert(path);
            }
        }
        *empty = now_empty;
    }
}

/// What a connected socket needs, kept in its extensions.
#[derive(Debug)]
struct SocketState {
    hub: Arc<Hub>,
    socket_id: String,
    queue: mpsc::UnboundedSender<Item>,
    pending: AtomicUsize,
    closed: AtomicBool,
    live: Arc<AtomicUsize>,
}

impl Drop for SocketState {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One entry of a socket's ordered queue of upstream calls.
enum Item {
    Connected,
    Message {
        packet: String,
        event_name: String,
        ack: AckSender,
        ack_id: Option<i64>,
    },
    Disconnected(&'static str),
}

/// The type-erased service of the Socket.IO server.
pub(crate) type ClientService = BoxCloneSyncService<Request, Response, Infallible>;

/// Builds the Socket.IO server of every hub.
pub(crate) fn socket_io(shared: Arc<Shared>) -> ClientService {
    let (svc, io) = SocketIo::builder()
        .req_path(CLIENT_PATH_PREFIX.trim_end_matches('/'))
        .with_state(shared.clone())
        .build_svc();
    use socketioxide::handler::ConnectHandler;
    io.ns("/", on_connect.with(authenticate));
    if let Err(e) = io.dyn_ns("/{*ns}", on_connect.with(authenticate)) {
        tracing::error!(error = %e, "cannot register dynamic namespaces");
    }
    let _ = shared.io.set(io);
    BoxCloneSyncService::new(ServiceExt::<Request>::map_response(svc, |r| {
        r.map(axum::body::Body::new)
    }))
}

/// Why a socket was refused; the message reaches the client's `connect_error`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Refused(String);

fn multimap(pairs: impl Iterator<Item = (String, String)>) -> MultiMap {
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

/// The hub of a client request path `/clients/socketio/hubs/<hub>[/]`.
fn hub_of(path: &str) -> Option<&str> {
    let hub = path.strip_prefix(CLIENT_PATH_PREFIX)?.trim_end_matches('/');
    is_valid_hub(hub).then_some(hub)
}

/// The connect middleware: checks the token, asks the app (`connect`), and on acceptance sets up
/// everything the socket needs before the client can emit.
async fn authenticate(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    TryData(auth): TryData<Value>,
) -> Result<(), Refused> {
    let ns = s.ns().to_owned();
    shared.namespace_count(&ns, 1);
    let result = admit(&s, &shared, auth.ok()).await;
    if result.is_err() {
        shared.namespace_count(&ns, -1);
    }
    result
}

async fn admit(s: &SocketRef, shared: &Arc<Shared>, auth: Option<Value>) -> Result<(), Refused> {
    let parts = s.req_parts();
    let hub = hub_of(parts.uri.path())
        .ok_or_else(|| Refused("Bad request: invalid hub name in the path".into()))?
        .to_owned();
    let query = multimap(
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned())),
    );
    let auth = auth.unwrap_or(Value::Null);
    let token = query
        .get("access_token")
        .and_then(|v| v.first())
        .map(String::as_str)
        .or_else(|| auth.get("token").and_then(Value::as_str))
        .or_else(|| auth.get("access_token").and_then(Value::as_str))
        .ok_or_else(|| Refused("Unauthorized: missing access_token".into()))?;
    let audience = client_audience(&shared.endpoint, &hub);
    let claims = token::verify(token, &shared.key, &audience, DEFAULT_LEEWAY_SECS)
        .map_err(|e| Refused(format!("Unauthorized: {e}")))?;
    let user_id = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
    if user_id
        .as_deref()
        .is_some_and(|u| !can_travel_in_a_header(u))
    {
        return Err(Refused(
            "Unauthorized: the token's user id (`sub`) has control characters or surrounding whitespace, which the app cannot receive".into(),
        ));
    }
    let token_groups: Vec<String> = claims
        .get("webpubsub.group")
        .map(claim_values)
        .unwrap_or_default();
    let connection_id = s.id.to_string();
    // socketioxide gives every namespace socket of a connection the Engine.IO session id, and sends it to
    // the client in the CONNECT packet; the app must see the id the client knows (the service gives
    // each namespace socket its own id: a documented difference).
    let socket_id = connection_id.clone();
    let ns = s.ns().to_owned();
    // The app gets the token's claims, not the token itself.
    let mut query = query;
    query.remove("access_token");
    let body = ConnectBody {
        claims: claims
            .iter()
            .map(|(k, v)| (k.clone(), claim_values(v)))
            .collect(),
        query,
        headers: multimap(parts.headers.iter().filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_owned(), v.to_owned()))
        })),
        subprotocols: Vec::new(),
        client_certificates: Vec::new(),
    };
    if let Some(upstream) = &shared.upstream {
        let reply = upstream
            .send(Event {
                kind: EventKind::Connect,
                hub: &hub,
                namespace: &ns,
                connection_id: &connection_id,
                socket_id: &socket_id,
                user_id: user_id.as_deref(),
                event_name: None,
                body: body.to_json(),
            })
            .await
            .map_err(|e| {
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
            tracing::info!(socket = %socket_id, status = reply.status, "connect rejected by the app");
            return Err(Refused(message));
        }
    }
    // The namespace object may have been swept while this socket was being checked.
    if shared.io().is_some_and(|io| io.of(ns.as_str()).is_none()) {
        return Err(Refused(
            "Service unavailable: the namespace was reset; connect again".into(),
        ));
    }
    let hub = shared
        .hubs
        .join(
            &hub,
            &connection_id,
            &ns,
            &socket_id,
            user_id.as_deref(),
            &token_groups,
        )
        .map_err(|e| Refused(format!("Service unavailable: {e}")))?;
    let (queue, rx) = mpsc::unbounded_channel();
    let state = Arc::new(SocketState {
        hub: hub.clone(),
        socket_id,
        queue,
        pending: AtomicUsize::new(0),
        closed: AtomicBool::new(false),
        live: shared.live_sockets.clone(),
    });
    shared.live_sockets.fetch_add(1, Ordering::SeqCst);
    let _ = state.queue.send(Item::Connected);
    s.extensions.insert(state.clone());
    s.on_fallback(Enqueue);
    s.on_disconnect(on_disconnect);
    tokio::spawn(drain(shared.clone(), state, rx, connection_id, ns, user_id));
    Ok(())
}

/// The connect handler: everything already happened in the middleware.
async fn on_connect() {}

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

/// Tells a client waiting for an ack that its event failed (nothing is sent without an ack id).
fn error_ack(ack: AckSender, error: impl std::fmt::Display) {
    let _ = ack.send(&Spread(&[json!({ "error": error.to_string() })]));
}

/// The fallback handler of every socket. socketioxide spawns a task per event for async handlers, which
/// would let events overtake each other; this handler runs synchronously where the packet is received
/// and only queues it, so the socket's queue holds events in the order the client sent them. Every event
/// it cannot forward is answered with an error ack.
#[derive(Clone)]
struct Enqueue;

/// Marks the [`MessageHandler`] implementation of [`Enqueue`].
struct EnqueueArgs;

impl MessageHandler<LocalAdapter, EnqueueArgs> for Enqueue {
    fn call(&self, s: Arc<Socket<LocalAdapter>>, mut value: RawValue, ack_id: Option<i64>) {
        let Ok(ack) = AckSender::from_message_parts(&s, &mut value, &ack_id);
        let Some(state) = s.extensions.get::<Arc<SocketState>>() else {
            error_ack(ack, "the socket is not connected");
            return;
        };
        let data = match &value {
            RawValue::Str(text, None) => text.as_str().to_owned(),
            _ => {
                tracing::warn!(socket = %state.socket_id, "binary event arguments are not supported (as by the service); event refused");
                error_ack(ack, "binary arguments are not supported");
                return;
            }
        };
        let event_name = match EventData::parse(&data) {
            Ok(d) => d.event_name,
            Err(e) => {
                tracing::warn!(socket = %state.socket_id, error = %e, "an event the app could not read was refused");
                error_ack(ack, format!("the event cannot be forwarded: {e}"));
                return;
            }
        };
        if !can_travel_in_a_header(&event_name) {
            error_ack(
                ack,
                "the event name has control characters or surrounding whitespace, which the app cannot receive",
            );
            return;
        }
        if state.pending.fetch_add(1, Ordering::AcqRel) >= QUEUE_CAPACITY {
            state.pending.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!(socket = %state.socket_id, "{QUEUE_CAPACITY} events already wait for the app; event refused");
            error_ack(ack, "too many events are waiting for the app");
            return;
        }
        let item = Item::Message {
            packet: data,
            event_name,
            ack,
            ack_id,
        };
        if let Err(mpsc::error::SendError(Item::Message { ack, .. })) = state.queue.send(item) {
            error_ack(ack, "the socket is closing");
        }
    }
}

/// Sends a socket's upstream calls one at a time, in order; ends after `disconnected`. It holds no
/// reference to the socket, so a closed socket is freed.
async fn drain(
    shared: Arc<Shared>,
    state: Arc<SocketState>,
    mut rx: mpsc::UnboundedReceiver<Item>,
    connection_id: String,
    ns: String,
    user_id: Option<String>,
) {
    let socket = Caller {
        shared: &shared,
        hub: &state.hub.name,
        namespace: &ns,
        connection_id: &connection_id,
        socket_id: &state.socket_id,
        user_id: user_id.as_deref(),
    };
    while let Some(item) = rx.recv().await {
        match item {
            Item::Connected => {
                if let Some(Err(e)) = socket
                    .call(EventKind::Connected, None, CONNECTED_BODY.into())
                    .await
                {
                    tracing::warn!(error = %e, "connected event not delivered");
                }
            }
            Item::Message {
                packet,
                event_name,
                ack,
                ack_id,
            } => {
                if state.closed.load(Ordering::Acquire) {
                    // The client is gone: nobody waits for this event any more.
                    state.pending.fetch_sub(1, Ordering::AcqRel);
                    continue;
                }
                let payload = Packet {
                    kind: PacketType::Event,
                    attachments: None,
                    namespace: &ns,
                    id: ack_id.and_then(|id| u64::try_from(id).ok()),
                    data: &packet,
                }
                .encode();
                let reply = socket
                    .call(EventKind::Message, Some(&event_name), payload)
                    .await;
                state.pending.fetch_sub(1, Ordering::AcqRel);
                match reply.map(outcome) {
                    None | Some(Ok(None)) => {}
                    Some(Ok(Some(values))) => {
                        let _ = ack.send(&Spread(&values));
                    }
                    Some(Err(error)) => {
                        tracing::error!(socket = %state.socket_id, event = %event_name, %error, "user event failed");
                        error_ack(ack, error);
                    }
                }
            }
            Item::Disconnected(reason) => {
                let body = DisconnectedBody {
                    reason: Some(reason.to_owned()),
                };
                if let Some(Err(e)) = socket
                    .call(EventKind::Disconnected, None, body.to_json())
                    .await
                {
                    tracing::warn!(error = %e, "disconnected event not delivered");
                }
                break;
            }
        }
    }
}

/// The attributes of one socket's upstream calls.
struct Caller<'a> {
    shared: &'a Shared,
    hub: &'a str,
    namespace: &'a str,
    connection_id: &'a str,
    socket_id: &'a str,
    user_id: Option<&'a str>,
}

impl Caller<'_> {
    /// Calls the app; `None` when the emulator has no upstream.
    async fn call(
        &self,
        kind: EventKind,
        event_name: Option<&str>,
        body: String,
    ) -> Option<Result<UpstreamReply, UpstreamError>> {
        let upstream = self.shared.upstream.as_ref()?;
        Some(
            upstream
                .send(Event {
                    kind,
                    hub: self.hub,
                    namespace: self.namespace,
                    connection_id: self.connection_id,
                    socket_id: self.socket_id,
                    user_id: self.user_id,
                    event_name,
                    body,
                })
                .await,
        )
    }
}

/// What the client's ack gets from the app's reply: ack values, nothing, or an error.
fn outcome(reply: Result<UpstreamReply, UpstreamError>) -> Result<Option<Vec<Value>>, String> {
    let reply = reply.map_err(|e| e.to_string())?;
    match Packet::decode(&reply.body) {
        Ok(packet) if packet.kind == PacketType::Ack => serde_json::from_str(packet.data)
            .map(Some)
            .map_err(|e| format!("the app's ack is not a JSON array: {e}")),
        _ if (200..300).contains(&reply.status) => Ok(None),
        _ => Err(format!("the app answered {}: {}", reply.status, reply.body)),
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

async fn on_disconnect(s: SocketRef, reason: DisconnectReason, State(shared): State<Arc<Shared>>) {
    let Some(state) = s.extensions.get::<Arc<SocketState>>() else {
        return;
    };
    state.closed.store(true, Ordering::Release);
    shared.hubs.leave(&state.hub, &s.id.to_string(), s.ns());
    shared.namespace_count(s.ns(), -1);
    let _ = state.queue.send(Item::Disconnected(reason_text(reason)));
}
