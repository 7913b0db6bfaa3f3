//! Code generation for a valid `#[socketio_event]` struct. Cannot fail.

use super::parse::EventArgs;
use super::validate::Valid;
use crate::common::paths::private;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ItemStruct, Type};

/// `impl ServerEvent` (and `AskingEvent` with an `answer`) for the struct.
pub(crate) fn expand(args: &EventArgs, item: &ItemStruct, valid: &Valid) -> TokenStream {
    let sfn = private(args.krate.as_ref());
    let ident = &item.ident;
    let name = &valid.name;
    // Each field serialised at its type's span: a type that is not `Serialize` is reported there.
    let arguments = valid.arguments.iter().enumerate().map(|(index, ty)| {
        let index = syn::Index::from(index);
        quote_spanned! {ty.span()=> #sfn::to_json::<#ty>(self.#index)? }
    });
    let answer = args.answer.as_ref().map(|answer| {
        let read = match answer {
            Type::Tuple(_) => quote!(#sfn::tuple_answer),
            _ => quote!(#sfn::single_answer),
        };
        quote_spanned! {answer.span()=>
            impl #sfn::AskingEvent for #ident {
                type Answer = #answer;
                fn answer(
                    arguments: ::std::vec::Vec<#sfn::JsonValue>,
                ) -> ::core::result::Result<Self::Answer, #sfn::JsonError> {
                    #read::<#answer>(arguments)
                }
            }
        }
    });
    let shape = contract_shape(&sfn, args, item, valid);
    quote! {
        impl #sfn::ServerEvent for #ident {
            const NAME: &'static str = #name;
            fn into_args(self) -> ::core::result::Result<#sfn::Args, #sfn::JsonError> {
                ::core::result::Result::Ok(#sfn::Args(::std::vec![#(#arguments),*]))
            }
        }
        #answer
        #shape
    }
}

/// The event for the app's contract: its arguments' types and its answer's, described while the app
/// runs.
fn contract_shape(
    sfn: &TokenStream,
    args: &EventArgs,
    item: &ItemStruct,
    valid: &Valid,
) -> TokenStream {
    let ident = &item.ident;
    let type_name = ident.to_string();
    let name = &valid.name;
    let describers = valid.arguments.iter().enumerate().map(|(index, ty)| {
        let describe = quote::format_ident!("__socketio_fn_argument_{index}");
        crate::common::paths::describer(sfn, &describe, ty)
    });
    let describes = (0..valid.arguments.len())
        .map(|index| quote::format_ident!("__socketio_fn_argument_{index}"));
    let answer = match &args.answer {
        Some(answer) => {
            let describe = quote::format_ident!("__socketio_fn_answer");
            let describer = crate::common::paths::describer(sfn, &describe, answer);
            let spread = matches!(answer, Type::Tuple(_));
            quote! {
                #describer
                const __SOCKETIO_FN_ANSWER: ::core::option::Option<#sfn::AnswerShape> =
                    ::core::option::Option::Some(#sfn::AnswerShape { describe: #describe, spread: #spread });
            }
        }
        None => quote! {
            const __SOCKETIO_FN_ANSWER: ::core::option::Option<#sfn::AnswerShape> = ::core::option::Option::None;
        },
    };
    quote! {
        const _: () = {
            #(#describers)*
            #answer
            #sfn::inventory::submit! {
                #sfn::EventShape {
                    name: #name,
                    type_name: #type_name,
                    arguments: &[#(#describes),*],
                    answer: __SOCKETIO_FN_ANSWER,
                }
            }
        };
    }
}

/// The impl emitted beside errors, so that the struct's uses compile on.
pub(crate) fn stand_in(item: &ItemStruct, krate: Option<&syn::Path>) -> TokenStream {
    if !item.generics.params.is_empty() {
        return TokenStream::new();
    }
    let sfn = private(krate);
    let ident = &item.ident;
    quote! {
        impl #sfn::ServerEvent for #ident {
            const NAME: &'static str = "";
            fn into_args(self) -> ::core::result::Result<#sfn::Args, #sfn::JsonError> {
                ::core::result::Result::Ok(#sfn::Args(::std::vec::Vec::new()))
            }
        }
    }
}
