//! An app whose process may open few descriptors (`ulimit -n 256`, common in containers) stays
//! reachable under a flood of silent connections: its connection cap follows the descriptor limit, and
//! an accept that runs out of descriptors sheds silent connections like the cap does. Before, 300
//! silent connections exhausted the descriptors below the default cap of 1,024 and the app answered
//! nothing until they timed out (30 s).
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Running, free_port};

/// The rolling-restart test's app, key-based (negotiation signs tokens itself), in a shell that
/// lowers both descriptor limits to 256 first, so the app cannot raise them.
fn start_limited(port: u16, log: &std::path::Path) -> Running {
    let file = std::fs::File::create(log).unwrap();
    let child = Command::new("bash")
        .args(["-c", "ulimit -n 256 && exec \"$0\""])
        .arg(env!("CARGO_BIN_EXE_rolling_app"))
        .env(
            "WebPubSubForSocketIOConnectionString",
            "Endpoint=http://localhost;AccessKey=descriptors-test-key-of-32-characters;Version=1.0;",
        )
        .env("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    Running(child)
}

/// `GET path` on a new connection, answered within `limit` (status), or `None`.
async fn get(base: &str, path: &str, limit: Duration) -> Option<u16> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(limit)
        .build()
        .unwrap();
    let response = client.get(format!("{base}{path}")).send().await.ok()?;
    Some(response.status().as_u16())
}

#[tokio::test]
async fn health_and_negotiation_answer_under_a_flood_of_silent_connections() {
    let port = free_port();
    let log =
        std::env::temp_dir().join(format!("sfn-descriptors-{}-{port}.log", std::process::id()));
    let _app = start_limited(port, &log);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(&base, "/healthz", Duration::from_secs(1)).await != Some(200) {
        assert!(
            Instant::now() < deadline,
            "the app did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // 300 connections that never send a request, more than the 256 descriptors the app may open.
    let mut silent = Vec::new();
    for _ in 0..300 {
        silent.push(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap(),
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for path in ["/healthz", "/api/negotiate", "/healthz"] {
        let asked = Instant::now();
        let status = get(&base, path, Duration::from_secs(2)).await;
        assert_eq!(
            status,
            Some(200),
            "{path} after {:?}: {}",
            asked.elapsed(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        output.contains(
            "the descriptor limit allows 192 connections at once, not 1024 (64 kept for other uses)"
        ),
        "the effective cap is logged at start: {output}"
    );
    assert!(
        output.contains("at most 192 connections at once (lowered by the descriptor limit)"),
        "{output}"
    );
    drop(silent);
}
