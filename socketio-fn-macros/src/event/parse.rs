//! Parsing of `#[socketio_event(...)]` arguments with darling.

use darling::FromMeta;
use syn::LitStr;

/// The arguments of `#[socketio_event]`. darling reports unknown keys (listing the valid ones),
/// repeated keys and values of the wrong type, all in one build.
#[derive(Default, FromMeta)]
pub(crate) struct EventArgs {
    /// The event's name on the wire.
    pub(crate) name: Option<LitStr>,
    /// What a client answers: a tuple for several ack arguments, any other type for one.
    pub(crate) answer: Option<syn::Type>,
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}
