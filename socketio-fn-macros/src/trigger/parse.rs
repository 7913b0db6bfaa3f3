//! Parsing of `#[socketio_trigger(...)]` arguments, keeping spans for error reporting.

use crate::common::diag::Diag;
use proc_macro2::{Span, TokenStream};
use syn::LitStr;
use syn::parse::Parser;

/// The keys `#[socketio_trigger]` accepts, listed in error messages.
pub(crate) const KEYS: &str =
    "`hub`, `namespace`, `event`, `parameter_names`, `connection`, `crate`";

/// Parsed attribute arguments.
#[derive(Default)]
pub(crate) struct TriggerArgs {
    pub(crate) hub: Option<LitStr>,
    pub(crate) namespace: Option<LitStr>,
    pub(crate) event: Option<LitStr>,
    /// The key's span and the names.
    pub(crate) parameter_names: Option<(Span, Vec<LitStr>)>,
    pub(crate) connection: Option<LitStr>,
    pub(crate) krate: Option<syn::Path>,
}

fn set<T>(slot: &mut Option<T>, value: T, key: &syn::Path, diag: &mut Diag) {
    if slot.is_some() {
        let name = key.get_ident().map(ToString::to_string).unwrap_or_default();
        diag.error(key, format!("`{name}` is specified more than once"));
    } else {
        *slot = Some(value);
    }
}

/// Parses the arguments; every problem goes into `diag`, parsing goes on where it can.
pub(crate) fn parse(tokens: TokenStream, diag: &mut Diag) -> TriggerArgs {
    let mut args = TriggerArgs::default();
    let parser = syn::meta::parser(|meta| {
        let key = meta.path.clone();
        let name = key.get_ident().map(ToString::to_string).unwrap_or_default();
        match name.as_str() {
            "hub" => set(&mut args.hub, meta.value()?.parse()?, &key, diag),
            "namespace" => set(&mut args.namespace, meta.value()?.parse()?, &key, diag),
            "event" => set(&mut args.event, meta.value()?.parse()?, &key, diag),
            "connection" => set(&mut args.connection, meta.value()?.parse()?, &key, diag),
            "crate" => set(&mut args.krate, meta.value()?.parse()?, &key, diag),
            "parameter_names" => {
                let array: syn::ExprArray = meta.value()?.parse()?;
                let mut names = Vec::new();
                for element in array.elems {
                    match element {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => names.push(s),
                        other => diag.error(
                            other,
                            "`parameter_names` holds string literals: [\"a\", \"b\"]",
                        ),
                    }
                }
                set(
                    &mut args.parameter_names,
                    (key.segments[0].ident.span(), names),
                    &key,
                    diag,
                );
            }
            _ => {
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                let shown = quote::quote!(#key).to_string().replace(' ', "");
                diag.error(
                    &key,
                    format!("unknown argument `{shown}`; expected one of {KEYS}"),
                );
            }
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        diag.push(e);
    }
    args
}
