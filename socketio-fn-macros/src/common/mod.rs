//! Pieces shared by the attribute macros.

pub(crate) mod args;
pub(crate) mod diag;
pub(crate) mod driver;
pub(crate) mod parse;
pub(crate) mod paths;
pub(crate) mod template;
