//! `#[socketio_trigger]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use crate::common::driver::Attribute;
use proc_macro2::TokenStream;

/// The trigger attribute, plugged into the shared driver.
pub(crate) struct Trigger;

impl Attribute for Trigger {
    const NAME: &'static str = "socketio_trigger";

    type Args = parse::TriggerArgs;
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
        crate::common::driver::validation_errors::<Trigger>(attr, item)
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
    fn darling_reports_unknown_and_repeated_keys_together() {
        let e = errors(
            quote!(hub = "", event = "connect", bogus = 1, hub = "x"),
            parse_quote!(
                async fn f() {}
            ),
        );
        let joined = e.join("\n");
        assert!(joined.contains("Duplicate field `hub`"), "{joined}");
        assert!(joined.contains("Unknown field: `bogus`"), "{joined}");
        assert!(
            joined.contains("Available values: `connection`, `crate`, `event`, `hub`, `namespace`, `parameter_names`"),
            "the valid keys are listed: {joined}"
        );
    }

    #[test]
    fn every_independent_rule_is_reported() {
        let e = errors(
            quote!(hub = "", event = "connect", namespace = "chat"),
            parse_quote!(
                async fn f(#[socketio_parameter] a: String) {}
            ),
        );
        let joined = e.join("\n");
        for expected in [
            "`hub` must not be empty",
            "`namespace` must start with `/`",
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

    #[test]
    fn setting_events_are_user_events() {
        assert_eq!(validate::Kind::of("%MyEvent%"), validate::Kind::Message);
        let e = errors(
            quote!(event = "%MyEvent%", namespace = "%Ns%"),
            parse_quote!(
                async fn f(#[socketio_parameter] a: String) {}
            ),
        );
        assert!(e.is_empty(), "{e:?}");
    }
}
