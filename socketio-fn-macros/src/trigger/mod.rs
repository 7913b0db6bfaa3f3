//! `#[socketio_trigger]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use proc_macro2::TokenStream;

/// Expands the attribute (see [`crate::common::driver`] for the error path).
pub(crate) fn trigger(attr: TokenStream, item: TokenStream) -> TokenStream {
    crate::common::driver::expand_fn("socketio_trigger", item, |model, diag| {
        let args = parse::parse(attr, diag);
        let valid = validate::validate(&args, model, diag)?;
        diag.is_empty()
            .then(|| expand::expand(&args, model, &valid))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::args::FnModel;
    use crate::common::diag::Diag;
    use quote::quote;
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
