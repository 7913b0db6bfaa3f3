//! `key = "value"` attribute arguments with spans, for the attributes whose values are all strings.

use super::diag::Diag;
use proc_macro2::TokenStream;
use syn::LitStr;
use syn::parse::Parser;

/// Parsed `key = "value"` pairs (plus an optional `crate = path`).
#[derive(Default)]
pub(crate) struct Keys {
    pub(crate) values: Vec<(&'static str, LitStr)>,
    pub(crate) krate: Option<syn::Path>,
}

impl Keys {
    pub(crate) fn get(&self, key: &str) -> Option<&LitStr> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// Parses `tokens` accepting only `keys` (and `crate` when `allow_crate`); problems go into `diag`.
pub(crate) fn parse(
    tokens: TokenStream,
    keys: &[&'static str],
    allow_crate: bool,
    diag: &mut Diag,
) -> Keys {
    let mut out = Keys::default();
    let listed = {
        let mut all: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        if allow_crate {
            all.push("`crate`".into());
        }
        all.join(", ")
    };
    let parser = syn::meta::parser(|meta| {
        let name = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        if allow_crate && name == "crate" {
            let path: syn::Path = meta.value()?.parse()?;
            if out.krate.is_some() {
                diag.error(&meta.path, "`crate` is specified more than once");
            }
            out.krate = Some(path);
            return Ok(());
        }
        match keys.iter().find(|k| **k == name) {
            Some(key) => {
                let value: LitStr = meta.value()?.parse()?;
                if out.get(key).is_some() {
                    diag.error(&meta.path, format!("`{key}` is specified more than once"));
                } else {
                    out.values.push((key, value));
                }
            }
            None => {
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                let path = &meta.path;
                let shown = quote::quote!(#path).to_string();
                let shown = shown.replace(' ', "");
                diag.error(
                    &meta.path,
                    format!("unknown argument `{shown}`; expected one of {listed}"),
                );
            }
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        diag.push(e);
    }
    out
}
