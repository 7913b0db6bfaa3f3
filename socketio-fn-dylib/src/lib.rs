//! The socketio-fn runtime as one Rust `dylib`, for development builds: see the feature
//! `dynamic-linking` of `socketio-fn`.
//!
//! An app never names this crate. When `socketio-fn` links it, rustc takes every crate this library
//! holds (the runtime, axum, hyper, tokio, reqwest, the Azure SDK, the emulator) from it instead of
//! linking them into each build of the app, so an incremental build links only the app's own code.

pub use socketio_fn_core;
#[cfg(feature = "emulator")]
pub use socketio_fn_emulator;
