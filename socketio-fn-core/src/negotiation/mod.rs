//! Negotiation functions: HTTP GET endpoints (`/api/<name>`) that hand a client its service URL and
//! token, like the `socketionegotiation` input binding.

mod user_id;

pub use user_id::{TemplatePart, UserIdTemplate};

use crate::invocation::BoxFuture;
use crate::request::MultiMap;
use crate::response::{InvocationError, text_reply};
use crate::service::{ServiceClient, SocketIoNegotiationResult, negotiate};
use crate::state::{Requirements, State, StateMap};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use socketio_fn_protocol::cloud_events::query_multimap;
use std::sync::Arc;

/// Static description of a negotiation function, emitted by `#[socketio_negotiation]`.
#[derive(Debug, Clone, Copy)]
pub struct NegotiationDescriptor {
    /// The function's name.
    pub name: &'static str,
    /// The HTTP path, e.g. `/api/negotiate`.
    pub route: &'static str,
    /// Hub name (`%Setting%` allowed); `None` = the `WebPubSubForSocketIOHub` setting.
    pub hub: Option<&'static str>,
    /// The `user_id` template; `None` for anonymous tokens.
    pub user_id: Option<&'static [TemplatePart]>,
    /// Setting name of the connection; `None` = `WebPubSubForSocketIOConnectionString`.
    pub connection: Option<&'static str>,
    /// Declares what the function's arguments need from the app (state types).
    pub requires: fn(&mut Requirements),
    /// The generated wrapper.
    pub invoke: fn(NegotiationInvocation) -> BoxFuture<Response>,
}

inventory::collect!(NegotiationDescriptor);

/// Implemented by `#[socketio_negotiation]` for a hidden type named like the function:
/// `App::builder().register_negotiation::<negotiate>()`.
pub trait SocketIoNegotiation {
    /// The descriptor.
    const DESCRIPTOR: NegotiationDescriptor;
}

/// Every negotiation function registered by the macros.
pub fn registered_negotiations() -> impl Iterator<Item = &'static NegotiationDescriptor> {
    inventory::iter::<NegotiationDescriptor>.into_iter()
}

/// One negotiation request with its result.
#[derive(Debug, Clone)]
pub struct NegotiationInvocation {
    /// The negotiation result for the client.
    pub result: SocketIoNegotiationResult,
    /// The HTTP request's headers.
    pub headers: HeaderMap,
    /// The HTTP request's query.
    pub query: MultiMap,
    /// The app's shared state.
    pub state: StateMap,
}

/// An argument of a negotiation function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a `#[socketio_negotiation]` function",
    note = "negotiation functions take `SocketIoNegotiationResult`, and optionally `NegotiationRequest` and `State<T>`"
)]
pub trait FromNegotiation: Sized {
    /// Extracts the value.
    fn from_negotiation(invocation: &NegotiationInvocation) -> Result<Self, InvocationError>;

    /// Declares what the extractor needs from the app, checked at start-up (default: nothing).
    fn requires(_: &mut Requirements) {}
}

impl FromNegotiation for SocketIoNegotiationResult {
    fn from_negotiation(invocation: &NegotiationInvocation) -> Result<Self, InvocationError> {
        Ok(invocation.result.clone())
    }
}

/// The HTTP request of a negotiation: headers and query.
#[derive(Debug, Clone)]
pub struct NegotiationRequest {
    /// Headers.
    pub headers: HeaderMap,
    /// Query parameters.
    pub query: MultiMap,
}

impl FromNegotiation for NegotiationRequest {
    fn from_negotiation(invocation: &NegotiationInvocation) -> Result<Self, InvocationError> {
        Ok(Self {
            headers: invocation.headers.clone(),
            query: invocation.query.clone(),
        })
    }
}

impl<T: Clone + Send + Sync + 'static> FromNegotiation for State<T> {
    fn from_negotiation(invocation: &NegotiationInvocation) -> Result<Self, InvocationError> {
        invocation.state.extract::<T>()
    }

    fn requires(requirements: &mut Requirements) {
        requirements.state::<T>();
    }
}

impl IntoResponse for SocketIoNegotiationResult {
    fn into_response(self) -> Response {
        axum::Json(self).into_response()
    }
}

/// A negotiation function with its settings resolved at start-up.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedNegotiation {
    pub(crate) descriptor: NegotiationDescriptor,
    pub(crate) hub: String,
    pub(crate) user_id: Option<UserIdTemplate>,
    pub(crate) client: Arc<ServiceClient>,
}

async fn handle(function: Arc<ResolvedNegotiation>, state: StateMap, request: Request) -> Response {
    let span = if crate::telemetry::enabled() {
        tracing::info_span!(
            "negotiation",
            otel.name = function.descriptor.name,
            otel.kind = "server",
            function = function.descriptor.name,
            hub = %function.hub,
        )
    } else {
        tracing::Span::none()
    };
    crate::telemetry::continue_trace(&span, request.headers());
    tracing::Instrument::instrument(negotiation(function, state, request), span).await
}

async fn negotiation(
    function: Arc<ResolvedNegotiation>,
    state: StateMap,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let query = query_multimap(parts.uri.query().unwrap_or_default());
    let user_id = function
        .user_id
        .as_ref()
        .and_then(|t| t.evaluate(&parts.headers, &query));
    let result = match negotiate(&function.client, &function.hub, user_id.as_deref()).await {
        Ok(r) => r,
        Err(e) => {
            let reason = socketio_fn_protocol::error_chain(&e);
            tracing::error!(function = function.descriptor.name, error = %socketio_fn_protocol::log::Escaped(&reason), "negotiation failed");
            crate::telemetry::negotiation(&function.hub, "Failed");
            return text_reply(StatusCode::BAD_GATEWAY, reason);
        }
    };
    crate::telemetry::negotiation(&function.hub, "Succeeded");
    let invocation = NegotiationInvocation {
        result,
        headers: parts.headers,
        query,
        state,
    };
    (function.descriptor.invoke)(invocation).await
}

/// The routes of the negotiation functions (GET and POST).
pub(crate) fn router(functions: &[Arc<ResolvedNegotiation>], state: &StateMap) -> Router {
    let mut router = Router::new();
    for function in functions {
        let (f, state) = (function.clone(), state.clone());
        let serve = move |request: Request| handle(f.clone(), state.clone(), request);
        // GET as the Functions binding documents it; POST too, as some clients send it.
        router = router.route(function.descriptor.route, get(serve.clone()).post(serve));
    }
    router
}

/// The reply of a negotiation whose argument could not be extracted.
pub fn rejection(error: InvocationError) -> Response {
    text_reply(error.status(), error.message())
}

/// What a negotiation function may return: [`SocketIoNegotiationResult`] (the usual), or any axum
/// response.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a `#[socketio_negotiation]` function",
    label = "not an HTTP response",
    note = "return `SocketIoNegotiationResult`, or any type that implements `axum::response::IntoResponse`"
)]
pub trait NegotiationResponse {
    /// The HTTP response.
    fn into_negotiation_response(self) -> Response;
}

#[diagnostic::do_not_recommend]
impl<T: IntoResponse> NegotiationResponse for T {
    fn into_negotiation_response(self) -> Response {
        self.into_response()
    }
}

/// The HTTP response of a negotiation function's return value (the generated wrapper's last step).
pub fn negotiation_response<R: NegotiationResponse>(value: R) -> Response {
    value.into_negotiation_response()
}
