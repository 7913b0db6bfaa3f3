//! Parsing of a function attribute's arguments with darling, shared by `#[socketio_trigger]` and
//! `#[socketio_negotiation]`, and the lenient scan for `crate = path` that error paths use.

use super::diag::Diag;
use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;

/// Parses the arguments into `T`; `None` (errors in `diag`) when they do not parse. darling reports
/// unknown keys (listing the valid ones), repeated keys and values of the wrong type, all at once.
pub(crate) fn args<T: FromMeta>(tokens: TokenStream, diag: &mut Diag) -> Option<T> {
    let parsed = NestedMeta::parse_meta_list(tokens)
        .map_err(darling::Error::from)
        .and_then(|items| T::from_list(&items));
    match parsed {
        Ok(args) => Some(args),
        Err(e) => {
            diag.darling(e);
            None
        }
    }
}

/// The `crate = path` argument, found even when the other arguments are wrong, so that the stand-in
/// emitted beside errors names the facade the same way valid code would.
pub(crate) fn crate_path(tokens: &TokenStream) -> Option<syn::Path> {
    let items = NestedMeta::parse_meta_list(tokens.clone()).ok()?;
    items.iter().find_map(|item| match item {
        NestedMeta::Meta(syn::Meta::NameValue(nv)) if nv.path.is_ident("crate") => {
            syn::Path::from_expr(&nv.value).ok()
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn crate_path_is_found_beside_bad_arguments() {
        let path = |t: TokenStream| crate_path(&t).map(|p| quote!(#p).to_string());
        assert_eq!(
            path(quote!(bogus = 1, crate = ::my_facade::sfn)).as_deref(),
            Some(":: my_facade :: sfn")
        );
        assert_eq!(
            path(quote!(hub = "h", crate = "my_facade")).as_deref(),
            Some("my_facade")
        );
        assert_eq!(path(quote!(hub = "h")), None);
    }
}
