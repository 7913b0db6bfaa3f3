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
