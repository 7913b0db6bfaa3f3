#![doc = include_str!("../docs/crate.md")]

// Feature `dynamic-linking`: naming the dylib makes rustc take the runtime from it (see its docs).
#[cfg(feature = "dynamic-linking")]
use socketio_fn_dylib as _;

#[cfg(feature = "emulator")]
mod admin_ui;
mod bindings;
mod contract;
mod run;
#[cfg(feature = "testing")]
pub mod testing;
pub use run::{run, run_with};

pub use socketio_fn_core::actions::SocketIoAction;
pub use socketio_fn_core::service::ServiceHandle;
pub use socketio_fn_core::service::SocketIoNegotiationResult;
pub use socketio_fn_core::{
    Ack, App, AppBuilder, ConnectionContext, Error, InvocationError, Settings,
    SocketIoConnectRequest, SocketIoConnectResponse, SocketIoConnectedRequest,
    SocketIoDisconnectedRequest, SocketIoMessageRequest, SocketIoMessageResponse,
};

/// Kept for code written before `State` moved to [`extract::State`] (the README's examples used it
/// through the prelude); not part of the documented surface.
#[doc(hidden)]
pub use socketio_fn_core::state::State;

#[doc = include_str!("../docs/socketio_trigger.md")]
pub use socketio_fn_macros::socketio_trigger;

#[doc = include_str!("../docs/socketio_timer.md")]
pub use socketio_fn_macros::socketio_timer;

#[doc = include_str!("../docs/socketio_parameter.md")]
pub use socketio_fn_macros::socketio_parameter;

#[doc = include_str!("../docs/socketio_output.md")]
pub use socketio_fn_macros::socketio_output;

#[doc = include_str!("../docs/socketio_negotiation.md")]
pub use socketio_fn_macros::socketio_negotiation;

#[doc = include_str!("../docs/socketio_event.md")]
pub use socketio_fn_macros::socketio_event;

pub mod extract {
    //! Argument binding: event parameters, context extractors, shared state, the output collector, and
    //! the traits that bind them (implement [`FromInvocation`] for an extractor of your own).
    //!
    //! `#[socketio_trigger]` sorts arguments by attributes and names, never by type: arguments marked
    //! `#[socketio_parameter]` or listed in `parameter_names` bind through [`FromParameter`] (any
    //! `serde::de::DeserializeOwned` type); `#[socketio_output]` arguments through [`FromOutput`]
    //! ([`Actions`]); every other argument through [`FromInvocation`].
    //!
    //! [`State`] is here, as in socketioxide (`extract::State`), and not in the prelude, so that it does
    //! not clash with `axum::extract::State` in a file that uses both.

    pub use socketio_fn_core::Invocation;
    pub use socketio_fn_core::extract::{
        Actions, ArgSpec, Claims, EventName, FromInvocation, FromOutput, FromParameter, Hub,
        Namespace, Parameters, SocketId, UserId, bind_parameter,
    };
    pub use socketio_fn_core::negotiation::{FromNegotiation, NegotiationRequest};
    pub use socketio_fn_core::state::{Requirements, State};

    /// Marker types of the event kind a function handles, for [`FromInvocation<K>`] impls.
    pub mod kind {
        pub use socketio_fn_core::kind::{Connect, Connected, Disconnected, KindMarker, Message};
    }
}

pub mod actions {
    //! The parts of a [`SocketIoAction`](crate::SocketIoAction): its kind and JSON names, its arguments,
    //! its TTL bound, the REST requests it becomes, and why one is invalid; and typed server events
    //! ([`ServerEvent`], declared with [`socketio_event`](crate::socketio_event)) with their typed sends
    //! ([`Emit`]).

    pub use socketio_fn_core::actions::{
        ActionKind, Args, AskingEvent, Emit, IntoArgs, InvalidAction, MAX_TTL, RestRequest,
        ServerEvent,
    };
}

pub mod service {
    //! Sending and asking through a [`ServiceHandle`](crate::ServiceHandle): what a send or a query can
    //! fail with, a room's members, the bounds of listings and acks, and where a handle sends.

    pub use socketio_fn_core::service::{
        AckRequest, AckStream, AnswerError, BatchError, MAX_ACKS, MAX_ROOM_MEMBERS, MAX_ROOM_PAGES,
        OutputTarget, QueryError, RoomMember, SendError, ServiceError,
    };
}

pub mod app {
    //! Start-up and serving details: the mode, what authenticates the webhook, the resolved functions,
    //! connections as [`Settings::connection`](crate::Settings::connection) reads them, the causes inside
    //! [`Error`](crate::Error), health paths, and the pieces [`run`](crate::run) uses, for an app that
    //! serves itself (`App::builder()...build()?.serve()`).

    pub use socketio_fn_core::ResolvedFunction;
    pub use socketio_fn_core::app::{
        HEALTH_PATH, Mode, READY_PATH, init_tracing, json_logs, listen_address, shutdown_signal,
        webhook_path,
    };
    pub use socketio_fn_core::error::{BindingError, CredentialError, NoLocalMode};
    pub use socketio_fn_core::functions_host::manifest::ManifestError;
    pub use socketio_fn_core::service::{CredentialKind, UserAssigned};
    pub use socketio_fn_core::settings::{
        ConnectionError, Endpoint, IdentityConnection, IdentitySettings, KeyConnection,
        SecretValue, ServiceConnection, SettingsError,
    };
    pub use socketio_fn_core::webhook::AuthSummary;
}

pub mod function {
    //! What a function is to the runtime, for functions registered by hand
    //! (`App::builder().function(..)`) and return types of your own: descriptors, the [`Reply`] and the
    //! traits that produce it.

    pub use socketio_fn_core::invocation::{BoxFuture, InvokeFn};
    pub use socketio_fn_core::negotiation::{
        NegotiationDescriptor, NegotiationInvocation, NegotiationResponse, SocketIoNegotiation,
        TemplatePart,
    };
    pub use socketio_fn_core::registry::{
        FunctionDescriptor, OutputBinding, SocketIoFunction, no_requirements,
    };
    pub use socketio_fn_core::request::TriggerRequest;
    pub use socketio_fn_core::response::{IntoInvocationResult, Reply, ReplyFor};
}

pub mod timer {
    //! Timer functions (`#[socketio_timer]`): what they may take and return, their descriptors.

    #[doc(inline)]
    pub use socketio_fn_core::timer::{
        FromTimer, IntoTimerResult, ScheduleStatus, SocketIoTimer, TimerDescriptor, TimerFn,
        TimerInfo, TimerInvocation, registered_timers,
    };
}

pub mod hook {
    //! Hooks around every function invocation ([`AppBuilder::hook`](crate::AppBuilder::hook)):
    //! checks before a function runs (answering in its place), timing and logging after.

    #[doc(inline)]
    pub use socketio_fn_core::hook::{Decision, HookCall, HookFuture, InvocationHook};
}

pub mod telemetry {
    //! OpenTelemetry export (feature `otel`): whether it runs, flushing it, and the names of the
    //! metrics (docs/observability.md).

    #[doc(inline)]
    pub use socketio_fn_core::telemetry::{enabled, names, shutdown};
}

pub mod protocol {
    //! Wire facts of Azure Web PubSub for Socket.IO (the `socketio-fn-protocol` crate): the CloudEvents
    //! envelope, packets, groups and filters, signatures and tokens, paths and setting names. Tests use it
    //! to sign webhook requests as the service does.

    #[doc(inline)]
    pub use socketio_fn_core::protocol::*;
}

pub mod prelude {
    //! Everything a function file needs: `use socketio_fn::prelude::*;`. No name here clashes with
    //! axum's: shared state is [`extract::State`](crate::extract::State).

    #[doc(no_inline)]
    pub use crate::actions::ServerEvent;
    #[doc(no_inline)]
    pub use crate::extract::{
        Actions, Claims, EventName, Hub, Namespace, NegotiationRequest, Parameters, SocketId,
        UserId,
    };
    #[doc(no_inline)]
    pub use crate::timer::TimerInfo;
    #[doc(no_inline)]
    pub use crate::{
        Ack, ConnectionContext, InvocationError, ServiceHandle, SocketIoAction,
        SocketIoConnectRequest, SocketIoConnectResponse, SocketIoConnectedRequest,
        SocketIoDisconnectedRequest, SocketIoMessageRequest, SocketIoMessageResponse,
        SocketIoNegotiationResult, socketio_event, socketio_negotiation, socketio_output,
        socketio_parameter, socketio_timer, socketio_trigger,
    };
}

#[doc(hidden)]
pub mod __private;
