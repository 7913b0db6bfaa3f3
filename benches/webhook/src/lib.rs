//! Shared by the benchmark binaries: the request both servers answer and the reply they send.
//!
//! The request is the `upstream-message-ack` vector's first case: a signed user event `chat` in
//! namespace `/ns` with ack id 7 and two arguments; the reply is `43/ns,7["ok",1]`.

/// The access key the request is signed with (the vector's).
pub const KEY: &str = "7aab239577fd4f24bc919802fb629f5f";
/// The connection string of the benchmarked app.
pub const CONNECTION_STRING: &str =
    "Endpoint=http://localhost;Port=8080;AccessKey=7aab239577fd4f24bc919802fb629f5f;Version=1.0;";
/// The webhook path.
pub const PATH: &str = "/runtime/webhooks/socketio";
/// The request body.
pub const BODY: &str = "42/ns,7[\"chat\",\"hi\",{\"a\":1}]";
/// The expected reply body.
pub const REPLY: &str = "43/ns,7[\"ok\",1]";

/// The request headers, in the order the service sends them.
pub const HEADERS: [(&str, &str); 14] = [
    ("WebHook-Request-Origin", "localhost"),
    ("Content-Type", "text/plain"),
    ("ce-specversion", "1.0"),
    ("ce-type", "azure.webpubsub.user.message"),
    (
        "ce-source",
        "/hubs/hub/client/0f9c97a2f0bf4706afe87a14e0797b11",
    ),
    ("ce-id", "1"),
    ("ce-time", "2024-09-23T05:43:04Z"),
    (
        "ce-signature",
        "sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561",
    ),
    ("ce-userId", "user"),
    ("ce-connectionId", "0f9c97a2f0bf4706afe87a14e0797b11"),
    ("ce-hub", "hub"),
    ("ce-eventName", "chat"),
    ("ce-namespace", "/ns"),
    ("ce-socketId", "sock1"),
];

/// The request as an `http::Request` for `host`.
pub fn request<B>(host: &str, body: B) -> axum::http::Request<B> {
    let mut builder = axum::http::Request::builder()
        .method("POST")
        .uri(PATH)
        .header("host", host);
    for (name, value) in HEADERS {
        builder = builder.header(name, value);
    }
    match builder.body(body) {
        Ok(r) => r,
        Err(e) => unreachable!("constant request: {e}"),
    }
}

use socketio_fn::prelude::*;

/// The benchmarked function (the same as `bench-app`'s, which keeps its own copy so that it is written
/// exactly as the README shows): binds the first argument, acks `["ok", <length - 1>]`.
#[socketio_trigger(hub = "hub", namespace = "/ns", event = "chat")]
pub async fn chat(#[socketio_parameter] text: String) -> Ack<(&'static str, usize)> {
    Ack(("ok", text.len() - 1))
}

/// The bare axum handler: reads the body (as any webhook must) and answers the reply bytes.
pub async fn bare_handler(
    body: axum::body::Bytes,
) -> ([(&'static str, &'static str); 1], &'static str) {
    std::hint::black_box(body);
    ([("content-type", "text/plain; charset=utf-8")], REPLY)
}

/// The bare axum router: [`bare_handler`] at [`PATH`].
pub fn bare_router() -> axum::Router {
    axum::Router::new().route(PATH, axum::routing::post(bare_handler))
}

/// The app's router with [`chat`] registered and the benchmark's connection string, for in-process
/// measurements. Call it inside a tokio runtime.
pub fn app_router() -> axum::Router {
    socketio_fn::App::builder()
        .settings(socketio_fn::Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            CONNECTION_STRING,
        )]))
        .register::<chat>()
        .build()
        .unwrap_or_else(|e| panic!("the benchmark app: {e}"))
        .router()
}

/// Sends the request through `router` in process (tower `oneshot`, no sockets) and checks the reply's
/// status and bytes.
pub async fn send_in_process(router: &axum::Router) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = request("localhost", axum::body::Body::from(BODY));
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.map(|b| b.to_bytes());
    assert_eq!(body.ok().as_deref(), Some(REPLY.as_bytes()));
}
