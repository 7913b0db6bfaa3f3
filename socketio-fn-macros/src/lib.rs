//! Attribute macros of [socketio-fn](https://docs.rs/socketio-fn). Use them through the `socketio-fn`
//! crate, whose docs describe each attribute with examples.
//!
//! Pipeline (parse -> validate -> expand, as `ARCHITECTURE.md` maps it): `darling` parses each
//! attribute's arguments into a struct (`TriggerArgs`, `NegotiationArgs`, `OutputArgs`;
//! `common::parse`); `common::driver` parses the fn, checks its shape once and runs the attribute's
//! validate (one function per rule, every problem collected) and expand; on errors the fn is emitted
//! unchanged beside the `compile_error!`s with a stand-in registration item.

mod common;
mod event;
mod negotiation;
mod output;
mod timer;
mod trigger;

use proc_macro::TokenStream;

fn debug(name: &str, output: &proc_macro2::TokenStream) {
    if std::env::var_os("SOCKETIO_FN_MACROS_DEBUG").is_some_and(|v| v == "1") {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("// #[{name}] expansion\n{output}");
        }
    }
}

/// Runs an async fn for a Socket.IO event. See `socketio_fn::socketio_trigger` for the documentation.
#[proc_macro_attribute]
pub fn socketio_trigger(attr: TokenStream, item: TokenStream) -> TokenStream {
    let output = common::driver::expand_fn::<trigger::Trigger>(attr.into(), item.into());
    debug("socketio_trigger", &output);
    output.into()
}

/// Marks an argument of a `#[socketio_trigger]` function as an event argument. It is consumed by
/// `#[socketio_trigger]`; anywhere else it is an error.
#[proc_macro_attribute]
pub fn socketio_parameter(attr: TokenStream, item: TokenStream) -> TokenStream {
    helper_attribute("socketio_parameter", attr, item)
}

/// An HTTP endpoint handing clients their service URL and token. See `socketio_fn::socketio_negotiation`.
#[proc_macro_attribute]
pub fn socketio_negotiation(attr: TokenStream, item: TokenStream) -> TokenStream {
    let output = common::driver::expand_fn::<negotiation::Negotiation>(attr.into(), item.into());
    debug("socketio_negotiation", &output);
    output.into()
}

/// Runs an async fn on a schedule (NCRONTAB with seconds). See `socketio_fn::socketio_timer`.
#[proc_macro_attribute]
pub fn socketio_timer(attr: TokenStream, item: TokenStream) -> TokenStream {
    let output = common::driver::expand_fn::<timer::Timer>(attr.into(), item.into());
    debug("socketio_timer", &output);
    output.into()
}

/// Declares an event the server sends to clients, on a tuple or unit struct. See
/// `socketio_fn::socketio_event`.
#[proc_macro_attribute]
pub fn socketio_event(attr: TokenStream, item: TokenStream) -> TokenStream {
    let output = event::expand_struct(attr.into(), item.into());
    debug("socketio_event", &output);
    output.into()
}

/// Marks an argument of a `#[socketio_trigger]` or `#[socketio_timer]` function as the output
/// collector. It is consumed by those attributes; anywhere else it is an error.
#[proc_macro_attribute]
pub fn socketio_output(attr: TokenStream, item: TokenStream) -> TokenStream {
    helper_attribute("socketio_output", attr, item)
}

/// A helper attribute expands to nothing when the function attribute consumed it (marker argument), and
/// is an error anywhere else.
fn helper_attribute(name: &str, attr: TokenStream, item: TokenStream) -> TokenStream {
    if attr.to_string() == common::args::CONSUMED {
        return TokenStream::new();
    }
    let item = proc_macro2::TokenStream::from(item);
    let error = syn::Error::new(
        proc_macro2::Span::call_site(),
        if name == "socketio_output" {
            format!("`#[{name}]` goes on an argument of a `#[socketio_trigger]` or `#[socketio_timer]` function")
        } else {
            format!("`#[{name}]` goes on an argument of a `#[socketio_trigger]` function")
        },
    )
    .to_compile_error();
    quote::quote!(#error #item).into()
}
