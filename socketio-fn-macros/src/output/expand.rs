//! Code of an output argument: the binding made before the function runs, the flush after it
//! succeeded, and its entry in the descriptor.

use crate::common::args::Arg;
use crate::common::paths::option;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// (binding statements, flush statement) for output number `index`.
pub(crate) fn binding(sfn: &TokenStream, arg: &Arg, index: usize) -> (TokenStream, TokenStream) {
    let (ident, ty) = (&arg.ident, &arg.ty);
    let span = ty.span();
    let name = ident.to_string();
    let handle = format_ident!("__socketio_fn_output_{}", index);
    let bind = quote_spanned! {span=>
        let #ident = <#ty as #sfn::FromOutput>::from_output(
            &__socketio_fn_invocation.output_bindings(),
            &#sfn::ArgSpec { name: #name, position: #index },
        )?;
        let #handle = ::core::clone::Clone::clone(&#ident);
    };
    let flush = quote_spanned! {span=>
        <#ty as #sfn::FromOutput>::flush(#handle).await?;
    };
    (bind, flush)
}

/// The `OutputBinding` of an output argument.
pub(crate) fn descriptor(sfn: &TokenStream, arg: &Arg) -> TokenStream {
    let Some(output) = &arg.output else {
        return TokenStream::new();
    };
    let hub = option(output.args.hub.as_ref());
    let connection = option(output.args.connection.as_ref());
    let name = arg.ident.to_string();
    quote!(#sfn::OutputBinding { name: #name, hub: #hub, connection: #connection })
}
