//! The shared skeleton of the function attributes: parse the fn, check its shape once (async, not
//! generic, no `self`, plain argument names) naming the attribute used, run the attribute's
//! parse -> validate -> expand, and on any error emit the fn unchanged (minus our helper attributes)
//! beside the `compile_error!`s and a stand-in registration item, so the rest of the crate keeps
//! compiling and one mistake gives one error.

use super::args::FnModel;
use super::diag::Diag;
use darling::FromMeta;
use proc_macro2::TokenStream;
use quote::quote;

/// What a function attribute plugs into the driver: its arguments and its three stages. The driver
/// runs them (parse with darling -> validate -> expand), so each attribute only names its own.
pub(crate) trait Attribute {
    /// The attribute's name in messages (`socketio_trigger`).
    const NAME: &'static str;
    /// The attribute's arguments, parsed by darling.
    type Args: FromMeta;
    /// What validation found that expansion needs.
    type Valid;
    /// Checks the arguments against the function, pushing every problem; `None` when it could not
    /// produce what expansion needs.
    const VALIDATE: fn(&Self::Args, &FnModel, &mut Diag) -> Option<Self::Valid>;
    /// Expands a valid function (cannot fail).
    const EXPAND: fn(&Self::Args, &FnModel, &Self::Valid) -> TokenStream;
    /// The registration item emitted when the function has errors (so `register::<f>()` elsewhere does
    /// not add an error of its own), naming the facade through `krate` (`crate = path`) when given.
    const STAND_IN: fn(&FnModel, Option<&syn::Path>) -> TokenStream;
}

/// Parses the arguments, validates them against the model and expands; `None` when errors were
/// pushed.
fn stages<A: Attribute>(
    attr: TokenStream,
    model: &FnModel,
    diag: &mut Diag,
) -> Option<TokenStream> {
    let args: A::Args = super::parse::args(attr, diag)?;
    let valid = (A::VALIDATE)(&args, model, diag)?;
    diag.is_empty().then(|| (A::EXPAND)(&args, model, &valid))
}

/// The messages of attribute `A`'s parse and validate stages over `item` (the fn's own model
/// included), for the attributes' unit tests.
#[cfg(test)]
pub(crate) fn validation_errors<A: Attribute>(attr: TokenStream, item: syn::ItemFn) -> Vec<String> {
    let mut diag = Diag::default();
    let model = FnModel::parse(item, A::NAME, &mut diag);
    if let Some(args) = super::parse::args::<A::Args>(attr, &mut diag) {
        let _ = (A::VALIDATE)(&args, &model, &mut diag);
    }
    diag.messages()
}

/// Runs attribute `A` over `item`.
pub(crate) fn expand_fn<A: Attribute>(attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            let error =
                syn::Error::new(e.span(), format!("`#[{}]` goes on an `async fn`", A::NAME))
                    .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut diag = Diag::default();
    let model = FnModel::parse(parsed, A::NAME, &mut diag);
    check_shape(A::NAME, &model, &mut diag);
    let krate = super::parse::crate_path(&attr);
    let expanded = stages::<A>(attr, &model, &mut diag);
    let uses = model.helper_uses();
    match expanded {
        Some(expanded) if diag.is_empty() => quote!(#expanded #uses),
        _ => {
            let errors = diag.to_compile_errors();
            let item = &model.item;
            // A method (with `self`) sits in an `impl`, where the stand-in's items cannot go.
            let in_impl = model.item.sig.receiver().is_some();
            let stand_in = if in_impl {
                TokenStream::new()
            } else {
                (A::STAND_IN)(&model, krate.as_ref())
            };
            quote!(#errors #item #stand_in #uses)
        }
    }
}

/// The fn-shape rules every function attribute shares.
fn check_shape(name: &str, model: &FnModel, diag: &mut Diag) {
    let sig = &model.item.sig;
    if sig.asyncness.is_none() {
        diag.error(
            sig.fn_token,
            format!(
                "`#[{name}]` functions must be async; write `async fn {}`",
                sig.ident
            ),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        diag.error(
            &sig.generics,
            format!("`#[{name}]` functions cannot be generic"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trigger::Trigger;

    #[test]
    fn the_stand_in_names_the_facade_by_crate_path() {
        let out = expand_fn::<Trigger>(
            quote!(hub = "h", event = "e", crate = ::my_facade::sfn, bogus = 1),
            quote!(
                async fn f() {}
            ),
        )
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains(":: my_facade :: sfn :: __private :: FunctionDescriptor"),
            "{out}"
        );
        assert!(!out.contains(":: socketio_fn ::"), "{out}");
    }
}
