//! Access tokens: HS256 JWTs signed with an access key, made and checked with `jsonwebtoken`.
//!
//! Client tokens (negotiation, spec 2.2) have `aud` = the client URL without query and last one hour;
//! REST tokens (spec 6.1) have `aud` = the full request URL and last five minutes. The reference writes
//! the payload with .NET's JSON writer (member order `nbf, exp, iat, aud, sub`, `&` as `\u0026`); the
//! service checks the signature over the bytes it receives and then the decoded claims, never the
//! bytes themselves, so a token from this module is equally valid (the vector tests check exactly that:
//! decoded header and claims, and the signature).

use crate::AccessKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};

/// Lifetime of a client token from negotiation (1 hour).
pub const CLIENT_TOKEN_LIFETIME_SECS: u64 = 3600;
/// Lifetime of a REST request token (5 minutes).
pub const REST_TOKEN_LIFETIME_SECS: u64 = 300;
/// Clock skew tolerated when checking `exp` and `nbf` (seconds).
pub const DEFAULT_LEEWAY_SECS: u64 = 5;

/// The largest accepted leeway (one hour).
pub const MAX_LEEWAY_SECS: u64 = 3600;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// Not before (Unix seconds).
    pub nbf: u64,
    /// Expiry (Unix seconds).
    pub exp: u64,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Audience: the client URL without query, or the full REST request URL.
    pub aud: String,
    /// Subject: the user id, for client tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Roles granted to the client (`webpubsub.joinLeaveGroup`, ...), for client tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role: Vec<String>,
    /// Groups the client joins when it connects.
    #[serde(
        rename = "webpubsub.group",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub groups: Vec<String>,
}

impl TokenClaims {
    /// Claims valid from `now` for `lifetime` seconds (the expiry saturates instead of overflowing); an
    /// empty `sub` is left out.
    ///
    /// ```
    /// use socketio_fn::protocol::token::TokenClaims;
    /// let c = TokenClaims::new("aud", 10, 3600, Some("".into()));
    /// assert_eq!((c.nbf, c.iat, c.exp, c.sub), (10, 10, 3610, None));
    /// ```
    pub fn new(aud: impl Into<String>, now: u64, lifetime: u64, sub: Option<String>) -> Self {
        Self {
            nbf: now,
            exp: now.saturating_add(lifetime),
            iat: now,
            aud: aud.into(),
            sub: sub.filter(|s| !s.is_empty()),
            role: Vec::new(),
            groups: Vec::new(),
        }
    }
}

/// Signs `claims` with HS256 and the access key.
///
/// ```
/// use socketio_fn::protocol::{AccessKey, token::{TokenClaims, sign, verify, unix_now}};
/// let key = AccessKey::new("key");
/// let aud = "https://abc/clients/socketio/hubs/hub";
/// let t = sign(&TokenClaims::new(aud, unix_now(), 3600, Some("alice".into())), &key).unwrap();
/// assert_eq!(verify(&t, &key, aud, 0).unwrap()["sub"], "alice");
/// ```
pub fn sign(claims: &TokenClaims, key: &AccessKey) -> Result<String, TokenError> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .map_err(|e| TokenError::Signing(e.to_string()))
}

/// Why a token was refused (or could not be made).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a JWT with a JSON header and payload, or an algorithm `jsonwebtoken` does not know
    /// (`none` among them).
    #[error("the token is malformed")]
    Malformed,
    /// The header's `alg` is not HS256.
    #[error("the token's algorithm is not HS256")]
    Algorithm,
    /// The signature does not match the access key.
    #[error("the token's signature is invalid")]
    Signature,
    /// A required claim (`exp`, `aud`) is missing or not of the right type.
    #[error("the token has no valid `{0}` claim")]
    MissingClaim(String),
    /// `aud` is not the expected audience.
    #[error("the token's audience is not `{0}`")]
    Audience(String),
    /// `exp` is in the past.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The token could not be signed.
    #[error("cannot sign the token: {0}")]
    Signing(String),
}

/// Claims of a verified token, as JSON.
pub type VerifiedClaims = serde_json::Map<String, serde_json::Value>;

/// Verifies an HS256 token with the access key: HS256 only, signature, `exp` required, `aud` required and
/// equal to `audience`, `nbf` when present; `exp` and `nbf` with `leeway` seconds of clock skew (at most
/// [`MAX_LEEWAY_SECS`]).
pub fn verify(
    token: &str,
    key: &AccessKey,
    audience: &str,
    leeway: u64,
) -> Result<VerifiedClaims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    // jsonwebtoken computes `now - leeway`: keep the leeway sane.
    validation.leeway = leeway.min(MAX_LEEWAY_SECS);
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "aud"]);
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<VerifiedClaims>(
        token,
        &DecodingKey::from_secret(key.as_bytes()),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|e| match e.into_kind() {
        ErrorKind::InvalidSignature => TokenError::Signature,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidAudience => TokenError::Audience(audience.to_owned()),
        ErrorKind::MissingRequiredClaim(c) | ErrorKind::InvalidClaimFormat(c) => {
            TokenError::MissingClaim(c)
        }
        _ => TokenError::Malformed,
    })
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const AUD: &str = "http://localhost/clients/socketio/hubs/hub";

    fn key() -> AccessKey {
        AccessKey::new("k")
    }

    /// A token with any header and payload, signed with HMAC-SHA256 and `secret` (to build tokens the
    /// signing API refuses to make).
    fn forge(header: &str, payload: &str, secret: &[u8]) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).unwrap();
        mac.update(signing_input.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{sig}")
    }

    #[test]
    fn sign_and_verify() {
        let now = unix_now();
        let token = sign(&TokenClaims::new(AUD, now, 3600, Some("u".into())), &key()).unwrap();
        assert_eq!(verify(&token, &key(), AUD, 0).unwrap()["sub"], "u");
        assert_eq!(
            verify(&token, &AccessKey::new("other"), AUD, 0),
            Err(TokenError::Signature)
        );
        assert_eq!(
            verify(&token, &key(), "x", 0),
            Err(TokenError::Audience("x".into()))
        );
        assert_eq!(verify("a.b", &key(), AUD, 0), Err(TokenError::Malformed));
        assert_eq!(verify("", &key(), AUD, 0), Err(TokenError::Malformed));
    }

    #[test]
    fn refused_tokens() {
        let now = unix_now();
        let hs256 = r#"{"alg":"HS256","typ":"JWT"}"#;
        let claims = |extra: &str| format!(r#"{{"aud":"{AUD}"{extra}}}"#);
        let valid_exp = format!(r#","exp":{}"#, now + 600);
        // No `exp`.
        assert_eq!(
            verify(&forge(hs256, &claims(""), b"k"), &key(), AUD, 0),
            Err(TokenError::MissingClaim("exp".into()))
        );
        // No `aud`.
        assert_eq!(
            verify(
                &forge(hs256, &format!(r#"{{"exp":{}}}"#, now + 600), b"k"),
                &key(),
                AUD,
                0
            ),
            Err(TokenError::MissingClaim("aud".into()))
        );
        // `alg: none` (no signature) and HS512 (another algorithm, valid signature for it).
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(claims(&valid_exp))
        );
        assert_eq!(verify(&none, &key(), AUD, 0), Err(TokenError::Malformed));
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &serde_json::json!({"aud": AUD, "exp": now + 600}),
            &EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        assert_eq!(verify(&hs512, &key(), AUD, 0), Err(TokenError::Algorithm));
        // Wrong audience, expired, not yet valid.
        let wrong_aud = sign(
            &TokenClaims::new(
                "http://localhost/clients/socketio/hubs/other",
                now,
                60,
                None,
            ),
            &key(),
        )
        .unwrap();
        assert!(matches!(
            verify(&wrong_aud, &key(), AUD, 0),
            Err(TokenError::Audience(_))
        ));
        let expired = sign(&TokenClaims::new(AUD, now - 7200, 3600, None), &key()).unwrap();
        assert_eq!(verify(&expired, &key(), AUD, 5), Err(TokenError::Expired));
        let future = sign(&TokenClaims::new(AUD, now + 3600, 3600, None), &key()).unwrap();
        assert_eq!(
            verify(&future, &key(), AUD, 5),
            Err(TokenError::NotYetValid)
        );
        // A tampered payload.
        let good = sign(&TokenClaims::new(AUD, now, 60, Some("a".into())), &key()).unwrap();
        let parts: Vec<&str> = good.split('.').collect();
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(claims(&format!("{valid_exp},\"sub\":\"admin\""))),
            parts[2]
        );
        assert_eq!(
            verify(&tampered, &key(), AUD, 0),
            Err(TokenError::Signature)
        );
    }

    #[test]
    fn extreme_numbers_do_not_overflow() {
        let c = TokenClaims::new(AUD, u64::MAX - 1, 3600, None);
        assert_eq!(c.exp, u64::MAX);
        let t = sign(&c, &key()).unwrap();
        // exp and nbf far in the future: refused as not yet valid, no overflow, even with a huge leeway.
        assert_eq!(verify(&t, &key(), AUD, 5), Err(TokenError::NotYetValid));
        assert_eq!(
            verify(&t, &key(), AUD, u64::MAX),
            Err(TokenError::NotYetValid)
        );
        let huge = forge(
            r#"{"alg":"HS256"}"#,
            &format!(r#"{{"aud":"{AUD}","exp":{},"nbf":0}}"#, u64::MAX),
            b"k",
        );
        assert!(verify(&huge, &key(), AUD, 5).is_ok());
    }
}
