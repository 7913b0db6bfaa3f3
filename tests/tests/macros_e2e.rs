//! Annotated functions end to end: a signed upstream request in, typed arguments received, reply bytes out.
#![allow(clippy::unwrap_used, missing_docs)]

use axum::body::Body;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde::Deserialize;
use socketio_fn::prelude::*;
use socketio_fn::protocol::AccessKey;
use socketio_fn::protocol::cloud_events::UpstreamRequest;
use socketio_fn::{App, Settings};
use std::sync::Mutex;
use tower::ServiceExt;

const KEY: &str = "7aab239577fd4f24bc919802fb629f5f";
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Whether a function recorded `entry`.
fn seen(entry: &str) -> bool {
    SEEN.lock().unwrap().iter().any(|e| e == entry)
}

#[derive(Debug, Deserialize)]
struct Point {
    x: i32,
    y: i32,
}

#[socketio_trigger(hub = "hub", namespace = "/ns", event = "chat")]
async fn chat(
    #[socketio_parameter] text: String,
    #[socketio_parameter] point: Point,
    #[socketio_parameter] extra: Option<u8>,
    socket: SocketId,
    ns: Namespace,
    user: UserId,
) -> Ack<(String, i32, Option<u8>)> {
    SEEN.lock()
        .unwrap()
        .push(format!("{}|{}|{:?}", socket.0, ns.0, user.0));
    Ack((text, point.x + point.y, extra))
}

#[socketio_trigger(hub = "hub", event = "named", parameter_names = ["b", "a"])]
async fn named(a: i64, b: String, request: SocketIoMessageRequest) -> SocketIoMessageResponse {
    SocketIoMessageResponse::ack((b, a, request.payload)).unwrap()
}

#[socketio_trigger(hub = "hub", event = "connect")]
async fn connect(request: SocketIoConnectRequest, claims: Claims) -> SocketIoConnectResponse {
    match claims.get("sub").and_then(|v| v.first()) {
        Some(_) if request.query_value("room").is_some() => SocketIoConnectResponse::accept(),
        Some(_) => SocketIoConnectResponse::reject(StatusCode::BAD_REQUEST, "no room"),
        None => SocketIoConnectResponse::unauthorized("sign in first"),
    }
}

#[derive(Debug)]
struct Oops;
impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("storage unavailable")
    }
}

#[socketio_trigger(hub = "hub", event = "fallible")]
async fn fallible(#[socketio_parameter] fail: bool) -> Result<Ack<(&'static str,)>, Oops> {
    if fail { Err(Oops) } else { Ok(Ack(("fine",))) }
}

#[socketio_trigger(hub = "hub", event = "disconnected")]
async fn gone(request: SocketIoDisconnectedRequest) {
    SEEN.lock()
        .unwrap()
        .push(format!("gone:{}", request.reason.unwrap_or_default()));
}

fn app() -> App {
    App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint=http://localhost;Port=8080;AccessKey={KEY};Version=1.0;"),
        )]))
        .registered_functions()
        .build()
        .unwrap()
}

async fn post(
    app: &App,
    event: &str,
    namespace: &str,
    content_type: &str,
    body: &str,
) -> (StatusCode, String) {
    let mut request = UpstreamRequest::event("hub", event, body)
        .namespace(namespace)
        .user("alice")
        .signed(&AccessKey::new(KEY))
        .into_http()
        .unwrap()
        .map(Body::from);
    request
        .headers_mut()
        .insert("content-type", content_type.parse().unwrap());
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn registered_by_inventory() {
    let app = app();
    let names: Vec<_> = app.functions().iter().map(|f| f.descriptor.name).collect();
    assert_eq!(names, ["chat", "connect", "fallible", "gone", "named"]);
}

#[tokio::test]
async fn positional_parameters_and_extractors() {
    let app = app();
    let got = post(
        &app,
        "chat",
        "/ns",
        "text/plain",
        r#"42/ns,5["chat","hi",{"x":2,"y":3}]"#,
    )
    .await;
    assert_eq!(got, (StatusCode::OK, r#"43/ns,5["hi",5,null]"#.to_owned()));
    let got = post(
        &app,
        "chat",
        "/ns",
        "text/plain",
        r#"42/ns,6["chat","hi",{"x":2,"y":3},7,"ignored"]"#,
    )
    .await;
    assert_eq!(got, (StatusCode::OK, r#"43/ns,6["hi",5,7]"#.to_owned()));
    assert!(seen("sock1|/ns|Some(\"alice\")"));
}

#[tokio::test]
async fn binding_errors_are_400_with_the_argument() {
    let app = app();
    let got = post(&app, "chat", "/ns", "text/plain", r#"42/ns,5["chat","hi"]"#).await;
    assert_eq!(
        got,
        (
            StatusCode::BAD_REQUEST,
            "missing argument `point` (position 1): event `chat` has 1 argument(s)".to_owned()
        )
    );
    let got = post(
        &app,
        "chat",
        "/ns",
        "text/plain",
        r#"42/ns,5["chat",1,{"x":2,"y":3}]"#,
    )
    .await;
    assert_eq!(
        got,
        (StatusCode::BAD_REQUEST, "argument `text` (position 0) of event `chat`: invalid type: integer `1`, expected a string".to_owned())
    );
}

#[tokio::test]
async fn parameter_names_bind_by_name_in_list_order() {
    let app = app();
    let got = post(
        &app,
        "named",
        "/",
        "text/plain",
        r#"421["named","first",2]"#,
    )
    .await;
    assert_eq!(
        got,
        (
            StatusCode::OK,
            r#"431["first",2,"421[\"named\",\"first\",2]"]"#.to_owned()
        )
    );
}

#[tokio::test]
async fn connect_accepts_and_rejects() {
    let app = app();
    let body = |claims: &str| {
        format!(
            r#"{{"claims":{claims},"query":{{"room":["a"]}},"headers":{{}},"subprotocols":[],"clientCertificates":[]}}"#
        )
    };
    assert_eq!(
        post(
            &app,
            "connect",
            "/",
            "application/json",
            &body(r#"{"sub":["alice"]}"#)
        )
        .await,
        (StatusCode::OK, String::new())
    );
    assert_eq!(
        post(&app, "connect", "/", "application/json", &body("{}")).await,
        (StatusCode::UNAUTHORIZED, "sign in first".to_owned())
    );
}

#[tokio::test]
async fn result_errors_become_500() {
    let app = app();
    assert_eq!(
        post(
            &app,
            "fallible",
            "/",
            "text/plain",
            r#"421["fallible",false]"#
        )
        .await,
        (StatusCode::OK, r#"431["fine"]"#.to_owned())
    );
    assert_eq!(
        post(
            &app,
            "fallible",
            "/",
            "text/plain",
            r#"421["fallible",true]"#
        )
        .await,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage unavailable".to_owned()
        )
    );
}

#[tokio::test]
async fn disconnected_gets_the_reason() {
    let app = app();
    assert_eq!(
        post(
            &app,
            "disconnected",
            "/",
            "application/json",
            r#"{"reason":"transport close"}"#
        )
        .await,
        (StatusCode::OK, String::new())
    );
    assert!(seen("gone:transport close"));
}

#[tokio::test]
async fn explicit_registration_by_name() {
    let app = App::builder()
        .settings(Settings::default())
        .allow_unauthenticated_webhook()
        .register::<chat>()
        .register::<named>()
        .build()
        .unwrap();
    assert_eq!(app.functions().len(), 2);
}
