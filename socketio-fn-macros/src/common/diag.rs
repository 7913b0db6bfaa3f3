//! Error collector: every independent problem is reported in one build, each on its own span.

use proc_macro2::TokenStream;
use std::fmt::Display;

/// Collects errors (ours as `syn::Error`, darling's as its own) and emits them together.
#[derive(Default)]
pub(crate) struct Diag {
    errors: Vec<syn::Error>,
    darling: Vec<darling::Error>,
}

impl Diag {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// darling's accumulated errors (unknown or repeated keys, wrong value types).
    pub(crate) fn darling(&mut self, error: darling::Error) {
        self.darling.push(error);
    }

    pub(crate) fn error(&mut self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn error_at(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.darling.is_empty()
    }

    /// The messages, for unit tests.
    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        let mut out: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        for e in &self.darling {
            out.extend(e.clone().into_iter().map(|e| e.to_string()));
        }
        out
    }

    /// `compile_error!` invocations for every collected error.
    pub(crate) fn to_compile_errors(&self) -> TokenStream {
        let mut out: TokenStream = self
            .errors
            .iter()
            .map(syn::Error::to_compile_error)
            .collect();
        for e in &self.darling {
            out.extend(e.clone().write_errors());
        }
        out
    }
}
