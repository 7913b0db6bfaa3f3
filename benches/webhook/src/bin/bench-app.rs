//! The benchmarked app, written as the README shows: one `#[socketio_trigger]` function binding an
//! event argument and acking, served by `socketio_fn::run()`. Settings come from the environment
//! (`WebPubSubForSocketIOConnectionString`, `SOCKETIO_FN_ADDR`, `RUST_LOG`), as for any app.

use socketio_fn::prelude::*;

/// Acks every `chat` message in `/ns`.
#[socketio_trigger(hub = "hub", namespace = "/ns", event = "chat")]
async fn chat(#[socketio_parameter] text: String) -> Ack<(&'static str, usize)> {
    Ack(("ok", text.len() - 1))
}

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    socketio_fn::run().await
}
