//! The chat binary with the embedded emulator and real `socket.io-client`s: `POST /api/broadcast` (an
//! HTTP route sending through a service handle) reaches exactly the room, and `GET /api/stats` reads the
//! counter the `new message` function updates (shared state); presence (`who`: the room's members), a
//! direct message to every tab of a user (`dm`) and a question a room answers with acks (`ask`).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::time::Duration;

/// The chat binary in local mode with `env`.
async fn chat(env: &[(&str, String)]) -> support::Binary {
    support::Binary::start_local(env!("CARGO_BIN_EXE_chat"), env).await
}

/// `chat.rooms.test.mjs` (rooms, presence, direct messages, acks, HTTP routes) against `chat`, and
/// `readme.test.mjs` (the README's client snippet, as written).
async fn rooms_pass(chat: &support::Binary) {
    for file in ["chat.rooms.test.mjs", "readme.test.mjs"] {
        support::node_test(
            file,
            &[("APP_URL", chat.url.clone())],
            Duration::from_secs(60),
        )
        .await;
    }
}

/// By default the embedded emulator hands the webhook calls to the app in process (each call's log
/// line says `via=in-process`).
#[tokio::test]
async fn an_http_route_reaches_exactly_the_room_and_state_is_shared() {
    let chat = chat(&[]).await;
    rooms_pass(&chat).await;
    assert!(
        chat.output().contains("via=in-process"),
        "{}",
        chat.output()
    );
    assert!(!chat.output().contains("via=http"), "{}", chat.output());
}

/// `SOCKETIO_FN_WEBHOOK_PATH` moves the webhook everywhere: the app serves it there (and not at the
/// default path) and the embedded emulator calls it there, so the same clients still chat.
#[tokio::test]
async fn the_webhook_path_setting_moves_the_webhook_everywhere() {
    let chat = chat(&[("SOCKETIO_FN_WEBHOOK_PATH", "/hooks/sio".to_owned())]).await;
    assert!(
        chat.output()
            .contains(&format!("the webhook at {}/hooks/sio accepts", chat.url)),
        "{}",
        chat.output()
    );
    let old = reqwest::Client::new()
        .post(format!("{}/runtime/webhooks/socketio", chat.url))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404);
    rooms_pass(&chat).await;
}

/// With `SOCKETIO_FN_EMULATOR_TRANSPORT=http` the embedded emulator sends the webhook calls over
/// loopback HTTP, as the service does, and the same clients chat. Any other value than `in-process`
/// or `http` stops start-up with an error naming the setting.
#[tokio::test]
async fn the_embedded_emulator_calls_over_http_when_asked() {
    let chat = chat(&[("SOCKETIO_FN_EMULATOR_TRANSPORT", "http".to_owned())]).await;
    rooms_pass(&chat).await;
    assert!(chat.output().contains("via=http"), "{}", chat.output());
    assert!(
        !chat.output().contains("via=in-process"),
        "{}",
        chat.output()
    );

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_chat"))
        .env_remove("WebPubSubForSocketIOConnectionString")
        .env(
            "SOCKETIO_FN_ADDR",
            format!("127.0.0.1:{}", support::free_port()),
        )
        .env(
            "SOCKETIO_FN_EMULATOR_ADDR",
            format!("127.0.0.1:{}", support::free_port()),
        )
        .env("SOCKETIO_FN_EMULATOR_TRANSPORT", "pigeon")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(
        stderr.contains("SOCKETIO_FN_EMULATOR_TRANSPORT") && stderr.contains("pigeon"),
        "{stderr}"
    );
}

/// Values a client chose (its user id, its message) are logged as quoted, escaped string fields: a
/// quote cannot forge a field, a newline cannot forge a line.
#[tokio::test]
async fn the_log_escapes_what_a_client_chose() {
    let chat = chat(&[]).await;
    support::node_test(
        "chat.log.test.mjs",
        &[("APP_URL", chat.url.clone())],
        Duration::from_secs(30),
    )
    .await;
    let log = chat.output();
    assert!(
        log.contains(r#"from="admin\" outcome=\"Failed" text="hi\nFORGED line""#),
        "{log}"
    );
    assert!(log.contains(r#"user="admin\" outcome=\"Failed""#), "{log}");
    assert!(!log.contains(r#"from=admin" outcome="Failed"#), "{log}");
    assert!(!log.lines().any(|l| l.starts_with("FORGED")), "{log}");
}
