//! 1,000 concurrent Node socket.io clients through the emulator and the functions: every ack and every
//! broadcast delivery is counted (method and figures in `benches/README.md`).
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use socketio_fn::extract::Parameters;
use socketio_fn::prelude::*;
use std::time::Duration;

#[socketio_negotiation(hub = "load")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_trigger(hub = "load", event = "echo")]
async fn echo(args: Parameters) -> SocketIoMessageResponse {
    SocketIoMessageResponse::from_values(args.0)
}

#[socketio_trigger(hub = "load", event = "broadcast")]
async fn broadcast(
    #[socketio_parameter] event: String,
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) {
    out.add(SocketIoAction::send_to_namespace(event, (text,)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_clients() {
    let stack = support::Stack::start(Duration::from_secs(30)).await;
    let clients = std::env::var("LOAD_CLIENTS").unwrap_or_else(|_| "1000".into());
    support::node_test(
        "load.test.mjs",
        &[("APP_URL", stack.app_url.clone()), ("CLIENTS", clients)],
        Duration::from_secs(240),
    )
    .await;
    stack.stop().await;
}
