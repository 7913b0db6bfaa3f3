//! Code generation for a valid `#[socketio_negotiation]` function.

use super::parse::NegotiationArgs;
use super::validate::Valid;
use crate::common::args::FnModel;
use crate::common::paths::{option, private};
use crate::common::template::Part;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

fn template(sfn: &TokenStream, parts: &[Part]) -> TokenStream {
    let parts = parts.iter().map(|p| match p {
        Part::Literal(t) => quote!(#sfn::TemplatePart::Literal(#t)),
        Part::Query(n) => quote!(#sfn::TemplatePart::Query(#n)),
        Part::Header(n) => quote!(#sfn::TemplatePart::Header(#n)),
        Part::Setting(n) => quote!(#sfn::TemplatePart::Setting(#n)),
    });
    quote!(::core::option::Option::Some(&[#(#parts),*]))
}

/// One `let` per argument, binding it through `FromNegotiation` (a failure answers at once), and
/// each argument's `requires` call.
fn arguments(sfn: &TokenStream, model: &FnModel) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let bindings = model.args.iter().map(|arg| {
        let (ident, ty) = (&arg.ident, &arg.ty);
        quote_spanned! {ty.span()=>
            let #ident = match <#ty as #sfn::FromNegotiation>::from_negotiation(&__socketio_fn_invocation) {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(error) => {
                    return ::std::boxed::Box::pin(::core::future::ready(#sfn::negotiation_rejection(error)));
                }
            };
        }
    });
    let requires = model.args.iter().map(|arg| {
        let ty = &arg.ty;
        quote_spanned! {ty.span()=>
            <#ty as #sfn::FromNegotiation>::requires(__socketio_fn_requirements);
        }
    });
    (bindings.collect(), requires.collect())
}

pub(crate) fn expand(args: &NegotiationArgs, model: &FnModel, valid: &Valid) -> TokenStream {
    let item = &model.item;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let sfn = private(args.krate.as_ref());
    let idents = model.args.iter().map(|a| &a.ident);
    let (bindings, requires) = arguments(&sfn, model);
    // The return type is checked once, where it is written: `negotiation_response::<R>` requires
    // `NegotiationResponse`.
    let (reply_span, reply_ty) = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => (ty.span(), quote!(#ty)),
        syn::ReturnType::Default => (name.span(), quote!(())),
    };
    let respond = quote_spanned! {reply_span=>
        #sfn::negotiation_response::<#reply_ty>(#name(#(#idents),*).await)
    };
    let user_id = match &valid.user_id {
        Some(parts) => template(&sfn, parts),
        None => quote!(::core::option::Option::None),
    };
    let (hub, connection) = (option(args.hub.as_ref()), option(args.connection.as_ref()));
    let fn_name = name.to_string();
    let route = &valid.route;
    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        const _: () = {
            fn __socketio_fn_negotiate(
                __socketio_fn_invocation: #sfn::NegotiationInvocation,
            ) -> #sfn::BoxFuture<#sfn::Response> {
                #(#bindings)*
                ::std::boxed::Box::pin(async move { #respond })
            }

            fn __socketio_fn_requires(__socketio_fn_requirements: &mut #sfn::Requirements) {
                #(#requires)*
                let _ = __socketio_fn_requirements;
            }

            impl #sfn::SocketIoNegotiation for #name {
                const DESCRIPTOR: #sfn::NegotiationDescriptor = #sfn::NegotiationDescriptor {
                    name: #fn_name,
                    route: #route,
                    hub: #hub,
                    user_id: #user_id,
                    connection: #connection,
                    requires: __socketio_fn_requires,
                    invoke: __socketio_fn_negotiate,
                };
            }

            #sfn::inventory::submit! { <#name as #sfn::SocketIoNegotiation>::DESCRIPTOR }
        };
    }
}

/// The registration item of a negotiation function with errors: nameable, never submitted.
pub(crate) fn stand_in(model: &FnModel, krate: Option<&syn::Path>) -> TokenStream {
    let name = &model.item.sig.ident;
    let vis = &model.item.vis;
    let sfn = private(krate);
    let fn_name = name.to_string();
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        impl #sfn::SocketIoNegotiation for #name {
            const DESCRIPTOR: #sfn::NegotiationDescriptor =
                #sfn::failed_negotiation(#fn_name);
        }
    }
}
