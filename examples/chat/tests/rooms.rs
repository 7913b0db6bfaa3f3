//! The chat binary with the embedded emulator and real `socket.io-client`s: `POST /api/broadcast` (an
//! HTTP route sending through a service handle) reaches exactly the room, and `GET /api/stats` reads the
//! counter the `new message` function updates (shared state); presence (`who`: the room's members), a
//! direct message to every tab of a user (`dm`) and a question a room answers with acks (`ask`).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::time::Duration;

#[tokio::test]
async fn an_http_route_reaches_exactly_the_room_and_state_is_shared() {
    let chat = support::Binary::start_local(env!("CARGO_BIN_EXE_chat"), &[]).await;
    support::node_test(
        "chat.rooms.test.mjs",
        &[("APP_URL", chat.url.clone())],
        Duration::from_secs(60),
    )
    .await;
}

/// `SOCKETIO_FN_WEBHOOK_PATH` moves the webhook everywhere: the app serves it there (and not at the
/// default path) and the embedded emulator calls it there, so the same clients still chat.
#[tokio::test]
async fn the_webhook_path_setting_moves_the_webhook_everywhere() {
    let chat = support::Binary::start_local(
        env!("CARGO_BIN_EXE_chat"),
        &[("SOCKETIO_FN_WEBHOOK_PATH", "/hooks/sio".to_owned())],
    )
    .await;
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
    support::node_test(
        "chat.rooms.test.mjs",
        &[("APP_URL", chat.url.clone())],
        Duration::from_secs(60),
    )
    .await;
}
