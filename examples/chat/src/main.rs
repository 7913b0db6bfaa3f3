//! The chat sample of Web PubSub for Socket.IO's serverless docs, as socketio-fn functions, with a chat
//! page.
//!
//! `cargo run -p chat`, then open <http://127.0.0.1:7071/> in two browser tabs. Without a connection
//! string the local emulator of the service runs in-process; with `WebPubSubForSocketIOConnectionString`
//! set the same binary uses that service.

use axum::response::{Html, IntoResponse};
use axum::routing::get;
use socketio_fn::prelude::*;

/// Hands a browser its service endpoint and token; `?userId=` becomes the connection's user id.
#[socketio_negotiation(hub = "hub", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

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

/// A client emitted `new message` with a text: every client of the namespace receives `new message`
/// with the sender and the text, and a client that asked for an ack gets `"ok"`.
#[socketio_trigger(hub = "hub", event = "new message")]
async fn new_message(
    socket: SocketId,
    user: UserId,
    #[socketio_parameter] message: String,
    #[socketio_output(hub = "hub")] out: Actions,
) -> Ack<(&'static str,)> {
    let from = user.0.unwrap_or(socket.0);
    tracing::info!(%from, %message, "new message");
    out.add(SocketIoAction::send_to_namespace(
        "new message",
        (from, message),
    ));
    Ack(("ok",))
}

async fn page() -> Html<&'static str> {
    Html(include_str!("../static/index.html"))
}

async fn client_library() -> impl IntoResponse {
    (
        [("content-type", "application/javascript; charset=utf-8")],
        include_str!("../static/socket.io.min.js"),
    )
}

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    let settings = socketio_fn::Settings::load()?;
    let address = socketio_fn::app::listen_address(&settings)?;
    #[allow(clippy::print_stdout)]
    {
        println!("chat page: http://{address}/?user=alice (open a second tab with ?user=bob)");
    }
    socketio_fn::run_with(|app| {
        app.routes(
            axum::Router::new()
                .route("/", get(page))
                .route("/socket.io.min.js", get(client_library)),
        )
    })
    .await
}
