//! `#[socketio_event]` on a struct: parse -> validate -> expand. A struct is not a function, so this
//! attribute has its own small driver: on any error the struct is emitted unchanged beside the
//! `compile_error!`s, with a stand-in `ServerEvent` impl so that its uses add no errors of their own.

mod expand;
mod parse;
mod validate;

use crate::common::diag::Diag;
use proc_macro2::TokenStream;
use quote::quote;

/// The attribute's name in messages.
pub(crate) const NAME: &str = "socketio_event";

/// Runs `#[socketio_event]` over `item`.
pub(crate) fn expand_struct(attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed: syn::ItemStruct = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            let error = syn::Error::new(
                e.span(),
                format!("`#[{NAME}]` goes on a tuple struct (its fields are the event's arguments) or a unit struct"),
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut diag = Diag::default();
    let krate = crate::common::parse::crate_path(&attr);
    let expanded =
        crate::common::parse::args::<parse::EventArgs>(attr, &mut diag).and_then(|args| {
            let valid = validate::validate(&args, &parsed, &mut diag)?;
            diag.is_empty()
                .then(|| expand::expand(&args, &parsed, &valid))
        });
    match expanded {
        Some(expanded) if diag.is_empty() => quote!(#parsed #expanded),
        _ => {
            let errors = diag.to_compile_errors();
            let stand_in = expand::stand_in(&parsed, krate.as_ref());
            quote!(#errors #parsed #stand_in)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors(attr: TokenStream, item: TokenStream) -> Vec<String> {
        let mut diag = Diag::default();
        let item: syn::ItemStruct = syn::parse2(item).unwrap();
        if let Some(args) = crate::common::parse::args::<parse::EventArgs>(attr, &mut diag) {
            let _ = validate::validate(&args, &item, &mut diag);
        }
        diag.messages()
    }

    #[test]
    fn tuple_and_unit_structs_with_a_name_are_events() {
        assert!(
            errors(
                quote!(name = "new message"),
                quote!(
                    struct A(String, u32);
                )
            )
            .is_empty()
        );
        assert!(
            errors(
                quote!(name = "ping"),
                quote!(
                    struct B;
                )
            )
            .is_empty()
        );
        assert!(
            errors(
                quote!(name = "ready?", answer = bool),
                quote!(
                    struct C;
                )
            )
            .is_empty()
        );
        assert!(
            errors(
                quote!(name = "x", answer = "Vec<String>"),
                quote!(
                    struct D;
                )
            )
            .is_empty()
        );
        assert!(
            errors(
                quote!(name = "x", answer = (bool, String)),
                quote!(
                    struct F;
                )
            )
            .is_empty()
        );
        assert!(
            errors(
                quote!(name = "x", answer = "(bool, String)"),
                quote!(
                    struct E;
                )
            )
            .is_empty()
        );
    }

    #[test]
    fn every_rule_says_what_to_do() {
        let e = errors(
            quote!(),
            quote!(
                struct A {
                    text: String,
                }
            ),
        );
        assert!(
            e.iter().any(|m| m.contains("needs `name = \"...\"`")),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m.contains("tuple struct")), "{e:?}");
        let e = errors(
            quote!(name = ""),
            quote!(
                struct A<T>(T);
            ),
        )
        .join("\n");
        assert!(e.contains("`name` must not be empty"), "{e}");
        assert!(e.contains("cannot be generic"), "{e}");
        let e = errors(
            quote!(name = "connect"),
            quote!(
                struct A;
            ),
        )
        .join("\n");
        assert!(e.contains("`connect` is reserved"), "{e}");
        let e = errors(
            quote!(name = "x", bogus = 1),
            quote!(
                struct A;
            ),
        )
        .join("\n");
        assert!(e.contains("bogus"), "{e}");
    }

    #[test]
    fn a_broken_event_still_gets_a_stand_in() {
        let out = expand_struct(
            quote!(),
            quote!(
                struct A(String);
            ),
        )
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("ServerEvent for A"), "{out}");
    }
}
