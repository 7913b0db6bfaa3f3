//! The chat sample of Web PubSub for Socket.IO's serverless docs, as socketio-fn functions.
//!
//! `cargo run -p chat` serves the functions on `http://127.0.0.1:7071/runtime/webhooks/socketio`.

use socketio_fn::prelude::*;

/// Every socket may connect; the user id (from the token's `sub`) is logged.
#[socketio_trigger(hub = "hub", event = "connect")]
async fn connect(request: SocketIoConnectRequest, user: UserId) -> SocketIoConnectResponse {
    tracing::info!(socket = %request.socket_id, user = ?user.0, "connecting");
    SocketIoConnectResponse::accept()
}

/// Logs connected sockets.
#[socketio_trigger(hub = "hub", event = "connected")]
async fn connected(request: SocketIoConnectedRequest) {
    tracing::info!(socket = %request.socket_id, "connected");
}

/// Logs disconnected sockets with the reason.
#[socketio_trigger(hub = "hub", event = "disconnected")]
async fn disconnected(request: SocketIoDisconnectedRequest) {
    tracing::info!(socket = %request.socket_id, reason = ?request.reason, "disconnected");
}

/// A client emitted `new message` with a text: log it and, when the client asked for an ack, answer with
/// the sender and the text.
#[socketio_trigger(hub = "hub", event = "new message")]
async fn new_message(
    socket: SocketId,
    #[socketio_parameter] message: String,
) -> Ack<(String, String)> {
    tracing::info!(socket = %socket.0, %message, "new message");
    Ack((socket.0, message))
}

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    socketio_fn::run().await
}
