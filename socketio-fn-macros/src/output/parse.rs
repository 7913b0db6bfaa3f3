//! Parsing of `#[socketio_output(...)]`.

use crate::common::diag::Diag;
use darling::FromMeta;
use syn::LitStr;

/// The arguments of `#[socketio_output]`.
#[derive(Default, FromMeta)]
pub(crate) struct OutputArgs {
    /// The hub; omitted = the function's hub.
    pub(crate) hub: Option<LitStr>,
    /// The connection's setting name; omitted = the default connection.
    pub(crate) connection: Option<LitStr>,
}

impl OutputArgs {
    /// Parses the attribute; `#[socketio_output]` alone takes every default. Errors go into `diag`.
    pub(crate) fn parse(attr: &syn::Attribute, diag: &mut Diag) -> Self {
        match &attr.meta {
            syn::Meta::Path(_) => Self::default(),
            meta => Self::from_meta(meta).unwrap_or_else(|e| {
                diag.darling(e);
                Self::default()
            }),
        }
    }
}
