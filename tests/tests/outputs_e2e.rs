//! Output actions and negotiation from annotated functions, end to end: a signed trigger in, the exact REST
//! calls out to a fake service on loopback; a negotiation GET in, a verifiable token out.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../socketio-fn-core/tests/common/fake_service.rs"]
mod fake_service;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fake_service::{FakeService, Reply};
use http_body_util::BodyExt;
use socketio_fn::prelude::*;
use socketio_fn::protocol::cloud_events::UpstreamRequest;
use socketio_fn::protocol::{AccessKey, token};
use socketio_fn::{App, Settings};
use tower::ServiceExt;

const KEY: &str = "7aab239577fd4f24bc919802fb629f5f";

/// The seed's chat: broadcast every message to the namespace except the sender, and put the sender in
/// a room.
#[socketio_trigger(hub = "hub", event = "new message")]
async fn broadcast(
    socket: SocketId,
    #[socketio_parameter] text: String,
    #[socketio_output(hub = "hub")] out: Actions,
) -> Result<Ack<(&'static str,)>, String> {
    if text == "fail" {
        out.add(SocketIoAction::send_to_namespace("never", ()));
        return Err("refused".into());
    }
    out.add(
        SocketIoAction::send_to_namespace("new message", (socket.0.clone(), text))
            .except_rooms([socket.0.clone()]),
    );
    out.add(SocketIoAction::add_socket_to_room(socket.0, "talkers"));
    Ok(Ack(("sent",)))
}

/// Output to a hub named by a setting.
#[socketio_trigger(hub = "hub", event = "relay")]
async fn relay(
    #[socketio_parameter] text: String,
    #[socketio_output(hub = "%RelayHub%")] out: Actions,
) {
    out.add(SocketIoAction::send_to_namespace("relayed", (text,)));
}

#[socketio_negotiation(hub = "hub", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// A `user_id` template: literal text, a query value, a header and a setting.
#[socketio_negotiation(
    hub = "hub",
    user_id = "user-{query.id}@{headers.x-tenant}-%Region%",
    route = "templated"
)]
async fn templated(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

/// Hub, namespace and event all from settings.
#[socketio_trigger(
    hub = "%ChatHub%",
    namespace = "%ChatNamespace%",
    event = "%ChatEvent%"
)]
async fn configured(ns: Namespace, #[socketio_parameter] n: u32) -> Ack<(String, u32)> {
    Ack((ns.0, n + 1))
}

async fn text_body(response: axum::response::Response) -> String {
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
}

async fn json_body(response: axum::response::Response) -> serde_json::Value {
    serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap()
}

/// The verified claims of a negotiation result's token.
fn claims_of(body: &serde_json::Value, aud: &str) -> serde_json::Map<String, serde_json::Value> {
    token::verify(
        body["token"].as_str().unwrap(),
        &AccessKey::new(KEY),
        aud,
        5,
    )
    .unwrap()
}

fn app(base: &str) -> App {
    App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint={base};AccessKey={KEY};Version=1.0;"),
        )]))
        .register::<broadcast>()
        .register_negotiation::<negotiate>()
        .build()
        .unwrap()
}

/// Posts a signed user event (its name taken from the packet) and returns status and body text.
async fn emit(app: &App, body: &str) -> (StatusCode, String) {
    emit_in(app, "/", body).await
}

/// Like [`emit`], for a socket in `namespace`.
async fn emit_in(app: &App, namespace: &str, body: &str) -> (StatusCode, String) {
    let event = socketio_fn::protocol::packet::Packet::decode(body)
        .ok()
        .and_then(|p| socketio_fn::protocol::packet::EventData::parse(p.data).ok())
        .map(|d| d.event_name)
        .unwrap();
    let request = UpstreamRequest::event("hub", event, body)
        .namespace(namespace)
        .origin(Some("127.0.0.1"))
        .signed(&AccessKey::new(KEY))
        .into_http()
        .unwrap()
        .map(Body::from);
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    (status, text_body(response).await)
}

#[tokio::test]
async fn actions_run_after_the_function_in_order() {
    let service = FakeService::start(vec![]).await;
    let app = app(&service.base);
    assert_eq!(
        emit(&app, r#"421["new message","hello"]"#).await,
        (StatusCode::OK, r#"431["sent"]"#.into())
    );
    let got = service.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].target,
        "/api/hubs/hub/groups/0~Lw~/:send?api-version=2024-01-01&filter=not%20%28%270~Lw~c29jazE%27%20in%20groups%29"
    );
    assert_eq!(got[0].body, r#"42["new message","sock1","hello"]"#);
    assert_eq!(
        got[1].target,
        "/api/hubs/hub/:addToGroups?api-version=2024-01-01"
    );
    assert_eq!(
        got[1].body,
        r#"{"filter":"'0~Lw~c29jazE' in groups","groups":["0~Lw~dGFsa2Vycw"]}"#
    );
    let bearer = got[0]
        .header("Authorization")
        .unwrap()
        .strip_prefix("Bearer ")
        .unwrap();
    token::verify(
        bearer,
        &AccessKey::new(KEY),
        &format!("{}{}", service.base, got[0].target),
        5,
    )
    .unwrap();
}

#[tokio::test]
async fn a_failing_function_runs_no_actions() {
    let service = FakeService::start(vec![]).await;
    let app = app(&service.base);
    assert_eq!(
        emit(&app, r#"421["new message","fail"]"#).await,
        (StatusCode::INTERNAL_SERVER_ERROR, "refused".into())
    );
    assert!(service.requests().is_empty());
}

#[tokio::test]
async fn a_failing_action_fails_the_invocation_and_says_what_was_skipped() {
    let service = FakeService::start(vec![Reply::Status(
        403,
        vec![("x-ms-error-code", "Forbidden")],
        r#"{"code":"Forbidden","message":"no"}"#,
    )])
    .await;
    let app = app(&service.base);
    assert_eq!(
        emit(&app, r#"421["new message","hello"]"#).await,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "output action failed: `sendToNamespace` failed (action 1 of 2); 1 later action(s) not sent: \
             the service refused `sendToNamespace` with 403 (Forbidden): no"
                .into()
        )
    );
    assert_eq!(service.requests().len(), 1);
}

#[tokio::test]
async fn negotiation_returns_a_token_for_the_user() {
    let service = FakeService::start(vec![]).await;
    let app = app(&service.base);
    let response = app
        .router()
        .oneshot(
            Request::get("/api/negotiate?userId=alice")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = json_body(response).await;
    assert_eq!(body["endpoint"], service.base.as_str());
    assert_eq!(body["path"], "/clients/socketio/hubs/hub");
    let aud = format!("{}/clients/socketio/hubs/hub", service.base);
    let claims = claims_of(&body, &aud);
    assert_eq!(claims["sub"], "alice");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    assert_eq!(
        body["url"],
        format!("{aud}?access_token={}", body["token"].as_str().unwrap()).as_str()
    );

    // Without the query value: an anonymous token (no `sub`).
    let response = app
        .router()
        .oneshot(Request::get("/api/negotiate").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let body = json_body(response).await;
    let claims = claims_of(&body, &aud);
    assert!(claims.get("sub").is_none());
}

#[tokio::test]
async fn a_missing_connection_fails_at_start_up_naming_the_function() {
    let err = App::builder()
        .settings(Settings::default())
        .allow_unauthenticated_webhook()
        .register_negotiation::<negotiate>()
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "function `negotiate`: connection setting `WebPubSubForSocketIOConnectionString` does not exist"
        ),
        "{err}"
    );
    // An output hub naming an unknown setting, and an output on a missing connection: the same.
    let err = App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint=http://localhost;AccessKey={KEY}"),
        )]))
        .register::<relay>()
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "function `relay`: failed to resolve `%RelayHub%`: no such app setting"
    );
    let err = App::builder()
        .settings(Settings::default())
        .allow_unauthenticated_webhook()
        .register::<broadcast>()
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "function `broadcast`: connection setting `WebPubSubForSocketIOConnectionString` does not exist"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn output_hubs_resolve_settings() {
    let service = FakeService::start(vec![]).await;
    let app = App::builder()
        .settings(Settings::from_pairs([
            (
                "WebPubSubForSocketIOConnectionString",
                format!("Endpoint={};AccessKey={KEY};Version=1.0;", service.base),
            ),
            ("RelayHub", "elsewhere".to_owned()),
        ]))
        .register::<relay>()
        .build()
        .unwrap();
    assert_eq!(
        emit(&app, r#"42["relay","hi"]"#).await,
        (StatusCode::OK, String::new())
    );
    let got = service.requests();
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .target
            .starts_with("/api/hubs/elsewhere/groups/0~Lw~/:send?"),
        "{}",
        got[0].target
    );
}

#[tokio::test]
async fn negotiation_cors_follows_the_host_setting() {
    let request = || {
        Request::get("/api/negotiate")
            .header("Origin", "http://localhost:3000")
            .body(Body::empty())
            .unwrap()
    };
    let connection = format!("Endpoint=http://localhost:8080;AccessKey={KEY};Version=1.0;");
    let without = App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            connection.clone(),
        )]))
        .register_negotiation::<negotiate>()
        .build()
        .unwrap();
    let response = without.router().oneshot(request()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    for (value, expected) in [
        ("*", "*"),
        (
            "http://localhost:3000, https://app.example",
            "http://localhost:3000",
        ),
    ] {
        let with = App::builder()
            .settings(Settings::from_pairs([
                ("WebPubSubForSocketIOConnectionString", connection.clone()),
                ("Host__CORS", value.to_owned()),
            ]))
            .register_negotiation::<negotiate>()
            .build()
            .unwrap();
        let response = with.router().oneshot(request()).await.unwrap();
        assert_eq!(response.headers()["access-control-allow-origin"], expected);
    }
}

#[tokio::test]
async fn binding_expressions_resolve_like_the_reference() {
    let app = App::builder()
        .settings(Settings::from_pairs([
            (
                "WebPubSubForSocketIOConnectionString",
                format!("Endpoint=http://127.0.0.1:1;AccessKey={KEY};Version=1.0;"),
            ),
            ("Region", "eu".to_owned()),
            ("ChatHub", "hub".to_owned()),
            ("ChatNamespace", "/configured".to_owned()),
            ("ChatEvent", "ping".to_owned()),
        ]))
        .register_negotiation::<templated>()
        .register::<configured>()
        .build()
        .unwrap();
    let function = &app.functions()[0];
    assert_eq!(
        (
            function.hub.as_str(),
            function.namespace.as_str(),
            function.event.as_str()
        ),
        ("hub", "/configured", "ping")
    );
    // The event routes by its resolved names.
    let packet = r#"42/configured,3["ping",41]"#;
    assert_eq!(
        emit_in(&app, "/configured", packet).await,
        (
            StatusCode::OK,
            r#"43/configured,3["/configured",42]"#.into()
        )
    );
    assert_eq!(emit(&app, r#"42["ping",1]"#).await.0, StatusCode::NOT_FOUND);

    // The `user_id` template: every part present gives the `sub` claim...
    let aud = "http://127.0.0.1:1/clients/socketio/hubs/hub";
    let response = app
        .router()
        .oneshot(
            Request::get("/api/templated?id=7")
                .header("x-tenant", "acme")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        claims_of(&json_body(response).await, aud)["sub"],
        "user-7@acme-eu"
    );
    // ...a missing request part gives an anonymous token.
    let response = app
        .router()
        .oneshot(
            Request::get("/api/templated?id=7")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        claims_of(&json_body(response).await, aud)
            .get("sub")
            .is_none()
    );

    // Unknown settings in the template or the names: start-up errors naming the function.
    let err = App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint=http://127.0.0.1:1;AccessKey={KEY};Version=1.0;"),
        )]))
        .register_negotiation::<templated>()
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "function `templated`: failed to resolve `%Region%`: no such app setting"
    );
}
