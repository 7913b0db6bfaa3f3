//! The `ce-signature` header: `sha256=` + hex(HMAC-SHA256(access key UTF-8, connection id UTF-8)).

use super::cloud_events::split_list;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const PREFIX: &str = "sha256=";

fn mac(access_key: &str, connection_id: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty key only to avoid a panic path.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(access_key.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
    mac.update(connection_id.as_bytes());
    mac
}

/// Computes the signature value the service sends for one access key (lower-case hex).
///
/// ```
/// use socketio_fn_core::protocol::signature::compute;
/// assert_eq!(
///     compute("7aab239577fd4f24bc919802fb629f5f", "0f9c97a2f0bf4706afe87a14e0797b11"),
///     "sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561"
/// );
/// ```
pub fn compute(access_key: &str, connection_id: &str) -> String {
    let bytes = mac(access_key, connection_id).finalize().into_bytes();
    format!("{PREFIX}{}", hex::encode(bytes))
}

/// Checks a `ce-signature` header value: it may hold several comma/space separated values; the request is
/// valid when any of them equals the expected one. Hex is compared case-insensitively and in constant time.
pub fn verify(access_key: &str, connection_id: &str, header_value: &str) -> bool {
    Verifier::new(access_key).verify(connection_id, header_value)
}

/// A signature checker for one access key, keeping the keyed HMAC state so each check hashes only the
/// connection id (the webhook's hot path). Its `Debug` never shows the key.
#[derive(Clone)]
pub struct Verifier(Hmac<Sha256>);

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

impl Verifier {
    /// A checker for `access_key`.
    pub fn new(access_key: &str) -> Self {
        Self(mac(access_key, ""))
    }

    /// Like [`verify`], with this checker's key.
    pub fn verify(&self, connection_id: &str, header_value: &str) -> bool {
        let mut expected = self.0.clone();
        expected.update(connection_id.as_bytes());
        check(&expected, header_value)
    }
}

fn check(expected: &Hmac<Sha256>, header_value: &str) -> bool {
    split_list(header_value).any(|candidate| {
        let Some(hex_part) = candidate
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .and_then(|_| candidate.get(PREFIX.len()..))
        else {
            return false;
        };
        match hex::decode(hex_part) {
            Ok(bytes) => expected.clone().verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    })
}
