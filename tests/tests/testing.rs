//! The test kit (`socketio_fn::testing`): an app's functions with their state served in process with
//! the emulator, and clients: acks and events typed, a refused connect with its reason, rooms,
//! namespaces, and a bounded wait that says what it saw.
#![allow(clippy::unwrap_used, missing_docs)]

use socketio_fn::App;
use socketio_fn::extract::State;
use socketio_fn::prelude::*;
use socketio_fn::testing::{ClientError, TestApp};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Clone, Default)]
struct Count(Arc<AtomicUsize>);

#[socketio_event(name = "said")]
#[derive(Debug, serde::Deserialize, PartialEq)]
struct Said(String, String, usize);

#[socketio_trigger(hub = "kit", event = "connect")]
async fn connect(request: SocketIoConnectRequest) -> SocketIoConnectResponse {
    match request.query_value("team") {
        Some(_) => SocketIoConnectResponse::accept(),
        None => SocketIoConnectResponse::unauthorized("pick a team"),
    }
}

#[socketio_trigger(hub = "kit", event = "say")]
async fn say(
    user: UserId,
    count: State<Count>,
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) -> Ack<(String, usize)> {
    let n = count.0.0.fetch_add(1, Ordering::SeqCst) + 1;
    let from = user.0.unwrap_or_default();
    out.add(Said(from.clone(), text.clone(), n).to_namespace());
    Ack((format!("{from} said {text}"), n))
}

#[socketio_trigger(hub = "kit", event = "join")]
async fn join(
    socket: SocketId,
    #[socketio_parameter] room: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(SocketIoAction::add_socket_to_room(socket.0, room));
    Ack((true,))
}

#[socketio_trigger(hub = "kit", event = "shout")]
async fn shout(
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) -> Ack<(bool,)> {
    out.add(Said("room".into(), text, 0).to_rooms(["lobby"]));
    Ack((true,))
}

#[socketio_trigger(hub = "kit", namespace = "/side", event = "ping")]
async fn ping() -> Ack<(&'static str,)> {
    Ack(("pong",))
}

async fn app() -> TestApp {
    TestApp::start(
        App::builder()
            .registered_functions()
            .state(Count::default()),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn acks_and_events_come_typed() {
    let app = app().await;
    let alice = app
        .client()
        .user("alice")
        .query("team", "red")
        .connect()
        .await
        .unwrap();
    let bob = app
        .client()
        .user("bob")
        .query("team", "blue")
        .connect()
        .await
        .unwrap();
    let (text, n): (String, usize) = alice.emit_with_ack("say", ("hi",)).await.unwrap();
    assert_eq!((text.as_str(), n), ("alice said hi", 1));
    let (from, text, n): (String, String, usize) = alice.next_event("said").await.unwrap();
    assert_eq!((from.as_str(), text.as_str(), n), ("alice", "hi", 1));
    // The declared event, typed.
    assert_eq!(
        bob.next::<Said>().await.unwrap(),
        Said("alice".into(), "hi".into(), 1)
    );
    // A wrong type is an error naming the values.
    let wrong: Result<(bool,), _> = bob.emit_with_ack("say", ("again",)).await;
    assert!(
        matches!(wrong, Err(ClientError::Values { .. })),
        "{wrong:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_refused_connect_carries_the_reason() {
    let app = app().await;
    let refused = app.client().user("eve").connect().await.unwrap_err();
    assert!(
        matches!(&refused, ClientError::Refused(reason) if reason.contains("pick a team")),
        "{refused}"
    );
}

#[tokio::test]
async fn a_client_builder_does_not_show_its_auth_payload() {
    let app = app().await;
    let builder = app
        .client()
        .user("ann")
        .auth(serde_json::json!({ "token": "s3cret-t0ken" }));
    let shown = format!("{builder:?}");
    assert!(!shown.contains("s3cret-t0ken"), "{shown}");
    assert!(
        shown.contains("<redacted>") && shown.contains("ann"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_wait_is_bounded_and_says_what_it_saw() {
    let app = app().await;
    let alice = app
        .client()
        .user("alice")
        .query("team", "red")
        .timeout(Duration::from_millis(500))
        .connect()
        .await
        .unwrap();
    let _: (String, usize) = alice.emit_with_ack("say", ("hi",)).await.unwrap();
    let missing = alice.next_event::<(String,)>("never").await.unwrap_err();
    assert!(
        matches!(&missing, ClientError::Timeout { seen, .. } if seen == &["said"]),
        "{missing}"
    );
}

#[tokio::test]
async fn rooms_and_namespaces() {
    let app = app().await;
    let client = |user: &'static str| {
        app.client()
            .user(user)
            .query("team", "red")
            .timeout(Duration::from_millis(800))
            .connect()
    };
    let (alice, bob) = (client("alice").await.unwrap(), client("bob").await.unwrap());
    let (joined,): (bool,) = alice.emit_with_ack("join", ("lobby",)).await.unwrap();
    assert!(joined);
    let _: (bool,) = bob.emit_with_ack("shout", ("to the lobby",)).await.unwrap();
    let (from, text, _): (String, String, usize) = alice.next_event("said").await.unwrap();
    assert_eq!((from.as_str(), text.as_str()), ("room", "to the lobby"));
    assert!(matches!(
        bob.next_event::<(String, String, usize)>("said").await,
        Err(ClientError::Timeout { .. })
    ));
    // Another namespace of the same hub.
    let side = app
        .client()
        .namespace("/side")
        .query("team", "red")
        .connect()
        .await
        .unwrap();
    let (pong,): (String,) = side.emit_with_ack("ping", ()).await.unwrap();
    assert_eq!(pong, "pong");
}
