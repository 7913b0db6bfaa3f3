//! Binding expressions like the reference's: `%Setting%` in hub, namespace and event; `user_id`
//! templates mixing literals, request values and settings; shared state in triggers and negotiation.
use socketio_fn::extract::State;
use socketio_fn::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Default)]
struct Counter(Arc<AtomicU64>);

#[socketio_negotiation(hub = "%Hub%", user_id = "user-{query.id}@{headers.x-tenant}-%Region%")]
async fn negotiate(
    result: SocketIoNegotiationResult,
    counter: State<Counter>,
) -> SocketIoNegotiationResult {
    counter.0.0.fetch_add(1, Ordering::Relaxed);
    result
}

#[socketio_trigger(hub = "%Hub%", namespace = "%Namespace%", event = "%EventName%")]
async fn configured(#[socketio_parameter] value: u32, counter: State<Counter>) -> Ack<(u64,)> {
    Ack((counter.0.0.fetch_add(u64::from(value), Ordering::Relaxed),))
}

fn main() {}
