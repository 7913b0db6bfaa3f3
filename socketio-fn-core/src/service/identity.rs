//! Microsoft Entra tokens from a managed identity, for identity-based connections.
//!
//! App Service / Functions: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` (API 2019-08-01); elsewhere the
//! instance metadata endpoint (API 2018-02-01). Tokens are cached until five minutes before they expire.

use crate::protocol::token::unix_now;
use std::time::Duration;
use tokio::sync::Mutex;

/// The resource (scope without `/.default`) of Web PubSub tokens.
pub const RESOURCE: &str = "https://webpubsub.azure.com";
const IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
const REFRESH_MARGIN_SECS: u64 = 300;

#[derive(Clone)]
enum Source {
    AppService { endpoint: String, header: String },
    InstanceMetadata { endpoint: String },
}

/// A managed identity that hands out bearer tokens for the service. Its `Debug` shows neither the
/// identity header nor tokens.
pub struct ManagedIdentity {
    source: Source,
    client_id: Option<String>,
    http: reqwest::Client,
    cache: Mutex<Option<(String, u64)>>,
}

impl std::fmt::Debug for ManagedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, endpoint) = match &self.source {
            Source::AppService { endpoint, .. } => ("app service", endpoint),
            Source::InstanceMetadata { endpoint } => ("instance metadata", endpoint),
        };
        f.debug_struct("ManagedIdentity")
            .field("source", &kind)
            .field("endpoint", endpoint)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Why no token could be acquired.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("managed identity token request failed: {0}")]
pub struct IdentityError(pub String);

impl ManagedIdentity {
    /// From the environment: `IDENTITY_ENDPOINT`/`IDENTITY_HEADER` when set, else the instance metadata
    /// endpoint. `client_id` selects a user-assigned identity.
    pub fn from_env(client_id: Option<String>) -> Self {
        match (
            std::env::var("IDENTITY_ENDPOINT"),
            std::env::var("IDENTITY_HEADER"),
        ) {
            (Ok(endpoint), Ok(header)) => Self::app_service(endpoint, header, client_id),
            _ => Self::with_source(
                Source::InstanceMetadata {
                    endpoint: IMDS_ENDPOINT.into(),
                },
                client_id,
            ),
        }
    }

    /// The App Service / Functions identity endpoint.
    pub fn app_service(
        endpoint: impl Into<String>,
        header: impl Into<String>,
        client_id: Option<String>,
    ) -> Self {
        Self::with_source(
            Source::AppService {
                endpoint: endpoint.into(),
                header: header.into(),
            },
            client_id,
        )
    }

    /// An instance-metadata style endpoint at `endpoint`.
    pub fn instance_metadata(endpoint: impl Into<String>, client_id: Option<String>) -> Self {
        Self::with_source(
            Source::InstanceMetadata {
                endpoint: endpoint.into(),
            },
            client_id,
        )
    }

    fn with_source(source: Source, client_id: Option<String>) -> Self {
        Self {
            source,
            client_id,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            cache: Mutex::new(None),
        }
    }

    /// A token for the service, from the cache when it is valid for five more minutes.
    pub async fn token(&self) -> Result<String, IdentityError> {
        let mut cache = self.cache.lock().await;
        if let Some((token, expires)) = cache.as_ref()
            && *expires > unix_now() + REFRESH_MARGIN_SECS
        {
            return Ok(token.clone());
        }
        let (token, expires) = self.fetch().await?;
        *cache = Some((token.clone(), expires));
        Ok(token)
    }

    async fn fetch(&self) -> Result<(String, u64), IdentityError> {
        let (endpoint, api_version, header) = match &self.source {
            Source::AppService { endpoint, header } => (
                endpoint,
                "2019-08-01",
                ("X-IDENTITY-HEADER", header.as_str()),
            ),
            Source::InstanceMetadata { endpoint } => (endpoint, "2018-02-01", ("Metadata", "true")),
        };
        let mut query = vec![("api-version", api_version), ("resource", RESOURCE)];
        if let Some(id) = &self.client_id {
            query.push(("client_id", id));
        }
        let url = reqwest::Url::parse_with_params(endpoint, &query)
            .map_err(|e| IdentityError(format!("invalid identity endpoint: {e}")))?;
        let response = self
            .http
            .get(url)
            .header(header.0, header.1)
            .send()
            .await
            .map_err(|e| IdentityError(e.to_string()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| IdentityError(e.to_string()))?;
        if !status.is_success() {
            return Err(IdentityError(format!("status {status}: {body}")));
        }
        let json: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| IdentityError(format!("invalid token response: {e}")))?;
        let token = json["access_token"]
            .as_str()
            .ok_or_else(|| IdentityError("the response has no `access_token`".into()))?
            .to_owned();
        let number = |v: &serde_json::Value| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        };
        let expires = number(&json["expires_on"])
            .or_else(|| number(&json["expires_in"]).map(|secs| unix_now() + secs))
            .unwrap_or_else(|| unix_now() + 3600);
        Ok((token, expires))
    }
}
