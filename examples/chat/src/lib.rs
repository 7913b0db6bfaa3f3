//! The chat sample of Web PubSub for Socket.IO's serverless docs, as socketio-fn functions, with a chat
//! page, rooms, a message counter shared with an HTTP route, an HTTP route that sends to a room, and
//! the server API beyond the reference: who is in a room, direct messages to every tab of a user, and
//! a question a room answers with acks.
//!
//! The functions, events and routes are this library ([`app`] adds the routes and state to a
//! builder), so that tests serve them with `socketio_fn::testing`; `src/main.rs` runs them.

use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use socketio_fn::AppBuilder;
use socketio_fn::extract;
use socketio_fn::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Messages relayed since the app started, shared by the `new message` function and `GET /api/stats`.
#[derive(Clone, Default)]
pub struct MessageCount(Arc<AtomicU64>);

/// Every tab gets each chat line: who wrote it, and the text
/// (`socket.on("new message", (from, text) => ...)`).
#[socketio_event(name = "new message")]
struct NewMessage(String, String);

/// A direct message, to every tab of one user: who wrote it, and the text.
#[socketio_event(name = "dm")]
struct DirectMessage(String, String);

/// Every ten minutes, to every socket: when the next one comes (RFC 3339, UTC).
#[socketio_event(name = "clock")]
struct Clock(String);

/// A question for the sockets of a room; each answers with a text.
#[socketio_event(name = "question", answer = String)]
struct Question(String);

/// Hands a browser its service endpoint and token; `?userId=` becomes the connection's user id.
#[socketio_negotiation(hub = "hub", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// The longest user id the chat takes.
pub const MAX_USER_ID: usize = 64;

/// Every socket may connect but one whose user id (from the token's `sub`) is longer than
/// [`MAX_USER_ID`] characters (refused with 400); the user id is logged.
#[socketio_trigger(hub = "hub", event = "connect")]
async fn connect(request: SocketIoConnectRequest, user: UserId) -> SocketIoConnectResponse {
    // A value a client chose is logged as a string field: quoted, with its quotes and control
    // characters escaped, so it cannot forge another field or line (JSON logs get a JSON string).
    tracing::info!(socket = %request.socket_id, user = user.0.as_deref().unwrap_or("-"), "connecting");
    match user.0 {
        Some(id) if id.chars().count() > MAX_USER_ID => SocketIoConnectResponse::reject(
            axum::http::StatusCode::BAD_REQUEST,
            format!("a user id has at most {MAX_USER_ID} characters"),
        ),
        _ => SocketIoConnectResponse::accept(),
    }
}

/// Every ten minutes (UTC), `clock` to every socket with the time of the next one: a timer the app
/// runs itself under `cargo run`, and the Functions host runs as a `timerTrigger` in bindings mode.
#[socketio_timer(schedule = "0 */10 * * * *", hub = "hub")]
async fn clock(info: TimerInfo, #[socketio_output] out: Actions) {
    let next = info.schedule_status.map(|s| s.next).unwrap_or_default();
    out.add(Clock(next).to_namespace());
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
    count: extract::State<MessageCount>,
    #[socketio_parameter] message: String,
    #[socketio_output(hub = "hub")] out: Actions,
) -> Ack<(&'static str,)> {
    count.0.0.fetch_add(1, Ordering::Relaxed);
    let from = user.0.unwrap_or(socket.0);
    // What a client sent is logged as string fields (quoted and escaped): neither a newline nor a
    // quote in it can forge a log line or a field. (Not as `message`: tracing writes a field of that
    // name as the line's text, unquoted.)
    tracing::info!(from = from.as_str(), text = message.as_str(), "new message");
    out.add(NewMessage(from, message).to_namespace());
    Ack(("ok",))
}

/// A client emitted `join` with a room name: its socket joins the room (acked with `true`).
#[socketio_trigger(hub = "hub", event = "join")]
async fn join(
    socket: SocketId,
    #[socketio_parameter] room: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::add_socket_to_room(socket.0, room));
    Ack((true,))
}

/// A client emitted `who` with a room: the ack lists its members' user ids (presence), from the
/// service's listing of the room.
#[socketio_trigger(hub = "hub", event = "who")]
async fn who(
    hub: ServiceHandle,
    #[socketio_parameter] room: String,
) -> Result<Ack<(Vec<String>,)>, String> {
    let members = hub.room_members(&room).await.map_err(|e| e.to_string())?;
    let mut users: Vec<String> = members
        .into_iter()
        .map(|m| m.user_id.unwrap_or(m.connection_id))
        .collect();
    users.sort();
    Ok(Ack((users,)))
}

/// A client emitted `dm` with a user id and a text: every tab of that user receives `dm` with the
/// sender and the text.
#[socketio_trigger(hub = "hub", event = "dm", parameter_names = ["to", "text"])]
async fn direct_message(
    socket: SocketId,
    user: UserId,
    to: String,
    text: String,
    #[socketio_output] out: Actions,
) -> Ack<(&'static str,)> {
    let from = user.0.unwrap_or(socket.0);
    out.add(DirectMessage(from, text).to_user(to));
    Ack(("ok",))
}

/// A client emitted `ask` with a room and a question: every socket of the room gets `question`, and
/// the asker's ack has the answers that came back within two seconds.
#[socketio_trigger(hub = "hub", event = "ask", parameter_names = ["room", "question"])]
async fn ask(
    hub: ServiceHandle,
    room: String,
    question: String,
) -> Result<Ack<(Vec<String>,)>, String> {
    let answers = hub
        .emit_with_ack(
            Question(question).to_rooms([room]),
            std::time::Duration::from_secs(2),
        )
        .await
        .map_err(|e| e.to_string())?;
    // Each answer as the event declares it (a text); one that is not is that socket's error alone.
    Ok(Ack((answers.into_iter().filter_map(Result::ok).collect(),)))
}

/// `POST /api/broadcast` with `{"room": "...", "text": "..."}`: an HTTP route (not a function) sends
/// `new message` from `server` to the sockets of one room, through a service handle. An example: put
/// your own authentication in front of such a route.
async fn broadcast(
    State(hub): State<ServiceHandle>,
    axum::Json(body): axum::Json<serde_json::Value>,
) -> impl IntoResponse {
    let (Some(room), Some(text)) = (body["room"].as_str(), body["text"].as_str()) else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            "expected {\"room\": ..., \"text\": ...}".to_owned(),
        );
    };
    let line = NewMessage("server".to_owned(), text.to_owned()).to_rooms([room]);
    match hub.send(line).await {
        Ok(()) => (axum::http::StatusCode::ACCEPTED, String::new()),
        Err(e) => (axum::http::StatusCode::BAD_GATEWAY, e.to_string()),
    }
}

/// `GET /api/stats`: the count the `new message` function keeps.
async fn stats(State(count): State<MessageCount>) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "messages": count.0.load(Ordering::Relaxed) }))
}

async fn page() -> Html<&'static str> {
    Html(include_str!("../static/index.html"))
}

/// A script of the page, as JavaScript.
fn script(source: &'static str) -> impl IntoResponse {
    (
        [("content-type", "application/javascript; charset=utf-8")],
        source,
    )
}

async fn client_library() -> impl IntoResponse {
    script(include_str!("../static/socket.io.min.js"))
}

/// The page's client, typed from the committed contract (`static/events.ts`).
async fn chat_script() -> impl IntoResponse {
    script(include_str!("../static/chat.js"))
}

/// The chat's routes (the page, its scripts, `POST /api/broadcast`, `GET /api/stats`) and shared
/// state on `builder`, which has the functions.
pub fn app(mut builder: AppBuilder) -> AppBuilder {
    let count = MessageCount::default();
    let hub = builder.service("hub");
    builder.state(count.clone()).routes(
        axum::Router::new()
            .route("/", get(page))
            .route("/socket.io.min.js", get(client_library))
            .route("/chat.js", get(chat_script))
            .route("/api/broadcast", post(broadcast).with_state(hub))
            .route("/api/stats", get(stats).with_state(count)),
    )
}
