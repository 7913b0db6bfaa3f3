//! What the attribute macros' generated code names (`::socketio_fn::__private::...`, or
//! `<crate>::__private` with `crate = path`). Not public API.

pub use axum::response::Response;
pub use inventory;
pub use socketio_fn_core::actions::{
    Args, AskingEvent, JsonError, JsonValue, ServerEvent, single_answer, to_json, tuple_answer,
};
pub use socketio_fn_core::contract::{
    AnswerShape, Describer, EventShape, FunctionShape, KnownReply, NoSchema, ParameterShape, Probe,
    ReplyProbe, ReplyShape, UnknownReply, ViaSchema, reply_shape,
};
pub use socketio_fn_core::extract::{ArgSpec, FromInvocation, FromOutput, FromParameter};
pub use socketio_fn_core::kind;
pub use socketio_fn_core::negotiation::{
    FromNegotiation, NegotiationDescriptor, NegotiationInvocation, SocketIoNegotiation,
    TemplatePart, negotiation_response, rejection as negotiation_rejection,
};
pub use socketio_fn_core::state::Requirements;
pub use socketio_fn_core::{
    BoxFuture, FromTimer, FunctionDescriptor, IntoInvocationResult, IntoTimerResult, Invocation,
    InvocationError, OutputBinding, Reply, ReplyFor, SocketIoFunction, SocketIoTimer,
    TimerDescriptor, TimerInvocation,
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

fn failed_timer_invoke(_: TimerInvocation) -> BoxFuture<Result<(), InvocationError>> {
    Box::pin(std::future::ready(Err(InvocationError::function(
        "this function did not compile",
    ))))
}

/// The descriptor of a timer function that did not compile (its registration stand-in).
pub const fn failed_timer(name: &'static str) -> TimerDescriptor {
    TimerDescriptor {
        name,
        schedule: "0 0 0 * * *",
        hub: None,
        connection: None,
        outputs: &[],
        requires: socketio_fn_core::registry::no_requirements,
        invoke: failed_timer_invoke,
    }
}
