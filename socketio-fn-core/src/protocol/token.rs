//! Access tokens: HS256 JWTs signed with the access key, written byte for byte as the Azure SDK writes
//! them (spec 2.2 and 6.1): constant header, payload members `nbf`, `exp`, `iat`, `aud`[, `sub`] in this
//! order, .NET JSON escaping, base64url without padding.
//!
//! The bytes must match the reference exactly, including `\u0026` for `&` in `aud`, which general JWT
//! crates (jsonwebtoken serializes with serde_json) cannot produce; so tokens are assembled here with
//! HMAC-SHA256 from `hmac`/`sha2`.

use super::dotnet_json;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt::Write as _;

/// `{"alg":"HS256","typ":"JWT"}`, base64url.
pub const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// Lifetime of a client token from negotiation (1 hour).
pub const CLIENT_TOKEN_LIFETIME_SECS: u64 = 3600;
/// Lifetime of a REST request token (5 minutes).
pub const REST_TOKEN_LIFETIME_SECS: u64 = 300;

/// The claims the runtime writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Not before (Unix seconds).
    pub nbf: u64,
    /// Expiry (Unix seconds).
    pub exp: u64,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Audience: the client URL without query, or the full REST request URL.
    pub aud: String,
    /// Subject: the user id, for client tokens.
    pub sub: Option<String>,
}

impl Claims {
    /// Claims valid from `now` for `lifetime` seconds.
    pub fn new(aud: impl Into<String>, now: u64, lifetime: u64, sub: Option<String>) -> Self {
        Self {
            nbf: now,
            exp: now + lifetime,
            iat: now,
            aud: aud.into(),
            sub: sub.filter(|s| !s.is_empty()),
        }
    }

    /// The payload JSON as .NET writes it.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.aud.len());
        let _ = write!(
            out,
            "{{\"nbf\":{},\"exp\":{},\"iat\":{},\"aud\":",
            self.nbf, self.exp, self.iat
        );
        dotnet_json::write_string(&mut out, &self.aud);
        if let Some(sub) = &self.sub {
            out.push_str(",\"sub\":");
            dotnet_json::write_string(&mut out, sub);
        }
        out.push('}');
        out
    }
}

fn mac(key: &str) -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()))
}

/// Signs `claims` with the access key (UTF-8 bytes).
///
/// ```
/// use socketio_fn_core::protocol::token::{Claims, sign};
/// let t = sign(&Claims::new("https://abc/clients/socketio/hubs/hub", 1, 3600, None), "key");
/// assert!(t.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
/// ```
pub fn sign(claims: &Claims, access_key: &str) -> String {
    let mut token = format!("{HEADER_B64}.{}", URL_SAFE_NO_PAD.encode(claims.to_json()));
    let mut mac = mac(access_key);
    mac.update(token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
    token
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not three base64url parts with JSON header and payload.
    #[error("the token is malformed")]
    Malformed,
    /// The header's `alg` is not HS256.
    #[error("the token's algorithm is not HS256")]
    Algorithm,
    /// The signature does not match the access key.
    #[error("the token's signature is invalid")]
    Signature,
    /// `aud` is not the expected audience.
    #[error("the token's audience `{0}` is not the expected one")]
    Audience(String),
    /// `exp` is in the past.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
}

/// Claims of a verified token, as JSON.
pub type VerifiedClaims = serde_json::Map<String, serde_json::Value>;

/// Verifies an HS256 token: signature (constant time), `aud` equal to `audience`, `exp` and `nbf` against
/// `now` with `leeway` seconds.
pub fn verify(
    token: &str,
    access_key: &str,
    audience: &str,
    now: u64,
    leeway: u64,
) -> Result<VerifiedClaims, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let decode_json = |part: &str| -> Result<serde_json::Value, TokenError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| TokenError::Malformed)?;
        serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
    };
    if decode_json(header)?.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(TokenError::Algorithm);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| TokenError::Malformed)?;
    let mut mac = mac(access_key);
    mac.update(&token.as_bytes()[..header.len() + 1 + payload.len()]);
    mac.verify_slice(&signature)
        .map_err(|_| TokenError::Signature)?;
    let serde_json::Value::Object(claims) = decode_json(payload)? else {
        return Err(TokenError::Malformed);
    };
    let aud = claims
        .get("aud")
        .and_then(|a| a.as_str())
        .unwrap_or_default();
    if aud != audience {
        return Err(TokenError::Audience(aud.to_owned()));
    }
    let number = |name: &str| claims.get(name).and_then(serde_json::Value::as_u64);
    if number("exp").is_some_and(|exp| exp + leeway < now) {
        return Err(TokenError::Expired);
    }
    if number("nbf").is_some_and(|nbf| nbf > now + leeway) {
        return Err(TokenError::NotYetValid);
    }
    Ok(claims)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let claims = Claims::new("aud", 100, 3600, Some("u".into()));
        let token = sign(&claims, "k");
        let verified = verify(&token, "k", "aud", 200, 0).unwrap();
        assert_eq!(verified["sub"], "u");
        assert_eq!(
            verify(&token, "other", "aud", 200, 0),
            Err(TokenError::Signature)
        );
        assert!(matches!(
            verify(&token, "k", "x", 200, 0),
            Err(TokenError::Audience(_))
        ));
        assert_eq!(
            verify(&token, "k", "aud", 4000, 0),
            Err(TokenError::Expired)
        );
        assert_eq!(
            verify(&token, "k", "aud", 50, 0),
            Err(TokenError::NotYetValid)
        );
        assert_eq!(verify("a.b", "k", "aud", 0, 0), Err(TokenError::Malformed));
        assert_eq!(verify("", "k", "aud", 0, 0), Err(TokenError::Malformed));
        let mut tampered = token.clone();
        tampered.push('x');
        assert!(verify(&tampered, "k", "aud", 200, 0).is_err());
    }
}
