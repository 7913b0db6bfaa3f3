//! Negotiation functions: HTTP GET endpoints (`/api/<name>`) that hand a client its service URL and token,
//! like the `socketionegotiation` input binding.

use crate::invocation::BoxFuture;
use crate::request::MultiMap;
use crate::service::{ServiceClient, SocketIoNegotiationResult, negotiate};
use crate::settings::ServiceConnection;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::future::Future;
use std::sync::Arc;

/// Static description of a negotiation function, emitted by `#[socketio_negotiation]`.
#[derive(Debug, Clone, Copy)]
pub struct NegotiationDescriptor {
    /// The function's name.
    pub name: &'static str,
    /// The HTTP path, e.g. `/api/negotiate`.
    pub route: &'static str,
    /// Hub name (`%setting%` allowed; empty = `WebPubSubForSocketIOHub`).
    pub hub: &'static str,
    /// User id: a literal, `{query.<name>}` or `{headers.<name>}`; `None` for anonymous tokens.
    pub user_id: Option<&'static str>,
    /// Setting name of the connection; `None` = `WebPubSubForSocketIOConnectionString`.
    pub connection: Option<&'static str>,
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
}

/// An argument of a negotiation function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a `#[socketio_negotiation]` function",
    note = "negotiation functions take `SocketIoNegotiationResult` and optionally `NegotiationRequest`"
)]
pub trait FromNegotiation: Sized {
    /// Extracts the value.
    fn from_negotiation(invocation: &NegotiationInvocation) -> Self;
}

impl FromNegotiation for SocketIoNegotiationResult {
    fn from_negotiation(invocation: &NegotiationInvocation) -> Self {
        invocation.result.clone()
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
    fn from_negotiation(invocation: &NegotiationInvocation) -> Self {
        Self {
            headers: invocation.headers.clone(),
            query: invocation.query.clone(),
        }
    }
}

impl IntoResponse for SocketIoNegotiationResult {
    fn into_response(self) -> Response {
        axum::Json(self).into_response()
    }
}

/// Evaluates a `user_id` expression: `{query.<name>}` and `{headers.<name>}` read the request (an absent
/// value gives no user id); anything else is a literal.
///
/// ```
/// use socketio_fn_core::negotiation::resolve_user_id;
/// let query = [("userId".to_string(), vec!["alice".to_string()])].into_iter().collect();
/// let headers = Default::default();
/// assert_eq!(resolve_user_id("{query.userId}", &headers, &query), Some("alice".into()));
/// assert_eq!(resolve_user_id("{headers.x-user}", &headers, &query), None);
/// assert_eq!(resolve_user_id("fixed", &headers, &query), Some("fixed".into()));
/// ```
pub fn resolve_user_id(expression: &str, headers: &HeaderMap, query: &MultiMap) -> Option<String> {
    let value = match expression
        .strip_prefix('{')
        .and_then(|e| e.strip_suffix('}'))
    {
        Some(inner) => {
            if let Some(name) = strip_prefix_ignore_case(inner, "query.") {
                query
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.first())
                    .cloned()
            } else if let Some(name) = strip_prefix_ignore_case(inner, "headers.") {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            } else {
                None
            }
        }
        None => Some(expression.to_owned()),
    };
    value.filter(|v| !v.is_empty())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .and_then(|_| text.get(prefix.len()..))
}

/// A negotiation function with its settings resolved.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedNegotiation {
    pub(crate) descriptor: NegotiationDescriptor,
    pub(crate) hub: String,
    /// The connection, or why it is missing (reported per request).
    pub(crate) connection: Result<(ServiceConnection, Arc<ServiceClient>), String>,
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [("content-type", "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn handle(function: Arc<ResolvedNegotiation>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let query: MultiMap = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
        .fold(MultiMap::new(), |mut map, (k, v)| {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
            map
        });
    let user_id = function
        .descriptor
        .user_id
        .and_then(|e| resolve_user_id(e, &parts.headers, &query));
    let (connection, client) = match &function.connection {
        Ok(c) => c,
        Err(reason) => {
            tracing::error!(function = function.descriptor.name, %reason, "negotiation failed");
            return text(StatusCode::INTERNAL_SERVER_ERROR, reason.clone());
        }
    };
    let result = match negotiate(connection, client, &function.hub, user_id.as_deref()).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(function = function.descriptor.name, error = %e, "negotiation failed");
            return text(StatusCode::BAD_GATEWAY, e.to_string());
        }
    };
    let invocation = NegotiationInvocation {
        result,
        headers: parts.headers,
        query,
    };
    (function.descriptor.invoke)(invocation).await
}

/// The routes of the negotiation functions.
pub(crate) fn router(functions: &[Arc<ResolvedNegotiation>]) -> Router {
    let mut router = Router::new();
    for function in functions {
        let f = function.clone();
        router = router.route(
            function.descriptor.route,
            get(move |request: Request| handle(f.clone(), request)),
        );
    }
    router
}

/// Runs a negotiation function body: boxes the future and converts the return value.
pub fn invoke<F, R>(future: F) -> BoxFuture<Response>
where
    F: Future<Output = R> + Send + 'static,
    R: IntoResponse,
{
    Box::pin(async move { future.await.into_response() })
}

/// Compile-time check that a negotiation function's return type is an HTTP response.
#[doc(hidden)]
pub fn assert_response<R: IntoResponse>() {}
