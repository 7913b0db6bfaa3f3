//! Parsing of `#[socketio_negotiation(...)]` arguments.

use crate::common::diag::Diag;
use crate::common::keys::{self, Keys};
use proc_macro2::TokenStream;

/// The keys `#[socketio_negotiation]` accepts.
pub(crate) const KEYS: &[&str] = &["hub", "user_id", "connection", "route"];

pub(crate) fn parse(tokens: TokenStream, diag: &mut Diag) -> Keys {
    keys::parse(tokens, KEYS, true, diag)
}
