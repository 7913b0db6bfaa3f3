//! Parsing of `#[socketio_negotiation(...)]` arguments with darling.

use crate::common::diag::Diag;
use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;
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

/// Parses the arguments; `None` (errors in `diag`) when they do not parse.
pub(crate) fn parse(tokens: TokenStream, diag: &mut Diag) -> Option<NegotiationArgs> {
    let parsed = NestedMeta::parse_meta_list(tokens)
        .map_err(darling::Error::from)
        .and_then(|items| NegotiationArgs::from_list(&items));
    match parsed {
        Ok(args) => Some(args),
        Err(e) => {
            diag.darling(e);
            None
        }
    }
}
