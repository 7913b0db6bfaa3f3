//! Around the functions, with the Node `socket.io-client` through the emulator: a tower layer on the
//! app's router (CORS answers a preflight; the webhook's handshake still passes), two invocation
//! hooks (one rejects a connect, the other refuses an event; both run in registration order around
//! every function) and the catch-all event (`event = "*"`: an unknown event reaches it, a known one
//! does not; a namespace without one stays silent).
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use socketio_fn::InvocationError;
use socketio_fn::extract::{EventName, Parameters};
use socketio_fn::hook::{Decision, HookCall, HookFuture, InvocationHook};
use socketio_fn::prelude::*;
use socketio_fn_emulator::EmulatorConfig;
use std::sync::Mutex;
use std::time::Duration;

/// What the hooks saw, in order.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[socketio_negotiation(hub = "mw", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_trigger(hub = "mw", event = "connect")]
async fn connect() -> SocketIoConnectResponse {
    SocketIoConnectResponse::accept()
}

#[socketio_trigger(hub = "mw", event = "known")]
async fn known() -> Ack<(&'static str,)> {
    Ack(("known",))
}

#[socketio_trigger(hub = "mw", event = "forbidden")]
async fn forbidden() -> Ack<(&'static str,)> {
    Ack(("the hook should have answered",))
}

/// Every other client event of hub `mw`, namespace `/`.
#[socketio_trigger(hub = "mw", event = "*")]
async fn everything_else(name: EventName, args: Parameters) -> SocketIoMessageResponse {
    SocketIoMessageResponse::ack((name.0, args.0)).unwrap()
}

/// Records around every invocation; refuses connections with `?banned`.
struct Gate;

impl InvocationHook for Gate {
    fn before<'a>(&'a self, call: &'a HookCall<'a>) -> HookFuture<'a, Decision> {
        Box::pin(async move {
            SEEN.lock()
                .unwrap()
                .push(format!("gate before {}", call.function()));
            let banned = match call.request() {
                socketio_fn::function::TriggerRequest::Connect(c) => {
                    c.query_value("banned").is_some()
                }
                _ => false,
            };
            if banned {
                return Decision::Reply(Err(InvocationError::unauthorized("banned by a hook")));
            }
            Decision::Continue
        })
    }

    fn after<'a>(
        &'a self,
        call: &'a HookCall<'a>,
        outcome: &'a Result<Reply, InvocationError>,
        _: Duration,
    ) -> HookFuture<'a, ()> {
        Box::pin(async move {
            let ok = if outcome.is_ok() { "ok" } else { "err" };
            SEEN.lock()
                .unwrap()
                .push(format!("gate after {} {ok}", call.function()));
        })
    }
}

/// Refuses the event `forbidden` (its function never runs).
struct Policy;

impl InvocationHook for Policy {
    fn before<'a>(&'a self, call: &'a HookCall<'a>) -> HookFuture<'a, Decision> {
        Box::pin(async move {
            SEEN.lock()
                .unwrap()
                .push(format!("policy before {}", call.function()));
            if call.event() == "forbidden" {
                let refused = InvocationError::with_status(
                    axum::http::StatusCode::FORBIDDEN,
                    "refused by a hook",
                );
                return Decision::Reply(Err(refused));
            }
            Decision::Continue
        })
    }

    fn after<'a>(
        &'a self,
        call: &'a HookCall<'a>,
        _: &'a Result<Reply, InvocationError>,
        _: Duration,
    ) -> HookFuture<'a, ()> {
        Box::pin(async move {
            SEEN.lock()
                .unwrap()
                .push(format!("policy after {}", call.function()));
        })
    }
}

use socketio_fn::function::Reply;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layers_hooks_and_the_catch_all_with_real_clients() {
    let stack = support::Stack::start_customised(EmulatorConfig::default(), |app| {
        app.layer(tower_http::cors::CorsLayer::permissive())
            .hook(Gate)
            .hook(Policy)
    })
    .await;
    let app_url = stack.app_url.clone();

    // The layer: a CORS preflight is answered; the service's handshake still reaches the webhook.
    let http = reqwest::Client::new();
    let preflight = http
        .request(reqwest::Method::OPTIONS, format!("{app_url}/api/negotiate"))
        .header("Origin", "https://example.com")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let handshake = http
        .request(
            reqwest::Method::OPTIONS,
            format!("{app_url}/runtime/webhooks/socketio"),
        )
        .header("WebHook-Request-Origin", "127.0.0.1")
        .send()
        .await
        .unwrap();
    assert_eq!(handshake.status(), 200);
    assert_eq!(handshake.headers()["webhook-allowed-origin"], "127.0.0.1");

    SEEN.lock().unwrap().clear();
    support::node_test(
        "middleware.test.mjs",
        &[("APP_URL", app_url.clone())],
        Duration::from_secs(60),
    )
    .await;
    let seen = SEEN.lock().unwrap().clone();
    // Registration order, before and after, for a function that ran.
    let around_known = [
        "gate before known",
        "policy before known",
        "gate after known ok",
        "policy after known",
    ];
    let at = seen.iter().position(|s| s == around_known[0]).unwrap();
    assert_eq!(&seen[at..at + 4], around_known, "{seen:#?}");
    // A short-circuit by the first hook: the second's `before` never ran for that connect.
    let rejected = seen
        .iter()
        .position(|s| s == "gate after connect err")
        .unwrap();
    assert_eq!(seen[rejected - 1], "gate before connect", "{seen:#?}");
    // The refused event's function never ran; the catch-all ran under its own name.
    assert!(!seen.iter().any(|s| s.contains("the hook should")));
    assert!(
        seen.iter().any(|s| s == "policy after forbidden"),
        "{seen:#?}"
    );
    assert!(
        seen.iter().any(|s| s == "gate before everything_else"),
        "{seen:#?}"
    );

    stack.stop().await;
}
