//! The client side: Socket.IO sockets through socketioxide, the token check, and each socket's upstream
//! events in order (`connect`, `connected`, user events, `disconnected`).
//!
//! One socketioxide server serves every hub (the hub is read from the request path); hubs, connections
//! and groups are the emulator's own state ([`crate::hubs`]). Everything a socket needs is set up in the
//! connect middleware, before the client sees its CONNECT packet, so no early event can be lost.

mod admit;
pub(crate) mod head;
mod queue;

pub(crate) use admit::hub_of;

use crate::hubs::{Hub, Hubs};
use crate::upstream::Upstream;
use axum::extract::Request;
use axum::response::Response;
use serde::ser::SerializeTuple;
use serde_json::{Value, json};
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::paths::CLIENT_PATH_PREFIX;
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, SocketRef, State};
use socketioxide::socket::DisconnectReason;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
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
    /// The namespaces clients may connect to (`None`: any).
    pub(crate) allowed_namespaces: Option<Vec<String>>,
    /// Live [`SocketState`]s (a leak detector, see `Emulator::socket_count`).
    pub(crate) live_sockets: Arc<AtomicUsize>,
    /// The Admin UI's state, when it is served.
    pub(crate) admin: Option<crate::admin::Admin>,
}

impl Shared {
    pub(crate) fn io(&self) -> Option<&SocketIo> {
        self.io.get()
    }

    /// The connected socket `socket_id` of `namespace` (socket ids are Engine.IO session ids here).
    pub(crate) fn socket(&self, socket_id: &str, namespace: &str) -> Option<SocketRef> {
        let sid = socketioxide::socket::Sid::from_str(socket_id).ok()?;
        self.io()?.of(namespace)?.get_socket(sid)
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
    /// every namespace a CONNECT packet ever named, even an unauthenticated one); never `/` nor the
    /// Admin UI's. `empty` carries the
    /// namespaces found empty by the previous sweep.
    pub(crate) fn sweep_namespaces(&self, empty: &mut HashSet<String>) {
        let Some(io) = self.io() else { return };
        let mut now_empty = HashSet::new();
        for ns in io.nsps() {
            let path = ns.ns_path().to_owned();
            let admin = self.admin.is_some() && path == crate::admin::ADMIN_NAMESPACE;
            if path == "/" || admin || self.namespace_in_use(&path) || !ns.sockets().is_empty() {
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

/// What a connected socket needs, kept in its extensions. Its `Debug` leaves out the signature (it
/// would let anyone forge this connection's events).
struct SocketState {
    hub: Arc<Hub>,
    socket_id: String,
    /// The connection, namespace and user the socket's upstream calls name.
    connection_id: String,
    namespace: String,
    user_id: Option<String>,
    /// `ce-signature` of its upstream calls (made once: it depends on the connection id only).
    signature: String,
    /// Not an `Arc`: the sockets are reachable from `Shared`, which must not be kept alive by them.
    shared: std::sync::Weak<Shared>,
    queue: std::sync::Mutex<queue::Queue>,
    pending: AtomicUsize,
    closed: AtomicBool,
    live: Arc<AtomicUsize>,
    /// When the socket was admitted (Unix milliseconds), for the Admin UI.
    issued: u64,
    /// Whether an Admin UI may watch (its reports are skipped otherwise, at the cost of this flag).
    watched: bool,
}

/// What the Admin UI is told of a client socket.
#[derive(Debug, Clone)]
pub(crate) struct SocketFacts {
    pub(crate) hub: String,
    pub(crate) namespace: String,
    pub(crate) socket_id: String,
    pub(crate) connection_id: String,
    pub(crate) user_id: Option<String>,
    pub(crate) issued: u64,
}

impl SocketState {
    fn facts(&self) -> SocketFacts {
        SocketFacts {
            hub: self.hub.name.clone(),
            namespace: self.namespace.clone(),
            socket_id: self.socket_id.clone(),
            connection_id: self.connection_id.clone(),
            user_id: self.user_id.clone(),
            issued: self.issued,
        }
    }
}

/// The facts of a client socket (`None` for a socket that is not one: an Admin UI's).
pub(crate) fn facts_of(socket: &SocketRef) -> Option<SocketFacts> {
    socket
        .extensions
        .get::<Arc<SocketState>>()
        .map(|state| state.facts())
}

impl std::fmt::Debug for SocketState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketState")
            .field("socket_id", &self.socket_id)
            .field("connection_id", &self.connection_id)
            .field("namespace", &self.namespace)
            .field("queue", &self.queue)
            .finish_non_exhaustive()
    }
}

impl Drop for SocketState {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One entry of a socket's ordered queue of upstream calls. Small (a message is boxed), because the
/// queue's first block of 32 entries is allocated with every socket.
enum Item {
    Connected,
    Message(Box<Message>),
    Disconnected(&'static str),
}

/// A user event waiting for the app.
struct Message {
    packet: String,
    event_name: String,
    ack: AckSender,
    ack_id: Option<i64>,
}

/// The type-erased service of the Socket.IO server.
pub(crate) type ClientService = BoxCloneSyncService<Request, Response, Infallible>;

/// The websocket read buffer of each socket (socketioxide's default is 4 KiB): Socket.IO packets are
/// mostly small, a larger one is read in more steps, and every idle socket holds this much.
const WS_READ_BUFFER: usize = 1024;

/// Packets a socket's Engine.IO buffer holds before a send fails: room for an ack of every event its
/// queue can fail at once (a breaker that opens fails them all), beside Socket.IO's default of 128 for
/// the rest. tokio's channel allocates as packets arrive: an idle socket holds none of it.
pub const ENGINE_BUFFER: usize = QUEUE_CAPACITY + 128;

/// The Socket.IO server's timers (`EmulatorConfig`'s).
pub(crate) struct Timing {
    pub(crate) ping_interval: std::time::Duration,
    pub(crate) ping_timeout: std::time::Duration,
    pub(crate) connect_timeout: std::time::Duration,
}

/// Builds the Socket.IO server of every hub.
pub(crate) fn socket_io(shared: Arc<Shared>, timing: Timing) -> ClientService {
    let (svc, io) = SocketIo::builder()
        .req_path(CLIENT_PATH_PREFIX.trim_end_matches('/'))
        .ping_interval(timing.ping_interval)
        .ping_timeout(timing.ping_timeout)
        .connect_timeout(timing.connect_timeout)
        .ws_read_buffer_size(WS_READ_BUFFER)
        .max_buffer_size(ENGINE_BUFFER)
        .with_state(shared.clone())
        .build_svc();
    use socketioxide::handler::ConnectHandler;
    if shared.admin.is_some() {
        crate::admin::register(&io);
    }
    io.ns("/", OnConnect.with(admit::authenticate));
    if let Err(e) = io.dyn_ns("/{*ns}", OnConnect.with(admit::authenticate)) {
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

/// The connect handler. socketioxide calls it once the socket is in its namespace, marked connected
/// and its CONNECT reply sent; it queues `connected` then, synchronously (an async handler would be
/// spawned, and a client's first event could overtake it). From the middleware, `connected` raced the
/// socket's insertion: a welcome the app sent from `connected` could find no socket.
#[derive(Clone)]
struct OnConnect;

/// Marks the [`ConnectHandler`](socketioxide::handler::ConnectHandler) implementation of [`OnConnect`].
struct OnConnectArgs;

impl socketioxide::handler::ConnectHandler<socketioxide::adapter::LocalAdapter, OnConnectArgs>
    for OnConnect
{
    fn call(
        &self,
        s: Arc<socketioxide::socket::Socket<socketioxide::adapter::LocalAdapter>>,
        _: Option<socketioxide::handler::Value>,
    ) {
        if let Some(state) = s.extensions.get::<Arc<SocketState>>() {
            let _ = state.push(Item::Connected);
            if state.watched
                && let Some(shared) = state.shared.upgrade()
            {
                crate::admin::socket_connected(&shared, &SocketRef::from(s), &state.facts());
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

/// Deserializes every argument of an ack as a list (socketioxide gives a non-tuple type only the
/// first argument).
pub(crate) struct Gather(pub(crate) Vec<Value>);

impl<'de> serde::Deserialize<'de> for Gather {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> serde::de::Visitor<'de> for Values {
            type Value = Gather;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the ack's arguments")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Gather, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element()? {
                    values.push(value);
                }
                Ok(Gather(values))
            }
        }
        deserializer.deserialize_tuple(usize::MAX, Values)
    }
}

/// Answers a client's event with `values` as its ack (nothing is sent without an ack id). `false` when
/// the ack could not be buffered: the socket's Engine.IO buffer ([`ENGINE_BUFFER`] packets) is full,
/// so the client does not read what it is sent; the caller then disconnects the socket
/// ([`stalled`]), so the client stops waiting for acks instead of waiting for ever.
#[must_use]
fn answer(ack: AckSender, values: &[Value]) -> bool {
    match ack.send(&Spread(values)) {
        Err(socketioxide::SendError::Socket(socketioxide::SocketError::InternalChannelFull)) => {
            false
        }
        // Closed: the client is gone, nobody waits. A value that does not serialise cannot happen
        // here (JSON values); it is nothing the client could be told either.
        _ => true,
    }
}

/// Tells a client waiting for an ack that its event failed; `false` as for [`answer`].
#[must_use]
fn error_ack(ack: AckSender, error: impl std::fmt::Display) -> bool {
    answer(ack, &[json!({ "error": error.to_string() })])
}

/// A socket whose acks cannot be delivered (its client does not read): disconnected, with the reason
/// logged, rather than left waiting for acks that were dropped.
fn stalled(socket: SocketRef) {
    tracing::warn!(
        socket = %socket.id,
        "the client does not read what it is sent ({ENGINE_BUFFER} packets wait): an ack could not be \
         delivered, so the socket is disconnected"
    );
    let _ = socket.disconnect();
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
    let _ = state.push(Item::Disconnected(reason_text(reason)));
    if state.watched {
        crate::admin::socket_disconnected(&shared, &state.facts(), reason_text(reason));
    }
}
