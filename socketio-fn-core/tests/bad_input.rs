//! Bad input gets a clear 4xx with a reason, the function does not run, and nothing panics.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use socketio_fn_core::protocol::cloud_events::UpstreamRequest;
use socketio_fn_core::protocol::{AccessKey, signature};
use socketio_fn_core::{
    App, BoxFuture, FunctionDescriptor, Invocation, InvocationError, Reply, Settings,
    SocketIoConnectResponse,
};

const KEY: &str = "7aab239577fd4f24bc919802fb629f5f";
const CONN: &str = "0f9c97a2f0bf4706afe87a14e0797b11";

fn failing(i: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
    answer(i, Err(InvocationError::function("database is down")))
}
fn panicking(i: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
    record(&i);
    Box::pin(async { panic!("index out of bounds") })
}
fn rejecting(i: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
    answer(
        i,
        Ok(Reply::Connect(SocketIoConnectResponse::reject(
            StatusCode::FORBIDDEN,
            "banned user",
        ))),
    )
}

fn function(
    name: &'static str,
    event: &'static str,
    invoke: socketio_fn_core::InvokeFn,
) -> FunctionDescriptor {
    FunctionDescriptor::new(name, "hub", event, invoke)
}

fn app_with(connection: &str, functions: Vec<FunctionDescriptor>) -> App {
    let mut b = App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            connection,
        )]))
        .max_body_bytes(1024);
    for f in functions {
        b = b.function(f);
    }
    b.build().unwrap()
}

fn app(prefix: &'static str) -> App {
    let names: [&'static str; 4] = match prefix {
        "a" => ["a-msg", "a-connect", "a-disc", "a-fail"],
        "b" => ["b-msg", "b-connect", "b-disc", "b-fail"],
        "c" => ["c-msg", "c-connect", "c-disc", "c-fail"],
        "d" => ["d-msg", "d-connect", "d-disc", "d-fail"],
        "f" => ["f-msg", "f-connect", "f-disc", "f-fail"],
        "m" => ["m-msg", "m-connect", "m-disc", "m-fail"],
        _ => ["e-msg", "e-connect", "e-disc", "e-fail"],
    };
    app_with(
        &format!("Endpoint=http://localhost;Port=8080;AccessKey={KEY};Version=1.0;"),
        vec![
            function(names[0], "chat", noop),
            function(names[1], "connect", rejecting),
            function(names[2], "disconnected", noop),
            function(names[3], "fail", failing),
        ],
    )
}

/// A valid signed request for `event` (`ce-type` derived from the name) with `body` (any bytes).
fn event(event: &str, body: impl Into<Body>) -> Request<Body> {
    let upstream = UpstreamRequest::event("hub", event, "")
        .connection(CONN, "sock1")
        .signed(&AccessKey::new(KEY));
    let mut request = Request::post("/runtime/webhooks/socketio?code=abc")
        .body(body.into())
        .unwrap();
    *request.headers_mut() = upstream.headers().unwrap();
    request
}

async fn expect(app: &App, req: Request<Body>, status: StatusCode, reason: &str) {
    let (got, headers, body) = send(app, req).await;
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert_eq!(got, status, "body: {body}");
    assert_eq!(body, reason);
    if !reason.is_empty() {
        assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    }
}

#[tokio::test]
async fn missing_or_empty_required_headers_name_the_header() {
    let app = app("a");
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut()
        .insert("WebHook-Request-Origin", "".parse().unwrap());
    expect(
        &app,
        b,
        StatusCode::BAD_REQUEST,
        "header `WebHook-Request-Origin` must not be empty",
    )
    .await;
    for name in [
        "ce-connectionId",
        "ce-hub",
        "ce-type",
        "ce-eventName",
        "ce-namespace",
        "ce-socketId",
    ] {
        let mut b = event("chat", "42[\"chat\"]");
        b.headers_mut().remove(name);
        expect(
            &app,
            b,
            StatusCode::BAD_REQUEST,
            &format!("missing required header `{name}`"),
        )
        .await;
        if name != "ce-type" {
            let mut b = event("chat", "42[\"chat\"]");
            b.headers_mut().insert(name, "".parse().unwrap());
            expect(
                &app,
                b,
                StatusCode::BAD_REQUEST,
                &format!("header `{name}` must not be empty"),
            )
            .await;
        }
    }
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut().append("ce-hub", "hub".parse().unwrap());
    expect(
        &app,
        b,
        StatusCode::BAD_REQUEST,
        "header `ce-hub` must appear only once",
    )
    .await;
    assert!(
        recorded("a-msg").is_empty(),
        "no bad request reached the function"
    );
    expect(&app, event("chat", "42[\"chat\"]"), StatusCode::OK, "").await;
    assert_eq!(recorded("a-msg").len(), 1);
}

#[tokio::test]
async fn a_signed_post_without_origin_is_accepted_an_unsigned_one_is_not() {
    // Some hosting plans strip `WebHook-Request-Origin` (Azure/azure-webpubsub#877): a signature that
    // verifies against a configured key still authenticates the request.
    let app = app("f");
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut().remove("WebHook-Request-Origin");
    expect(&app, b, StatusCode::OK, "").await;
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut().remove("WebHook-Request-Origin");
    b.headers_mut()
        .insert("ce-signature", "sha256=00".parse().unwrap());
    expect(&app, b, StatusCode::UNAUTHORIZED, BAD_SIGNATURE).await;
    // The abuse-protection handshake still requires the header.
    let handshake = Request::builder()
        .method("OPTIONS")
        .uri("/runtime/webhooks/socketio")
        .body(Body::empty())
        .unwrap();
    expect(
        &app,
        handshake,
        StatusCode::BAD_REQUEST,
        "missing required header `WebHook-Request-Origin`",
    )
    .await;
}

/// The 401 reason of a key-based app.
const BAD_SIGNATURE: &str = "invalid `ce-signature` or unknown `WebHook-Request-Origin`";

/// A `chat` event whose `ce-signature` is missing or one that does not verify: absent, not hex, the
/// wrong hex, another key's.
fn chat_with_wrong_signatures() -> Vec<Request<Body>> {
    let other_key = signature::compute(&AccessKey::new("otherkey"), CONN);
    [
        None,
        Some("sha256=00"),
        Some("abc"),
        Some(other_key.as_str()),
    ]
    .into_iter()
    .map(|sig| {
        let mut b = event("chat", "42[\"chat\"]");
        b.headers_mut().remove("ce-signature");
        if let Some(sig) = sig {
            b.headers_mut().insert("ce-signature", sig.parse().unwrap());
        }
        b
    })
    .collect()
}

#[tokio::test]
async fn wrong_or_missing_signature_is_401_and_the_function_does_not_run() {
    let app = app("b");
    for b in chat_with_wrong_signatures() {
        expect(&app, b, StatusCode::UNAUTHORIZED, BAD_SIGNATURE).await;
    }
    // A signed request from another origin is refused too.
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut()
        .insert("WebHook-Request-Origin", "evil.example".parse().unwrap());
    expect(&app, b, StatusCode::UNAUTHORIZED, BAD_SIGNATURE).await;
    assert!(recorded("b-msg").is_empty());
}

#[tokio::test]
async fn a_remembered_signature_relaxes_nothing() {
    // After a connection's event verified (and its signature is remembered), wrong signatures for the
    // same connection, and its signature for another connection, are still refused.
    let app = app("m");
    for _ in 0..2 {
        let (status, _, body) = send(&app, event("chat", "42[\"chat\"]")).await;
        assert_eq!(status, StatusCode::OK, "{body:?}");
    }
    for b in chat_with_wrong_signatures() {
        expect(&app, b, StatusCode::UNAUTHORIZED, BAD_SIGNATURE).await;
    }
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut()
        .insert("ce-connectionId", "another-connection".parse().unwrap());
    expect(&app, b, StatusCode::UNAUTHORIZED, BAD_SIGNATURE).await;
    assert_eq!(recorded("m-msg").len(), 2);
}

#[tokio::test]
async fn list_headers_are_bounded_before_any_signature_is_computed() {
    let app = app("c");
    // 60 origins x 2,000 candidates used to cost ~53 M HMACs per request; now 400 at once.
    let mut b = event("chat", "42[\"chat\"]");
    let candidates = vec!["sha256=00"; 2000].join(",");
    b.headers_mut()
        .insert("ce-signature", candidates.parse().unwrap());
    expect(
        &app,
        b,
        StatusCode::BAD_REQUEST,
        "header `ce-signature` holds more than 8 values",
    )
    .await;
    let mut b = event("chat", "42[\"chat\"]");
    let origins = vec!["localhost"; 60].join(",");
    b.headers_mut()
        .insert("WebHook-Request-Origin", origins.parse().unwrap());
    expect(
        &app,
        b,
        StatusCode::BAD_REQUEST,
        "header `WebHook-Request-Origin` holds more than 8 values",
    )
    .await;
    // Eight candidates, the good one last, are still checked (with one HMAC).
    let mut b = event("chat", "42[\"chat\"]");
    let mut list = vec!["sha256=00".to_owned(); 7];
    list.push(signature::compute(&AccessKey::new(KEY), CONN));
    b.headers_mut()
        .insert("ce-signature", list.join(",").parse().unwrap());
    expect(&app, b, StatusCode::OK, "").await;
}

#[tokio::test]
async fn unknown_function_is_404() {
    let app = app("c");
    expect(
        &app,
        event("nobody listens", "42[\"nobody listens\"]"),
        StatusCode::NOT_FOUND,
        "no function for hub `hub`, namespace `/`, user event `nobody listens`",
    )
    .await;
    // A client event literally named like a system event is a user event: no function.
    let mut b = event("chat", "42[\"connect\"]");
    b.headers_mut()
        .insert("ce-eventName", "connect".parse().unwrap());
    expect(
        &app,
        b,
        StatusCode::NOT_FOUND,
        "no function for hub `hub`, namespace `/`, user event `connect`",
    )
    .await;
}

#[tokio::test]
async fn routing_is_case_insensitive() {
    let app = app("d");
    let mut b = event("chat", "42[\"CHAT\"]");
    let h = b.headers_mut();
    h.insert("ce-hub", "HUB".parse().unwrap());
    h.insert("ce-eventName", "CHAT".parse().unwrap());
    h.insert("ce-type", "Azure.WebPubSub.User.Message".parse().unwrap());
    expect(&app, b, StatusCode::OK, "").await;
    assert_eq!(recorded("d-msg").len(), 1);
}

#[tokio::test]
async fn message_bodies_must_be_text_packets() {
    let app = app("e");
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut().remove("Content-Type");
    expect(
        &app,
        b,
        StatusCode::BAD_REQUEST,
        "Message data only supports text. Current value is: ",
    )
    .await;
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut()
        .insert("Content-Type", "application/octet-stream".parse().unwrap());
    expect(
        &app,
        b,
        StatusCode::BAD_REQUEST,
        "Message data only supports text. Current value is: application/octet-stream",
    )
    .await;
    let mut b = event("chat", "42[\"chat\"]");
    b.headers_mut()
        .insert("Content-Type", "Text/Plain; charset=utf-8".parse().unwrap());
    expect(&app, b, StatusCode::OK, "").await;

    for (body, reason) in [
        (&b"\xff\xfe"[..], "the message body is not valid UTF-8"),
        (b"", "invalid message packet: the packet is empty"),
        (
            b"b4AQID",
            "invalid message packet: binary packets are not supported; only text Engine.IO message packets are",
        ),
        (
            b"2[\"chat\"]",
            "invalid message packet: not an Engine.IO message packet: expected `4` as the first character, found `2`",
        ),
        (
            b"4",
            "invalid message packet: invalid Socket.IO packet type: expected a digit 0-6",
        ),
        (
            b"451-[\"chat\",{\"_placeholder\":true,\"num\":0}]",
            "invalid message packet: expected a Socket.IO Event packet, got BinaryEvent",
        ),
        (
            b"43[\"chat\"]",
            "invalid message packet: expected a Socket.IO Event packet, got Ack",
        ),
        (
            b"42[\"chat\"",
            "invalid message packet: invalid event data: not valid JSON (EOF while parsing a list at line 1 column 7)",
        ),
        (
            b"42{\"a\":1}",
            "invalid message packet: invalid event data: expected a JSON array",
        ),
        (
            b"42[]",
            "invalid message packet: invalid event data: the array is empty",
        ),
        (
            b"42[7]",
            "invalid message packet: invalid event data: the event name must be a string, found `7`",
        ),
        (
            b"4299999999999999999999[\"chat\"]",
            "invalid message packet: the ack id is out of range",
        ),
    ] {
        expect(
            &app,
            event("chat", body.to_vec()),
            StatusCode::BAD_REQUEST,
            reason,
        )
        .await;
    }
    assert_eq!(recorded("e-msg").len(), 1, "only the valid one ran");
}

#[tokio::test]
async fn malformed_system_bodies_are_400() {
    let app = app("a");
    expect(
        &app,
        event("connect", "{\"claims\":"),
        StatusCode::BAD_REQUEST,
        "invalid connect body: EOF while parsing a value at line 1 column 10",
    )
    .await;
    expect(
        &app,
        event("connect", "{\"claims\":{\"sub\":5}}"),
        StatusCode::BAD_REQUEST,
        "invalid connect body: `sub` must be a string or an array of strings at line 1 column 20",
    )
    .await;
    expect(
        &app,
        event("disconnected", "5"),
        StatusCode::BAD_REQUEST,
        "invalid disconnected body: expected a JSON object",
    )
    .await;
    // An array is not a connect body (serde would read it as the members in order).
    for body in ["[]", "[{},{},{}]", "\"x\""] {
        expect(
            &app,
            event("connect", body),
            StatusCode::BAD_REQUEST,
            "invalid connect body: expected a JSON object",
        )
        .await;
    }
    // Absent keys are fine (the reference requires all five connect keys; the service sends them).
    expect(
        &app,
        event("connect", "{}"),
        StatusCode::FORBIDDEN,
        "banned user",
    )
    .await;
    expect(&app, event("disconnected", ""), StatusCode::OK, "").await;
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = app("b");
    let big = format!("42[\"chat\",\"{}\"]", "x".repeat(2000));
    let reason = "the body is larger than the limit of 1024 bytes";
    expect(
        &app,
        event("chat", big.clone()),
        StatusCode::PAYLOAD_TOO_LARGE,
        reason,
    )
    .await;
    // Without Content-Length (streamed), the limit still holds.
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(big.into_bytes())]);
    expect(
        &app,
        event("chat", Body::from_stream(chunks)),
        StatusCode::PAYLOAD_TOO_LARGE,
        reason,
    )
    .await;
}

#[tokio::test]
async fn function_errors_are_500_with_the_message() {
    let app = app("c");
    expect(
        &app,
        event("fail", "421[\"fail\"]"),
        StatusCode::INTERNAL_SERVER_ERROR,
        "database is down",
    )
    .await;
}

#[tokio::test]
async fn a_panicking_function_is_a_500_and_the_server_goes_on() {
    let app = app_with(
        &format!("Endpoint=http://localhost;Port=8080;AccessKey={KEY};Version=1.0;"),
        vec![function("p-msg", "chat", panicking)],
    );
    expect(
        &app,
        event("chat", "42[\"chat\"]"),
        StatusCode::INTERNAL_SERVER_ERROR,
        "the function panicked: index out of bounds",
    )
    .await;
    expect(
        &app,
        event("chat", "42[\"chat\"]"),
        StatusCode::INTERNAL_SERVER_ERROR,
        "the function panicked: index out of bounds",
    )
    .await;
    assert_eq!(recorded("p-msg").len(), 2);
}

#[tokio::test]
async fn arbitrary_bodies_never_panic() {
    let app = app("d");
    // Deterministic pseudo-random bodies (xorshift): every reply is a 2xx or 4xx, never a panic.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet = b"42/,[]{}\"abc019-:\\ \xff";
    for _ in 0..500 {
        let len = (x % 24) as usize;
        let mut body = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push(alphabet[(x % alphabet.len() as u64) as usize]);
        }
        for ev in ["chat", "connect", "disconnected"] {
            let (status, _, _) = send(&app, event(ev, body.clone())).await;
            assert!(
                status.is_success() || status.is_client_error() || status == StatusCode::FORBIDDEN,
                "{status} for {body:?}"
            );
        }
    }
}

#[tokio::test]
async fn header_values_lose_spaces_and_tabs_only() {
    let app = app_with(
        &format!("Endpoint=http://localhost;Port=8080;AccessKey={KEY};Version=1.0;"),
        vec![function("g-any", "*", noop)],
    );
    let with_event_name = |value: &[u8]| {
        let mut request = event("chat", "42[\"chat\"]");
        request.headers_mut().insert(
            "ce-eventName",
            axum::http::HeaderValue::from_bytes(value).unwrap(),
        );
        request
    };
    // HTTP's optional whitespace around a value is not part of it.
    expect(&app, with_event_name(b" \tchat\t "), StatusCode::OK, "").await;
    // Any other whitespace is: a trailing non-breaking space names another event than the packet's.
    expect(
        &app,
        with_event_name("chat\u{a0}".as_bytes()),
        StatusCode::BAD_REQUEST,
        "the event name `chat` in the packet differs from `ce-eventName` `chat\u{a0}`",
    )
    .await;
}
