//! The seed's timer output sample (Python: a `timer_trigger` with a `socketio` output binding) in Rust:
//! every second, `sendToNamespace` `update` on hub `hub`. There is no timer trigger to declare: a task
//! sends through a [`socketio_fn::ServiceHandle`] from the app builder, with the same REST client and
//! retries as output bindings.
//!
//! `cargo run -p timer`, then connect a Socket.IO client with a token from `GET /api/negotiate`.

use socketio_fn::prelude::*;
use std::time::Duration;

/// Clients get their token here.
#[socketio_negotiation(hub = "hub")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// Every second, `update` with one argument to every socket of the namespace `/`.
async fn every_second(hub: ServiceHandle) {
    let mut timer = tokio::time::interval(Duration::from_secs(1));
    loop {
        timer.tick().await;
        let update = SocketIoAction::send_to_namespace("update", ("message",));
        if let Err(e) = hub.send(update).await {
            tracing::warn!(error = %e, "update not sent");
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    socketio_fn::run_with(|mut app| {
        // The handle sends once the app is built; the task waits for that.
        tokio::spawn(every_second(app.service("hub")));
        app
    })
    .await
}
