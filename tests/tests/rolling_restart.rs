//! A rolling restart loses nothing: three instances of an app (`src/bin/rolling_app.rs`, real
//! processes) behind one emulator, under load from real socket.io clients (acked events and
//! reconnects); one instance gets SIGTERM, a replacement starts on its address; every event is acked
//! once and its output delivered once (`e2e/rolling.test.mjs` counts).
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

mod support;

use socketio_fn_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;
use support::{Binary, free_port};

const APP: &str = env!("CARGO_BIN_EXE_rolling_app");

fn webhook(port: u16) -> String {
    format!("http://127.0.0.1:{port}/runtime/webhooks/socketio")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_loses_and_repeats_nothing() {
    let ports = [free_port(), free_port(), free_port()];
    let emulator = Emulator::start(EmulatorConfig {
        upstream: Some(webhook(ports[0])),
        extra_upstreams: vec![webhook(ports[1]), webhook(ports[2])],
        // The replacement is tried soon after it is up.
        breaker_cool_down: Duration::from_millis(300),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let instance = |name: &str, port: u16| {
        let env = [
            (
                "WebPubSubForSocketIOConnectionString",
                emulator.connection_string(),
            ),
            ("INSTANCE", name.to_owned()),
            ("SOCKETIO_FN_SHUTDOWN_GRACE_SECS", "10".to_owned()),
        ];
        async move { Binary::start(APP, port, &env).await }
    };
    let a = instance("a", ports[0]).await;
    let mut b = instance("b", ports[1]).await;
    let c = instance("c", ports[2]).await;
    let stop_file = std::env::temp_dir().join(format!("rolling-stop-{}", free_port()));
    let _ = std::fs::remove_file(&stop_file);
    let env = [
        ("NEGOTIATE_URL", format!("{}/api/negotiate", a.url)),
        ("CLIENTS", "20".into()),
        ("STOP_FILE", stop_file.display().to_string()),
        ("INSTANCES", "a,b,c,b2".into()),
    ];
    let load = tokio::spawn(async move {
        support::node_test("rolling.test.mjs", &env, Duration::from_secs(120)).await;
    });
    // Under load for a while, then b is stopped as a platform stops an instance.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let status = b.terminate(Duration::from_secs(15)).await;
    assert!(status.success(), "b exited with {status}: {}", b.output());
    // Its address refuses connections for a moment, then the replacement serves there.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let b2 = instance("b2", ports[1]).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    std::fs::write(&stop_file, b"stop").unwrap();
    let finished = load.await;
    println!(
        "--- b\n{}\n--- b2\n{}",
        tail(&b.output()),
        tail(&b2.output())
    );
    finished.unwrap();
    let _ = std::fs::remove_file(&stop_file);
    drop((a, c, b2));
    emulator.stop().await;
}

/// The last lines of a log.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
