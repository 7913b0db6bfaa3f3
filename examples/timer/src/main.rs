//! The seed's timer output sample (Python: a `timer_trigger` with a `socketio` output binding) in Rust:
//! every second, `sendToNamespace` `update` with one argument on hub `hub`, from a `#[socketio_timer]`
//! function with a `#[socketio_output]`. Under `cargo run` the app's scheduler runs it; packaged with
//! `cargo socketio-fn functions --bindings`, the Functions host's `timerTrigger` does.
//!
//! `cargo run -p timer`, then connect a Socket.IO client with a token from `GET /api/negotiate`.

use socketio_fn::prelude::*;

/// Clients get their token here.
#[socketio_negotiation(hub = "hub")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// Every second (NCRONTAB with seconds, as the Python sample's schedule), `update` with one argument
/// to every socket of the namespace `/`. A failed send fails the run (logged); the next one tries
/// again.
#[socketio_timer(schedule = "* * * * * *", hub = "hub")]
async fn update(#[socketio_output] out: Actions) {
    out.add(SocketIoAction::send_to_namespace("update", ("message",)));
}

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    socketio_fn::run().await
}
