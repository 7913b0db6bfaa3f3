//! Runtime of [socketio-fn](https://docs.rs/socketio-fn): serverless Socket.IO functions on Azure Web
//! PubSub for Socket.IO.
//!
//! Users depend on the `socketio-fn` facade; this crate holds the runtime: [`settings`], the wire
//! [`protocol`] (re-exported from `socketio-fn-protocol`), the [`webhook`] the service calls, the
//! [`registry`] of functions, the start-up pipeline that resolves what they name ([`AppBuilder::build`]), argument binding ([`extract`],
//! [`kind`], [`state`]), output [`actions`] and the [`service`] client that sends them, [`negotiation`]
//! endpoints, and the [`App`] that serves it all. `ARCHITECTURE.md` at the repository root maps it.

pub mod actions;
pub mod app;
pub mod contract;
mod dispatch;
pub mod error;
pub mod extract;
pub mod functions_host;
pub mod hook;
pub mod invocation;
pub mod kind;
pub mod negotiation;
pub mod registry;
pub mod request;
pub mod response;
pub mod service;
pub mod settings;
mod startup;
pub mod state;
pub mod telemetry;
pub mod timer;
pub mod webhook;

pub use socketio_fn_protocol as protocol;

pub use app::{App, AppBuilder};
pub use error::Error;
pub use invocation::{BoxFuture, Invocation, InvokeFn, OutputBindings, OutputSink};
pub use registry::{FunctionDescriptor, OutputBinding, ResolvedFunction, SocketIoFunction};
pub use request::{
    ClientCertificate, ConnectionContext, MultiMap, SocketIoConnectRequest,
    SocketIoConnectedRequest, SocketIoDisconnectedRequest, SocketIoMessageRequest, TriggerRequest,
};
pub use response::{
    Ack, IntoInvocationResult, InvocationError, Reply, ReplyFor, SocketIoConnectResponse,
    SocketIoMessageResponse,
};
pub use settings::Settings;
pub use timer::{
    FromTimer, IntoTimerResult, ScheduleStatus, SocketIoTimer, TimerDescriptor, TimerInfo,
    TimerInvocation,
};
