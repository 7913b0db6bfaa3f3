//! The webhook code in the upstream URL (`--upstream ...?code=<secret>`, as docs/emulator.md recommends
//! for a Functions app) never leaves the emulator: not on its output at any log level, not in a
//! client's `connect_error` when the app is down.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::{connect_over_polling, free_port};
use std::process::{Command, Stdio};
use std::time::Duration;

const SECRET: &str = "c0de-that-must-not-leak-7f3a9b";

#[tokio::test]
async fn the_webhook_code_is_never_printed_nor_told_to_clients() {
    let (address, app, app2) = (free_port(), free_port(), free_port());
    let key = "an-emulator-key-for-this-test-0123456789";
    let dir = std::env::temp_dir().join(format!("emulator-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("out.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socketio-fn-emulator"))
        .args([
            "--address",
            &format!("127.0.0.1:{address}"),
            "--access-key",
            key,
            "--upstream-timeout",
            "2",
            "--upstream",
            &format!("http://127.0.0.1:{app}/runtime/webhooks/socketio?code={SECRET}"),
            // A second instance: the refused call goes to it, and it refuses too.
            "--upstream",
            &format!("http://127.0.0.1:{app2}/runtime/webhooks/socketio?code={SECRET}"),
        ])
        .env("RUST_LOG", "trace")
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
    let _ = child.kill();
    let _ = child.wait();
    let output = std::fs::read_to_string(&log).unwrap();
    assert!(answer.contains("44"), "a connect_error: {answer}");
    assert!(answer.contains("Service unavailable"), "{answer}");
    assert!(
        !answer.contains(SECRET),
        "the client was told the code: {answer}"
    );
    assert!(output.contains("?<redacted>"), "{output}");
    assert_eq!(output.matches("events go to").count(), 2, "{output}");
    assert!(output.contains("the call goes to the next one"), "{output}");
    assert!(!output.contains(SECRET), "the code was printed:\n{output}");
}
