//! `#[socketio_negotiation]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use proc_macro2::TokenStream;

/// Expands the attribute (see [`crate::common::driver`] for the error path).
pub(crate) fn negotiation(attr: TokenStream, item: TokenStream) -> TokenStream {
    crate::common::driver::expand_fn("socketio_negotiation", item, |model, diag| {
        let keys = parse::parse(attr, diag);
        let valid = validate::validate(&keys, model, diag)?;
        diag.is_empty()
            .then(|| expand::expand(&keys, model, &valid))
    })
}
