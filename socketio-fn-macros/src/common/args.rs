//! The model of the annotated function: its arguments and our helper attributes on them.

use super::diag::Diag;
use crate::output::parse::OutputArgs;
use syn::{Attribute, FnArg, Ident, ItemFn, Pat, Type};

/// Helper attribute names consumed by the function attributes.
pub(crate) const PARAMETER_ATTR: &str = "socketio_parameter";
pub(crate) const OUTPUT_ATTR: &str = "socketio_output";

/// `#[socketio_output(...)]` on an argument.
pub(crate) struct OutputAttr {
    pub(crate) attr: Attribute,
    pub(crate) args: OutputArgs,
}

/// One argument of the function.
pub(crate) struct Arg {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// `#[socketio_parameter]`, when present.
    pub(crate) parameter: Option<Attribute>,
    /// `#[socketio_output]`, when present.
    pub(crate) output: Option<OutputAttr>,
}

/// The function, with our helper attributes removed from its arguments.
pub(crate) struct FnModel {
    pub(crate) item: ItemFn,
    pub(crate) args: Vec<Arg>,
    /// Paths of the helper attributes we consumed, as the user wrote them.
    pub(crate) helper_paths: Vec<syn::Path>,
}

/// Our helper attributes are recognised by their last path segment, so `#[socketio_parameter]` and
/// `#[socketio_fn::socketio_parameter]` both work.
fn is(attr: &Attribute, name: &str) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == name)
}

/// The marker argument with which a helper attribute expands to nothing.
pub(crate) const CONSUMED: &str = "__socketio_fn_consumed";

impl FnModel {
    /// Items that use each consumed helper attribute's path once (`#[path(__socketio_fn_consumed)]` on an
    /// empty const, which the helper expands to nothing), so its import counts as used.
    pub(crate) fn helper_uses(&self) -> proc_macro2::TokenStream {
        let marker = proc_macro2::Ident::new(CONSUMED, proc_macro2::Span::call_site());
        let mut seen: Vec<String> = Vec::new();
        let mut out = proc_macro2::TokenStream::new();
        for path in &self.helper_paths {
            let key = quote::quote!(#path).to_string();
            if !seen.contains(&key) {
                seen.push(key);
                out.extend(quote::quote! { #[#path(#marker)] const _: () = (); });
            }
        }
        out
    }

    /// Builds the model; problems with argument shapes go into `diag`, naming `attribute`.
    pub(crate) fn parse(mut item: ItemFn, attribute: &str, diag: &mut Diag) -> Self {
        let mut args = Vec::new();
        let mut helper_paths = Vec::new();
        for input in item.sig.inputs.iter_mut() {
            let pat_type = match input {
                FnArg::Receiver(r) => {
                    diag.error(
                        &*r,
                        format!("`#[{attribute}]` functions are free functions; remove `self`"),
                    );
                    continue;
                }
                FnArg::Typed(pat_type) => pat_type,
            };
            let mut parameter = None;
            let mut output: Option<OutputAttr> = None;
            let mut kept = Vec::new();
            for attr in pat_type.attrs.drain(..) {
                if is(&attr, PARAMETER_ATTR) {
                    helper_paths.push(attr.path().clone());
                    if !matches!(attr.meta, syn::Meta::Path(_)) {
                        diag.error(&attr, "`#[socketio_parameter]` takes no arguments");
                    }
                    if parameter.is_some() {
                        diag.error(&attr, "`#[socketio_parameter]` is specified more than once");
                    }
                    parameter = Some(attr);
                } else if is(&attr, OUTPUT_ATTR) {
                    helper_paths.push(attr.path().clone());
                    if output.is_some() {
                        diag.error(&attr, "`#[socketio_output]` is specified more than once");
                    }
                    let args = OutputArgs::parse(&attr, diag);
                    output = Some(OutputAttr { attr, args });
                } else {
                    kept.push(attr);
                }
            }
            pat_type.attrs = kept;
            match &*pat_type.pat {
                Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => args.push(Arg {
                    ident: p.ident.clone(),
                    ty: (*pat_type.ty).clone(),
                    parameter,
                    output,
                }),
                other => diag.error(
                    other,
                    format!("use a plain identifier for arguments of `#[{attribute}]` functions"),
                ),
            }
        }
        Self {
            item,
            args,
            helper_paths,
        }
    }
}
