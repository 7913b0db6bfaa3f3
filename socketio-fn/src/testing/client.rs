//! A Socket.IO v4 client over a WebSocket (Engine.IO 4), enough for tests: connect to one namespace
//! (a refusal is an error with the server's reason), emit, emit and wait for the ack, wait for an
//! event. Every wait is bounded; a timeout says what was received meanwhile. Written on
//! `tokio-tungstenite` and the protocol crate's packets rather than on rust_socketio 0.6, whose
//! `connect` returns before the namespace is connected and does not fail on a refusal. WebSocket only
//! (no long-polling, so no polling double-connect); text packets only (no binary attachments).

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use socketio_fn_core::protocol::packet::{Packet, PacketType, encode_event};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// What a test client fails with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server refused the connection (the app's `connect` function, or a bad token).
    #[error("the connection was refused: {0}")]
    Refused(String),
    /// Nothing came within the client's timeout.
    #[error("no {waited_for} within {timeout:?} (received meanwhile: {seen:?})")]
    Timeout {
        /// What was waited for.
        waited_for: String,
        /// The timeout.
        timeout: Duration,
        /// The events received meanwhile, by name.
        seen: Vec<String>,
    },
    /// The connection closed.
    #[error("the connection closed")]
    Closed,
    /// The server sent something a Socket.IO server does not.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// Values that do not have the type asked for.
    #[error("unexpected values {values}: {error}")]
    Values {
        /// The values received.
        values: Value,
        /// Why they do not fit.
        error: String,
    },
    /// The WebSocket connection could not be made.
    #[error("cannot connect: {0}")]
    Connect(String),
}

/// What the reading task shares with the client.
#[derive(Default)]
struct Inbox {
    events: VecDeque<(String, Vec<Value>)>,
    acks: HashMap<u64, oneshot::Sender<Vec<Value>>>,
    closed: bool,
}

/// A connected Socket.IO client of one namespace.
pub struct TestClient {
    id: String,
    namespace: String,
    timeout: Duration,
    outgoing: mpsc::UnboundedSender<Message>,
    inbox: Arc<Mutex<Inbox>>,
    arrived: Arc<Notify>,
    next_ack: AtomicU64,
    reader: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient")
            .field("id", &self.id)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        let _ = self.outgoing.send(Message::Close(None));
        self.reader.abort();
    }
}

/// The values of a packet's JSON array (`[]` for no data).
fn values(data: &str) -> Result<Vec<Value>, ClientError> {
    if data.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(data).map_err(|e| ClientError::Protocol(format!("{e}: {data}")))
}

/// `args` as the arguments of an event: a tuple or array spread, anything else one argument.
fn arguments(args: impl Serialize) -> Result<Vec<Value>, ClientError> {
    match serde_json::to_value(args) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(Value::Null) => Ok(Vec::new()),
        Ok(one) => Ok(vec![one]),
        Err(e) => Err(ClientError::Protocol(e.to_string())),
    }
}

/// No values, as a unit struct (serde reads one from `null`).
fn typed_unit<T: DeserializeOwned>(values: Vec<Value>) -> Result<T, ClientError> {
    serde_json::from_value(Value::Null).map_err(|e| ClientError::Values {
        values: Value::Array(values),
        error: e.to_string(),
    })
}

/// `values` as `T` (a tuple of the arguments, in order).
pub(super) fn typed<T: DeserializeOwned>(values: Vec<Value>) -> Result<T, ClientError> {
    let values = Value::Array(values);
    serde_json::from_value(values.clone()).map_err(|e| ClientError::Values {
        values,
        error: e.to_string(),
    })
}

impl TestClient {
    /// Connects to `url` (a WebSocket URL with the Engine.IO query), then to `namespace` with `auth`.
    pub(super) async fn connect(
        url: &str,
        namespace: &str,
        auth: Option<&Value>,
        timeout: Duration,
    ) -> Result<Self, ClientError> {
        let (socket, _) = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| ClientError::Connect(format!("no answer within {timeout:?}")))?
            .map_err(|e| ClientError::Connect(e.to_string()))?;
        let (mut sink, stream) = socket.split();
        let (outgoing, mut to_send) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = to_send.recv().await {
                let close = matches!(message, Message::Close(_));
                if sink.send(message).await.is_err() || close {
                    break;
                }
            }
        });
        let head = match namespace {
            "/" => String::new(),
            ns => format!("{ns},"),
        };
        let auth = auth.map(Value::to_string).unwrap_or_default();
        let _ = outgoing.send(Message::text(format!("40{head}{auth}")));
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let arrived = Arc::new(Notify::new());
        let (connected, answer) = oneshot::channel();
        let reader = tokio::spawn(read(
            stream,
            Reader {
                namespace: namespace.to_owned(),
                outgoing: outgoing.clone(),
                inbox: inbox.clone(),
                arrived: arrived.clone(),
                connected: Some(connected),
            },
        ));
        let id = tokio::time::timeout(timeout, answer)
            .await
            .map_err(|_| ClientError::Timeout {
                waited_for: "CONNECT answer".into(),
                timeout,
                seen: Vec::new(),
            })?
            .map_err(|_| ClientError::Closed)??;
        Ok(Self {
            id,
            namespace: namespace.to_owned(),
            timeout,
            outgoing,
            inbox,
            arrived,
            next_ack: AtomicU64::new(0),
            reader,
        })
    }

    /// The socket's id (the one the app's functions see as `SocketId`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Emits `event` with `args` (a tuple: one argument each; `()` none).
    pub fn emit(&self, event: &str, args: impl Serialize) -> Result<(), ClientError> {
        let packet = encode_event(&self.namespace, event, &arguments(args)?);
        self.outgoing
            .send(Message::text(packet))
            .map_err(|_| ClientError::Closed)
    }

    /// Emits `event` with `args` and waits for the ack, as `T` (a tuple of its arguments).
    pub async fn emit_with_ack<T: DeserializeOwned>(
        &self,
        event: &str,
        args: impl Serialize,
    ) -> Result<T, ClientError> {
        let id = self.next_ack.fetch_add(1, Ordering::Relaxed);
        let (sender, ack) = oneshot::channel();
        self.lock().acks.insert(id, sender);
        let data = Value::Array(
            std::iter::once(Value::String(event.to_owned()))
                .chain(arguments(args)?)
                .collect(),
        )
        .to_string();
        let packet = Packet {
            kind: PacketType::Event,
            attachments: None,
            namespace: &self.namespace,
            id: Some(id),
            data: &data,
        }
        .encode();
        self.outgoing
            .send(Message::text(packet))
            .map_err(|_| ClientError::Closed)?;
        match tokio::time::timeout(self.timeout, ack).await {
            Ok(Ok(values)) => typed(values),
            Ok(Err(_)) => Err(ClientError::Closed),
            Err(_) => {
                self.lock().acks.remove(&id);
                Err(self.timed_out(&format!("ack of `{event}`")))
            }
        }
    }

    /// The next `event` the socket receives (earlier ones of other names stay for their own calls),
    /// as `T` (a tuple of its arguments).
    pub async fn next_event<T: DeserializeOwned>(&self, event: &str) -> Result<T, ClientError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let notified = self.arrived.notified();
            {
                let mut inbox = self.lock();
                if let Some(at) = inbox.events.iter().position(|(name, _)| name == event) {
                    let (_, values) = inbox.events.remove(at).unwrap_or_default();
                    return typed(values);
                }
                if inbox.closed {
                    return Err(ClientError::Closed);
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(self.timed_out(&format!("`{event}` event")));
            }
        }
    }

    /// The next event `E` (declared with `#[socketio_event]`, and deriving `serde::Deserialize`: a
    /// tuple struct reads the arguments in order, a unit struct none).
    pub async fn next<E>(&self) -> Result<E, ClientError>
    where
        E: socketio_fn_core::actions::ServerEvent + DeserializeOwned,
    {
        let values: Vec<Value> = self.next_event(E::NAME).await?;
        if values.is_empty() {
            return typed_unit(values);
        }
        typed(values)
    }

    /// Leaves the namespace and closes the connection.
    pub fn disconnect(self) {
        let head = match self.namespace.as_str() {
            "/" => String::new(),
            ns => format!("{ns},"),
        };
        let _ = self.outgoing.send(Message::text(format!("41{head}")));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inbox> {
        self.inbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn timed_out(&self, waited_for: &str) -> ClientError {
        ClientError::Timeout {
            waited_for: waited_for.to_owned(),
            timeout: self.timeout,
            seen: self
                .lock()
                .events
                .iter()
                .map(|(name, _)| name.clone())
                .collect(),
        }
    }
}

type Stream = futures_util::stream::SplitStream<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
>;

/// The reading task's state.
struct Reader {
    namespace: String,
    outgoing: mpsc::UnboundedSender<Message>,
    inbox: Arc<Mutex<Inbox>>,
    arrived: Arc<Notify>,
    connected: Option<oneshot::Sender<Result<String, ClientError>>>,
}

/// Reads frames until the connection closes: pings answered, the CONNECT answer, events, acks.
async fn read(mut stream: Stream, mut reader: Reader) {
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        match text.as_str() {
            "2" => {
                let _ = reader.outgoing.send(Message::text("3"));
            }
            t if t.starts_with('0') => {}
            t => reader.packet(t),
        }
    }
    reader
        .inbox
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .closed = true;
    reader.arrived.notify_waiters();
    if let Some(connected) = reader.connected.take() {
        let _ = connected.send(Err(ClientError::Closed));
    }
}

impl Reader {
    fn packet(&mut self, text: &str) {
        let Ok(packet) = Packet::decode(text) else {
            return;
        };
        if packet.namespace != self.namespace {
            return;
        }
        match packet.kind {
            PacketType::Connect => {
                let sid = serde_json::from_str::<Value>(packet.data)
                    .ok()
                    .and_then(|v| v["sid"].as_str().map(str::to_owned))
                    .ok_or_else(|| ClientError::Protocol(format!("CONNECT without a sid: {text}")));
                if let Some(connected) = self.connected.take() {
                    let _ = connected.send(sid);
                }
            }
            PacketType::ConnectError => {
                let reason = serde_json::from_str::<Value>(packet.data)
                    .ok()
                    .and_then(|v| v["message"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| packet.data.to_owned());
                if let Some(connected) = self.connected.take() {
                    let _ = connected.send(Err(ClientError::Refused(reason)));
                }
            }
            PacketType::Event => {
                if let Ok(mut values) = values(packet.data)
                    && let Some(Value::String(name)) =
                        (!values.is_empty()).then(|| values.remove(0))
                {
                    self.lock().events.push_back((name, values));
                    self.arrived.notify_waiters();
                }
            }
            PacketType::Ack => {
                let sender = packet.id.and_then(|id| self.lock().acks.remove(&id));
                if let (Some(sender), Ok(values)) = (sender, values(packet.data)) {
                    let _ = sender.send(values);
                }
            }
            PacketType::Disconnect => {
                self.lock().closed = true;
                self.arrived.notify_waiters();
            }
            _ => {}
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inbox> {
        self.inbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
