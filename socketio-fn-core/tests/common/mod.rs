//! Shared helpers of the core integration tests: vector loading, request building, recording functions.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use socketio_fn_core::{
    App, BoxFuture, FunctionDescriptor, Invocation, InvocationError, Reply, Settings,
};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use tower::ServiceExt;

/// Loads a vector file copied from the spec (`tests/vectors/<name>.json`).
pub fn vector(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Builds an HTTP request from a vector's `request` object. Array header values become repeated lines.
pub fn request(v: &Value) -> Request<Body> {
    let mut builder = Request::builder()
        .method(v["method"].as_str().unwrap())
        .uri(v["path"].as_str().unwrap());
    for (name, value) in v["headers"].as_object().unwrap() {
        match value {
            Value::Array(items) => {
                for item in items {
                    builder = builder.header(name, item.as_str().unwrap());
                }
            }
            other => builder = builder.header(name, other.as_str().unwrap()),
        }
    }
    let body = v
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    builder.body(Body::from(body)).unwrap()
}

/// Sends a request through the router without a socket.
pub async fn send(app: &App, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
    let response = app.router().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes(),
    )
}

/// Settings from a vector's `config` (only the connection string).
pub fn settings(config: &Value) -> Settings {
    Settings::from_pairs([(
        "WebPubSubForSocketIOConnectionString",
        config["WebPubSubForSocketIOConnectionString"]
            .as_str()
            .unwrap(),
    )])
}

pub fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// A descriptor for a vector's `function` config object, named `name`, running `invoke`.
pub fn descriptor(
    name: &str,
    function: &Value,
    invoke: socketio_fn_core::InvokeFn,
) -> FunctionDescriptor {
    FunctionDescriptor {
        namespace: Some(leak(
            function
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or("/"),
        )),
        ..FunctionDescriptor::new(
            leak(name),
            leak(function["hub"].as_str().unwrap()),
            leak(function["eventName"].as_str().unwrap()),
            invoke,
        )
    }
}

static RECORDED: LazyLock<Mutex<HashMap<&'static str, Vec<Invocation>>>> =
    LazyLock::new(Default::default);

pub fn record(invocation: &Invocation) {
    RECORDED
        .lock()
        .unwrap()
        .entry(invocation.function())
        .or_default()
        .push(invocation.clone());
}

/// The invocations a function (by name) received.
pub fn recorded(function: &str) -> Vec<Invocation> {
    RECORDED
        .lock()
        .unwrap()
        .get(function)
        .cloned()
        .unwrap_or_default()
}

/// Records and answers `reply`.
pub fn answer(
    invocation: Invocation,
    reply: Result<Reply, InvocationError>,
) -> BoxFuture<Result<Reply, InvocationError>> {
    record(&invocation);
    Box::pin(async move { reply })
}

/// Records and answers nothing.
pub fn noop(invocation: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
    answer(invocation, Ok(Reply::Empty))
}

/// The request of an invocation as JSON, to compare with a vector's `expectedTriggerValue`.
pub fn trigger_value(invocation: &Invocation) -> Value {
    use socketio_fn_core::TriggerRequest::*;
    match invocation.request() {
        Connect(r) => serde_json::to_value(r),
        Connected(r) => serde_json::to_value(r),
        Disconnected(r) => serde_json::to_value(r),
        Message(r) => serde_json::to_value(r),
    }
    .unwrap()
}

/// Asserts a reply against a vector's `response` object (status, listed headers, exact body).
pub fn assert_response(got: &(StatusCode, HeaderMap, Bytes), expected: &Value, context: &str) {
    let (status, headers, body) = got;
    assert_eq!(
        status.as_u16() as u64,
        expected["status"].as_u64().unwrap(),
        "{context}: status, body {body:?}"
    );
    for (name, value) in expected["headers"].as_object().unwrap() {
        assert_eq!(
            headers.get(name).map(|v| v.to_str().unwrap()),
            value.as_str(),
            "{context}: header {name}"
        );
    }
    assert_eq!(
        std::str::from_utf8(body).unwrap(),
        expected["body"].as_str().unwrap(),
        "{context}: body"
    );
}

/// The header and claims of an HS256 token whose signature verifies with `key` (lifetime and audience
/// not checked: vector tokens are old).
pub fn decode_signed(token: &str, key: &socketio_fn_core::protocol::AccessKey) -> (Value, Value) {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(key.as_bytes()),
        &validation,
    )
    .unwrap_or_else(|e| panic!("{token}: {e}"));
    (serde_json::to_value(&data.header).unwrap(), data.claims)
}

/// A credential handing out a fixed token (or failing), recording the scopes it was asked for.
#[derive(Debug)]
pub struct FixedToken {
    token: Option<&'static str>,
    calls: std::sync::atomic::AtomicUsize,
    scopes: Mutex<Vec<String>>,
}

impl FixedToken {
    pub fn new(token: &'static str) -> Self {
        Self {
            token: Some(token),
            calls: Default::default(),
            scopes: Default::default(),
        }
    }

    pub fn failing() -> Self {
        Self {
            token: None,
            calls: Default::default(),
            scopes: Default::default(),
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn scopes(&self) -> Vec<String> {
        let mut s = self.scopes.lock().unwrap().clone();
        s.dedup();
        s
    }
}

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for FixedToken {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.scopes
            .lock()
            .unwrap()
            .extend(scopes.iter().map(|s| (*s).to_owned()));
        match self.token {
            Some(t) => Ok(azure_core::credentials::AccessToken::new(
                t,
                azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
            )),
            None => Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "no identity here",
            )),
        }
    }
}
