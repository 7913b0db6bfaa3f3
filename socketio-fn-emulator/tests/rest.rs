//! The emulator's REST API: JWT checks (401), filter and api-version checks (400), and every action of the
//! runtime's REST client accepted.
#![allow(clippy::unwrap_used, missing_docs)]

use socketio_fn_core::actions::SocketIoAction;
use socketio_fn_core::protocol::AccessKey;
use socketio_fn_core::protocol::token::{TokenClaims, sign, unix_now, verify};
use socketio_fn_core::service::ServiceClient;
use socketio_fn_core::service::negotiate;
use socketio_fn_core::settings::KeyConnection;
use socketio_fn_emulator::{Emulator, EmulatorConfig};

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        access_key: Some("emulator-key".into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

async fn post(url: &str, token: Option<String>, body: &str) -> (u16, Option<String>, String) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "text/plain")
        .body(body.to_owned());
    if let Some(t) = token {
        request = request.header("Authorization", format!("Bearer {t}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let code = response
        .headers()
        .get("x-ms-error-code")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, code, response.text().await.unwrap())
}

fn signed(url: &str, key: &str) -> Option<String> {
    Some(
        sign(
            &TokenClaims::new(url, unix_now(), 300, None),
            &AccessKey::new(key),
        )
        .unwrap(),
    )
}

fn key() -> AccessKey {
    AccessKey::new("emulator-key")
}

#[tokio::test]
async fn rest_calls_are_authenticated_and_validated() {
    let e = emulator().await;
    let base = e.endpoint().to_owned();
    let url = format!("{base}/api/hubs/hub/:send?api-version=2024-01-01&filter=");
    assert_eq!(
        post(&url, signed(&url, "emulator-key"), "42[\"ev\"]")
            .await
            .0,
        202
    );

    let (status, code, body) = post(&url, None, "42[\"ev\"]").await;
    assert_eq!(
        (status, code.as_deref()),
        (401, Some("Unauthorized")),
        "{body}"
    );
    assert!(body.contains("missing bearer token"));
    let (status, _, body) = post(&url, signed(&url, "wrong-key"), "42[\"ev\"]").await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("signature"));
    let other = format!("{base}/api/hubs/other/:send?api-version=2024-01-01&filter=");
    let (status, _, body) = post(&url, signed(&other, "emulator-key"), "42[\"ev\"]").await;
    assert_eq!(status, 401, "the audience must be the request URL: {body}");

    let bad_filter =
        format!("{base}/api/hubs/hub/:send?api-version=2024-01-01&filter=%27a%27%20in");
    let (status, code, body) = post(
        &bad_filter,
        signed(&bad_filter, "emulator-key"),
        "42[\"ev\"]",
    )
    .await;
    assert_eq!((status, code.as_deref()), (400, Some("InvalidFilter")));
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body["message"],
        "invalid filter: expected `in groups` after 'a'"
    );

    let bad_version = format!("{base}/api/hubs/hub/:send?api-version=1999-01-01");
    let (status, code, _) = post(
        &bad_version,
        signed(&bad_version, "emulator-key"),
        "42[\"ev\"]",
    )
    .await;
    assert_eq!((status, code.as_deref()), (400, Some("InvalidApiVersion")));

    let (status, code, _) = post(&url, signed(&url, "emulator-key"), "not a packet").await;
    assert_eq!((status, code.as_deref()), (400, Some("InvalidBody")));

    let groups = format!("{base}/api/hubs/hub/:addToGroups?api-version=2024-01-01");
    for (body, message) in [
        (r#"{"groups":["g"]}"#, "`filter` must be a string"),
        (
            r#"{"filter":5,"groups":["g"]}"#,
            "`filter` must be a string",
        ),
        (
            r#"{"filter":"","groups":["g",5]}"#,
            "`groups` must be an array of strings",
        ),
        (r#"{"filter":""}"#, "`groups` must be an array of strings"),
    ] {
        let (status, code, text) = post(&groups, signed(&groups, "emulator-key"), body).await;
        assert_eq!(
            (status, code.as_deref()),
            (400, Some("InvalidBody")),
            "{body}"
        );
        assert!(text.contains(message), "{body}: {text}");
    }
    assert_eq!(
        post(
            &groups,
            signed(&groups, "emulator-key"),
            r#"{"filter":"","groups":["g"]}"#
        )
        .await
        .0,
        200
    );
    let token =
        format!("{base}/api/hubs/hub/:generateToken?minutesToExpire=soon&api-version=2024-01-01");
    let (status, code, _) = post(&token, signed(&token, "emulator-key"), "").await;
    assert_eq!((status, code.as_deref()), (400, Some("InvalidQuery")));

    let unknown = format!("{base}/api/hubs/hub/:explode?api-version=2024-01-01");
    let (status, code, text) = post(&unknown, signed(&unknown, "emulator-key"), "").await;
    assert_eq!((status, code.as_deref()), (404, Some("NotSupported")));
    assert!(
        text.contains("`POST :explode`"),
        "the operation is named: {text}"
    );
    e.stop().await;
}

#[tokio::test]
async fn every_action_of_the_runtime_is_accepted() {
    let e = emulator().await;
    let client = ServiceClient::key_based(&KeyConnection::parse(&e.connection_string()).unwrap());
    let actions = [
        SocketIoAction::send_to_namespace("ev", ("a", 1)),
        SocketIoAction::send_to_namespace("ev", ())
            .in_namespace("/ns")
            .except_rooms(["x"]),
        SocketIoAction::send_to_rooms(["r"], "ev", ()),
        SocketIoAction::send_to_rooms(["r", "s"], "ev", ()).except_rooms(["x"]),
        SocketIoAction::send_to_socket("sock", "ev", ()),
        SocketIoAction::add_socket_to_room("sock", "r"),
        SocketIoAction::remove_socket_from_room("sock", "r"),
        SocketIoAction::disconnect_sockets(["r"]),
        SocketIoAction::disconnect_sockets(Vec::<String>::new()).close_underlying_connection(true),
    ];
    for action in &actions {
        client
            .execute("hub", action)
            .await
            .unwrap_or_else(|err| panic!("{action:?}: {err}"));
    }
    e.stop().await;
}

#[tokio::test]
async fn generate_token_issues_client_tokens() {
    let e = emulator().await;
    let url = format!(
        "{}/api/hubs/chat/:generateToken?userId=alice&minutesToExpire=59&api-version=2024-01-01",
        e.endpoint()
    );
    let (status, _, body) = post(&url, signed(&url, "emulator-key"), "").await;
    assert_eq!(status, 200);
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let aud = format!("{}/clients/socketio/hubs/chat", e.endpoint());
    let claims = verify(&token, &key(), &aud, 0).unwrap();
    assert_eq!(claims["sub"], "alice");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        59 * 60
    );

    // Key-based negotiation against the emulator's connection string produces a token it accepts.
    let client = ServiceClient::key_based(&KeyConnection::parse(&e.connection_string()).unwrap());
    let result = negotiate(&client, "chat", Some("bob")).await.unwrap();
    assert_eq!(
        verify(&result.token, &key(), &aud, 0).unwrap()["sub"],
        "bob"
    );

    // Lifetimes are checked: a huge `minutesToExpire` is refused, not wrapped around.
    for minutes in ["0", "525601", "18446744073709551615", "-1"] {
        let url = format!(
            "{}/api/hubs/chat/:generateToken?minutesToExpire={minutes}&api-version=2024-01-01",
            e.endpoint()
        );
        let (status, code, _) = post(&url, signed(&url, "emulator-key"), "").await;
        assert_eq!(
            (status, code.as_deref()),
            (400, Some("InvalidQuery")),
            "{minutes}"
        );
    }
    e.stop().await;
}

#[tokio::test]
async fn the_key_is_not_in_debug_output() {
    let config = EmulatorConfig {
        access_key: Some("emulator-key".into()),
        ..EmulatorConfig::default()
    };
    assert!(!format!("{config:?}").contains("emulator-key"));
    let e = Emulator::start(config).await.unwrap();
    let shown = format!("{e:?}");
    assert!(!shown.contains("emulator-key"), "{shown}");
    assert_eq!(e.access_key(), "emulator-key");
    e.stop().await;
}

#[tokio::test]
async fn a_public_endpoint_names_the_emulator_in_tokens_and_connection_strings() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = Emulator::start(EmulatorConfig {
        address: ([127, 0, 0, 1], port).into(),
        public_endpoint: Some(format!("http://localhost:{port}/")),
        access_key: Some("emulator-key".into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(e.endpoint(), format!("http://localhost:{port}"));
    assert!(
        e.connection_string()
            .starts_with(&format!("Endpoint=http://localhost:{port};"))
    );
    // REST calls are authenticated against the public URL, and client tokens name it.
    let url = format!(
        "http://localhost:{port}/api/hubs/chat/:generateToken?userId=u&api-version=2024-01-01"
    );
    let (status, _, body) = post(&url, signed(&url, "emulator-key"), "").await;
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let aud = format!("http://localhost:{port}/clients/socketio/hubs/chat");
    assert_eq!(verify(&token, &key(), &aud, 0).unwrap()["sub"], "u");
    e.stop().await;
    let bad = Emulator::start(EmulatorConfig {
        public_endpoint: Some("not a url".into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_err();
    assert!(bad.to_string().contains("invalid public endpoint"), "{bad}");
}
