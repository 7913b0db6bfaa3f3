//! Parsing of `#[socketio_trigger(...)]` arguments with darling, keeping spans for error reporting.

use darling::FromMeta;
use darling::util::SpannedValue;
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
