//! The REST client of the service: one pooled HTTP client per connection, a valid credential per
//! attempt (a key's token reused per URL for a minute, `token_cache`), bounded retries.
//!
//! Delivery: a request is sent once; it is retried (up to `max_retries` times, exponential backoff with
//! jitter, honouring `Retry-After`) when the connection could not be made or was dropped before a reply,
//! and on 408, 429 and 5xx replies. A timeout is not retried (the service may have acted). Any final
//! failure is a typed [`ServiceError`] carrying the service's error code and message: nothing is dropped
//! silently. So delivery is at-least-once within the retry budget for dropped connections and 5xx, and
//! at-most-once otherwise.

use super::error::{SendError, ServiceError};
use super::reply::{MAX_REPLY_BYTES, drain, read_text, refused};
use super::token_cache::TokenCache;
use crate::actions::{RestRequest, SocketIoAction};
use crate::settings::{Endpoint, KeyConnection};
use crate::telemetry;
use axum::body::Bytes;
use azure_core::credentials::TokenCredential;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::setting_names::DEFAULT_API_VERSION;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

/// The scope of Microsoft Entra tokens for the service.
pub const ENTRA_SCOPE: &str = "https://webpubsub.azure.com/.default";

/// Retry and timeout settings of the REST client.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3).
    pub max_retries: u32,
    /// First backoff delay (default 200 ms); doubles each retry, with ±50 % jitter.
    pub base_delay: Duration,
    /// Largest delay between attempts, also the cap for `Retry-After` (default 10 s).
    pub max_delay: Duration,
    /// Timeout of one attempt (default 10 s).
    pub timeout: Duration,
}

impl RetryPolicy {
    /// The bound of one call, every attempt with its token and the waits between them:
    /// `timeout × (retries + 1) + max_delay × retries` (70 s by default). A call that is still not done
    /// then fails with [`ServiceError::Timeout`].
    pub fn deadline(&self, timeout: Duration, retries: u32) -> Duration {
        timeout
            .saturating_mul(retries.saturating_add(1))
            .saturating_add(self.max_delay.saturating_mul(retries))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            timeout: Duration::from_secs(10),
        }
    }
}

/// How REST requests are authenticated.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A self-signed HS256 token for the request's URL (key-based connections), reused for the same
    /// URL for a minute of its five-minute lifetime.
    Key(AccessKey),
    /// A Microsoft Entra token for [`ENTRA_SCOPE`] (identity-based connections); the credential caches
    /// and refreshes it.
    Entra(Arc<dyn TokenCredential>),
}

/// A client of one service endpoint.
#[derive(Debug, Clone)]
pub struct ServiceClient {
    http: reqwest::Client,
    base: String,
    credential: Credential,
    api_version: String,
    retry: RetryPolicy,
    /// How each attempt gets its token.
    tokens: Tokens,
}

/// Where an attempt's token comes from.
#[derive(Debug, Clone)]
enum Tokens {
    /// Signed with the access key, per URL.
    Signed(Arc<TokenCache>),
    /// From the identity credential (which caches and refreshes).
    Entra(Arc<dyn TokenCredential>),
}

impl ServiceClient {
    /// A client for `endpoint` authenticating with `credential`.
    pub fn new(endpoint: &Endpoint, credential: Credential) -> Self {
        let tokens = match &credential {
            Credential::Key(key) => Tokens::Signed(Arc::new(TokenCache::new(key.clone()))),
            Credential::Entra(credential) => Tokens::Entra(credential.clone()),
        };
        Self {
            http: reqwest::Client::new(),
            base: endpoint.base(),
            tokens,
            credential,
            api_version: DEFAULT_API_VERSION.into(),
            retry: RetryPolicy::default(),
        }
    }

    /// A client of a key-based connection.
    pub fn key_based(connection: &KeyConnection) -> Self {
        Self::new(
            &connection.endpoint,
            Credential::Key(connection.access_key.clone()),
        )
    }

    /// Sets the REST `api-version` (default [`DEFAULT_API_VERSION`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Sets retries and timeouts.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The endpoint, `scheme://host[:port]`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// How requests are authenticated.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The REST API version in use.
    pub fn api_version_in_use(&self) -> &str {
        &self.api_version
    }

    /// Executes one action against `hub` (its requests in order).
    pub async fn execute(&self, hub: &str, action: &SocketIoAction) -> Result<(), SendError> {
        action.validate()?;
        let operation = action.name();
        for request in action.rest_requests(hub, &self.api_version) {
            let url = [self.base.as_str(), &request.path_and_query].concat();
            let call = self
                .call_of(operation, request.method, &url)
                .with_body(request);
            let response = self.send(&call).await?;
            drain(response, operation).await?;
        }
        Ok(())
    }

    /// The URL and `Authorization` of one attempt: a key connection's token for the URL (reused,
    /// see [`Credential::Key`]), or an Entra token bounded by one attempt's timeout (an identity
    /// endpoint that hangs or keeps refusing cannot hold the action longer).
    async fn authorize(
        &self,
        operation: &'static str,
        url: &str,
    ) -> Result<(reqwest::Url, HeaderValue), ServiceError> {
        let auth = |source| ServiceError::Auth { operation, source };
        let credential = match &self.tokens {
            Tokens::Signed(tokens) => {
                let signed = tokens.signed(url).map_err(auth)?;
                return Ok((signed.url, signed.authorization));
            }
            Tokens::Entra(credential) => credential,
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| auth(Box::new(e)))?;
        let token = tokio::time::timeout(
            self.retry.timeout,
            credential.get_token(&[ENTRA_SCOPE], None),
        )
        .await
        .map_err(|_| {
            auth(
                format!(
                    "no token within {:?} (the identity endpoint did not answer)",
                    self.retry.timeout
                )
                .into(),
            )
        })?
        .map_err(|e| auth(Box::new(e)))?;
        let mut value = HeaderValue::try_from(format!("Bearer {}", token.token.secret()))
            .map_err(|e| auth(Box::new(e)))?;
        value.set_sensitive(true);
        Ok((parsed, value))
    }

    /// Sends a request with retries; returns the body of a 2xx reply (at most [`MAX_REPLY_BYTES`]).
    pub(crate) async fn call(
        &self,
        operation: &'static str,
        request: RestRequest,
    ) -> Result<String, ServiceError> {
        let url = format!("{}{}", self.base, request.path_and_query);
        let call = self
            .call_of(operation, request.method, &url)
            .with_body(request);
        let response = self.send(&call).await?;
        read_text(response, operation, MAX_REPLY_BYTES).await
    }

    /// A `HEAD` of a path: `true` on 200, `false` on 404 (the service's existence checks).
    pub(crate) async fn exists(
        &self,
        operation: &'static str,
        path_and_query: &str,
    ) -> Result<bool, ServiceError> {
        let url = format!("{}{path_and_query}", self.base);
        let call = Call {
            found_or_missing: true,
            ..self.call_of(operation, "HEAD", &url)
        };
        let response = self.send(&call).await?;
        Ok(response.status().is_success())
    }

    /// A `GET` of a URL of this endpoint (a path, or an absolute `nextLink` the service gave),
    /// returning the JSON body.
    pub(crate) async fn get_json(
        &self,
        operation: &'static str,
        url: &str,
    ) -> Result<serde_json::Value, ServiceError> {
        let call = self.call_of(operation, "GET", url);
        let response = self.send(&call).await?;
        let text = read_text(response, operation, MAX_REPLY_BYTES).await?;
        serde_json::from_str(&text).map_err(|e| ServiceError::InvalidReply {
            operation,
            source: Box::new(e),
        })
    }

    /// A `POST` whose reply is read as it streams (`:invoke`); sent once, never retried (the service
    /// may have emitted), within `timeout` for the whole exchange.
    pub(crate) async fn stream(
        &self,
        operation: &'static str,
        request: RestRequest,
        timeout: Duration,
    ) -> Result<reqwest::Response, ServiceError> {
        let url = format!("{}{}", self.base, request.path_and_query);
        let call = Call {
            timeout,
            retries: 0,
            ..self
                .call_of(operation, request.method, &url)
                .with_body(request)
        };
        self.send(&call).await
    }

    /// A bodiless call with this client's timeout and retries.
    fn call_of<'a>(&self, operation: &'static str, method: &'static str, url: &'a str) -> Call<'a> {
        Call {
            operation,
            method,
            url,
            content_type: None,
            body: Bytes::new(),
            found_or_missing: false,
            timeout: self.retry.timeout,
            retries: self.retry.max_retries,
        }
    }

    /// The attempts of one call: a valid credential each time, retries on connection failures, 408,
    /// 429 and 5xx (after `Retry-After` or a backoff), never after a timeout.
    async fn send(&self, call: &Call<'_>) -> Result<reqwest::Response, ServiceError> {
        let deadline = self.retry.deadline(call.timeout, call.retries);
        // A client span only when telemetry is exported: the output path stays as cheap without.
        let span = if telemetry::enabled() {
            tracing::info_span!(
                "rest",
                otel.name = call.operation,
                otel.kind = "client",
                operation = call.operation,
                http.request.method = call.method,
                http.response.status_code = tracing::field::Empty,
                attempts = tracing::field::Empty,
            )
        } else {
            tracing::Span::none()
        };
        let started = std::time::Instant::now();
        let mut attempts = 0;
        let attempted = self.attempts(call, &mut attempts).instrument(span.clone());
        // With a signed token the attempts are bounded by themselves (each within `timeout`, reqwest's
        // timer; waits within `max_delay`; signing does not wait): no second timer per call. An
        // Entra token wait is bounded too, but the overall deadline stays as a guard.
        let result = match &self.tokens {
            Tokens::Signed(_) => attempted.await,
            Tokens::Entra(_) => match tokio::time::timeout(deadline, attempted).await {
                Ok(result) => result,
                Err(_) => Err(ServiceError::Timeout {
                    operation: call.operation,
                    after: deadline,
                }),
            },
        };
        let status = match &result {
            Ok(response) => response.status().as_u16(),
            Err(ServiceError::Refused { status, .. }) => *status,
            Err(_) => 0,
        };
        span.record("http.response.status_code", i64::from(status));
        span.record("attempts", i64::from(attempts));
        let retries = attempts.saturating_sub(1);
        telemetry::rest_call(call.operation, status, retries, started.elapsed());
        result
    }

    async fn attempts(
        &self,
        call: &Call<'_>,
        attempt: &mut u32,
    ) -> Result<reqwest::Response, ServiceError> {
        let operation = call.operation;
        let method =
            reqwest::Method::from_bytes(call.method.as_bytes()).unwrap_or(reqwest::Method::POST);
        loop {
            *attempt += 1;
            let attempt = *attempt;
            let (url, authorization) = self.authorize(operation, call.url).await?;
            let mut builder = self
                .http
                .request(method.clone(), url)
                .header(AUTHORIZATION, authorization)
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .timeout(call.timeout);
            if let Some(content_type) = call.content_type {
                builder = builder
                    .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                    .body(call.body.clone());
            }
            if telemetry::enabled() {
                let mut traced = reqwest::header::HeaderMap::new();
                telemetry::inject(&mut traced);
                builder = builder.headers(traced);
            }
            let retry_after = match builder.send().await {
                Ok(r) if r.status().is_success() => return Ok(r),
                Ok(r) if call.found_or_missing && r.status() == reqwest::StatusCode::NOT_FOUND => {
                    return Ok(r);
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retryable = status == 408 || status == 429 || status >= 500;
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let error = refused(operation, response).await;
                    if !retryable || attempt > call.retries {
                        return Err(error);
                    }
                    tracing::warn!(operation, status, attempt, "service call failed; retrying");
                    retry_after
                }
                Err(e) if e.is_timeout() => {
                    return Err(ServiceError::Timeout {
                        operation,
                        after: call.timeout,
                    });
                }
                Err(source) => {
                    if attempt > call.retries {
                        return Err(ServiceError::Unreachable {
                            operation,
                            attempts: attempt,
                            source,
                        });
                    }
                    let reason = socketio_fn_protocol::error_chain(&source);
                    tracing::warn!(operation, attempt, reason = %socketio_fn_protocol::log::Escaped(&reason), "service unreachable; retrying");
                    None
                }
            };
            tokio::time::sleep(self.delay(attempt, retry_after)).await;
        }
    }

    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(d) = retry_after {
            return d.min(self.retry.max_delay);
        }
        let exponential = self
            .retry
            .base_delay
            .saturating_mul(1 << (attempt - 1).min(16));
        exponential
            .mul_f64(0.5 + fastrand::f64())
            .min(self.retry.max_delay)
    }
}

/// One call's parameters.
struct Call<'a> {
    operation: &'static str,
    method: &'static str,
    url: &'a str,
    /// `None` for bodiless requests (HEAD, GET).
    content_type: Option<&'static str>,
    /// Shared by the attempts without a copy.
    body: Bytes,
    /// A 404 is an answer (existence checks), not an error.
    found_or_missing: bool,
    timeout: Duration,
    retries: u32,
}

impl<'a> Call<'a> {
    /// The call with a request's content type and body.
    fn with_body(self, request: RestRequest) -> Self {
        Self {
            content_type: Some(request.content_type),
            body: Bytes::from(request.body),
            ..self
        }
    }
}
