//! The emulator under attack and churn, with real Node `socket.io-client`s: every event it cannot
//! forward gets an error ack (never silence, never a dropped connection; the one exception is the
//! documented socketioxide limit on event names that need a JSON escape), no first event is lost, REST
//! paths are decoded once, a hanging app fails events fast, and closed sockets, hubs and namespaces leave
//! nothing behind.
#![allow(clippy::unwrap_used, missing_docs, clippy::print_stdout)]

mod support;

use socketio_fn::extract::Parameters;
use socketio_fn::prelude::*;
use socketio_fn::protocol::token;
use socketio_fn_emulator::EmulatorConfig;
use std::time::{Duration, Instant};

#[socketio_negotiation(hub = "hard", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_trigger(hub = "hard", event = "echo")]
async fn echo(args: Parameters) -> SocketIoMessageResponse {
    SocketIoMessageResponse::from_values(args.0)
}

#[socketio_trigger(hub = "hard", namespace = "/ns", event = "echo")]
async fn echo_ns(args: Parameters) -> SocketIoMessageResponse {
    SocketIoMessageResponse::from_values(args.0)
}

/// An app that hangs on this event.
#[socketio_trigger(hub = "hard", event = "hang")]
async fn hang() -> Ack<(bool,)> {
    tokio::time::sleep(Duration::from_secs(10)).await;
    Ack((true,))
}

async fn settle(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not settle");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One more wave of the Node test's sockets (`CHURN_ONLY=1`), then everything of them freed.
async fn churn_wave(stack: &support::Stack) {
    support::node_test(
        "hardening.test.mjs",
        &[
            ("APP_URL", stack.app_url.clone()),
            ("ENDPOINT", stack.emulator.endpoint().to_owned()),
            ("KEY", stack.emulator.access_key().to_owned()),
            ("CHURN_ONLY", "1".to_owned()),
        ],
        Duration::from_secs(180),
    )
    .await;
    settle("sockets", || stack.emulator.socket_count() == 0).await;
    settle("hubs", || stack.emulator.hub_count() == 0).await;
    stack.emulator.sweep_namespaces_now();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_under_attack_and_churn() {
    let stack = support::Stack::start(Duration::from_secs(30)).await;
    let endpoint = stack.emulator.endpoint().to_owned();
    let aud = format!("{endpoint}/clients/socketio/hubs/hard");
    let bad_user = token::sign(
        &token::TokenClaims::new(aud, token::unix_now(), 3600, Some("line\nbreak".into())),
        stack.emulator.key(),
    )
    .unwrap();

    // Engine.IO handshakes to made-up hubs, without any token, create nothing.
    let http = reqwest::Client::new();
    for i in 0..300 {
        let url = format!("{endpoint}/clients/socketio/hubs/made{i}/?EIO=4&transport=polling");
        assert_eq!(http.get(url).send().await.unwrap().status(), 200);
    }
    let huge = "h".repeat(20_000);
    let url = format!("{endpoint}/clients/socketio/hubs/{huge}/?EIO=4&transport=polling");
    assert_eq!(http.get(url).send().await.unwrap().status(), 400);
    assert_eq!(
        stack.emulator.hub_count(),
        0,
        "no hub without a connected socket"
    );

    let rss_before = support::rss_kb();
    support::node_test(
        "hardening.test.mjs",
        &[
            ("APP_URL", stack.app_url.clone()),
            ("ENDPOINT", endpoint.clone()),
            ("KEY", stack.emulator.access_key().to_owned()),
            ("BAD_USER_TOKEN", bad_user),
        ],
        Duration::from_secs(180),
    )
    .await;

    // Every client has closed: nothing of them is left.
    settle("sockets", || stack.emulator.socket_count() == 0).await;
    settle("hubs", || stack.emulator.hub_count() == 0).await;
    let namespaces = stack.emulator.namespace_count();
    assert!(
        namespaces > 1,
        "the test visited dynamic namespaces ({namespaces})"
    );
    stack.emulator.sweep_namespaces_now();
    assert_eq!(
        stack.emulator.namespace_count(),
        1,
        "only `/` is left after the sweep"
    );
    let rss_after = support::rss_kb();

    // Memory per closed socket: the first wave warmed the allocator; two more waves of the same 320
    // sockets (300 + 20 namespace visits) must leave the process about where the second one did. The
    // leak this guards against kept 28-34 kB per closed socket.
    churn_wave(&stack).await;
    let rss_warm = support::rss_kb();
    churn_wave(&stack).await;
    churn_wave(&stack).await;
    let rss_churned = support::rss_kb();
    let per_socket_bytes = rss_churned.saturating_sub(rss_warm) * 1024 / (2 * 320);
    println!(
        "FIGURES churn: sockets_left={} hubs_left={} namespaces_left={} rss_before_kb={rss_before} \
         rss_after_first_wave_kb={rss_after} rss_warm_kb={rss_warm} rss_after_two_more_waves_kb={rss_churned} \
         bytes_per_closed_socket={per_socket_bytes}",
        stack.emulator.socket_count(),
        stack.emulator.hub_count(),
        stack.emulator.namespace_count()
    );
    assert!(
        per_socket_bytes < 16 * 1024,
        "memory grows by {per_socket_bytes} bytes per closed socket"
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_app_fails_events_fast() {
    let stack = support::Stack::start_with(EmulatorConfig {
        upstream_timeout: Duration::from_millis(400),
        breaker_cool_down: Duration::from_millis(1500),
        ..EmulatorConfig::default()
    })
    .await;
    support::node_test(
        "breaker.test.mjs",
        &[("APP_URL", stack.app_url.clone())],
        Duration::from_secs(60),
    )
    .await;
    stack.stop().await;
}
