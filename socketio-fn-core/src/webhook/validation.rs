//! Which service hosts may call the webhook, and with which keys their requests are signed.

use crate::protocol::cloud_events::split_list;
use crate::protocol::signature::Verifier;
use crate::settings::{AccessKey, ServiceConnection};

/// Hosts allowed to call the webhook, each with its access key (`None` for identity-based connections,
/// whose requests are not signed).
#[derive(Debug, Clone, Default)]
pub struct OriginValidator {
    /// (lower-case host, its access key, a checker for that key)
    hosts: Vec<(String, Option<(AccessKey, Verifier)>)>,
}

/// The outcome of the abuse-protection handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Handshake {
    /// No connection configured: any origin.
    Any,
    /// This origin is allowed.
    Allowed(String),
    /// None of the origins is allowed.
    Denied,
}

impl OriginValidator {
    /// Adds the host of a connection (keyed by host name only, case-insensitively).
    pub fn add(&mut self, connection: &ServiceConnection) {
        let host = connection.endpoint().host().to_ascii_lowercase();
        let key = connection.access_key().cloned();
        let known = self
            .hosts
            .iter()
            .any(|(h, k)| *h == host && k.as_ref().map(|(key, _)| key) == key.as_ref());
        if !known {
            let checker = key.map(|k| {
                let verifier = Verifier::new(k.expose());
                (k, verifier)
            });
            self.hosts.push((host, checker));
        }
    }

    /// Whether no host is configured (then nothing is checked).
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }

    fn entries<'a>(
        &'a self,
        origin: &'a str,
    ) -> impl Iterator<Item = &'a Option<(AccessKey, Verifier)>> + 'a {
        self.hosts
            .iter()
            .filter(move |(h, _)| h.eq_ignore_ascii_case(origin))
            .map(|(_, k)| k)
    }

    pub(crate) fn handshake(&self, origins: &str) -> Handshake {
        if self.is_empty() {
            return Handshake::Any;
        }
        split_list(origins)
            .find(|o| self.entries(o).next().is_some())
            .map_or(Handshake::Denied, |o| Handshake::Allowed(o.to_owned()))
    }

    /// Signature check: some origin must be a configured host, and its key (if any) must have signed the
    /// connection id.
    pub(crate) fn is_valid(
        &self,
        origins: &str,
        connection_id: &str,
        signature: Option<&str>,
    ) -> bool {
        if self.is_empty() {
            return true;
        }
        split_list(origins).any(|origin| {
            self.entries(origin).any(|key| match key {
                None => true,
                Some((_, verifier)) => signature.is_some_and(|s| verifier.verify(connection_id, s)),
            })
        })
    }
}
