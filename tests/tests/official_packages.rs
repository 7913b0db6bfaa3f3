//! The emulator judged by Microsoft's own Node packages, which no one here wrote: `@azure/web-pubsub`
//! (the REST SDK) drives it while real `socket.io-client`s watch, and `@azure/web-pubsub-express` (the
//! upstream handler) is its function app.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use socketio_fn::prelude::*;
use socketio_fn_emulator::{Emulator, EmulatorConfig};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Claims each socket connected with, by socket id.
static CLAIMS: Mutex<Option<HashMap<String, socketio_fn::protocol::cloud_events::MultiMap>>> =
    Mutex::new(None);

#[socketio_trigger(hub = "sdk", event = "connect")]
async fn connect(request: SocketIoConnectRequest) -> SocketIoConnectResponse {
    CLAIMS
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .insert(request.socket_id.clone(), request.claims.clone());
    SocketIoConnectResponse::accept()
}

/// Acks the socket's user id and the `role` claims of its token.
#[socketio_trigger(hub = "sdk", event = "whoami")]
async fn whoami(socket: SocketId, user: UserId) -> Ack<(Option<String>, Vec<String>)> {
    let roles = CLAIMS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|c| c.get(&socket.0))
        .and_then(|claims| claims.get("role").cloned())
        .unwrap_or_default();
    Ack((user.0, roles))
}

#[socketio_trigger(hub = "sdk", event = "join")]
async fn join(
    socket: SocketId,
    #[socketio_parameter] room: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::add_socket_to_room(socket.0, room));
    Ack((true,))
}

/// Disconnects the calling socket and closes its connection (every namespace of it).
#[socketio_trigger(hub = "sdk", event = "close me")]
async fn close_me(socket: SocketId, #[socketio_output] out: Actions) {
    out.add(SocketIoAction::disconnect_sockets([socket.0]).close_underlying_connection(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_sdk_drives_the_emulator() {
    let stack = support::Stack::start(Duration::from_secs(30)).await;
    support::node_test(
        "webpubsub-sdk.test.mjs",
        &[
            ("CONNECTION_STRING", stack.emulator.connection_string()),
            ("APP_URL", stack.app_url.clone()),
        ],
        Duration::from_secs(120),
    )
    .await;
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_express_handler_is_the_emulators_function_app() {
    let port = support::free_port();
    let emulator = Emulator::start(EmulatorConfig {
        upstream: Some(format!("http://127.0.0.1:{port}/api/webpubsub/hubs/expr/")),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    support::node_test(
        "webpubsub-express.test.mjs",
        &[
            ("CONNECTION_STRING", emulator.connection_string()),
            ("EXPRESS_PORT", port.to_string()),
        ],
        Duration::from_secs(120),
    )
    .await;
    emulator.stop().await;
}
