//! Bindings mode: the Azure Functions host runs the app as a custom handler whose functions are
//! `socketiotrigger`, `socketionegotiation` and `timerTrigger` bindings (`cargo socketio-fn functions
//! --bindings` writes them: [`manifest`]). The host serves the webhook itself and POSTs each
//! invocation to `/<FunctionName>` as `{"Data": {...}, "Metadata": {...}}` (`payload.rs`); the app
//! runs the function on the webhook's path (`crate::dispatch`, its hooks included) and answers
//! `{"Outputs": {...}, "Logs": [...], "ReturnValue": ...}` (`reply.rs`): the output bindings'
//! actions for the host's `socketio` output binding, the connect status or the ack values for the
//! trigger. The answer is always 200 with a JSON body, a failed function's too (its status in
//! `ReturnValue`): a failed invocation would leave the service waiting for the connect or ack
//! until it gives up.

pub mod manifest;
mod payload;
mod reply;

pub use payload::PayloadError;

use crate::hook::Hooks;
use crate::invocation::{Invocation, OutputSink};
use crate::negotiation::ResolvedNegotiation;
use crate::registry::{Registry, ResolvedFunction};
use crate::request::{ConnectionContext, TriggerRequest};
use crate::response::Reply;
use crate::state::StateMap;
use crate::timer::{ResolvedTimer, TimerInvocation};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use payload::Payload;
use reply::HostReply;
use socketio_fn_protocol::cloud_events::CloudEvent;
use std::collections::HashMap;
use std::sync::Arc;

/// The name of the Socket.IO trigger binding in `function.json` (`Data.<name>`).
pub const TRIGGER_BINDING: &str = "socketio";
/// The name of the timer trigger binding.
pub const TIMER_BINDING: &str = "timer";
/// The names of a negotiation function's HTTP trigger, negotiation input and HTTP output bindings.
pub const NEGOTIATION_BINDINGS: [&str; 3] = ["req", "negotiate", "res"];
/// The package's HTTP function for the app's own routes (`httpTrigger` on `{*path}`): the host
/// invokes it like any function, and the app serves `Data.req` with its routes. Nothing reaches the
/// app unwrapped, so no client request can pose as an invocation.
pub const ROUTES_FUNCTION: &str = socketio_fn_protocol::paths::FUNCTIONS_ROUTES_FUNCTION;

/// How much larger than the webhook's body limit an invocation's body may be.
pub const INVOCATION_BODY_FACTOR: usize = 8;

/// A function the host can invoke.
#[derive(Debug, Clone)]
enum Target {
    Trigger(usize),
    Negotiation(Arc<ResolvedNegotiation>),
    Timer(Arc<ResolvedTimer>),
}

/// The invocation endpoint: `POST /<FunctionName>` for each function, ahead of the app's routes.
#[derive(Debug)]
pub(crate) struct FunctionsHost {
    registry: Arc<Registry>,
    targets: HashMap<String, Target>,
    hooks: Hooks,
    state: StateMap,
    max_body_bytes: usize,
}

impl FunctionsHost {
    pub(crate) fn new(
        registry: Arc<Registry>,
        negotiations: &[Arc<ResolvedNegotiation>],
        timers: &[Arc<ResolvedTimer>],
        (hooks, state, max_body_bytes): (Hooks, StateMap, usize),
    ) -> Self {
        let mut targets = HashMap::new();
        for (i, f) in registry.functions().iter().enumerate() {
            targets.insert(format!("/{}", f.descriptor.name), Target::Trigger(i));
        }
        for n in negotiations {
            targets.insert(
                format!("/{}", n.descriptor.name),
                Target::Negotiation(n.clone()),
            );
        }
        for t in timers {
            targets.insert(format!("/{}", t.descriptor.name), Target::Timer(t.clone()));
        }
        Self {
            registry,
            targets,
            hooks,
            state,
            // The host repeats the event: the request in `Data` (as escaped JSON text) and again in
            // `Metadata` (`Request`, `Payload`, the named parameters).
            max_body_bytes: max_body_bytes.saturating_mul(INVOCATION_BODY_FACTOR),
        }
    }

    /// `router` with the invocation endpoint in front: a POST to a function's name is an invocation
    /// (the routes function's `Data.req` is then served by `router`); anything else (the host's
    /// readiness probe) goes to `router` as it is.
    pub(crate) fn wrap(self, router: Router) -> Router {
        let host = Arc::new(self);
        let intercept = axum::middleware::from_fn(move |request: Request, next: Next| {
            let host = host.clone();
            async move {
                let post = request.method() == Method::POST;
                let path = request.uri().path();
                if post && path.strip_prefix('/') == Some(ROUTES_FUNCTION) {
                    return host.routes(request, next).await;
                }
                let target = post.then(|| host.targets.get(path).cloned()).flatten();
                match target {
                    Some(target) => host.invoke(target, request).await,
                    None if is_invocation(&request) => {
                        HostReply::unknown(request.uri().path()).into_response()
                    }
                    None => next.run(request).await,
                }
            }
        });
        // Around the whole router as a service (a router's own layers run for its routes only).
        Router::new().fallback_service(
            tower::ServiceBuilder::new()
                .layer(intercept)
                .service(router),
        )
    }

    async fn invoke(&self, target: Target, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let payload = match axum::body::to_bytes(body, self.max_body_bytes).await {
            Ok(bytes) => Payload::parse(&bytes),
            Err(e) => Err(PayloadError::NotJson(format!(
                "the body cannot be read: {e}"
            ))),
        };
        let reply = match (payload, target) {
            (Err(e), target) => {
                HostReply::bad_request(&e, matches!(target, Target::Negotiation(_)))
            }
            (Ok(p), Target::Trigger(i)) => {
                let function = &self.registry.functions()[i];
                self.trigger(function, &p, parts.headers).await
            }
            (Ok(p), Target::Negotiation(n)) => reply::negotiation(&n, &p, &self.state).await,
            (Ok(p), Target::Timer(t)) => self.timer(&t, &p).await,
        };
        reply.into_response()
    }

    /// The routes function: `Data.req` served by the app's routes, the response in `Outputs.res`.
    async fn routes(&self, request: Request, next: Next) -> Response {
        let body = axum::body::to_bytes(request.into_body(), self.max_body_bytes).await;
        let payload = match body {
            Ok(bytes) => Payload::parse(&bytes),
            Err(e) => Err(PayloadError::NotJson(format!(
                "the body cannot be read: {e}"
            ))),
        };
        let request = payload.and_then(|p| reply::http_request(&p));
        match request {
            Ok(request) => reply::HostReply::http(next.run(request).await).await,
            Err(e) => HostReply::bad_request(&e, true),
        }
        .into_response()
    }

    async fn trigger(
        &self,
        function: &ResolvedFunction,
        payload: &Payload,
        headers: HeaderMap,
    ) -> HostReply {
        let request = match payload.trigger_request(TRIGGER_BINDING, function.kind) {
            Ok(request) => request,
            Err(e) => return HostReply::bad_request(&e, false),
        };
        let context = context(function, payload, &request, headers);
        let sink = OutputSink::default();
        let invocation = Invocation::with_bindings(
            function.descriptor.name,
            context,
            request,
            (&function.outputs, &function.handle),
            self.state.clone(),
        )
        .with_sink(sink.clone());
        let answer = crate::dispatch::invoke(function, invocation, &self.hooks.0, |result| {
            let value = reply::return_value(result);
            // What the client is not told (the extension sends a refusal without a body) goes to
            // the host's log of the invocation.
            let (status, said) = match result {
                Ok(Reply::Connect(r)) if !r.status().is_success() => {
                    (r.status(), r.message().map(str::to_owned))
                }
                Ok(_) => (StatusCode::OK, None),
                Err(e) => (e.status(), Some(e.message().to_owned())),
            };
            ((value, said), status)
        })
        .await;
        HostReply::trigger(answer, function.descriptor.outputs, sink.take())
    }

    async fn timer(&self, timer: &ResolvedTimer, payload: &Payload) -> HostReply {
        let info = payload
            .data(TIMER_BINDING)
            .map(|v| payload::timer_info(&v))
            .unwrap_or_default();
        let sink = OutputSink::default();
        let invocation =
            TimerInvocation::new(timer, info, self.state.clone()).with_sink(sink.clone());
        let result = crate::timer::run(timer, invocation).await;
        HostReply::timer(result, timer.descriptor.outputs, sink.take())
    }
}

/// The header the host puts on every invocation (HOST `DefaultHttpWorkerService`).
pub const INVOCATION_ID_HEADER: &str = "x-azure-functions-invocationid";

/// A request the host sent as an invocation (a POST to `/<name>` with its invocation id): with no
/// function of that name in this build, it still gets an answer, so the service is not left waiting.
fn is_invocation(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::POST
        && request.headers().contains_key(INVOCATION_ID_HEADER)
        && path.len() > 1
        && !path[1..].contains('/')
}

/// The connection context of a trigger invocation: `Metadata.ConnectionContext` (the extension's
/// `SocketIOSocketContext`), with the function's hub and the request's namespace and socket id where
/// it is silent; the event type from the function's event kind.
fn context(
    function: &ResolvedFunction,
    payload: &Payload,
    request: &TriggerRequest,
    headers: HeaderMap,
) -> ConnectionContext {
    let given = match payload.metadata("ConnectionContext") {
        Some(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let text = |name: &str| {
        payload::member(&given, name)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (namespace, socket_id) = match request {
        TriggerRequest::Connect(r) => (&r.namespace, &r.socket_id),
        TriggerRequest::Connected(r) => (&r.namespace, &r.socket_id),
        TriggerRequest::Disconnected(r) => (&r.namespace, &r.socket_id),
        TriggerRequest::Message(r) => (&r.namespace, &r.socket_id),
    };
    let event_name = match (request, function.kind.system_event_name()) {
        (TriggerRequest::Message(m), _) => m.event_name.clone(),
        (_, Some(name)) => name.to_owned(),
        _ => function.event.clone(),
    };
    let hub = text("hub").unwrap_or_else(|| function.hub.clone());
    let connection_id = text("connectionId").unwrap_or_default();
    let user_id = text("userId");
    let namespace = text("namespace").unwrap_or_else(|| namespace.clone());
    let socket_id = text("socketId").unwrap_or_else(|| socket_id.clone());
    let event = CloudEvent {
        connection_id: &connection_id,
        hub: &hub,
        ce_type: function.kind.ce_type(),
        event_name: &event_name,
        namespace: &namespace,
        socket_id: &socket_id,
        user_id: user_id.as_deref(),
        origin: text("origin").map(Into::into),
        signature: text("signature").map(Into::into),
    };
    ConnectionContext::new(&event, HeaderMap::new()).with_headers(headers)
}
