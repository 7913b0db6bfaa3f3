//! The shared skeleton of the function attributes: parse the fn, run the attribute's
//! parse -> validate -> expand, and on any error emit the fn unchanged (minus our helper attributes)
//! beside the `compile_error!`s so the rest of the crate keeps compiling.

use super::args::FnModel;
use super::diag::Diag;
use proc_macro2::TokenStream;
use quote::quote;

/// Runs `attribute` (named `name` in messages) over `item`. `pipeline` parses the attribute's arguments,
/// validates them against the model and expands; it returns `None` when it pushed errors.
pub(crate) fn expand_fn(
    name: &str,
    item: TokenStream,
    pipeline: impl FnOnce(&FnModel, &mut Diag) -> Option<TokenStream>,
) -> TokenStream {
    let parsed: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            let error = syn::Error::new(e.span(), format!("`#[{name}]` goes on an `async fn`"))
                .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut diag = Diag::default();
    let model = FnModel::parse(parsed, &mut diag);
    let expanded = pipeline(&model, &mut diag);
    let uses = model.helper_uses();
    match expanded {
        Some(expanded) if diag.is_empty() => quote!(#expanded #uses),
        _ => {
            let errors = diag.to_compile_errors();
            let item = &model.item;
            quote!(#errors #item #uses)
        }
    }
}
