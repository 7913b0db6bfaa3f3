//! Access keys: the shared secret of a key-based connection. Every HMAC (webhook signatures, access
//! tokens) uses the key's UTF-8 bytes; it is never base64-decoded (spec 1.3).

use std::fmt;

/// An access key. Its `Debug` never shows the key, and it has no `Display`.
///
/// ```
/// let key = socketio_fn::protocol::AccessKey::new("secret");
/// assert_eq!(format!("{key:?}"), "AccessKey(<redacted>)");
/// assert_eq!(key.expose(), "secret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey(String);

impl AccessKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// A random 32-character alphanumeric key from the operating system's random source (the emulator's
    /// default key). Fails only when the system has no random source.
    pub fn random() -> Result<Self, getrandom::Error> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        // 256 is not a multiple of 62: the slight bias leaves ~190 bits of entropy, plenty for a key.
        let key = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect::<String>();
        Ok(Self(key))
    }

    /// The key itself, for signing. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The key's bytes, the HMAC key of signatures and tokens.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessKey(<redacted>)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_differ_and_are_alphanumeric() {
        let (a, b) = (AccessKey::random().unwrap(), AccessKey::random().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 32);
        assert!(a.expose().bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
