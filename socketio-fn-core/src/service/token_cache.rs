//! The REST tokens of a key-based connection, reused per URL for a bounded part of their lifetime.
//!
//! A token's audience is the request's URL, so a token signed for one URL is valid for every request
//! to it until it expires ([`REST_TOKEN_LIFETIME_SECS`], 5 minutes). Signing one (HMAC-SHA256 over
//! the JSON claims, base64) and parsing the URL cost more than the rest of a send; reusing both for
//! [`REUSE_FOR`] keeps every request's token valid for at least four more minutes (clock skew and
//! slow attempts included) and bounds the work to one signature per URL per minute. The cache holds
//! at most [`MAX_URLS`] URLs; past that, entries past their reuse window go first, then all.

use reqwest::Url;
use reqwest::header::HeaderValue;
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::token::{
    REST_TOKEN_LIFETIME_SECS, TokenClaims, TokenError, sign, unix_now,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a token is reused: a fifth of its lifetime.
pub(crate) const REUSE_FOR: Duration = Duration::from_secs(REST_TOKEN_LIFETIME_SECS / 5);
/// The most URLs whose tokens are kept.
pub(crate) const MAX_URLS: usize = 1024;

/// A URL, parsed, with the `Authorization` value of a token for it.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) url: Url,
    pub(crate) authorization: HeaderValue,
}

/// Why a URL could not be signed: it does not parse, or the token could not be made.
pub(crate) type SignError = Box<dyn std::error::Error + Send + Sync>;

/// Tokens of one access key, per URL.
pub(crate) struct TokenCache {
    key: AccessKey,
    entries: Mutex<HashMap<Box<str>, (Signed, Instant)>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("urls", &self.lock().len())
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// An empty cache for `key`.
    pub(crate) fn new(key: AccessKey) -> Self {
        Self {
            key,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The parsed URL and a valid token for it: the one signed within [`REUSE_FOR`], else a new one.
    pub(crate) fn signed(&self, url: &str) -> Result<Signed, SignError> {
        self.signed_at(url, Instant::now())
    }

    fn signed_at(&self, url: &str, now: Instant) -> Result<Signed, SignError> {
        let fresh = |at: Instant| now.saturating_duration_since(at) < REUSE_FOR;
        if let Some((signed, at)) = self.lock().get(url)
            && fresh(*at)
        {
            return Ok(signed.clone());
        }
        let parsed = Url::parse(url)?;
        let token = sign(
            &TokenClaims::new(url, unix_now(), REST_TOKEN_LIFETIME_SECS, None),
            &self.key,
        )?;
        let mut authorization = HeaderValue::try_from(format!("Bearer {token}"))
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        authorization.set_sensitive(true);
        let signed = Signed {
            url: parsed,
            authorization,
        };
        let mut entries = self.lock();
        if entries.len() >= MAX_URLS && !entries.contains_key(url) {
            entries.retain(|_, (_, at)| fresh(*at));
            if entries.len() >= MAX_URLS {
                entries.clear();
            }
        }
        entries.insert(url.into(), (signed.clone(), now));
        Ok(signed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, (Signed, Instant)>> {
        // A panic while holding the lock cannot leave the map inconsistent (one insert or clear).
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socketio_fn_protocol::token::verify;

    const URL: &str = "https://x.webpubsub.azure.com/api/hubs/h/:send?api-version=2024-01-01";

    fn cache() -> TokenCache {
        TokenCache::new(AccessKey::new("k".repeat(32)))
    }

    fn token(signed: &Signed) -> String {
        signed.authorization.to_str().unwrap()["Bearer ".len()..].to_owned()
    }

    #[test]
    fn a_token_is_for_its_url_and_reused_within_the_window_only() {
        let cache = cache();
        let start = Instant::now();
        let first = cache.signed_at(URL, start).unwrap();
        assert_eq!(first.url.as_str(), URL);
        assert!(first.authorization.is_sensitive());
        let claims = verify(&token(&first), &AccessKey::new("k".repeat(32)), URL, 0).unwrap();
        let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
        assert_eq!(lifetime, REST_TOKEN_LIFETIME_SECS);
        let again = cache
            .signed_at(URL, start + REUSE_FOR - Duration::from_secs(1))
            .unwrap();
        assert_eq!(again.authorization, first.authorization);
        // Past the window a new token is signed (same claims within one second: compare the entry's
        // time instead of the bytes).
        let later = start + REUSE_FOR;
        cache.signed_at(URL, later).unwrap();
        assert_eq!(cache.lock().get(URL).unwrap().1, later);
        let other = format!("{URL}&filter=x");
        let signed = cache.signed_at(&other, start).unwrap();
        assert!(verify(&token(&signed), &AccessKey::new("k".repeat(32)), &other, 0).is_ok());
        assert!(verify(&token(&signed), &AccessKey::new("k".repeat(32)), URL, 0).is_err());
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = cache();
        let start = Instant::now();
        for i in 0..MAX_URLS {
            cache.signed_at(&format!("{URL}&i={i}"), start).unwrap();
        }
        assert_eq!(cache.len(), MAX_URLS);
        // Full of fresh entries: a new URL clears them all.
        cache.signed_at("http://h/fresh", start).unwrap();
        assert_eq!(cache.len(), 1);
        for i in 1..MAX_URLS {
            cache.signed_at(&format!("{URL}&i={i}"), start).unwrap();
        }
        assert_eq!(cache.len(), MAX_URLS);
        // Full, and all past their window but one: the stale ones go.
        let late = start + REUSE_FOR;
        cache.signed_at("http://h/fresh", late).unwrap();
        cache.signed_at("http://h/new", late).unwrap();
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_bad_url_is_an_error() {
        let error = cache().signed("not a url").unwrap_err();
        assert!(error.to_string().contains("relative URL"), "{error}");
    }
}
