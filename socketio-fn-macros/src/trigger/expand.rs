//! Code generation for a valid `#[socketio_trigger]` function. Cannot fail.

use super::parse::TriggerArgs;
use super::validate::{Binding, Kind, Valid};
use crate::common::args::FnModel;
use crate::common::paths::{option, private};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// The statements generated for the arguments, in order.
#[derive(Default)]
struct Arguments {
    /// One `let` per argument, binding it through its trait.
    bindings: Vec<TokenStream>,
    /// Each output's flush, run after the function succeeded.
    flushes: Vec<TokenStream>,
    /// Each output's `OutputBinding` for the descriptor.
    outputs: Vec<TokenStream>,
    /// Each extractor's `requires` call.
    requires: Vec<TokenStream>,
}

fn arguments(sfn: &TokenStream, kind: &TokenStream, model: &FnModel, valid: &Valid) -> Arguments {
    let mut out = Arguments::default();
    for (arg, binding) in model.args.iter().zip(&valid.bindings) {
        let (ident, ty) = (&arg.ident, &arg.ty);
        let span = ty.span();
        let bind = match binding {
            Binding::Parameter { position, name } => quote_spanned! {span=>
                let #ident = <#ty as #sfn::FromParameter>::from_parameter(
                    __socketio_fn_invocation,
                    &#sfn::ArgSpec { name: #name, position: #position },
                ).await?;
            },
            Binding::Extractor => {
                let name = ident.to_string();
                out.requires.push(quote_spanned! {span=>
                    <#ty as #sfn::FromInvocation<#kind>>::requires(__socketio_fn_requirements);
                });
                quote_spanned! {span=>
                    let #ident = <#ty as #sfn::FromInvocation<#kind>>::from_invocation(
                        __socketio_fn_invocation,
                        &#sfn::ArgSpec { name: #name, position: 0 },
                    ).await?;
                }
            }
            Binding::Output { index } => {
                let (bind, flush) = crate::output::expand::binding(sfn, arg, *index);
                out.flushes.push(flush);
                out.outputs
                    .push(crate::output::expand::descriptor(sfn, arg));
                bind
            }
        };
        out.bindings.push(bind);
    }
    out
}

pub(crate) fn expand(args: &TriggerArgs, model: &FnModel, valid: &Valid) -> TokenStream {
    let item = &model.item;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let sfn = private(args.krate.as_ref());
    let kind = format_ident!("{}", valid.kind.marker());
    let kind = quote!(#sfn::kind::#kind);
    let Arguments {
        bindings,
        flushes,
        outputs,
        requires,
    } = arguments(&sfn, &kind, model, valid);
    let idents = model.args.iter().map(|a| &a.ident);
    let reply_span = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => name.span(),
    };
    let into_reply = quote_spanned! {reply_span=>
        #sfn::into_reply::<#kind, _>(__socketio_fn_result)
    };
    let fn_name = name.to_string();
    let (hub, namespace) = (option(args.hub.as_ref()), option(args.namespace.as_ref()));
    let connection = option(args.connection.as_ref());
    let event = &valid.event;
    let parameters = parameter_names(args, valid);
    let shape = match valid.kind {
        Kind::Message => contract_shape(&sfn, model, valid, &fn_name),
        _ => TokenStream::new(),
    };
    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        #[allow(clippy::needless_question_mark, clippy::let_unit_value)]
        const _: () = {
            fn __socketio_fn_invoke(
                __socketio_fn_owned: #sfn::Invocation,
            ) -> #sfn::BoxFuture<::core::result::Result<#sfn::Reply, #sfn::InvocationError>> {
                ::std::boxed::Box::pin(async move {
                    let __socketio_fn_invocation = &__socketio_fn_owned;
                    #(#bindings)*
                    let __socketio_fn_result = #name(#(#idents),*).await;
                    let __socketio_fn_reply = #into_reply;
                    if __socketio_fn_reply.is_ok() {
                        #(#flushes)*
                    }
                    __socketio_fn_reply
                })
            }

            fn __socketio_fn_requires(__socketio_fn_requirements: &mut #sfn::Requirements) {
                #(#requires)*
                let _ = __socketio_fn_requirements;
            }

            impl #sfn::SocketIoFunction for #name {
                const DESCRIPTOR: #sfn::FunctionDescriptor = #sfn::FunctionDescriptor {
                    name: #fn_name,
                    hub: #hub,
                    namespace: #namespace,
                    event: #event,
                    connection: #connection,
                    parameters: &[#(#parameters),*],
                    outputs: &[#(#outputs),*],
                    requires: __socketio_fn_requires,
                    invoke: __socketio_fn_invoke,
                };
            }

            #sfn::inventory::submit! { <#name as #sfn::SocketIoFunction>::DESCRIPTOR }

            #shape
        };
    }
}

/// The names of the event's arguments, in event order (a Functions trigger's `parameterNames`):
/// `parameter_names` as written, else the `#[socketio_parameter]` arguments' names.
fn parameter_names(args: &TriggerArgs, valid: &Valid) -> Vec<String> {
    if let Some(names) = &args.parameter_names {
        return names.iter().map(syn::LitStr::value).collect();
    }
    let mut named: Vec<(usize, &String)> = valid
        .bindings
        .iter()
        .filter_map(|b| match b {
            Binding::Parameter { position, name } => Some((*position, name)),
            _ => None,
        })
        .collect();
    named.sort_by_key(|(position, _)| *position);
    named.into_iter().map(|(_, name)| name.clone()).collect()
}

/// The function's event for the app's contract: each event parameter's type and the ack's, described
/// while the app runs (schemars when the type implements `JsonSchema`, else `unknown`: chosen here,
/// at each concrete type, by autoref on the probes).
fn contract_shape(sfn: &TokenStream, model: &FnModel, valid: &Valid, fn_name: &str) -> TokenStream {
    let mut describers = Vec::new();
    let mut parameters = Vec::new();
    for (index, (arg, binding)) in model.args.iter().zip(&valid.bindings).enumerate() {
        if let Binding::Parameter { name, .. } = binding {
            let describe = format_ident!("__socketio_fn_describe_{index}");
            describers.push(crate::common::paths::describer(sfn, &describe, &arg.ty));
            parameters.push(quote!(#sfn::ParameterShape { name: #name, describe: #describe }));
        }
    }
    let reply = match &model.item.sig.output {
        syn::ReturnType::Type(_, ty) => quote!(#ty),
        syn::ReturnType::Default => quote!(()),
    };
    quote! {
        #(#describers)*

        fn __socketio_fn_reply(__socketio_fn_d: &mut #sfn::Describer) -> #sfn::ReplyShape {
            #[allow(unused_imports)]
            use #sfn::{KnownReply as _, NoSchema as _, UnknownReply as _, ViaSchema as _};
            let __socketio_fn_probe = #sfn::ReplyProbe::<#reply>::new();
            let __socketio_fn_payload = (&&__socketio_fn_probe).payload();
            #sfn::reply_shape((&&__socketio_fn_probe).kind(), __socketio_fn_d, |__socketio_fn_d| {
                (&&__socketio_fn_payload).describe(__socketio_fn_d)
            })
        }

        #sfn::inventory::submit! {
            #sfn::FunctionShape {
                function: #fn_name,
                parameters: &[#(#parameters),*],
                reply: __socketio_fn_reply,
            }
        }
    }
}

/// The registration item of a function with errors: nameable by `register::<f>()`, never submitted.
pub(crate) fn stand_in(model: &FnModel, krate: Option<&syn::Path>) -> TokenStream {
    let name = &model.item.sig.ident;
    let vis = &model.item.vis;
    let sfn = private(krate);
    let fn_name = name.to_string();
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        impl #sfn::SocketIoFunction for #name {
            const DESCRIPTOR: #sfn::FunctionDescriptor =
                #sfn::FunctionDescriptor::new(#fn_name, "", "", #sfn::failed_to_compile);
        }
    }
}
