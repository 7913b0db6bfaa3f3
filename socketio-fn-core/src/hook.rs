//! Hooks around every function invocation ([`crate::AppBuilder::hook`]): authentication checks,
//! rate limits, timing. Each sees the function, its event and context before it runs, may answer in
//! its place (reject a connect, refuse an event), and sees the outcome after.

use crate::invocation::Invocation;
use crate::request::{ConnectionContext, TriggerRequest};
use crate::response::{InvocationError, Reply};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The future a hook returns: boxed, borrowing the hook and the call.
pub type HookFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The app's hooks, in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Arc<[Arc<dyn InvocationHook>]>);

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hooks({})", self.0.len())
    }
}

/// What a hook sees of one invocation.
#[derive(Debug)]
pub struct HookCall<'a> {
    function: &'static str,
    context: &'a ConnectionContext,
    request: &'a TriggerRequest,
}

impl<'a> HookCall<'a> {
    /// The call a hook sees for `invocation` (for tests of your own hooks).
    pub fn of(invocation: &'a Invocation) -> Self {
        Self::new(
            invocation.function(),
            invocation.context(),
            invocation.request(),
        )
    }

    pub(crate) fn new(
        function: &'static str,
        context: &'a ConnectionContext,
        request: &'a TriggerRequest,
    ) -> Self {
        Self {
            function,
            context,
            request,
        }
    }

    /// The function's name.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// The event's name: `connect`, `connected`, `disconnected` or the client's event.
    pub fn event(&self) -> &str {
        self.context.event_name()
    }

    /// The event's attributes: hub, namespace, socket, connection and user ids, headers.
    pub fn context(&self) -> &ConnectionContext {
        self.context
    }

    /// The request the function would get (its arguments for a client event).
    pub fn request(&self) -> &TriggerRequest {
        self.request
    }
}

/// What a hook decides before the function runs.
#[derive(Debug)]
pub enum Decision {
    /// Run the next hook, then the function.
    Continue,
    /// Answer with this instead: the function and later hooks' `before` do not run, no output action
    /// is sent. An `Err` answers as a failed function would: `InvocationError::unauthorized` rejects a
    /// connect (the client gets `connect_error`); on a client event the error is its ack.
    Reply(Result<Reply, InvocationError>),
}

/// A hook around every invocation. Hooks run in the order they were added: each `before` in turn,
/// then the function, then each `after` in the same order (also after a short-circuit, for the
/// hooks whose `before` ran).
///
/// ```
/// use socketio_fn::hook::{Decision, HookCall, HookFuture, InvocationHook};
/// use socketio_fn::InvocationError;
///
/// /// Refuses connections without a user id.
/// struct SignedInOnly;
///
/// impl InvocationHook for SignedInOnly {
///     fn before<'a>(&'a self, call: &'a HookCall<'a>) -> HookFuture<'a, Decision> {
///         Box::pin(async move {
///             if call.event() == "connect" && call.context().user_id().is_none() {
///                 return Decision::Reply(Err(InvocationError::unauthorized("sign in first")));
///             }
///             Decision::Continue
///         })
///     }
/// }
/// let _app = socketio_fn::App::builder().hook(SignedInOnly);
/// ```
pub trait InvocationHook: Send + Sync + 'static {
    /// Before the function; the default continues.
    fn before<'a>(&'a self, call: &'a HookCall<'a>) -> HookFuture<'a, Decision> {
        let _ = call;
        Box::pin(async { Decision::Continue })
    }

    /// After the function (or a hook's answer): its outcome and how long it took; the default does
    /// nothing.
    fn after<'a>(
        &'a self,
        call: &'a HookCall<'a>,
        outcome: &'a Result<Reply, InvocationError>,
        elapsed: Duration,
    ) -> HookFuture<'a, ()> {
        let _ = (call, outcome, elapsed);
        Box::pin(async {})
    }
}
