//! Timer functions under the app's own scheduler, their start-up checks, and bindings mode's
//! start-up rules (the mode is for the Functions host only, on a loopback address).
#![allow(clippy::unwrap_used)]

use socketio_fn_core::invocation::BoxFuture;
use socketio_fn_core::state::{Requirements, State};
use socketio_fn_core::{
    App, FromTimer, InvocationError, Settings, TimerDescriptor, TimerInfo, TimerInvocation,
};
use std::sync::{Arc, Mutex};

const KEY_CONNECTION: &str = "Endpoint=http://localhost;AccessKey=k";

/// What each run saw.
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<Vec<TimerInfo>>>);

fn record(invocation: TimerInvocation) -> BoxFuture<Result<(), InvocationError>> {
    Box::pin(async move {
        let runs = <State<Runs> as FromTimer>::from_timer(&invocation)?;
        let info = <TimerInfo as FromTimer>::from_timer(&invocation)?;
        runs.0.0.lock().unwrap().push(info);
        Ok(())
    })
}

fn needs_runs(requirements: &mut Requirements) {
    <State<Runs> as FromTimer>::requires(requirements);
}

fn timer(schedule: &'static str) -> TimerDescriptor {
    TimerDescriptor {
        name: "every_second",
        schedule,
        hub: None,
        connection: None,
        outputs: &[],
        requires: needs_runs,
        invoke: record,
    }
}

fn settings(extra: &[(&str, &str)]) -> Settings {
    let mut pairs = vec![("WebPubSubForSocketIOConnectionString", KEY_CONNECTION)];
    pairs.extend_from_slice(extra);
    Settings::from_pairs(pairs)
}

#[tokio::test]
async fn the_scheduler_runs_a_timer_while_the_app_serves() {
    let runs = Runs::default();
    let app = App::builder()
        .settings(settings(&[("Every", "* * * * * *")]))
        .state(runs.clone())
        .timer(timer("%Every%"))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(app.serve_with_shutdown(listener, async {
        let _ = stopped.await;
    }));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while runs.0.lock().unwrap().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the timer did not run twice in 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = stop.send(());
    served.await.unwrap().unwrap();
    let seen = runs.0.lock().unwrap().clone();
    let status = seen[1].schedule_status.clone().unwrap();
    // Each second: the next occurrence is one second after this one, both RFC 3339 in UTC.
    assert!(status.next > status.last, "{status:?}");
    assert!(
        status.next.ends_with('Z') && status.next.len() == 20,
        "{status:?}"
    );
    // Stopped with the app: no run after the server returned.
    let count = seen.len();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(runs.0.lock().unwrap().len(), count);
}

#[test]
fn a_bad_schedule_or_missing_state_fails_the_build_naming_the_timer() {
    let err = App::builder()
        .settings(settings(&[("Every", "*/5 * * * *")]))
        .state(Runs::default())
        .timer(timer("%Every%"))
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "function `every_second`: schedule `*/5 * * * *`: a schedule has six fields"
        ),
        "{err}"
    );
    let err = App::builder()
        .settings(settings(&[]))
        .timer(timer("* * * * * *"))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("function `every_second`: no state of type"),
        "{err}"
    );
}

#[test]
fn bindings_mode_is_for_the_functions_host_on_loopback() {
    let build = |pairs: &[(&str, &str)]| App::builder().settings(settings(pairs)).build();
    let err = build(&[("SOCKETIO_FN_FUNCTIONS_BINDINGS", "on")]).unwrap_err();
    assert!(
        err.to_string().contains("FUNCTIONS_CUSTOMHANDLER_PORT"),
        "{err}"
    );
    let err = build(&[
        ("SOCKETIO_FN_FUNCTIONS_BINDINGS", "on"),
        ("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"),
        ("SOCKETIO_FN_ADDR", "0.0.0.0:7071"),
    ])
    .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
    let err = build(&[("SOCKETIO_FN_FUNCTIONS_BINDINGS", "maybe")]).unwrap_err();
    assert!(err.to_string().contains("expected `on` or `off`"), "{err}");
    // Under the host, with no webhook authentication configured at all: the host serves the webhook.
    let app = App::builder()
        .settings(Settings::from_pairs([
            (
                "WebPubSubForSocketIOConnectionString__endpoint",
                "https://x.example",
            ),
            ("SOCKETIO_FN_FUNCTIONS_BINDINGS", "on"),
            ("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"),
        ]))
        .build();
    assert!(app.is_ok(), "{:?}", app.err());
}

#[tokio::test]
async fn in_bindings_mode_the_app_serves_no_webhook() {
    use tower::ServiceExt;
    let app = App::builder()
        .settings(settings(&[
            ("SOCKETIO_FN_FUNCTIONS_BINDINGS", "on"),
            ("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"),
        ]))
        .build()
        .unwrap();
    for path in ["/api/socketio", "/runtime/webhooks/socketio"] {
        let request = axum::http::Request::post(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.router().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let request = axum::http::Request::get("/healthz")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.router().oneshot(request).await.unwrap().status(), 200);
}
