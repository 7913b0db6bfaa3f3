//! Runtime of [socketio-fn](https://docs.rs/socketio-fn): serverless Socket.IO functions on Azure Web
//! PubSub for Socket.IO.
//!
//! Users depend on the `socketio-fn` facade; this crate holds the runtime: [`settings`], the wire
//! [`protocol`], the [`webhook`] the service calls, the [`registry`] of functions, argument binding
//! ([`extract`]), output [`actions`] and the [`service`] client that runs them, [`negotiation`]
//! endpoints, and the [`App`] that serves it all.

pub mod actions;
pub mod app;
pub mod error;
pub mod extract;
pub mod invocation;
pub mod negotiation;
pub mod protocol;
pub mod registry;
pub mod request;
pub mod response;
pub mod service;
pub mod settings;
pub mod webhook;

pub use app::{App, AppBuilder, run};
pub use error::Error;
pub use invocation::{BoxFuture, Invocation, InvokeFn};
pub use registry::{FunctionDescriptor, Registry, SocketIoFunction};
pub use request::{
    ClientCertificate, ConnectionContext, MultiMap, SocketIoConnectRequest,
    SocketIoConnectedRequest, SocketIoDisconnectedRequest, SocketIoMessageRequest, TriggerRequest,
};
pub use response::{
    Ack, IntoInvocationResult, InvocationError, Reply, ReplyFor, SocketIoConnectResponse,
    SocketIoMessageResponse,
};
pub use settings::Settings;

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
