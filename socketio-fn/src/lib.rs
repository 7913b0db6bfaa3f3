#![doc = include_str!("../../README.md")]

pub use socketio_fn_core::{
    Ack, App, AppBuilder, ClientCertificate, ConnectionContext, Error, FunctionDescriptor,
    IntoInvocationResult, Invocation, InvocationError, MultiMap, Reply, ReplyFor, Settings,
    SocketIoConnectRequest, SocketIoConnectResponse, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoFunction, SocketIoMessageRequest, SocketIoMessageResponse,
    TriggerRequest, app, protocol, settings, webhook,
};

mod run;
pub use run::{EMULATOR_ADDRESS_SETTING, run, run_with};

pub use socketio_fn_core::actions::{self, ActionError, Args, SocketIoAction};
pub use socketio_fn_core::extract::Actions;
pub use socketio_fn_core::negotiation::{
    self, NegotiationDescriptor, NegotiationRequest, SocketIoNegotiation,
};
pub use socketio_fn_core::service::{self, SocketIoNegotiationResult};

/// Argument binding: event parameters, context extractors and output collectors.
pub mod extract {
    pub use socketio_fn_core::extract::{
        Actions, ArgSpec, Claims, FromInvocation, FromOutput, FromParameter, Hub, Namespace,
        OutputSpec, Parameters, SocketId, UserId, bind_parameter, kind,
    };
    pub use socketio_fn_core::negotiation::{FromNegotiation, NegotiationRequest};
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
        Ack, ConnectionContext, NegotiationRequest, SocketIoAction, SocketIoConnectRequest,
        SocketIoConnectResponse, SocketIoConnectedRequest, SocketIoDisconnectedRequest,
        SocketIoMessageRequest, SocketIoMessageResponse, SocketIoNegotiationResult,
        socketio_negotiation, socketio_output, socketio_parameter, socketio_trigger,
    };
    pub use socketio_fn_core::response::InvocationError;
}

#[doc(hidden)]
pub mod __private {
    pub use axum::response::Response;
    pub use inventory;
    pub use socketio_fn_core::extract::{
        ArgSpec, FromInvocation, FromOutput, FromParameter, OutputSpec, kind,
    };
    pub use socketio_fn_core::negotiation::{
        FromNegotiation, NegotiationDescriptor, NegotiationInvocation, SocketIoNegotiation,
        assert_response, invoke as negotiation_invoke,
    };
    pub use socketio_fn_core::{
        BoxFuture, FunctionDescriptor, IntoInvocationResult, Invocation, InvocationError, Reply,
        ReplyFor, SocketIoFunction,
    };

    /// Converts a function's return value, checking at compile time that it can answer event kind `K`.
    pub fn into_reply<K, T: ReplyFor<K>>(value: T) -> Result<Reply, InvocationError> {
        value.into_invocation_result()
    }
}
