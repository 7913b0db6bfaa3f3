//! `#[socketio_trigger]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use proc_macro2::TokenStream;
use quote::quote;

/// Expands the attribute. On error the function is emitted unchanged (minus our helper attributes) next
/// to the `compile_error!`s, so the rest of the crate keeps compiling.
pub(crate) fn trigger(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            let error = syn::Error::new(e.span(), "`#[socketio_trigger]` goes on an `async fn`")
                .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut diag = Diag::default();
    let args = parse::parse(attr, &mut diag);
    let model = FnModel::parse(item, &mut diag);
    match validate::validate(&args, &model, &mut diag) {
        Some(valid) if diag.is_empty() => {
            let uses = model.helper_uses();
            let expanded = expand::expand(&args, &model, &valid);
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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn errors(attr: TokenStream, item: syn::ItemFn) -> Vec<String> {
        let mut diag = Diag::default();
        let args = parse::parse(attr, &mut diag);
        let model = FnModel::parse(item, &mut diag);
        let _ = validate::validate(&args, &model, &mut diag);
        let text = diag.to_compile_errors().to_string();
        text.split("compile_error !")
            .skip(1)
            .map(|s| s.trim().to_owned())
            .collect()
    }

    #[test]
    fn valid_function_has_no_errors() {
        let e = errors(
            quote!(hub = "h", event = "chat"),
            parse_quote!(
                async fn f(#[socketio_parameter] a: String) {}
            ),
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn every_independent_error_is_reported() {
        let e = errors(
            quote!(hub = "", event = "connect", bogus = 1, hub = "x"),
            parse_quote!(
                fn f<T>(#[socketio_parameter] a: T) {}
            ),
        );
        let joined = e.join("\n");
        for expected in [
            "`hub` is specified more than once",
            "unknown argument `bogus`",
            "must be async",
            "cannot be generic",
            "`hub` must not be empty",
            "`#[socketio_parameter]` binds arguments of user events",
        ] {
            assert!(
                joined.contains(expected),
                "missing {expected:?} in {joined}"
            );
        }
    }

    #[test]
    fn parameter_names_rules() {
        let e = errors(
            quote!(event = "e", parameter_names = ["a", "a", "zz"]),
            parse_quote!(
                async fn f(a: String, #[socketio_parameter] b: String) {}
            ),
        );
        let joined = e.join("\n");
        assert!(joined.contains("cannot be used together"), "{joined}");
        assert!(joined.contains("`a` is listed more than once"), "{joined}");
        assert!(
            joined.contains("`zz` in `parameter_names` matches no argument of `f`"),
            "{joined}"
        );
    }
}
