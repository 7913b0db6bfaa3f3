//! The Node `socket.io-client` against the emulator and these functions: negotiate, connect, emit with
//! ack, namespace broadcast, rooms with except, one socket, server-side disconnect, rejected connect,
//! expired token, a slow app.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use socketio_fn::extract::Parameters;
use socketio_fn::prelude::*;
use socketio_fn::protocol::token;
use std::time::Duration;

#[socketio_negotiation(hub = "e2e", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_trigger(hub = "e2e", event = "connect")]
async fn connect(request: SocketIoConnectRequest) -> SocketIoConnectResponse {
    if request.query_value("reject").is_some() {
        SocketIoConnectResponse::reject(axum::http::StatusCode::UNAUTHORIZED, "go away")
    } else {
        SocketIoConnectResponse::accept()
    }
}

#[socketio_trigger(hub = "e2e", event = "echo")]
async fn echo(args: Parameters, user: UserId) -> SocketIoMessageResponse {
    let mut values = args.0;
    values.push(serde_json::json!(user.0));
    SocketIoMessageResponse::from_values(values)
}

#[socketio_trigger(hub = "e2e", event = "broadcast")]
async fn broadcast(
    #[socketio_parameter] event: String,
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) {
    out.add(SocketIoAction::send_to_namespace(event, (text,)));
}

#[socketio_trigger(hub = "e2e", event = "join")]
async fn join(
    socket: SocketId,
    #[socketio_parameter] room: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::add_socket_to_room(socket.0, room));
    Ack((true,))
}

#[socketio_trigger(hub = "e2e", event = "leave")]
async fn leave(
    socket: SocketId,
    #[socketio_parameter] room: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::remove_socket_from_room(socket.0, room));
    Ack((true,))
}

#[socketio_trigger(hub = "e2e", event = "room say", parameter_names = ["rooms", "except", "text"])]
async fn room_say(
    rooms: Vec<String>,
    except: Vec<String>,
    text: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::send_to_rooms(rooms, "room msg", (text,)).except_rooms(except));
    Ack((true,))
}

#[socketio_trigger(hub = "e2e", event = "dm")]
async fn dm(
    #[socketio_parameter] to: String,
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::send_to_socket(to, "dm", (text,)));
    Ack((true,))
}

#[socketio_trigger(hub = "e2e", event = "kick")]
async fn kick(
    #[socketio_parameter] target: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::disconnect_sockets([target]));
    Ack((true,))
}

#[socketio_trigger(hub = "e2e", namespace = "/admin", event = "connect")]
async fn admin_connect(request: SocketIoConnectRequest) -> SocketIoConnectResponse {
    match request.claim("sub") {
        Some("admin") => SocketIoConnectResponse::accept(),
        _ => SocketIoConnectResponse::reject(axum::http::StatusCode::FORBIDDEN, "admins only"),
    }
}

#[socketio_trigger(hub = "e2e", namespace = "/admin", event = "echo")]
async fn admin_echo(
    ns: Namespace,
    #[socketio_parameter] value: serde_json::Value,
) -> Ack<(String, serde_json::Value)> {
    Ack((ns.0, value))
}

static SEQUENCE: std::sync::Mutex<Vec<i64>> = std::sync::Mutex::new(Vec::new());

/// Records the order in which one socket's events reach the app.
#[socketio_trigger(hub = "e2e", event = "seq")]
async fn seq(#[socketio_parameter] n: i64) {
    // A little work between events would reorder them if the emulator sent them concurrently.
    tokio::time::sleep(Duration::from_millis((n % 3) as u64)).await;
    SEQUENCE.lock().unwrap().push(n);
}

#[socketio_trigger(hub = "e2e", event = "seq report")]
async fn seq_report() -> Ack<(Vec<i64>,)> {
    Ack((std::mem::take(&mut *SEQUENCE.lock().unwrap()),))
}

#[socketio_trigger(hub = "e2e", event = "slow")]
async fn slow() -> Ack<(&'static str,)> {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ack(("too late",))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_socket_io_client() {
    clients_test(support::Stack::start(Duration::from_secs(1)).await).await;
}

/// The same clients and checks with the emulator calling the app's router in process, as the
/// embedded emulator of `socketio_fn::run()` does by default (its upstream URL is a closed port, so
/// nothing goes over HTTP; the slow app still times out, errors still reach clients).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_socket_io_client_in_process() {
    clients_test(support::Stack::start_in_process(Duration::from_secs(1)).await).await;
}

async fn clients_test(stack: support::Stack) {
    let aud = format!("{}/clients/socketio/hubs/e2e", stack.emulator.endpoint());
    let now = token::unix_now();
    let expired = token::sign(
        &token::TokenClaims::new(aud.clone(), now - 7200, 3600, Some("old".into())),
        stack.emulator.key(),
    )
    .unwrap();
    let wrong_hub = token::sign(
        &token::TokenClaims::new(
            format!("{}/clients/socketio/hubs/other", stack.emulator.endpoint()),
            now,
            3600,
            None,
        ),
        stack.emulator.key(),
    )
    .unwrap();
    support::node_test(
        "clients.test.mjs",
        &[
            ("APP_URL", stack.app_url.clone()),
            ("EXPIRED_TOKEN", expired),
            ("WRONG_HUB_TOKEN", wrong_hub),
        ],
        Duration::from_secs(120),
    )
    .await;
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn function_app_down() {
    // An emulator whose app is not listening: connecting clients get a clear connect_error.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = socketio_fn_emulator::Emulator::start(socketio_fn_emulator::EmulatorConfig {
        upstream: Some(format!("http://127.0.0.1:{port}/runtime/webhooks/socketio")),
        ..Default::default()
    })
    .await
    .unwrap();
    let aud = format!("{}/clients/socketio/hubs/e2e", emulator.endpoint());
    let token = token::sign(
        &token::TokenClaims::new(aud, token::unix_now(), 3600, None),
        emulator.key(),
    )
    .unwrap();
    support::node_test(
        "app-down.test.mjs",
        &[
            ("ENDPOINT", emulator.endpoint().to_owned()),
            ("TOKEN", token),
        ],
        Duration::from_secs(60),
    )
    .await;
    emulator.stop().await;
}
