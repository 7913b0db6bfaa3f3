//! SIGTERM in local mode: the embedded emulator calls the app's webhook in process, so the app's server
//! has no request in flight to drain; the emulator lets the calls in flight finish, with their acks and
//! output actions, before it closes the clients (a real socket.io-client, the app a real process).
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::time::{Duration, Instant};

const APP: &str = env!("CARGO_BIN_EXE_rolling_app");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_an_in_process_invocation_and_its_action_finish() {
    let dir = std::env::temp_dir().join(format!("sfn-local-shutdown-{}", support::free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let started = dir.join("started");
    let mut app = support::Binary::start_local(
        APP,
        &[
            ("STARTED_FILE", started.display().to_string()),
            ("SLOW_MS", "4000".into()),
            ("SOCKETIO_FN_SHUTDOWN_GRACE_SECS", "10".into()),
        ],
    )
    .await;
    let env = [("NEGOTIATE_URL", format!("{}/api/negotiate", app.url))];
    let client = tokio::spawn(async move {
        support::node_test("shutdown.test.mjs", &env, Duration::from_secs(60)).await
    });
    // SIGTERM once the function is running (it sleeps 4 s before its action and ack: longer than the
    // 2 s the app's server keeps a recently used keep-alive connection open at shutdown).
    let deadline = Instant::now() + Duration::from_secs(30);
    while !started.exists() {
        assert!(
            Instant::now() < deadline,
            "the invocation never started: {}",
            app.output()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = app.terminate(Duration::from_secs(20)).await;
    assert!(status.success(), "{status:?}: {}", app.output());
    // The Node test asserts that the ack and the output (`seen`) both arrived.
    client.await.unwrap();
    assert!(app.output().contains("SIGTERM"), "{}", app.output());
}
