//! `#[socketio_timer]`: parse -> validate -> expand.

mod expand;
mod parse;
mod validate;

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use crate::common::driver::Attribute;
use proc_macro2::TokenStream;

/// The timer attribute, plugged into the shared driver.
pub(crate) struct Timer;

impl Attribute for Timer {
    const NAME: &'static str = "socketio_timer";

    type Args = parse::TimerArgs;
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
        crate::common::driver::validation_errors::<Timer>(attr, item)
    }

    #[test]
    fn schedules() {
        for ok in ["0 */5 * * * *", "%TickSchedule%", "0 0 9 * * Mon-Fri"] {
            let e = errors(
                quote!(schedule = #ok),
                parse_quote!(
                    async fn f() {}
                ),
            );
            assert!(e.is_empty(), "{ok}: {e:?}");
        }
        let e = errors(
            quote!(schedule = "*/5 * * * *"),
            parse_quote!(
                async fn f() {}
            ),
        );
        assert!(
            e.join("\n")
                .contains("invalid `schedule`: a schedule has six fields"),
            "{e:?}"
        );
        let e = errors(
            quote!(hub = "h"),
            parse_quote!(
                async fn f() {}
            ),
        );
        assert!(e.join("\n").contains("missing `schedule`"), "{e:?}");
    }

    #[test]
    fn no_event_parameters() {
        let e = errors(
            quote!(schedule = "* * * * * *"),
            parse_quote!(
                async fn f(#[socketio_parameter] a: String) {}
            ),
        );
        assert!(e.join("\n").contains("a timer has no event"), "{e:?}");
    }
}
