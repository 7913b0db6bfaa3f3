//! The REST client against a fake service that answers 202, 429 with `Retry-After`, 500, drops the
//! connection, or is slow: retries, timeouts and the final typed errors.
#![allow(clippy::unwrap_used)]

#[path = "common/fake_service.rs"]
mod fake_service;

use fake_service::{FakeService, Reply};
use socketio_fn_core::actions::{ActionKind, InvalidAction, SocketIoAction};
use socketio_fn_core::service::{RetryPolicy, SendError, ServiceClient, ServiceError};
use socketio_fn_core::settings::KeyConnection;
use std::time::Duration;

fn client(base: &str, timeout: Duration) -> ServiceClient {
    let connection = KeyConnection::parse(&format!("Endpoint={base};AccessKey=key")).unwrap();
    ServiceClient::key_based(&connection).retry_policy(RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(2),
        timeout,
    })
}

/// Sends the test action through a client with a 5 s timeout.
async fn send(service: &FakeService) -> Result<(), SendError> {
    client(&service.base, Duration::from_secs(5))
        .execute("hub", &action())
        .await
}

fn action() -> SocketIoAction {
    SocketIoAction::send_to_namespace("ev", ("x",))
}

#[tokio::test]
async fn accepted_first_time() {
    let service = FakeService::start(vec![Reply::Status(202, vec![], "")]).await;
    send(&service).await.unwrap();
    assert_eq!(service.requests().len(), 1);
}

#[tokio::test]
async fn too_many_requests_honours_retry_after() {
    let service =
        FakeService::start(vec![Reply::Status(429, vec![("Retry-After", "1")], "")]).await;
    send(&service).await.unwrap();
    let got = service.requests();
    assert_eq!(got.len(), 2);
    let gap = got[1].at - got[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "waited {gap:?}, Retry-After said 1 s"
    );
    // The retry sends the same request, and each attempt carries a token that verifies for its URL
    // (signed when the attempt is made, so a retry after a long `Retry-After` is not refused as
    // expired).
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[0].target, got[1].target);
    let audience = format!("{}{}", service.base, got[0].target);
    for attempt in &got {
        let bearer = attempt.header("Authorization").unwrap();
        let token = bearer.strip_prefix("Bearer ").unwrap();
        socketio_fn_core::protocol::token::verify(
            token,
            &socketio_fn_core::protocol::AccessKey::new("key"),
            &audience,
            0,
        )
        .unwrap();
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_with_code_and_message() {
    let error = Reply::Status(
        500,
        vec![
            ("x-ms-error-code", "InternalError"),
            ("Content-Type", "application/json"),
        ],
        r#"{"code":"InternalError","message":"try later"}"#,
    );
    let service =
        FakeService::start(vec![error.clone(), error.clone(), error.clone(), error]).await;
    let err = send(&service).await.unwrap_err();
    assert!(
        matches!(
            &err,
            SendError::Service(ServiceError::Refused { operation: "sendToNamespace", status: 500, code: Some(code), message })
                if code == "InternalError" && message == "try later"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the service refused `sendToNamespace` with 500 (InternalError): try later"
    );
    assert_eq!(service.requests().len(), 4, "1 attempt + 3 retries");
}

#[tokio::test]
async fn a_server_error_then_success() {
    let service = FakeService::start(vec![Reply::Status(503, vec![], "busy")]).await;
    send(&service).await.unwrap();
    assert_eq!(service.requests().len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let service = FakeService::start(vec![Reply::Status(
        400,
        vec![],
        r#"{"code":"InvalidFilter","message":"bad filter"}"#,
    )])
    .await;
    let err = send(&service).await.unwrap_err();
    assert!(
        matches!(err, SendError::Service(ServiceError::Refused { status: 400, ref code, .. }) if code.as_deref() == Some("InvalidFilter")),
        "{err}"
    );
    assert_eq!(service.requests().len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let service = FakeService::start(vec![Reply::Drop]).await;
    send(&service).await.unwrap();
    assert_eq!(service.requests().len(), 2);
}

#[tokio::test]
async fn a_slow_reply_times_out_without_retry() {
    let service = FakeService::start(vec![Reply::Slow(Duration::from_secs(3))]).await;
    let err = client(&service.base, Duration::from_millis(300))
        .execute("hub", &action())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SendError::Service(ServiceError::Timeout { operation: "sendToNamespace", after }) if after == Duration::from_millis(300)),
        "{err}"
    );
    assert_eq!(service.requests().len(), 1);
}

#[tokio::test]
async fn an_unreachable_service_is_reported_after_the_retries() {
    // Bind and drop a listener to get a loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2))
        .execute("hub", &action())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SendError::Service(ServiceError::Unreachable { attempts: 4, .. })
        ),
        "{err}"
    );
    // The cause is kept as the error's source.
    assert!(
        std::error::Error::source(&err)
            .and_then(std::error::Error::source)
            .is_some()
    );
}

#[tokio::test]
async fn invalid_actions_never_reach_the_service() {
    let service = FakeService::start(vec![]).await;
    let err = client(&service.base, Duration::from_secs(5))
        .execute(
            "hub",
            &SocketIoAction::send_to_rooms(Vec::<String>::new(), "ev", ()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SendError::Invalid(InvalidAction::MissingField {
                action: ActionKind::SendToRooms,
                field: "rooms"
            })
        ),
        "{err}"
    );
    assert!(service.requests().is_empty());
}

#[tokio::test]
async fn a_huge_error_body_is_cut_not_copied() {
    // 10 MB of error text: the error (and so the webhook's 500 reply and the log line) carries a few
    // kilobytes of it, and the client stops reading there.
    let body = "e".repeat(10 * 1024 * 1024);
    let service = FakeService::start(vec![Reply::Owned(400, vec![], body)]).await;
    let err = send(&service).await.unwrap_err();
    let SendError::Service(ServiceError::Refused {
        status, message, ..
    }) = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 400);
    assert!(message.len() < 5_000, "{} bytes kept", message.len());
    assert!(
        message.ends_with("(cut at 4096 bytes)"),
        "{}",
        &message[message.len() - 40..]
    );
    assert!(err.to_string().len() < 5_200);
}
