//! Each socket's queue of upstream calls: the fallback handler that queues a client's events in the
//! order it sent them, and the task that sends them to the app one at a time. The task runs only
//! while calls wait: an idle socket has none (nor a channel), which keeps its memory small.

use super::{Item, Message, QUEUE_CAPACITY, Shared, SocketState, answer, error_ack, stalled};
use crate::upstream::{Event, UpstreamError, UpstreamReply};
use serde_json::Value;
use socketio_fn_protocol::cloud_events::{
    CONNECTED_BODY, DisconnectedBody, EventKind, can_travel_in_a_header,
};
use socketio_fn_protocol::log::Escaped;
use socketio_fn_protocol::packet::{EventData, Packet, PacketType};
use socketioxide::adapter::LocalAdapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::{FromMessageParts, MessageHandler, Value as RawValue};
use socketioxide::socket::Socket;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// A socket's upstream calls waiting their turn.
#[derive(Default)]
pub(super) struct Queue {
    items: VecDeque<Item>,
    /// A task is sending the items (at most one, so they go in order).
    sending: bool,
    /// `disconnected` is queued: nothing is taken after it.
    ended: bool,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue")
            .field("waiting", &self.items.len())
            .field("sending", &self.sending)
            .field("ended", &self.ended)
            .finish()
    }
}

impl SocketState {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `item` and starts the task that sends the queue when none runs; the item back once
    /// `disconnected` is queued.
    pub(super) fn push(self: &Arc<Self>, item: Item) -> Result<(), Item> {
        let mut queue = self.queue();
        if queue.ended {
            return Err(item);
        }
        queue.ended = matches!(item, Item::Disconnected(_));
        queue.items.push_back(item);
        if !queue.sending {
            queue.sending = true;
            tokio::spawn(drain(self.clone()));
        }
        Ok(())
    }

    /// The next call to send; `None` when the queue is empty, and the sending task then ends.
    fn next(&self) -> Option<Item> {
        let mut queue = self.queue();
        let item = queue.items.pop_front();
        queue.sending = item.is_some();
        item
    }
}

/// The fallback handler of every socket. socketioxide spawns a task per event for async handlers, which
/// would let events overtake each other; this handler runs synchronously where the packet is received
/// and only queues it, so the socket's queue holds events in the order the client sent them. Every event
/// it cannot forward is answered with an error ack.
#[derive(Clone)]
pub(super) struct Enqueue;

/// Marks the [`MessageHandler`] implementation of [`Enqueue`].
pub(super) struct EnqueueArgs;

impl MessageHandler<LocalAdapter, EnqueueArgs> for Enqueue {
    fn call(&self, s: Arc<Socket<LocalAdapter>>, mut value: RawValue, ack_id: Option<i64>) {
        let Ok(ack) = AckSender::from_message_parts(&s, &mut value, &ack_id);
        // An event refused here is answered at once; a client that cannot take the answer is stalled.
        let refuse = |ack: AckSender, error: &dyn std::fmt::Display| {
            if !error_ack(ack, error) {
                stalled(SocketRef::from(s.clone()));
            }
        };
        let Some(state) = s.extensions.get::<Arc<SocketState>>() else {
            refuse(ack, &"the socket is not connected");
            return;
        };
        let data = match &value {
            RawValue::Str(text, None) => text.as_str().to_owned(),
            _ => {
                tracing::warn!(socket = %state.socket_id, "binary event arguments are not supported (as by the service); event refused");
                refuse(ack, &"binary arguments are not supported");
                return;
            }
        };
        let event_name = match EventData::parse(&data) {
            Ok(d) => d.event_name,
            Err(e) => {
                tracing::warn!(socket = %state.socket_id, error = %Escaped(&e.to_string()), "an event the app could not read was refused");
                refuse(ack, &format!("the event cannot be forwarded: {e}"));
                return;
            }
        };
        if !can_travel_in_a_header(&event_name) {
            refuse(
                ack,
                &"the event name has control characters or surrounding whitespace, which the app cannot receive",
            );
            return;
        }
        if state.watched
            && let Some(shared) = state.shared.upgrade()
        {
            crate::admin::event_received(&shared, &state.facts(), &data);
        }
        if state.pending.fetch_add(1, Ordering::AcqRel) >= QUEUE_CAPACITY {
            state.pending.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!(socket = %state.socket_id, "{QUEUE_CAPACITY} events already wait for the app; event refused");
            refuse(ack, &"too many events are waiting for the app");
            return;
        }
        let item = Item::Message(Box::new(Message {
            packet: data,
            event_name,
            ack,
            ack_id,
        }));
        if let Err(Item::Message(message)) = state.push(item) {
            refuse(message.ack, &"the socket is closing");
        }
    }
}

/// Sends a socket's waiting upstream calls one at a time, in order, and ends when none waits (or after
/// `disconnected`). It holds no reference to the socket, so a closed socket is freed. Each call's
/// future is boxed while it runs.
async fn drain(state: Arc<SocketState>) {
    let Some(shared) = state.shared.upgrade() else {
        return;
    };
    let socket = Caller {
        shared: &shared,
        hub: &state.hub.name,
        namespace: &state.namespace,
        connection_id: &state.connection_id,
        socket_id: &state.socket_id,
        user_id: state.user_id.as_deref(),
        signature: &state.signature,
    };
    let ns = state.namespace.as_str();
    while let Some(item) = state.next() {
        match item {
            Item::Connected => {
                if let Some(Err(e)) =
                    Box::pin(socket.call(EventKind::Connected, None, CONNECTED_BODY.into())).await
                {
                    tracing::warn!(error = %e, "connected event not delivered");
                }
            }
            Item::Message(message) => {
                let Message {
                    packet,
                    event_name,
                    ack,
                    ack_id,
                } = *message;
                if state.closed.load(Ordering::Acquire) {
                    // The client is gone: nobody waits for this event any more.
                    state.pending.fetch_sub(1, Ordering::AcqRel);
                    continue;
                }
                let payload = Packet {
                    kind: PacketType::Event,
                    attachments: None,
                    namespace: ns,
                    id: ack_id.and_then(|id| u64::try_from(id).ok()),
                    data: &packet,
                }
                .encode();
                let reply =
                    Box::pin(socket.call(EventKind::Message, Some(&event_name), payload)).await;
                state.pending.fetch_sub(1, Ordering::AcqRel);
                let delivered = match reply.map(outcome) {
                    None | Some(Ok(None)) => true,
                    Some(Ok(Some(values))) => answer(ack, &values),
                    Some(Err(error)) => {
                        tracing::error!(socket = %state.socket_id, event = %Escaped(&event_name), error = %Escaped(&error), "user event failed");
                        error_ack(ack, error)
                    }
                };
                if !delivered && let Some(s) = shared.socket(&state.socket_id, ns) {
                    stalled(s);
                }
            }
            Item::Disconnected(reason) => {
                tracing::info!(socket = %state.socket_id, reason = %Escaped(reason), "socket disconnected");
                let body = DisconnectedBody {
                    reason: Some(reason.to_owned()),
                };
                if let Some(Err(e)) =
                    Box::pin(socket.call(EventKind::Disconnected, None, body.to_json())).await
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
    signature: &'a str,
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
                    signature: Some(self.signature),
                    body,
                })
                .await,
        )
    }
}

/// What the client's ack gets from the app's reply: ack values, nothing, or an error. A 404 means no
/// function handles the event: a Socket.IO server stays silent for an event nobody listens to, so the
/// client's ack callback times out, as on `connect` a 404 means "not subscribed". Other failures
/// (4xx, 5xx, the app down) are error acks.
fn outcome(reply: Result<UpstreamReply, UpstreamError>) -> Result<Option<Vec<Value>>, String> {
    let reply = reply.map_err(|e| e.to_string())?;
    match Packet::decode(&reply.body) {
        Ok(packet) if packet.kind == PacketType::Ack => serde_json::from_str(packet.data)
            .map(Some)
            .map_err(|e| format!("the app's ack is not a JSON array: {e}")),
        _ if (200..300).contains(&reply.status) || reply.status == 404 => Ok(None),
        _ => Err(format!("the app answered {}: {}", reply.status, reply.body)),
    }
}
