//! The REST client of the service: one pooled HTTP client per connection, a fresh credential per
//! attempt, bounded retries.
//!
//! Delivery: a request is sent once; it is retried (up to `max_retries` times, exponential backoff with
//! jitter, honouring `Retry-After`) when the connection could not be made or was dropped before a reply,
//! and on 408, 429 and 5xx replies. A timeout is not retried (the service may have acted). Any final
//! failure is a typed [`ServiceError`] carrying the service's error code and message: nothing is dropped
//! silently. So delivery is at-least-once within the retry budget for dropped connections and 5xx, and
//! at-most-once otherwise.

use super::error::{SendError, ServiceError};
use crate::actions::{RestRequest, SocketIoAction};
use crate::settings::{Endpoint, KeyConnection};
use azure_core::credentials::TokenCredential;
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::setting_names::DEFAULT_API_VERSION;
use socketio_fn_protocol::token::{REST_TOKEN_LIFETIME_SECS, TokenClaims, sign, unix_now};
use std::sync::Arc;
use std::time::Duration;

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
    /// A self-signed HS256 token per request (key-based connections).
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
}

impl ServiceClient {
    /// A client for `endpoint` authenticating with `credential`.
    pub fn new(endpoint: &Endpoint, credential: Credential) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: endpoint.base(),
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

    /// Executes one action against `hub`.
    pub async fn execute(&self, hub: &str, action: &SocketIoAction) -> Result<(), SendError> {
        action.validate()?;
        let request = action.rest_request(hub, &self.api_version);
        self.post(action.name(), &request).await?;
        Ok(())
    }

    async fn authorization(
        &self,
        operation: &'static str,
        url: &str,
    ) -> Result<String, ServiceError> {
        match &self.credential {
            Credential::Key(key) => {
                let claims = TokenClaims::new(url, unix_now(), REST_TOKEN_LIFETIME_SECS, None);
                sign(&claims, key)
                    .map(|t| format!("Bearer {t}"))
                    .map_err(|e| ServiceError::Auth {
                        operation,
                        source: Box::new(e),
                    })
            }
            Credential::Entra(credential) => credential
                .get_token(&[ENTRA_SCOPE], None)
                .await
                .map(|t| format!("Bearer {}", t.token.secret()))
                .map_err(|e| ServiceError::Auth {
                    operation,
                    source: Box::new(e),
                }),
        }
    }

    /// POSTs with retries; returns the body of a 2xx reply.
    pub(crate) async fn post(
        &self,
        operation: &'static str,
        request: &RestRequest,
    ) -> Result<String, ServiceError> {
        let url = format!("{}{}", self.base, request.path_and_query);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let authorization = self.authorization(operation, &url).await?;
            let sent = self
                .http
                .post(&url)
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .header("Content-Type", request.content_type)
                .body(request.body.clone())
                .timeout(self.retry.timeout)
                .send()
                .await;
            let retry_after = match sent {
                Ok(response) if response.status().is_success() => {
                    return response
                        .text()
                        .await
                        .map_err(|e| ServiceError::InvalidReply {
                            operation,
                            source: Box::new(e),
                        });
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
                    let code = response
                        .headers()
                        .get(socketio_fn_protocol::paths::ERROR_CODE_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let body = response.text().await.unwrap_or_default();
                    let error = refused(operation, status, code, &body);
                    if !retryable || attempt > self.retry.max_retries {
                        return Err(error);
                    }
                    tracing::warn!(operation, status, attempt, "service call failed; retrying");
                    retry_after
                }
                Err(e) if e.is_timeout() => {
                    return Err(ServiceError::Timeout {
                        operation,
                        after: self.retry.timeout,
                    });
                }
                Err(source) => {
                    if attempt > self.retry.max_retries {
                        return Err(ServiceError::Unreachable {
                            operation,
                            attempts: attempt,
                            source,
                        });
                    }
                    let reason = socketio_fn_protocol::error_chain(&source);
                    tracing::warn!(operation, attempt, %reason, "service unreachable; retrying");
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

fn refused(operation: &'static str, status: u16, code: Option<String>, body: &str) -> ServiceError {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    ServiceError::Refused {
        operation,
        status,
        code: code.or_else(|| field("code")),
        message: field("message").unwrap_or_else(|| body.to_owned()),
    }
}
