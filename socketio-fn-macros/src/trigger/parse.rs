//! Parsing of `#[socketio_trigger(...)]` arguments with darling, keeping spans for error reporting.

use crate::common::diag::Diag;
use darling::FromMeta;
use darling::ast::NestedMeta;
use darling::util::SpannedValue;
use proc_macro2::TokenStream;
use syn::LitStr;

/// The arguments of `#[socketio_trigger]`. darling reports unknown keys (listing the valid ones),
/// repeated keys and values of the wrong type, all in one build.
#[derive(Default, FromMeta)]
pub(crate) struct TriggerArgs {
    pub(crate) hub: Option<LitStr>,
    pub(crate) namespace: Option<LitStr>,
    pub(crate) event: Option<LitStr>,
    pub(crate) parameter_names: Option<SpannedValue<Vec<LitStr>>>,
    pub(crate) connection: Option<LitStr>,
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

/// Parses the arguments; `None` (errors in `diag`) when they do not parse.
pub(crate) fn parse(tokens: TokenStream, diag: &mut Diag) -> Option<TriggerArgs> {
    let parsed = NestedMeta::parse_meta_list(tokens)
        .map_err(darling::Error::from)
        .and_then(|items| TriggerArgs::from_list(&items));
    match parsed {
        Ok(args) => Some(args),
        Err(e) => {
            diag.darling(e);
            None
        }
    }
}
