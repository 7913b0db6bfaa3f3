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
