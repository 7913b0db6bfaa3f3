#![doc = include_str!("../../README.md")]

pub use socketio_fn_core::{
    Ack, App, AppBuilder, ClientCertificate, ConnectionContext, Error, FunctionDescriptor,
    IntoInvocationResult, Invocation, InvocationError, MultiMap, OutputBinding, Reply, ReplyFor,
    Settings, SocketIoConnectRequest, SocketIoConnectResponse, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoFunction, SocketIoMessageRequest, SocketIoMessageResponse,
    TriggerRequest, app, protocol, settings, webhook,
};

// Feature `dynamic-linking`: naming the dylib makes rustc take the runtime from it (see its docs).
#[cfg(feature = "dynamic-linking")]
use socketio_fn_dylib as _;

mod run;
pub use run::{run, run_with};

pub use socketio_fn_core::actions::{self, ActionKind, Args, InvalidAction, SocketIoAction};
pub use socketio_fn_core::extract::Actions;
pub use socketio_fn_core::negotiation::{
    self, NegotiationDescriptor, NegotiationRequest, SocketIoNegotiation, SocketIoNegotiationResult,
};
pub use socketio_fn_core::service::{self, BatchError, SendError, ServiceError, ServiceHandle};
pub use socketio_fn_core::state::{self, State};

/// Argument binding: event parameters, context extractors, shared state and output collectors.
pub mod extract {
    pub use socketio_fn_core::extract::{
        Actions, ArgSpec, Claims, FromInvocation, FromOutput, FromParameter, Hub, Namespace,
        Parameters, SocketId, UserId, bind_parameter,
    };
    pub use socketio_fn_core::kind;
    pub use socketio_fn_core::negotiation::{FromNegotiation, NegotiationRequest};
    pub use socketio_fn_core::state::{Requirements, State};
}

#[doc = include_str!("../docs/socketio_trigger.md")]
pub use socketio_fn_macros::socketio_trigger;

#[doc = include_str!("../docs/socketio_parameter.md")]
pub use socketio_fn_macros::socketio_parameter;

#[doc = include_str!("../docs/socketio_output.md")]
pub use socketio_fn_macros::socketio_output;

#[doc = include_str!("../docs/socketio_negotiation.md")]
pub use socketio_fn_macros::socketio_negotiation;

/// Everything a function file needs: `use socketio_fn::prelude::*;`.
pub mod prelude {
    pub use crate::extract::{Actions, Claims, Hub, Namespace, Parameters, SocketId, UserId};
    pub use crate::{
        Ack, ConnectionContext, NegotiationRequest, ServiceHandle, SocketIoAction,
        SocketIoConnectRequest, SocketIoConnectResponse, SocketIoConnectedRequest,
        SocketIoDisconnectedRequest, SocketIoMessageRequest, SocketIoMessageResponse,
        SocketIoNegotiationResult, State, socketio_negotiation, socketio_output,
        socketio_parameter, socketio_trigger,
    };
    pub use socketio_fn_core::response::InvocationError;
}

#[doc(hidden)]
pub mod __private {
    pub use axum::response::Response;
    pub use inventory;
    pub use socketio_fn_core::extract::{ArgSpec, FromInvocation, FromOutput, FromParameter};
    pub use socketio_fn_core::kind;
    pub use socketio_fn_core::negotiation::{
        FromNegotiation, NegotiationDescriptor, NegotiationInvocation, SocketIoNegotiation,
        TemplatePart, assert_response, invoke as negotiation_invoke,
        rejection as negotiation_rejection,
    };
    pub use socketio_fn_core::state::Requirements;
    pub use socketio_fn_core::{
        BoxFuture, FunctionDescriptor, IntoInvocationResult, Invocation, InvocationError,
        OutputBinding, Reply, ReplyFor, SocketIoFunction,
    };

    /// Converts a function's return value, checking at compile time that it can answer event kind `K`.
    pub fn into_reply<K, T: ReplyFor<K>>(value: T) -> Result<Reply, InvocationError> {
        value.into_invocation_result()
    }

    /// The wrapper of a function that did not compile (its registration stand-in); never runs.
    pub fn failed_to_compile(_: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
        Box::pin(std::future::ready(Err(InvocationError::function(
            "this function did not compile",
        ))))
    }

    fn failed_negotiation_invoke(_: NegotiationInvocation) -> BoxFuture<Response> {
        Box::pin(std::future::ready(socketio_fn_core::response::text_reply(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "this function did not compile",
        )))
    }

    /// The descriptor of a negotiation function that did not compile (its registration stand-in).
    pub const fn failed_negotiation(name: &'static str) -> NegotiationDescriptor {
        NegotiationDescriptor {
            name,
            route: "",
            hub: None,
            user_id: None,
            connection: None,
            requires: socketio_fn_core::registry::no_requirements,
            invoke: failed_negotiation_invoke,
        }
    }
}
