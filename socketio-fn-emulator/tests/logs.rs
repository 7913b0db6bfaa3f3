//! What the standalone emulator says with no `RUST_LOG`: one line per connection and one per upstream
//! call (event, namespace, socket, status), at `info`.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{connect_over_polling, free_port};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn connections_and_upstream_calls_are_logged_at_info_by_default() {
    // The app: accepts every connect, answers every event with 200.
    let app = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_port = app.local_addr().unwrap().port();
    let router = axum::Router::new().fallback(|| async { "" });
    tokio::spawn(async move { axum::serve(app, router).await });

    let address = free_port();
    let key = "an-emulator-key-for-the-log-test-0123456789";
    let dir = std::env::temp_dir().join(format!("emulator-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("out.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socketio-fn-emulator"))
        .args([
            "--address",
            &format!("127.0.0.1:{address}"),
            "--access-key",
            key,
            "--upstream",
            &format!("http://127.0.0.1:{app_port}/runtime/webhooks/socketio"),
        ])
        .env_remove("RUST_LOG")
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    let endpoint = format!("http://127.0.0.1:{address}");
    let mut ready = false;
    for _ in 0..100 {
        if reqwest::get(format!("{endpoint}/healthz")).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "{}", std::fs::read_to_string(&log).unwrap());
    let answer = connect_over_polling(&endpoint, key).await;
    assert!(answer.contains("40{"), "connected: {answer}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = child.kill();
    let _ = child.wait();
    let output = std::fs::read_to_string(&log).unwrap();
    let connected = output
        .lines()
        .find(|l| l.contains("socket connected"))
        .unwrap_or_else(|| panic!("no connection line:\n{output}"));
    assert!(connected.contains(" INFO "), "{connected}");
    assert!(connected.contains("hub=hub namespace=/"), "{connected}");
    assert!(connected.contains("user=u"), "{connected}");
    let calls: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("upstream call"))
        .collect();
    assert!(
        calls
            .iter()
            .any(|l| l.contains("event=connect ") && l.contains("status=200")),
        "{output}"
    );
    assert!(
        calls.iter().any(|l| l.contains("event=connected ")),
        "{output}"
    );
}
