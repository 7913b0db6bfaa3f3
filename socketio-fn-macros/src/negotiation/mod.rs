//! `#[socketio_negotiation]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use crate::common::driver::Attribute;
use proc_macro2::TokenStream;

/// The negotiation attribute, plugged into the shared driver.
pub(crate) struct Negotiation;

impl Attribute for Negotiation {
    const NAME: &'static str = "socketio_negotiation";

    type Args = parse::NegotiationArgs;
    type Valid = validate::Valid;
    const VALIDATE: fn(&Self::Args, &FnModel, &mut Diag) -> Option<Self::Valid> =
        validate::validate;
    const EXPAND: fn(&Self::Args, &FnModel, &Self::Valid) -> TokenStream = expand::expand;
    const STAND_IN: fn(&FnModel, Option<&syn::Path>) -> TokenStream = expand::stand_in;
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    fn errors(attr: TokenStream, item: syn::ItemFn) -> Vec<String> {
        crate::common::driver::validation_errors::<Negotiation>(attr, item)
    }

    #[test]
    fn templates_and_routes() {
        let ok = errors(
            quote!(hub = "h", user_id = "user-{query.id}-%Region%"),
            parse_quote!(
                async fn f() {}
            ),
        );
        assert!(ok.is_empty(), "{ok:?}");
        let e = errors(
            quote!(hub = "h", user_id = "{cookie.id}", route = "/api/x"),
            parse_quote!(
                async fn f() {}
            ),
        )
        .join("\n");
        assert!(e.contains("unknown source `cookie`"), "{e}");
        assert!(e.contains("`route` is relative to `/api/`"), "{e}");
    }
}
