//! Parsing of `#[socketio_negotiation(...)]` arguments with darling.

use darling::FromMeta;
use syn::LitStr;

/// The arguments of `#[socketio_negotiation]`.
#[derive(Default, FromMeta)]
pub(crate) struct NegotiationArgs {
    pub(crate) hub: Option<LitStr>,
    pub(crate) user_id: Option<LitStr>,
    pub(crate) connection: Option<LitStr>,
    pub(crate) route: Option<LitStr>,
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}
