//! The `ce-signature` header: `sha256=` + hex(HMAC-SHA256(access key UTF-8, connection id UTF-8)), one
//! value per access key of the resource, comma separated (spec 3.6).

use crate::AccessKey;
use crate::cloud_events::split_list;
use aws_lc_rs::hmac;

const PREFIX: &str = "sha256=";

/// Computes the signature value the service sends for one access key (lower-case hex).
///
/// ```
/// use socketio_fn_protocol::{AccessKey, signature::compute};
/// assert_eq!(
///     compute(&AccessKey::new("7aab239577fd4f24bc919802fb629f5f"), "0f9c97a2f0bf4706afe87a14e0797b11"),
///     "sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561"
/// );
/// ```
pub fn compute(key: &AccessKey, connection_id: &str) -> String {
    let Expected(bytes) = Verifier::new(key).expected(connection_id);
    format!("{PREFIX}{}", hex::encode(bytes))
}

/// Checks a `ce-signature` header value against one key: valid when any of its comma/space separated
/// values equals the expected one (hex compared case-insensitively, in constant time).
pub fn verify(key: &AccessKey, connection_id: &str, header_value: &str) -> bool {
    Verifier::new(key).verify(connection_id, header_value)
}

/// A signature checker for one access key. It keeps the keyed HMAC state, so each check hashes only the
/// connection id, once, whatever the number of candidate values. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct Verifier(hmac::Key);

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

impl Verifier {
    /// A checker for `key`.
    pub fn new(key: &AccessKey) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes()))
    }

    /// The expected signature bytes for `connection_id` (one HMAC).
    pub fn expected(&self, connection_id: &str) -> Expected {
        let tag = hmac::sign(&self.0, connection_id.as_bytes());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(tag.as_ref());
        Expected(bytes)
    }

    /// Like [`verify`], with this checker's key.
    pub fn verify(&self, connection_id: &str, header_value: &str) -> bool {
        self.expected(connection_id).matches_any(header_value)
    }
}

/// The signature one key gives one connection id, to compare candidates with.
#[derive(Clone, PartialEq, Eq)]
pub struct Expected([u8; 32]);

impl std::fmt::Debug for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Expected(<redacted>)")
    }
}

impl Expected {
    /// Whether one `sha256=<hex>` value is this signature (constant time in the value's content).
    pub fn matches(&self, candidate: &str) -> bool {
        let Some(hex_part) = candidate
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .and_then(|_| candidate.get(PREFIX.len()..))
        else {
            return false;
        };
        let mut bytes = [0u8; 32];
        if hex::decode_to_slice(hex_part, &mut bytes).is_err() {
            return false;
        }
        // Constant-time equality: fold the differences of every byte.
        self.0
            .iter()
            .zip(bytes.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    /// Whether any comma/space separated value of a header is this signature. Callers bound the number
    /// of values (see `cloud_events::MAX_LIST_VALUES`).
    pub fn matches_any(&self, header_value: &str) -> bool {
        // Check every candidate (no early exit) so timing does not tell which one matched.
        split_list(header_value).fold(false, |found, candidate| self.matches(candidate) | found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_and_case() {
        let key = AccessKey::new("k");
        let good = compute(&key, "c");
        let upper = good.to_uppercase();
        assert!(verify(&key, "c", &good));
        assert!(verify(&key, "c", &upper));
        assert!(verify(&key, "c", &format!("sha256=00, {good}")));
        assert!(!verify(&key, "c", "sha256=00"));
        assert!(!verify(&key, "c", &good[..good.len() - 2]));
        assert!(!verify(&key, "c", &format!("{good}00")));
        assert!(!verify(&key, "c", "sha1=00"));
        assert!(!verify(&key, "c", ""));
        assert!(!verify(&key, "d", &good));
    }
}
