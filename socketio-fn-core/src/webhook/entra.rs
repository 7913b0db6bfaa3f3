//! Microsoft Entra upstream auth: the service sends `Authorization: Bearer <token>`, obtained with its
//! managed identity for a resource (App ID URI) the user configures. The token is checked with
//! `jsonwebtoken`: RS256 only, a key from the tenant's OpenID configuration and JWKS (cached, fetched
//! again for an unknown `kid` at most once per [`REFRESH_INTERVAL`]; after a failed fetch the keys held
//! stay in use and the next fetch may come after a backoff from 1 s), an issuer of that tenant,
//! `aud` = the configured resource, and `exp`/`nbf`.
//!
//! An authority that hangs costs each request at most one fetch's timeout ([`DEFAULT_FETCH_TIMEOUT`]):
//! one fetch runs at a time for everyone, the backoff counts from when a fetch ended, and while the
//! authority is known to be down a request that would wait for a fetch in flight fails at once
//! instead (503).

use crate::error::EntraConfigError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The public cloud's authority host.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The shortest time between two fetches of the signing keys.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(60);
/// The longest a fetch of the signing keys (the OpenID configuration and the key set) may take.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// The most signing keys kept.
const MAX_KEYS: usize = 64;
/// The largest OpenID configuration or JWKS document read.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 60;

/// Where Entra tokens come from and what they must be for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraConfig {
    /// The tenant (directory) id whose tokens are accepted.
    pub tenant_id: String,
    /// The resource (App ID URI or client id) the service asks tokens for: the tokens' `aud`.
    pub audience: String,
    /// The authority host (default [`DEFAULT_AUTHORITY`]); `https`, or `http` on a loopback address
    /// (tests).
    pub authority: String,
    /// The shortest time between two fetches of the signing keys (default [`REFRESH_INTERVAL`]): a token
    /// with an unknown `kid` fetches them again only when this long has passed.
    pub refresh_interval: Duration,
    /// The longest one fetch of the signing keys may take, both documents together (default
    /// [`DEFAULT_FETCH_TIMEOUT`]): the longest a request waits for the keys.
    pub fetch_timeout: Duration,
}

/// Why a token was refused. Never contains the token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EntraError {
    /// No `Authorization: Bearer` header.
    #[error("no bearer token")]
    Missing,
    /// The token's algorithm is not RS256 or it names no key.
    #[error("the token must be RS256 with a `kid`")]
    Algorithm,
    /// The token's key is not among the tenant's signing keys.
    #[error("unknown signing key")]
    UnknownKey,
    /// Signature, issuer, audience or lifetime check failed.
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// The signing keys could not be fetched: the token could not be checked (not the caller's fault).
    #[error("cannot fetch the tenant's signing keys: {0}")]
    Keys(String),
}

impl EntraError {
    /// Whether the token could not be checked at all (the signing keys are unavailable), as opposed
    /// to checked and refused.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Keys(_))
    }

    fn index(&self) -> usize {
        match self {
            Self::Missing => 0,
            Self::Algorithm => 1,
            Self::UnknownKey => 2,
            Self::Invalid(_) => 3,
            Self::Keys(_) => 4,
        }
    }
}

/// How many tokens were refused, by cause, since the validator was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntraRefusals {
    /// No bearer token.
    pub missing: u64,
    /// Not RS256, or no `kid`.
    pub algorithm: u64,
    /// A key the tenant does not list.
    pub unknown_key: u64,
    /// Signature, issuer, audience or lifetime wrong (or not a JWT).
    pub invalid: u64,
    /// Not checked: the signing keys could not be fetched.
    pub keys_unavailable: u64,
}

/// The state of key fetches, held by the one fetch in flight.
#[derive(Debug, Default)]
struct Refresh {
    /// When the last fetch ended (successfully or not).
    last: Option<Instant>,
    /// Failed fetches in a row.
    failures: u32,
}

impl Refresh {
    /// How long after the last fetch another may start: the refresh interval, or after failures a
    /// backoff from one second, doubling, never longer than the interval.
    fn wait(&self, interval: Duration) -> Duration {
        match self.failures {
            0 => interval,
            n => Duration::from_secs(1 << (n - 1).min(16)).min(interval),
        }
    }
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, DecodingKey>,
    issuer: Option<String>,
}

/// Checks Entra bearer tokens for one tenant and audience.
///
/// Known keys are read without waiting: the key set is swapped whole after a fetch, and at most one
/// fetch runs at a time (a token with an unknown `kid` waits for it, other tokens do not).
pub struct EntraValidator {
    config: EntraConfig,
    http: reqwest::Client,
    keys: RwLock<Arc<Keys>>,
    /// When the keys were last fetched; held by the one fetch in flight.
    refresh: tokio::sync::Mutex<Refresh>,
    /// Why the last fetch failed, while the authority is down (cleared by a successful fetch); read
    /// without waiting for a fetch in flight.
    outage: RwLock<Option<String>>,
    refusals: [AtomicU64; 5],
}

impl std::fmt::Debug for EntraValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntraValidator")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl EntraValidator {
    /// A validator for `config`; fails on an authority that is neither `https` nor loopback `http`.
    pub fn new(config: EntraConfig) -> Result<Self, EntraConfigError> {
        let url = reqwest::Url::parse(&config.authority).map_err(|e| {
            EntraConfigError::InvalidAuthority {
                authority: config.authority.clone(),
                reason: e.to_string(),
            }
        })?;
        let host = url.host_str().unwrap_or_default();
        let loopback = host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(EntraConfigError::InsecureAuthority(config.authority));
        }
        if config.tenant_id.trim().is_empty() || config.audience.trim().is_empty() {
            return Err(EntraConfigError::Empty);
        }
        // The whole fetch is bounded by `fetch_timeout` (in `key`), both documents together.
        let http = reqwest::Client::builder()
            .connect_timeout(config.fetch_timeout)
            .build()
            .map_err(EntraConfigError::Client)?;
        Ok(Self {
            config,
            http,
            keys: RwLock::default(),
            refresh: tokio::sync::Mutex::new(Refresh::default()),
            outage: RwLock::default(),
            refusals: Default::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EntraConfig {
        &self.config
    }

    /// The refusals so far, by cause.
    pub fn refusals(&self) -> EntraRefusals {
        let n = |i: usize| self.refusals[i].load(Ordering::Relaxed);
        EntraRefusals {
            missing: n(0),
            algorithm: n(1),
            unknown_key: n(2),
            invalid: n(3),
            keys_unavailable: n(4),
        }
    }

    /// Checks the request's bearer token; a refusal is counted by its cause.
    pub async fn authorize(&self, headers: &axum::http::HeaderMap) -> Result<(), EntraError> {
        let checked = self.check(headers).await;
        if let Err(e) = &checked {
            self.refusals[e.index()].fetch_add(1, Ordering::Relaxed);
        }
        checked
    }

    async fn check(&self, headers: &axum::http::HeaderMap) -> Result<(), EntraError> {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(EntraError::Missing)?;
        let header = jsonwebtoken::decode_header(token)?;
        let kid = match (header.alg, header.kid) {
            (Algorithm::RS256, Some(kid)) => kid,
            _ => return Err(EntraError::Algorithm),
        };
        let (key, issuer) = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        validation.set_audience(&[&self.config.audience]);
        // v2.0 tokens carry the OpenID configuration's issuer, v1.0 tokens the STS one.
        let v1 = format!("https://sts.windows.net/{}/", self.config.tenant_id);
        validation.set_issuer(&[issuer.as_str(), v1.as_str()]);
        jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)?;
        Ok(())
    }

    /// The key `kid` and the tenant's issuer, from the current key set.
    fn known(&self, kid: &str) -> Option<(DecodingKey, String)> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        keys.by_kid.get(kid).cloned().zip(keys.issuer.clone())
    }

    /// Why the authority is down, if it is.
    fn outage(&self) -> Option<String> {
        self.outage
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set_outage(&self, reason: Option<String>) {
        *self
            .outage
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = reason;
    }

    async fn key(&self, kid: &str) -> Result<(DecodingKey, String), EntraError> {
        if let Some(found) = self.known(kid) {
            return Ok(found);
        }
        // While the authority is down, a request does not queue behind a fetch in flight (which may
        // hang for its whole timeout): it fails at once, as the keys cannot be had.
        let mut refresh = match self.outage() {
            None => self.refresh.lock().await,
            Some(reason) => match self.refresh.try_lock() {
                Ok(refresh) => refresh,
                Err(_) => return Err(EntraError::Keys(reason)),
            },
        };
        // A fetch that finished while this one waited may have brought the key.
        if let Some(found) = self.known(kid) {
            return Ok(found);
        }
        if let Some(at) = refresh.last
            && at.elapsed() < refresh.wait(self.config.refresh_interval)
        {
            // Too soon to fetch again: after a failure, say so (the token could not be checked).
            return Err(match self.outage() {
                Some(reason) => EntraError::Keys(reason),
                None => EntraError::UnknownKey,
            });
        }
        let fetched = tokio::time::timeout(self.config.fetch_timeout, self.fetch()).await;
        // The next fetch's delay counts from the end of this one: a fetch that hung for its whole
        // timeout does not leave the next one due at once.
        refresh.last = Some(Instant::now());
        let fetched = fetched.unwrap_or_else(|_| {
            Err(EntraError::Keys(format!(
                "the authority did not answer within {} s",
                self.config.fetch_timeout.as_secs_f64()
            )))
        });
        let (issuer, by_kid) = match fetched {
            Ok(fetched) => fetched,
            Err(e) => {
                // The keys held so far stay in use; the next fetch may come sooner than usual.
                refresh.failures = refresh.failures.saturating_add(1);
                self.set_outage(Some(e.to_string()));
                return Err(e);
            }
        };
        refresh.failures = 0;
        self.set_outage(None);
        let fresh = Arc::new(Keys {
            by_kid,
            issuer: Some(issuer),
        });
        *self
            .keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        drop(refresh);
        self.known(kid).ok_or(EntraError::UnknownKey)
    }

    async fn document(&self, url: &str) -> Result<serde_json::Value, EntraError> {
        let failed = |e: String| EntraError::Keys(format!("{url}: {e}"));
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| failed(socketio_fn_protocol::error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(failed(format!("status {}", response.status())));
        }
        let bytes = response.bytes().await.map_err(|e| failed(e.to_string()))?;
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(failed("the document is too large".into()));
        }
        serde_json::from_slice(&bytes).map_err(|e| failed(e.to_string()))
    }

    async fn fetch(&self) -> Result<(String, HashMap<String, DecodingKey>), EntraError> {
        let configuration = format!(
            "{}/{}/v2.0/.well-known/openid-configuration",
            self.config.authority.trim_end_matches('/'),
            self.config.tenant_id
        );
        let openid = self.document(&configuration).await?;
        let text = |name: &str| {
            openid
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| EntraError::Keys(format!("{configuration}: no `{name}`")))
        };
        let issuer = text("issuer")?;
        let jwks_uri = text("jwks_uri")?;
        let jwks: JwkSet = serde_json::from_value(self.document(&jwks_uri).await?)
            .map_err(|e| EntraError::Keys(format!("{jwks_uri}: {e}")))?;
        let by_kid = jwks
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
            })
            .take(MAX_KEYS)
            .collect();
        Ok((issuer, by_kid))
    }
}
