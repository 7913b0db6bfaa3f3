//! Paths of the facade used by generated code.

use proc_macro2::TokenStream;
use quote::quote;

/// `::socketio_fn::__private`, or `<crate>::__private` when `crate = path` is given.
pub(crate) fn private(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::socketio_fn::__private),
    }
}
