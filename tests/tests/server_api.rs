//! The Socket.IO server API over the service, end to end: functions here send the new actions and
//! ask the new queries; real `socket.io-client` sockets (`tests/e2e/server-api.test.mjs`) check what
//! arrives through the emulator: a user's tabs, broadcasts from a socket, user and bulk room moves,
//! room members, existence checks, an emit with acks where one socket never answers, the function's
//! namespace as the default, TTLs and closing connections.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use serde_json::{Value, json};
use socketio_fn::prelude::*;
use std::time::Duration;

#[socketio_negotiation(hub = "api", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_trigger(hub = "api", event = "dm", parameter_names = ["to", "text"])]
async fn dm(to: String, text: String, user: UserId, #[socketio_output] out: Actions) -> Ack<bool> {
    out.add(SocketIoAction::send_to_user(to, "dm", (user.0, text)));
    Ack(true)
}

#[socketio_trigger(hub = "api", event = "shout")]
async fn shout(
    socket: SocketId,
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) -> Ack<bool> {
    out.add(SocketIoAction::broadcast_from(socket.0, "shout", (text,)));
    Ack(true)
}

#[socketio_trigger(hub = "api", event = "join")]
async fn join(
    socket: SocketId,
    #[socketio_parameter] room: String,
    #[socketio_output] out: Actions,
) -> Ack<bool> {
    out.add(SocketIoAction::add_socket_to_room(socket.0, room));
    Ack(true)
}

#[socketio_trigger(hub = "api", event = "user room", parameter_names = ["op", "user", "room"])]
async fn user_room(
    op: String,
    user: String,
    room: Option<String>,
    #[socketio_output] out: Actions,
) -> Ack<bool> {
    let room = room.unwrap_or_default();
    out.add(match op.as_str() {
        "add" => SocketIoAction::add_user_to_room(user, room),
        "remove" => SocketIoAction::remove_user_from_room(user, room),
        _ => SocketIoAction::remove_user_from_all_rooms(user),
    });
    Ack(true)
}

#[socketio_trigger(hub = "api", event = "move", parameter_names = ["op", "from", "room"])]
async fn move_rooms(
    op: String,
    from: Vec<String>,
    room: String,
    #[socketio_output] out: Actions,
) -> Ack<bool> {
    out.add(if op == "join" {
        SocketIoAction::sockets_join(from, room)
    } else {
        SocketIoAction::sockets_leave(from, room)
    });
    Ack(true)
}

#[socketio_trigger(hub = "api", event = "room say", parameter_names = ["room", "text"])]
async fn room_say(room: String, text: String, #[socketio_output] out: Actions) -> Ack<bool> {
    out.add(SocketIoAction::send_to_rooms([room], "room msg", (text,)));
    Ack(true)
}

/// Who is in a room: `[[connectionId, userId], ...]`, sorted.
#[socketio_trigger(hub = "api", event = "who")]
async fn who(
    hub: ServiceHandle,
    #[socketio_parameter] room: String,
) -> Result<Ack<(Vec<Value>,)>, String> {
    let mut members = hub.room_members(&room).await.map_err(|e| e.to_string())?;
    members.sort_by(|a, b| a.connection_id.cmp(&b.connection_id));
    Ok(Ack((members
        .into_iter()
        .map(|m| json!([m.connection_id, m.user_id]))
        .collect(),)))
}

#[socketio_trigger(hub = "api", event = "exists", parameter_names = ["what", "id"])]
async fn exists(hub: ServiceHandle, what: String, id: String) -> Result<Ack<bool>, String> {
    let found = match what.as_str() {
        "socket" => hub.socket_exists(&id).await,
        "room" => hub.room_exists(&id).await,
        _ => hub.user_exists(&id).await,
    };
    found.map(Ack).map_err(|e| e.to_string())
}

/// Asks a room a question and acks with every answer that came within `ms`.
#[socketio_trigger(hub = "api", event = "poll", parameter_names = ["room", "ms"])]
async fn poll(
    hub: ServiceHandle,
    room: String,
    ms: u64,
) -> Result<Ack<(Vec<Vec<Value>>,)>, String> {
    let question = SocketIoAction::send_to_rooms([room], "question", ("ready?",));
    let answers = hub
        .emit_with_ack(question, Duration::from_millis(ms))
        .await
        .map_err(|e| e.to_string())?;
    Ok(Ack((answers,)))
}

/// A typed question: each socket answers whether it is ready, and a number of its choosing.
#[socketio_event(name = "typed question", answer = (bool, u64))]
struct TypedQuestion(String);

/// Asks a room the typed question; acks with the typed answers and the per-socket errors.
#[socketio_trigger(hub = "api", event = "typed poll", parameter_names = ["room", "ms"])]
async fn typed_poll(
    hub: ServiceHandle,
    room: String,
    ms: u64,
) -> Result<Ack<((Vec<(bool, u64)>, Vec<String>),)>, String> {
    let question = TypedQuestion("ready?".into()).to_rooms([room]);
    let answers = hub
        .emit_with_ack(question, Duration::from_millis(ms))
        .await
        .map_err(|e| e.to_string())?;
    let (mut typed, mut errors) = (Vec::new(), Vec::new());
    for answer in answers {
        match answer {
            Ok(answer) => typed.push(answer),
            Err(e) => errors.push(e.to_string()),
        }
    }
    // One ack argument (socket.io-client's `emitWithAck` resolves with the first).
    Ok(Ack(((typed, errors),)))
}

/// Asks a room the typed question as a stream; acks with each answer and when it arrived (ms after
/// the emit), in arrival order, and when the stream ended.
#[socketio_trigger(hub = "api", event = "typed stream", parameter_names = ["room", "ms"])]
async fn typed_stream(
    hub: ServiceHandle,
    room: String,
    ms: u64,
) -> Result<Ack<((Vec<(bool, u64, u64)>, u64),)>, String> {
    let started = std::time::Instant::now();
    let elapsed = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let question = TypedQuestion("ready?".into()).to_rooms([room]);
    let mut answers = hub
        .emit_with_ack_stream(question, Duration::from_millis(ms))
        .await
        .map_err(|e| e.to_string())?;
    let mut arrived = Vec::new();
    while let Some(answer) = answers.next().await {
        let (ready, n) = answer
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        arrived.push((ready, n, elapsed()));
    }
    Ok(Ack(((arrived, elapsed()),)))
}

#[socketio_trigger(hub = "api", event = "ttl")]
async fn ttl(
    socket: SocketId,
    #[socketio_parameter] seconds: u64,
    #[socketio_output] out: Actions,
) -> Ack<bool> {
    out.add(
        SocketIoAction::send_to_socket(socket.0, "ttl ok", ())
            .with_ttl(Duration::from_secs(seconds)),
    );
    Ack(true)
}

#[socketio_trigger(hub = "api", event = "close", parameter_names = ["what", "id", "reason"])]
async fn close(
    context: ConnectionContext,
    what: String,
    id: String,
    reason: String,
    #[socketio_output] out: Actions,
) -> Ack<bool> {
    out.add(match what.as_str() {
        "user" => SocketIoAction::close_connections_of_user(id, reason),
        "room" => SocketIoAction::close_connections_in_room(id, reason),
        _ => SocketIoAction::close_connection(context.connection_id(), reason),
    });
    Ack(true)
}

/// Greets every socket from `connected` (the first thing a chat or lobby does).
#[socketio_trigger(hub = "api", event = "connected")]
async fn welcome(socket: SocketId, #[socketio_output] out: Actions) {
    out.add(SocketIoAction::send_to_socket(
        socket.0.clone(),
        "welcome",
        (socket.0,),
    ));
}

/// On `/second`, actions without a namespace go to `/second`.
#[socketio_trigger(hub = "api", namespace = "/second", event = "hello")]
async fn second_hello(#[socketio_output] out: Actions) -> Ack<bool> {
    out.add(SocketIoAction::send_to_namespace("second hello", ()));
    Ack(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_api_through_the_emulator() {
    let stack = support::Stack::start(Duration::from_secs(5)).await;
    support::node_test(
        "server-api.test.mjs",
        &[("APP_URL", stack.app_url.clone())],
        Duration::from_secs(120),
    )
    .await;
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulators_heartbeat_and_namespaces_can_be_set() {
    let stack = support::Stack::start_with(socketio_fn_emulator::EmulatorConfig {
        ping_interval: Duration::from_millis(200),
        ping_timeout: Duration::from_millis(1000),
        namespaces: Some(vec!["/".into(), "/second".into()]),
        ..socketio_fn_emulator::EmulatorConfig::default()
    })
    .await;
    support::node_test(
        "emulator-settings.test.mjs",
        &[("APP_URL", stack.app_url.clone())],
        Duration::from_secs(60),
    )
    .await;
    stack.stop().await;
}
