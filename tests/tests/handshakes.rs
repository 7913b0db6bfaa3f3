//! Memory per token-less Engine.IO handshake to a valid hub: the session it opens is closed after the
//! emulator's connect timeout (no Socket.IO connect to a namespace came), and nothing of it is kept.
//! Its own test binary, so that no other test moves this process's resident memory.
#![allow(clippy::unwrap_used, missing_docs, clippy::print_stdout)]

mod support;

use socketio_fn::prelude::*;
use socketio_fn_emulator::EmulatorConfig;
use std::time::Duration;

const HANDSHAKES: u64 = 2000;
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

#[socketio_trigger(hub = "shake", event = "ping")]
async fn ping() -> Ack<(bool,)> {
    Ack((true,))
}

/// `HANDSHAKES` Engine.IO polling handshakes without a token; the last session id.
async fn wave(http: &reqwest::Client, endpoint: &str) -> String {
    let url = format!("{endpoint}/clients/socketio/hubs/shake/?EIO=4&transport=polling");
    let mut sid = String::new();
    for _ in 0..HANDSHAKES {
        let reply = http.get(&url).send().await.unwrap();
        assert_eq!(reply.status(), 200);
        let open = reply.text().await.unwrap();
        let json = open.strip_prefix('0').expect("an Engine.IO open packet");
        sid = serde_json::from_str::<serde_json::Value>(json).unwrap()["sid"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    sid
}

/// The status of a poll on session `sid`: 200 while it lives, 400 once it is closed.
async fn poll_status(http: &reqwest::Client, endpoint: &str, sid: &str) -> u16 {
    let url = format!("{endpoint}/clients/socketio/hubs/shake/?EIO=4&transport=polling&sid={sid}");
    http.get(url).send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_less_handshakes_are_closed_after_the_connect_timeout_and_leave_nothing() {
    let stack = support::Stack::start_with(EmulatorConfig {
        connect_timeout: CONNECT_TIMEOUT,
        ..EmulatorConfig::default()
    })
    .await;
    let endpoint = stack.emulator.endpoint().to_owned();
    let http = reqwest::Client::new();
    let settle = || tokio::time::sleep(CONNECT_TIMEOUT * 3);
    // A first wave warms the allocator up.
    let sid = wave(&http, &endpoint).await;
    settle().await;
    assert_eq!(
        poll_status(&http, &endpoint, &sid).await,
        400,
        "the session is closed after the connect timeout"
    );
    let warm = support::rss_kb();
    let sid = wave(&http, &endpoint).await;
    settle().await;
    assert_eq!(poll_status(&http, &endpoint, &sid).await, 400);
    wave(&http, &endpoint).await;
    settle().await;
    let after = support::rss_kb();
    let kept_per = after.saturating_sub(warm) * 1024 / (2 * HANDSHAKES);
    println!(
        "FIGURES handshakes: {HANDSHAKES} per wave, rss_warm_kb={warm} rss_after_two_more_waves_kb={after} \
         bytes_kept_per_handshake={kept_per}"
    );
    assert_eq!(stack.emulator.hub_count(), 0, "no hub without a socket");
    // A session held costs about 5 kB (what the issue measured 60 s after the handshakes): the bound
    // is well under that and well over this process's noise (0.2-0.6 kB per handshake).
    assert!(
        kept_per < 2048,
        "{kept_per} bytes kept per handshake after the connect timeout"
    );
    stack.stop().await;
}
