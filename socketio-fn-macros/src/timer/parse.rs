//! Parsing of `#[socketio_timer(...)]` arguments with darling.

use darling::FromMeta;
use syn::LitStr;

/// The arguments of `#[socketio_timer]`.
#[derive(Default, FromMeta)]
pub(crate) struct TimerArgs {
    /// NCRONTAB with seconds, or `%Setting%`.
    pub(crate) schedule: Option<LitStr>,
    /// The hub of its service handle and of outputs that name none.
    pub(crate) hub: Option<LitStr>,
    /// The connection of its service handle.
    pub(crate) connection: Option<LitStr>,
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}
