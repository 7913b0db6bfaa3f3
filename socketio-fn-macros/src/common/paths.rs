//! Paths of the facade used by generated code, and small token helpers.

use proc_macro2::TokenStream;
use quote::quote;

/// `::socketio_fn::__private`, or `<crate>::__private` when `crate = path` is given.
pub(crate) fn private(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::socketio_fn::__private),
    }
}

/// `Some("...")` or `None`.
pub(crate) fn option(value: Option<&syn::LitStr>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// `fn <name>(d: &mut Describer) -> Option<JsonValue>` describing `ty` for the app's contract:
/// schemars when `ty` implements `JsonSchema` (feature `contract`), else `unknown` — chosen by autoref
/// on the probe, which works here because `ty` is concrete.
pub(crate) fn describer(sfn: &TokenStream, name: &syn::Ident, ty: &syn::Type) -> TokenStream {
    quote! {
        fn #name(
            __socketio_fn_d: &mut #sfn::Describer,
        ) -> ::core::option::Option<#sfn::JsonValue> {
            #[allow(unused_imports)]
            use #sfn::{NoSchema as _, ViaSchema as _};
            (&&#sfn::Probe::<#ty>::new()).describe(__socketio_fn_d)
        }
    }
}
