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

    fn expand(attr: TokenStream, model: &FnModel, diag: &mut Diag) -> Option<TokenStream> {
        let args: parse::NegotiationArgs = crate::common::parse::args(attr, diag)?;
        let valid = validate::validate(&args, model, diag)?;
        diag.is_empty()
            .then(|| expand::expand(&args, model, &valid))
    }

    fn stand_in(model: &FnModel, krate: Option<&syn::Path>) -> TokenStream {
        expand::stand_in(model, krate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    fn errors(attr: TokenStream, item: syn::ItemFn) -> Vec<String> {
        let mut diag = Diag::default();
        let model = FnModel::parse(item, Negotiation::NAME, &mut diag);
        if let Some(args) = crate::common::parse::args::<parse::NegotiationArgs>(attr, &mut diag) {
            let _ = validate::validate(&args, &model, &mut diag);
        }
        diag.messages()
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
