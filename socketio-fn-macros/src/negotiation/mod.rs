//! `#[socketio_negotiation]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn negotiation(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            let error =
                syn::Error::new(e.span(), "`#[socketio_negotiation]` goes on an `async fn`")
                    .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut diag = Diag::default();
    let keys = parse::parse(attr, &mut diag);
    let model = FnModel::parse(item, &mut diag);
    match validate::validate(&keys, &model, &mut diag) {
        Some(valid) if diag.is_empty() => {
            let uses = model.helper_uses();
            let expanded = expand::expand(&keys, &model, &valid);
            quote!(#expanded #uses)
        }
        _ => {
            let errors = diag.to_compile_errors();
            let item = &model.item;
            let uses = model.helper_uses();
            quote!(#errors #item #uses)
        }
    }
}
