//! Workspace-level tests live in `tests/`. This library compiles the Rust code blocks of the README
//! and of the guides in `docs/` as doc tests (`cargo test -p tests --doc`), so that every example a
//! reader copies builds; `tests/docs.rs` checks that every file with Rust blocks is listed here.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct Readme;

#[cfg(doctest)]
#[doc = include_str!("../../docs/bindings.md")]
pub struct Bindings;

#[cfg(doctest)]
#[doc = include_str!("../../docs/actions.md")]
pub struct Actions;

#[cfg(doctest)]
#[doc = include_str!("../../docs/settings.md")]
pub struct Settings;

#[cfg(doctest)]
#[doc = include_str!("../../docs/contract.md")]
pub struct Contract;
