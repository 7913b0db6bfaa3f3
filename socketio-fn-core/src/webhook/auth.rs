//! What authenticates a webhook request: the signature of a key-based connection, a webhook code
//! (`?code=` or `x-functions-key`, as the Functions host's system key), or a Microsoft Entra token sent
//! by the service's upstream auth. An app with none of these refuses to build unless it explicitly
//! opts out (`AppBuilder::allow_unauthenticated_webhook`, or `SOCKETIO_FN_WEBHOOK_AUTH=none`).
//!
//! The work an unauthenticated request causes is bounded: list headers hold at most
//! `MAX_LIST_VALUES` values, and each configured key costs at most one HMAC, however many origins
//! and signature candidates a request names (none for a connection whose signature verified lately:
//! `CachedVerifier`).

use super::entra::{EntraError, EntraValidator};
use super::rejection::Rejection;
use crate::settings::{SecretValue, ServiceConnection};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use socketio_fn_protocol::cloud_events::{CloudEvent, split_list};
use socketio_fn_protocol::signature::{CachedVerifier, same_secret};
use std::sync::Arc;

/// The header carrying a webhook code, as the Functions host reads its keys.
pub const CODE_HEADER: &str = "x-functions-key";
/// The query parameter carrying a webhook code.
pub const CODE_QUERY: &str = "code";

/// How the webhook authenticates requests.
#[derive(Debug, Clone, Default)]
pub struct WebhookAuth {
    /// Key-based connections: (lower-case host, checker of its key); one entry per distinct key. The
    /// checker remembers verified connection ids, so a connection's later events cost no HMAC.
    keys: Vec<(String, Arc<CachedVerifier>)>,
    /// Hosts of every connection (allowed origins of the abuse-protection handshake).
    hosts: Vec<String>,
    code: Option<SecretValue>,
    entra: Option<Arc<EntraValidator>>,
    open: bool,
}

/// What authenticates the webhook, for the start-up line and the readiness page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSummary {
    /// Signatures of key-based connections are checked.
    pub signature: bool,
    /// A webhook code is required (unless another method authenticates).
    pub code: bool,
    /// Microsoft Entra tokens are accepted.
    pub entra: bool,
    /// Nothing is required (explicit opt-out).
    pub open: bool,
}

impl std::fmt::Display for AuthSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if self.signature {
            parts.push("signature (access key)");
        }
        if self.code {
            parts.push("webhook code");
        }
        if self.entra {
            parts.push("Microsoft Entra token");
        }
        if self.open {
            parts.push("NONE (unauthenticated)");
        }
        f.write_str(&parts.join(" or "))
    }
}

impl WebhookAuth {
    /// Adds a connection: its host becomes an allowed origin, and its key (key-based) checks signatures.
    pub fn add_connection(&mut self, connection: &ServiceConnection) {
        let host = connection.endpoint().host().to_ascii_lowercase();
        if !self.hosts.contains(&host) {
            self.hosts.push(host.clone());
        }
        if let Some(key) = connection.access_key() {
            let verifier = CachedVerifier::new(key);
            let same_key =
                |v: &CachedVerifier| v.verifier().expected("") == verifier.verifier().expected("");
            let known = self.keys.iter().any(|(h, v)| *h == host && same_key(v));
            if !known {
                self.keys.push((host, Arc::new(verifier)));
            }
        }
    }

    /// Requires a webhook code (`?code=` or `x-functions-key`), compared in constant time.
    pub fn code(&mut self, code: SecretValue) {
        self.code = Some(code);
    }

    /// Accepts Microsoft Entra tokens checked by `validator`.
    pub fn entra(&mut self, validator: Arc<EntraValidator>) {
        self.entra = Some(validator);
    }

    /// Accepts requests that nothing authenticates (tests; `SOCKETIO_FN_WEBHOOK_AUTH=none`).
    pub fn allow_unauthenticated(&mut self) {
        self.open = true;
    }

    /// What authenticates requests.
    pub fn summary(&self) -> AuthSummary {
        AuthSummary {
            signature: !self.keys.is_empty(),
            code: self.code.is_some(),
            entra: self.entra.is_some(),
            open: self.open,
        }
    }

    /// Whether some method authenticates requests (or the app opted out explicitly).
    pub fn is_configured(&self) -> bool {
        !self.keys.is_empty() || self.code.is_some() || self.entra.is_some() || self.open
    }

    /// The abuse-protection handshake: the first requested origin that is a configured host is echoed;
    /// with no connection at all, any origin (`*`). A configured code is required here too, since the
    /// service calls the same URL.
    pub(crate) fn handshake(&self, parts: &Parts) -> Result<String, Rejection> {
        let origins = socketio_fn_protocol::cloud_events::list(
            &parts.headers,
            socketio_fn_protocol::cloud_events::header::WEBHOOK_REQUEST_ORIGIN,
        )?
        .ok_or(Rejection::MissingOrigin)?;
        if self.code.is_some() && !self.has_code(parts) {
            return Err(Rejection::Unauthorized(
                "the webhook code is missing or wrong: call the URL with `?code=<code>` or send `x-functions-key`",
            ));
        }
        if self.hosts.is_empty() {
            return Ok("*".to_owned());
        }
        let allowed = split_list(&origins)
            .find(|o| self.hosts.iter().any(|h| h.eq_ignore_ascii_case(o)))
            .map(str::to_owned);
        allowed.ok_or_else(|| Rejection::OriginDenied(origins.into_owned()))
    }

    fn has_code(&self, parts: &Parts) -> bool {
        let Some(code) = &self.code else {
            return false;
        };
        let expected = code.expose().as_bytes();
        let from_header = parts
            .headers
            .get(CODE_HEADER)
            .is_some_and(|v| same_secret(v.as_bytes(), expected));
        let from_query = parts.uri.query().is_some_and(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k == CODE_QUERY)
                .take(1)
                .any(|(_, v)| same_secret(v.as_bytes(), expected))
        });
        from_header | from_query
    }

    /// Whether a signature of a configured key covers the event: keys of the hosts named in
    /// `WebHook-Request-Origin`, or every key when the header is absent (some hosting plans strip it).
    fn signed(&self, event: &CloudEvent<'_>) -> bool {
        let Some(signature) = event.signature.as_deref() else {
            return false;
        };
        self.keys
            .iter()
            .filter(|(host, _)| match event.origin.as_deref() {
                Some(origins) => split_list(origins).any(|o| o.eq_ignore_ascii_case(host)),
                None => true,
            })
            .fold(false, |found, (_, verifier)| {
                verifier.verify(event.connection_id, signature) | found
            })
    }

    /// Authenticates an event request: a valid signature, the webhook code, or an Entra token.
    pub(crate) async fn authorize(
        &self,
        headers: &HeaderMap,
        parts: &Parts,
        event: &CloudEvent<'_>,
    ) -> Result<(), Rejection> {
        if self.signed(event) || self.has_code(parts) || self.open {
            return Ok(());
        }
        if let Some(entra) = &self.entra {
            match entra.authorize(headers).await {
                Ok(()) => return Ok(()),
                // No token: say what would authenticate the request.
                Err(EntraError::Missing) => {}
                Err(e) if e.is_unavailable() => return Err(Rejection::EntraUnavailable(e)),
                Err(e) => return Err(Rejection::EntraRefused(e)),
            }
        }
        Err(Rejection::Unauthorized(self.expected()))
    }

    fn expected(&self) -> &'static str {
        match (
            !self.keys.is_empty(),
            self.code.is_some(),
            self.entra.is_some(),
        ) {
            (true, false, false) => "invalid `ce-signature` or unknown `WebHook-Request-Origin`",
            (false, true, false) => {
                "the webhook code is missing or wrong: call the URL with `?code=<code>` or send `x-functions-key`"
            }
            (false, false, true) => "a valid Microsoft Entra bearer token is required",
            _ => {
                "the request is not authenticated: expected a valid `ce-signature`, the webhook code, or a Microsoft Entra token"
            }
        }
    }
}
