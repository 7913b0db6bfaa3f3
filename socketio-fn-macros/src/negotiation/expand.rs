//! Code generation for a valid `#[socketio_negotiation]` function.

use super::validate::Valid;
use crate::common::args::FnModel;
use crate::common::keys::Keys;
use crate::common::paths::private;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn expand(keys: &Keys, model: &FnModel, valid: &Valid) -> TokenStream {
    let item = &model.item;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let sfn = private(keys.krate.as_ref());
    let idents: Vec<_> = model.args.iter().map(|a| &a.ident).collect();
    let bindings = model.args.iter().map(|arg| {
        let (ident, ty) = (&arg.ident, &arg.ty);
        quote_spanned! {ty.span()=>
            let #ident = <#ty as #sfn::FromNegotiation>::from_negotiation(&__socketio_fn_invocation);
        }
    });
    let reply_span = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => name.span(),
    };
    let check = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => {
            quote_spanned! {reply_span=> #sfn::assert_response::<#ty>(); }
        }
        syn::ReturnType::Default => TokenStream::new(),
    };
    let invoke = quote_spanned! {reply_span=>
        #check
        #sfn::negotiation_invoke(#name(#(#idents),*))
    };
    let option = |key: &str| match keys.get(key) {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let user_id = option("user_id");
    let connection = option("connection");
    let hub = keys.get("hub").map(syn::LitStr::value).unwrap_or_default();
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
                #invoke
            }

            impl #sfn::SocketIoNegotiation for #name {
                const DESCRIPTOR: #sfn::NegotiationDescriptor = #sfn::NegotiationDescriptor {
                    name: #fn_name,
                    route: #route,
                    hub: #hub,
                    user_id: #user_id,
                    connection: #connection,
                    invoke: __socketio_fn_negotiate,
                };
            }

            #sfn::inventory::submit! { <#name as #sfn::SocketIoNegotiation>::DESCRIPTOR }
        };
    }
}
