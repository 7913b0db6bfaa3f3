#![doc = include_str!("../../README.md")]

pub use socketio_fn_core::{
    Ack, App, AppBuilder, ClientCertificate, ConnectionContext, Error, FunctionDescriptor,
    IntoInvocationResult, Invocation, InvocationError, MultiMap, Reply, ReplyFor, Settings,
    SocketIoConnectRequest, SocketIoConnectResponse, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoFunction, SocketIoMessageRequest, SocketIoMessageResponse,
    TriggerRequest, app, protocol, run, settings, webhook,
};

/// Argument binding: event parameters and context extractors.
pub mod extract {
    pub use socketio_fn_core::extract::{
        ArgSpec, Claims, FromInvocation, FromParameter, Hub, Namespace, Parameters, SocketId,
        UserId, bind_parameter, kind,
    };
}

#[doc = include_str!("../docs/socketio_trigger.md")]
pub use socketio_fn_macros::socketio_trigger;

/// Marks an argument of a [`socketio_trigger`] function as the event's next argument (by position,
/// deserialized with serde). Cannot be combined with `parameter_names`.
pub use socketio_fn_macros::socketio_parameter;

/// Everything a function file needs: `use socketio_fn::prelude::*;`.
pub mod prelude {
    pub use crate::extract::{Claims, Hub, Namespace, Parameters, SocketId, UserId};
    pub use crate::{
        Ack, ConnectionContext, SocketIoConnectRequest, SocketIoConnectResponse,
        SocketIoConnectedRequest, SocketIoDisconnectedRequest, SocketIoMessageRequest,
        SocketIoMessageResponse, socketio_parameter, socketio_trigger,
    };
    pub use socketio_fn_core::response::InvocationError;
}

#[doc(hidden)]
pub mod __private {
    pub use inventory;
    pub use socketio_fn_core::extract::{ArgSpec, FromInvocation, FromParameter, kind};
    pub use socketio_fn_core::{
        BoxFuture, FunctionDescriptor, IntoInvocationResult, Invocation, InvocationError, Reply,
        ReplyFor, SocketIoFunction,
    };

    /// Converts a function's return value, checking at compile time that it can answer event kind `K`.
    pub fn into_reply<K, T: ReplyFor<K>>(value: T) -> Result<Reply, InvocationError> {
        value.into_invocation_result()
    }
}
