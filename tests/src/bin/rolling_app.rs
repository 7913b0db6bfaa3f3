//! The app of the rolling-restart test (`tests/tests/rolling_restart.rs`): a README-level app run as
//! several instances behind one emulator. Each reply and output names the instance (`INSTANCE`). The
//! local-mode shutdown test (`tests/tests/local_shutdown.rs`) runs it with its embedded emulator.
#![allow(missing_docs)]

use socketio_fn::prelude::*;

/// The instance's name, from `INSTANCE`.
fn instance() -> String {
    std::env::var("INSTANCE").unwrap_or_default()
}

#[socketio_negotiation(hub = "roll")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// Every socket may connect (the call goes to the app, so connects are part of the load).
#[socketio_trigger(hub = "roll", event = "connect")]
async fn connect() -> SocketIoConnectResponse {
    SocketIoConnectResponse::accept()
}

/// `work` with an id: the socket is sent `seen` with the id (an output action, so a call run twice
/// would show as two), and the ack is `[id, instance]`.
#[socketio_trigger(hub = "roll", event = "work")]
async fn work(
    socket: SocketId,
    #[socketio_parameter] id: u64,
    #[socketio_output] out: Actions,
) -> Ack<((u64, String),)> {
    out.add(SocketIoAction::send_to_socket(socket.0, "seen", (id,)));
    Ack(((id, instance()),))
}

/// `slow` with an id: writes the id to `STARTED_FILE` (when set), waits `SLOW_MS` (default 1000), then
/// sends the socket `seen` with the id and acks it: an invocation that is in flight for a while.
#[socketio_trigger(hub = "roll", event = "slow")]
async fn slow(
    socket: SocketId,
    #[socketio_parameter] id: u64,
    #[socketio_output] out: Actions,
) -> Ack<(u64,)> {
    if let Ok(path) = std::env::var("STARTED_FILE") {
        let _ = std::fs::write(path, id.to_string());
    }
    let ms = std::env::var("SLOW_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    out.add(SocketIoAction::send_to_socket(socket.0, "seen", (id,)));
    Ack((id,))
}

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    socketio_fn::run().await
}
