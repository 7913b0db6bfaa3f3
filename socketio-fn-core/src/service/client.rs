//! The REST client of the service: one pooled HTTP client per endpoint, a fresh credential per attempt,
//! bounded retries.
//!
//! Delivery: an action is sent once; it is retried (up to `max_retries` times, exponential backoff with
//! jitter, honouring `Retry-After`) when the connection could not be made or was dropped before a reply,
//! and on 408, 429 and 5xx replies. A timeout is not retried (the service may have acted). Any final
//! failure is a typed [`ActionError`] carrying the service's error code and message: nothing is dropped
//! silently. So delivery is at-least-once within the retry budget for dropped connections and 5xx, and
//! at-most-once otherwise.

use super::identity::ManagedIdentity;
use crate::actions::{ActionError, DEFAULT_API_VERSION, RestRequest, SocketIoAction};
use crate::protocol::token::{Claims, REST_TOKEN_LIFETIME_SECS, sign, unix_now};
use crate::settings::{AccessKey, ServiceConnection};
use std::sync::Arc;
use std::time::Duration;

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

#[derive(Debug, Clone)]
enum Credential {
    Key(AccessKey),
    Identity(Arc<ManagedIdentity>),
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

/// A successful reply.
#[derive(Debug)]
pub(crate) struct ServiceReply {
    pub(crate) body: String,
}

impl ServiceClient {
    /// A client for `connection` (identity-based connections read `IDENTITY_ENDPOINT`/`IDENTITY_HEADER`).
    pub fn new(connection: &ServiceConnection) -> Self {
        let credential = match connection {
            ServiceConnection::Key(k) => Credential::Key(k.access_key.clone()),
            ServiceConnection::Identity(i) => {
                Credential::Identity(Arc::new(ManagedIdentity::from_env(i.client_id.clone())))
            }
        };
        Self::with_credential(connection, credential)
    }

    /// A client for an identity-based `connection` using `identity` for tokens.
    pub fn with_identity(connection: &ServiceConnection, identity: ManagedIdentity) -> Self {
        Self::with_credential(connection, Credential::Identity(Arc::new(identity)))
    }

    fn with_credential(connection: &ServiceConnection, credential: Credential) -> Self {
        Self {
            http: reqwest::Client::builder().build().unwrap_or_default(),
            base: connection.endpoint().base(),
            credential,
            api_version: DEFAULT_API_VERSION.into(),
            retry: RetryPolicy::default(),
        }
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

    /// Whether the connection is identity-based.
    pub fn is_identity(&self) -> bool {
        matches!(self.credential, Credential::Identity(_))
    }

    /// The REST API version in use.
    pub fn api_version_in_use(&self) -> &str {
        &self.api_version
    }

    /// Executes one action against `hub`.
    pub async fn execute(&self, hub: &str, action: &SocketIoAction) -> Result<(), ActionError> {
        action.validate()?;
        let request = action.rest_request(hub, &self.api_version);
        self.post(action.name(), &request).await.map(drop)
    }

    async fn authorization(&self, action: &'static str, url: &str) -> Result<String, ActionError> {
        match &self.credential {
            Credential::Key(key) => Ok(format!(
                "Bearer {}",
                sign(
                    &Claims::new(url, unix_now(), REST_TOKEN_LIFETIME_SECS, None),
                    key.expose()
                )
            )),
            Credential::Identity(identity) => identity
                .token()
                .await
                .map(|t| format!("Bearer {t}"))
                .map_err(|e| ActionError::Auth {
                    action,
                    reason: e.to_string(),
                }),
        }
    }

    /// POSTs with retries; returns the body of a 2xx reply.
    pub(crate) async fn post(
        &self,
        action: &'static str,
        request: &RestRequest,
    ) -> Result<ServiceReply, ActionError> {
        let url = format!("{}{}", self.base, request.path_and_query);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let authorization = self.authorization(action, &url).await?;
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
                    let body = response.text().await.unwrap_or_default();
                    return Ok(ServiceReply { body });
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
                        .get("x-ms-error-code")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let body = response.text().await.unwrap_or_default();
                    let error = service_error(action, status, code, &body);
                    if !retryable || attempt > self.retry.max_retries {
                        tracing::error!(action, status, error = %error, "service call failed");
                        return Err(error);
                    }
                    tracing::warn!(action, status, attempt, "service call failed; retrying");
                    retry_after
                }
                Err(e) if e.is_timeout() => {
                    let error = ActionError::Transport {
                        action,
                        attempts: attempt,
                        reason: format!(
                            "timed out after {:?} (not retried: the service may have acted)",
                            self.retry.timeout
                        ),
                    };
                    tracing::error!(action, error = %error, "service call failed");
                    return Err(error);
                }
                Err(e) => {
                    let reason = crate::error::error_chain(&e);
                    if attempt > self.retry.max_retries {
                        let error = ActionError::Transport {
                            action,
                            attempts: attempt,
                            reason,
                        };
                        tracing::error!(action, error = %error, "service call failed");
                        return Err(error);
                    }
                    tracing::warn!(action, attempt, %reason, "service unreachable; retrying");
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

fn service_error(
    action: &'static str,
    status: u16,
    code: Option<String>,
    body: &str,
) -> ActionError {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    ActionError::Service {
        action,
        status,
        code: code.or_else(|| field("code")),
        message: field("message").unwrap_or_else(|| body.to_owned()),
    }
}
