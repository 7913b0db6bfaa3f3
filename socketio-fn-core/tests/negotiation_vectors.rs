//! Negotiation vectors: key-based tokens (decoded header and claims, signature), identity-based
//! negotiation through a credential and a fake service.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/fake_service.rs"]
mod fake_service;

use common::FixedToken;
use common::vector;
use fake_service::{FakeService, Reply};
use serde_json::Value;
use socketio_fn_core::actions::SocketIoAction;
use socketio_fn_core::service::{Credential, ServiceClient, ServiceError};
use socketio_fn_core::service::{SocketIoNegotiationResult, negotiate};
use socketio_fn_core::settings::{Endpoint, KeyConnection};
use std::sync::Arc;

#[test]
fn key_based_negotiation_vectors() {
    let v = vector("negotiation-token");
    assert_eq!(v["id"], "negotiation-key-based");
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let inputs = &case["inputs"];
        let expected = &case["expected"];
        let key = KeyConnection::parse(inputs["connectionString"].as_str().unwrap()).unwrap();
        let hub = inputs["hub"].as_str().unwrap();
        let user = inputs["userId"].as_str();
        let now = inputs["now"].as_u64().unwrap();
        let result = SocketIoNegotiationResult::with_key(
            &key.endpoint.base(),
            &key.access_key,
            hub,
            user,
            now,
        )
        .unwrap();
        // What the service checks: the signature over the bytes it gets, then the decoded claims. Ours
        // and the reference's token decode to the same header and claims and both verify with the key.
        let (header, claims) = common::decode_signed(&result.token, &key.access_key);
        let reference = expected["token"].as_str().unwrap();
        let (ref_header, ref_claims) = common::decode_signed(reference, &key.access_key);
        assert_eq!(header, ref_header, "{name}: header");
        assert_eq!(claims, ref_claims, "{name}: claims");
        if let Some(text) = expected.get("jwtHeaderJson") {
            let header_json: Value = serde_json::from_str(text.as_str().unwrap()).unwrap();
            assert_eq!(header, header_json, "{name}");
        }
        let payload: Value =
            serde_json::from_str(expected["jwtPayloadJson"].as_str().unwrap()).unwrap();
        assert_eq!(claims, payload, "{name}");
        if let Some(url) = expected.get("url") {
            let url = url.as_str().unwrap();
            let (base, _) = url.split_once("?access_token=").unwrap();
            assert_eq!(
                result.url,
                format!("{base}?access_token={}", result.token),
                "{name}"
            );
        }
        assert!(
            !format!("{result:?}").contains(&result.token),
            "Debug hides the token"
        );
        // The reference's three members, in its order (with our token), then our `url`.
        let json = serde_json::to_string(&result).unwrap();
        let reference_json = expected["negotiationResultJson"]
            .as_str()
            .unwrap()
            .replace(reference, &result.token);
        assert_eq!(
            json,
            format!(
                "{},\"url\":{}}}",
                reference_json.trim_end_matches('}'),
                serde_json::to_string(&result.url).unwrap()
            ),
            "{name}"
        );
    }
}

#[tokio::test]
async fn identity_based_negotiation_asks_the_service() {
    let v = vector("negotiation-identity");
    assert_eq!(v["id"], "negotiation-identity-based");
    let service_token = v["serviceResponse"]["body"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let body: &'static str =
        Box::leak(format!("{{\"token\":\"{service_token}\"}}").into_boxed_str());
    let service = FakeService::start(vec![Reply::Status(
        200,
        vec![("Content-Type", "application/json")],
        body,
    )])
    .await;
    let credential = Arc::new(FixedToken::new("entra-token"));
    let client = ServiceClient::new(
        &Endpoint::parse(&service.base).unwrap(),
        Credential::Entra(credential.clone()),
    );
    let result = negotiate(&client, "hub", Some("user")).await.unwrap();

    assert_eq!(result.token, service_token);
    assert_eq!(result.path, "/clients/socketio/hubs/hub");
    assert_eq!(result.endpoint, service.base);
    let requests = service.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].target,
        "/api/hubs/hub/:generateToken?userId=user&minutesToExpire=59&api-version=2024-01-01"
    );
    assert_eq!(
        requests[0].header("Authorization"),
        Some("Bearer entra-token")
    );

    assert_eq!(
        credential.scopes(),
        ["https://webpubsub.azure.com/.default"]
    );

    // Actions use the cached token as Bearer: no second token request.
    client
        .execute("hub", &SocketIoAction::send_to_namespace("ev", ()))
        .await
        .unwrap();
    assert_eq!(
        service.requests()[1].header("Authorization"),
        Some("Bearer entra-token")
    );
    assert_eq!(
        credential.calls(),
        2,
        "one token per request; the credential caches"
    );

    // The decoded service token is what the vector says.
    let payload = service_token.split('.').nth(1).unwrap();
    use base64::Engine as _;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims, v["decodedServiceToken"]["payload"]);
}

#[tokio::test]
async fn a_failing_credential_is_a_typed_error_and_nothing_is_sent() {
    let service = FakeService::start(vec![]).await;
    let client = ServiceClient::new(
        &Endpoint::parse(&service.base).unwrap(),
        Credential::Entra(Arc::new(FixedToken::failing())),
    );
    let err = negotiate(&client, "hub", None).await.unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Auth {
                operation: "generateToken",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the cause is kept"
    );
    assert!(service.requests().is_empty());
}

#[tokio::test]
async fn a_handle_negotiates_for_its_hub() {
    let connection = "Endpoint=http://localhost:8080;AccessKey=handle-key";
    let app = socketio_fn_core::App::builder()
        .settings(socketio_fn_core::Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            connection,
        )]))
        .allow_unauthenticated_webhook()
        .build()
        .unwrap();
    let result = app
        .service("chat")
        .unwrap()
        .of("/ns")
        .negotiate(Some("alice"))
        .await
        .unwrap();
    assert_eq!(result.endpoint, "http://localhost:8080");
    assert_eq!(result.path, "/clients/socketio/hubs/chat");
    let key = KeyConnection::parse(connection).unwrap().access_key;
    let (_, claims) = common::decode_signed(&result.token, &key);
    assert_eq!(claims["sub"], "alice");
    assert_eq!(
        claims["aud"],
        "http://localhost:8080/clients/socketio/hubs/chat"
    );

    // A builder's handle whose app was never built cannot negotiate.
    let handle = socketio_fn_core::App::builder().service("chat");
    assert!(matches!(
        handle.negotiate(None).await,
        Err(ServiceError::NotReady)
    ));
}
