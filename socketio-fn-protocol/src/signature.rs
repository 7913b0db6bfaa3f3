//! The `ce-signature` header: `sha256=` + hex(HMAC-SHA256(access key UTF-8, connection id UTF-8)), one
//! value per access key of the resource, comma separated (spec 3.6).

use crate::AccessKey;
use crate::cloud_events::split_list;
use aws_lc_rs::hmac;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

const PREFIX: &str = "sha256=";

/// Computes the signature value the service sends for one access key (lower-case hex).
///
/// ```
/// use socketio_fn::protocol::{AccessKey, signature::compute};
/// assert_eq!(
///     compute(&AccessKey::new("7aab239577fd4f24bc919802fb629f5f"), "0f9c97a2f0bf4706afe87a14e0797b11"),
///     "sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561"
/// );
/// ```
pub fn compute(key: &AccessKey, connection_id: &str) -> String {
    Verifier::new(key).signature(connection_id)
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

    /// The `ce-signature` value for `connection_id`, as [`compute`] gives it, without keying the HMAC
    /// again (a sender signing every request keeps one `Verifier`).
    pub fn signature(&self, connection_id: &str) -> String {
        let Expected(bytes) = self.expected(connection_id);
        let mut value = String::with_capacity(PREFIX.len() + 64);
        value.push_str(PREFIX);
        value.push_str(&hex::encode(bytes));
        value
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
        same_hex(&self.lower_hex(), candidate)
    }

    /// Whether any value of a `ce-signature` header is this signature. Every candidate is compared (no
    /// early exit), so timing does not tell which one matched.
    pub fn matches_any(&self, header_value: &str) -> bool {
        any_same_hex(&self.lower_hex(), header_value)
    }

    /// The signature in lower-case hex: encoding the expected value once is cheaper than decoding (and
    /// validating) every candidate.
    fn lower_hex(&self) -> [u8; 64] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(self.0) {
            pair.copy_from_slice(&[
                DIGITS[usize::from(byte >> 4)],
                DIGITS[usize::from(byte & 0xf)],
            ]);
        }
        out
    }
}

/// Constant-time equality of two secrets (their length is not secret): a webhook code, a password.
///
/// ```
/// use socketio_fn::protocol::signature::same_secret;
/// assert!(same_secret(b"open sesame", b"open sesame"));
/// assert!(!same_secret(b"open sesame", b"open sesamE"));
/// assert!(!same_secret(b"open", b"open sesame"));
/// ```
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A [`Verifier`] that remembers, per connection id, the signatures that verified.
///
/// The service signs every event of a connection with the same value (the HMAC of its connection id),
/// so after a connection's first event a check is a lookup and a constant-time comparison instead of an
/// HMAC. Only values that matched a candidate are stored, so a request without the key can neither fill
/// nor evict the memo; its slots are direct-mapped (a connection id hashes to one slot, a newer
/// connection replaces an older one), so its memory is bounded: [`CachedVerifier::SLOTS`] connection ids
/// and their 64 hex digits. A hit answers faster than a miss: timing can tell whether a connection id
/// has been verified lately, which a caller without the key cannot turn into a valid signature.
pub struct CachedVerifier {
    verifier: Verifier,
    slots: Box<[Mutex<Option<Verified>>]>,
    hasher: RandomState,
}

/// A connection id and its signature in lower-case hex.
struct Verified {
    connection_id: Box<str>,
    hex: [u8; 64],
}

impl std::fmt::Debug for CachedVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CachedVerifier(<redacted>)")
    }
}

impl CachedVerifier {
    /// How many connection ids the memo holds at most.
    pub const SLOTS: usize = 2048;

    /// A caching checker for `key`.
    pub fn new(key: &AccessKey) -> Self {
        Self {
            verifier: Verifier::new(key),
            slots: (0..Self::SLOTS).map(|_| Mutex::new(None)).collect(),
            hasher: RandomState::new(),
        }
    }

    /// The uncached checker of the same key.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Whether any value of a `ce-signature` header is the signature of `connection_id` (as
    /// [`Expected::matches_any`]).
    pub fn verify(&self, connection_id: &str, header_value: &str) -> bool {
        let slot = &self.slots[self.hasher.hash_one(connection_id) as usize % Self::SLOTS];
        // A poisoned slot only held a verified value: keep using it.
        let lock = || {
            slot.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let cached = lock()
            .as_ref()
            .filter(|v| &*v.connection_id == connection_id)
            .map(|v| v.hex);
        let hex = match cached {
            Some(hex) => hex,
            None => self.verifier.expected(connection_id).lower_hex(),
        };
        let valid = any_same_hex(&hex, header_value);
        if valid && cached.is_none() {
            *lock() = Some(Verified {
                connection_id: connection_id.into(),
                hex,
            });
        }
        valid
    }
}

/// Whether any value of a `ce-signature` header is `expected`; every candidate is compared (no early
/// exit), so timing does not tell which one matched.
fn any_same_hex(expected: &[u8; 64], header_value: &str) -> bool {
    split_list(header_value).fold(false, |found, candidate| {
        same_hex(expected, candidate) | found
    })
}

/// `sha256=` (any case) followed by exactly the expected hex digits (any case); the digits are compared
/// without an early exit.
fn same_hex(expected: &[u8; 64], candidate: &str) -> bool {
    let Some((prefix, digits)) = candidate.as_bytes().split_at_checked(PREFIX.len()) else {
        return false;
    };
    prefix.eq_ignore_ascii_case(PREFIX.as_bytes())
        && digits.len() == expected.len()
        && expected
            .iter()
            .zip(digits)
            .fold(0u8, |acc, (e, d)| acc | (e ^ d.to_ascii_lowercase()))
            == 0
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

    #[test]
    fn the_cache_answers_as_the_verifier_and_keeps_only_matches() {
        let key = AccessKey::new("k");
        let cached = CachedVerifier::new(&key);
        let good = compute(&key, "c");
        let stored = |id: &str| {
            cached.slots.iter().any(|slot| {
                slot.lock()
                    .unwrap()
                    .as_ref()
                    .is_some_and(|v| &*v.connection_id == id)
            })
        };
        assert!(!cached.verify("c", "sha256=00"));
        assert!(!stored("c"), "a failed check is not remembered");
        assert!(cached.verify("c", &format!("sha256=00, {good}")));
        assert!(stored("c"));
        // Hits answer exactly as misses did.
        assert!(cached.verify("c", &good));
        assert!(cached.verify("c", &good.to_uppercase()));
        assert!(!cached.verify("c", "sha256=00"));
        assert!(!cached.verify("c", &good[..good.len() - 2]));
        assert!(!cached.verify("d", &good));
        assert!(!stored("d"));
        // A connection id is never confused with another that shares its slot.
        for i in 0..3 * CachedVerifier::SLOTS {
            let id = format!("conn-{i}");
            assert!(!cached.verify(&id, &good));
            assert!(cached.verify(&id, &compute(&key, &id)));
        }
        assert!(cached.verify("c", &good));
        assert!(!cached.verify("c", &compute(&key, "conn-1")));
    }
}
