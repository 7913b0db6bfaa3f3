//! What the emulator sends to a function app, seen by a recording app: the abuse-protection handshake,
//! then the `connect`, `connected`, user event and `disconnected` calls with every CloudEvents header, a
//! valid signature and the bodies of the protocol.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use axum::routing::any;
use socketio_fn::protocol::packet::{Packet, encode_ack};
use socketio_fn::protocol::{signature, token};
use socketio_fn_emulator::{Emulator, EmulatorConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Seen = Arc<Mutex<Vec<(Method, HeaderMap, String)>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_requests_have_the_protocol_shape() {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/runtime/webhooks/socketio",
        any(move |method: Method, headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            async move {
                let origin = headers.get("webhook-request-origin").cloned();
                let text = String::from_utf8(body.to_vec()).unwrap();
                // Ack a message that asks for one, with the client's ack id.
                let ack = Packet::decode(&text)
                    .ok()
                    .and_then(|p| p.id.map(|id| encode_ack(p.namespace, id, &["pong".into()])))
                    .unwrap_or_default();
                log.lock().unwrap().push((method.clone(), headers, text));
                let mut response = axum::response::Response::new(axum::body::Body::from(ack));
                if method == Method::OPTIONS {
                    response
                        .headers_mut()
                        .insert("WebHook-Allowed-Origin", origin.unwrap());
                }
                response
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let emulator = Emulator::start(EmulatorConfig {
        upstream: Some(format!("{app_url}/runtime/webhooks/socketio")),
        upstream_timeout: Duration::from_secs(5),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let aud = format!("{}/clients/socketio/hubs/shape", emulator.endpoint());
    let client_token = token::sign(
        &token::TokenClaims::new(aud, token::unix_now(), 3600, Some("alice".into())),
        emulator.key(),
    )
    .unwrap();
    support::node_test(
        "shape.test.mjs",
        &[
            ("ENDPOINT", emulator.endpoint().to_owned()),
            ("TOKEN", client_token),
        ],
        Duration::from_secs(60),
    )
    .await;
    // `disconnected` is sent after the client is gone; wait for it (bounded).
    tokio::time::timeout(Duration::from_secs(10), async {
        while seen.lock().unwrap().len() < 5 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();

    let seen = seen.lock().unwrap().clone();
    let kinds: Vec<String> = seen
        .iter()
        .map(|(m, h, _)| {
            format!(
                "{m} {}",
                h.get("ce-type").map(|v| v.to_str().unwrap()).unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "OPTIONS -",
            "POST azure.webpubsub.sys.connect",
            "POST azure.webpubsub.sys.connected",
            "POST azure.webpubsub.user.message",
            "POST azure.webpubsub.sys.disconnected"
        ]
    );
    assert_eq!(seen[0].1["webhook-request-origin"], "127.0.0.1");
    let connection_id = seen[1].1["ce-connectionId"].to_str().unwrap().to_owned();
    for (_, headers, _) in &seen[1..] {
        for name in [
            "ce-specversion",
            "ce-source",
            "ce-id",
            "ce-time",
            "ce-hub",
            "ce-eventName",
            "ce-namespace",
            "ce-socketId",
            "ce-userId",
        ] {
            assert!(headers.contains_key(name), "{name} missing");
        }
        assert_eq!(headers["webhook-request-origin"], "127.0.0.1");
        assert_eq!(headers["ce-hub"], "shape");
        assert_eq!(headers["ce-userId"], "alice");
        assert_eq!(headers["ce-connectionId"], connection_id.as_str());
        assert_eq!(
            headers["ce-source"],
            format!("/hubs/shape/client/{connection_id}").as_str()
        );
        assert!(signature::verify(
            emulator.key(),
            &connection_id,
            headers["ce-signature"].to_str().unwrap()
        ));
    }
    let connect: serde_json::Value = serde_json::from_str(&seen[1].2).unwrap();
    for key in [
        "claims",
        "query",
        "headers",
        "subprotocols",
        "clientCertificates",
    ] {
        assert!(connect.get(key).is_some(), "connect body lacks {key}");
    }
    assert_eq!(connect["claims"]["sub"], serde_json::json!(["alice"]));
    assert_eq!(connect["query"]["EIO"], serde_json::json!(["4"]));
    assert_eq!(connect["query"]["room"], serde_json::json!(["blue"]));
    assert!(
        connect["query"].get("access_token").is_none(),
        "the token stays in the emulator"
    );
    assert_eq!(seen[1].1["content-type"], "application/json; charset=utf-8");
    assert_eq!(seen[2].2, "{}");
    let message = &seen[3];
    assert_eq!(message.1["content-type"], "text/plain");
    assert_eq!(message.1["ce-eventName"], "ping pong");
    let packet = Packet::decode(&message.2).unwrap();
    assert!(packet.id.is_some(), "the client asked for an ack");
    assert_eq!(packet.namespace, "/");
    assert_eq!(
        packet.data, r#"["ping pong",{"b":2,"a":1},"x"]"#,
        "the data as the client sent it, member order kept"
    );
    assert_eq!(seen[4].2, r#"{"reason":"client namespace disconnect"}"#);
    emulator.stop().await;
}
