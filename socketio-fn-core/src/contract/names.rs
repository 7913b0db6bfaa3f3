//! What the contract calls its named types, in every format: a type the app receives under its Rust
//! name; a type it sends under the same name, or `<Name>Sent` when serde writes it differently than it
//! reads it (a field skipped when empty is optional only when sent).

use serde_json::Value;
use std::collections::BTreeMap;

/// Which way a schema's `$ref`s point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// In what the app sends.
    Sent,
    /// In what the app receives.
    Received,
}

/// The named types of both directions, and their names.
pub(super) struct Names<'c> {
    pub(super) sent: &'c BTreeMap<String, Value>,
    pub(super) received: &'c BTreeMap<String, Value>,
}

impl Names<'_> {
    /// The name of the type `schema_name` (a schema's definition name) on `side`.
    pub(super) fn of(&self, schema_name: &str, side: Side) -> String {
        match side {
            Side::Received => ident(schema_name),
            Side::Sent => match self.received.get(schema_name) {
                Some(read) if Some(read) != self.sent.get(schema_name) => {
                    format!("{}Sent", ident(schema_name))
                }
                _ => ident(schema_name),
            },
        }
    }

    /// The name of the type a `$ref` (`#/definitions/<name>`) points to on `side`.
    pub(super) fn of_ref(&self, reference: &str, side: Side) -> String {
        self.of(reference.rsplit('/').next().unwrap_or(reference), side)
    }

    /// Every named type once, with its side: the received ones, then the sent ones that differ.
    pub(super) fn all(&self) -> Vec<(String, &Value, Side)> {
        let mut all: Vec<(String, &Value, Side)> = self
            .received
            .iter()
            .map(|(name, schema)| (self.of(name, Side::Received), schema, Side::Received))
            .collect();
        for (name, schema) in self.sent {
            if self.received.get(name) != Some(schema) {
                all.push((self.of(name, Side::Sent), schema, Side::Sent));
            }
        }
        all
    }
}

/// A name as an identifier (TypeScript, AsyncAPI component keys): characters that cannot be in one
/// become `_`.
pub(super) fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}
