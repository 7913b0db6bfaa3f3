//! Code generation for a valid `#[socketio_timer]` function. Cannot fail.

use super::parse::TimerArgs;
use super::validate::Valid;
use crate::common::args::FnModel;
use crate::common::paths::{option, private};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// Per argument: its binding, and for outputs the flush and the descriptor entry; for the others the
/// `requires` call.
#[derive(Default)]
struct Arguments {
    bindings: Vec<TokenStream>,
    flushes: Vec<TokenStream>,
    outputs: Vec<TokenStream>,
    requires: Vec<TokenStream>,
}

fn arguments(sfn: &TokenStream, model: &FnModel, valid: &Valid) -> Arguments {
    let Arguments {
        mut bindings,
        mut flushes,
        mut outputs,
        mut requires,
    } = Arguments::default();
    for (arg, output) in model.args.iter().zip(&valid.outputs) {
        let (ident, ty) = (&arg.ident, &arg.ty);
        match output {
            Some(index) => {
                let (bind, flush) = crate::output::expand::binding(sfn, arg, *index);
                bindings.push(bind);
                flushes.push(flush);
                outputs.push(crate::output::expand::descriptor(sfn, arg));
            }
            None => {
                let span = ty.span();
                requires.push(quote_spanned! {span=>
                    <#ty as #sfn::FromTimer>::requires(__socketio_fn_requirements);
                });
                bindings.push(quote_spanned! {span=>
                    let #ident = <#ty as #sfn::FromTimer>::from_timer(__socketio_fn_invocation)?;
                });
            }
        }
    }
    Arguments {
        bindings,
        flushes,
        outputs,
        requires,
    }
}

pub(crate) fn expand(args: &TimerArgs, model: &FnModel, valid: &Valid) -> TokenStream {
    let item = &model.item;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let sfn = private(args.krate.as_ref());
    let Arguments {
        bindings,
        flushes,
        outputs,
        requires,
    } = arguments(&sfn, model, valid);
    let idents = model.args.iter().map(|a| &a.ident);
    let result_span = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => name.span(),
    };
    let into_result = quote_spanned! {result_span=>
        #sfn::IntoTimerResult::into_timer_result(__socketio_fn_result)?;
    };
    let fn_name = name.to_string();
    let schedule = &args.schedule;
    let (hub, connection) = (option(args.hub.as_ref()), option(args.connection.as_ref()));
    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        #[allow(clippy::needless_question_mark, clippy::let_unit_value)]
        const _: () = {
            fn __socketio_fn_invoke(
                __socketio_fn_owned: #sfn::TimerInvocation,
            ) -> #sfn::BoxFuture<::core::result::Result<(), #sfn::InvocationError>> {
                ::std::boxed::Box::pin(async move {
                    let __socketio_fn_invocation = &__socketio_fn_owned;
                    #(#bindings)*
                    let __socketio_fn_result = #name(#(#idents),*).await;
                    #into_result
                    #(#flushes)*
                    ::core::result::Result::Ok(())
                })
            }

            fn __socketio_fn_requires(__socketio_fn_requirements: &mut #sfn::Requirements) {
                #(#requires)*
                let _ = __socketio_fn_requirements;
            }

            impl #sfn::SocketIoTimer for #name {
                const DESCRIPTOR: #sfn::TimerDescriptor = #sfn::TimerDescriptor {
                    name: #fn_name,
                    schedule: #schedule,
                    hub: #hub,
                    connection: #connection,
                    outputs: &[#(#outputs),*],
                    requires: __socketio_fn_requires,
                    invoke: __socketio_fn_invoke,
                };
            }

            #sfn::inventory::submit! { <#name as #sfn::SocketIoTimer>::DESCRIPTOR }
        };
    }
}

/// The registration item of a timer with errors: nameable by `register_timer::<f>()`, never
/// submitted.
pub(crate) fn stand_in(model: &FnModel, krate: Option<&syn::Path>) -> TokenStream {
    let name = &model.item.sig.ident;
    let vis = &model.item.vis;
    let sfn = private(krate);
    let fn_name = name.to_string();
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        impl #sfn::SocketIoTimer for #name {
            const DESCRIPTOR: #sfn::TimerDescriptor = #sfn::failed_timer(#fn_name);
        }
    }
}
