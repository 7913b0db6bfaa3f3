//! Negotiation vectors: key-based tokens byte for byte, identity-based negotiation through a fake managed
//! identity endpoint and a fake service.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/fake_service.rs"]
mod fake_service;

use common::vector;
use fake_service::{FakeService, Reply};
use serde_json::Value;
use socketio_fn_core::actions::SocketIoAction;
use socketio_fn_core::protocol::token::{Claims, sign};
use socketio_fn_core::service::{
    ManagedIdentity, ServiceClient, SocketIoNegotiationResult, negotiate,
};
use socketio_fn_core::settings::{KeyConnection, Settings};

#[test]
fn key_based_negotiation_vectors() {
    let v = vector("negotiation-token");
    assert_eq!(v["id"], "negotiation-key-based");
    for case in v["cases"].as_array().unwrap() {
        let inputs = &case["inputs"];
        let expected = &case["expected"];
        let key = KeyConnection::parse(inputs["connectionString"].as_str().unwrap()).unwrap();
        let hub = inputs["hub"].as_str().unwrap();
        let user = inputs["userId"].as_str();
        let now = inputs["now"].as_u64().unwrap();
        let result = SocketIoNegotiationResult::with_key(&key, hub, user, now);
        assert_eq!(
            result.token,
            expected["token"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        let aud = format!("{}/clients/socketio/hubs/{hub}", key.endpoint.base());
        let claims = Claims::new(aud, now, 3600, user.map(str::to_owned));
        assert_eq!(
            claims.to_json(),
            expected["jwtPayloadJson"].as_str().unwrap()
        );
        assert_eq!(sign(&claims, key.access_key.expose()), result.token);
        if let Some(header) = expected.get("jwtHeaderB64") {
            assert!(
                result
                    .token
                    .starts_with(&format!("{}.", header.as_str().unwrap()))
            );
        }
        if let Some(url) = expected.get("url") {
            assert_eq!(result.url, url.as_str().unwrap());
        }
        assert!(
            !format!("{result:?}").contains(&result.token),
            "Debug hides the token"
        );
        // The reference's three members, in its order, then our `url`.
        let json = serde_json::to_string(&result).unwrap();
        let reference = expected["negotiationResultJson"].as_str().unwrap();
        assert_eq!(
            json,
            format!(
                "{},\"url\":{}}}",
                reference.trim_end_matches('}'),
                serde_json::to_string(&result.url).unwrap()
            )
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
    let identity = FakeService::start(vec![Reply::Status(
        200,
        vec![],
        r#"{"access_token":"entra-token","expires_on":"4102444800","token_type":"Bearer","resource":"https://webpubsub.azure.com"}"#,
    )])
    .await;

    let settings = Settings::from_pairs([
        (
            "WebPubSubForSocketIOConnectionString__endpoint",
            service.base.as_str(),
        ),
        (
            "WebPubSubForSocketIOConnectionString__credential",
            "managedidentity",
        ),
        (
            "WebPubSubForSocketIOConnectionString__clientId",
            "my-client",
        ),
    ]);
    let connection = settings
        .connection("WebPubSubForSocketIOConnectionString")
        .unwrap();
    let managed = ManagedIdentity::app_service(
        format!("{}/msi/token", identity.base),
        "secret-header",
        Some("my-client".into()),
    );
    assert!(!format!("{managed:?}").contains("secret-header"));
    let client = ServiceClient::with_identity(&connection, managed);
    let result = negotiate(&connection, &client, "hub", Some("user"))
        .await
        .unwrap();

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

    let token_requests = identity.requests();
    assert_eq!(token_requests.len(), 1);
    assert_eq!(
        token_requests[0].target,
        "/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fwebpubsub.azure.com&client_id=my-client"
    );
    assert_eq!(
        token_requests[0].header("X-IDENTITY-HEADER"),
        Some("secret-header")
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
        identity.requests().len(),
        1,
        "token cached until near expiry"
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
async fn identity_tokens_near_expiry_are_refreshed_and_failures_are_typed() {
    let identity = FakeService::start(vec![
        Reply::Status(200, vec![], r#"{"access_token":"t1","expires_on":"100"}"#),
        Reply::Status(200, vec![], r#"{"access_token":"t2","expires_in":3600}"#),
        Reply::Status(400, vec![], "no identity"),
    ])
    .await;
    let managed = ManagedIdentity::instance_metadata(
        format!("{}/metadata/identity/oauth2/token", identity.base),
        None,
    );
    assert_eq!(managed.token().await.unwrap(), "t1");
    assert_eq!(managed.token().await.unwrap(), "t2", "t1 had expired");
    assert_eq!(managed.token().await.unwrap(), "t2", "t2 is cached");
    let got = identity.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("Metadata"), Some("true"));
    assert_eq!(
        got[0].target,
        "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fwebpubsub.azure.com"
    );

    let failing = ManagedIdentity::instance_metadata(format!("{}/x", identity.base), None);
    let err = failing.token().await.unwrap_err();
    assert!(err.to_string().contains("400"), "{err}");
}
