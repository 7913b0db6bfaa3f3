//! The socketio-fn side of the emulator benchmark: an app as the README writes it, started with
//! `socketio_fn::run()` and no connection string, so the embedded emulator holds the clients. The
//! same events as `node-server.mjs`: `echo` acks its arguments, `broadcast` sends `news` with its text
//! to every socket of the namespace.

use socketio_fn::extract::Parameters;
use socketio_fn::prelude::*;

/// Hands a client its URL and token: `GET /api/negotiate`.
#[socketio_negotiation(hub = "bench")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// Acks the event's arguments.
#[socketio_trigger(hub = "bench", event = "echo")]
async fn echo(args: Parameters) -> SocketIoMessageResponse {
    SocketIoMessageResponse::from_values(args.0)
}

/// Sends `news` with the text to the namespace.
#[socketio_trigger(hub = "bench", event = "broadcast")]
async fn broadcast(#[socketio_parameter] text: String, #[socketio_output] out: Actions) {
    out.add(SocketIoAction::send_to_namespace("news", (text,)));
}

#[cfg(feature = "dhat-heap")]
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    // Written to dhat-heap.json when `run()` returns (after SIGTERM).
    #[cfg(feature = "dhat-heap")]
    let _profiler = dhat::Profiler::new_heap();
    socketio_fn::run().await
}
