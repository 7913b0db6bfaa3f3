//! `cargo run -p timer` as a user runs it: a Node `socket.io-client` gets `update` every second through
//! the embedded emulator.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::time::Duration;

#[tokio::test]
async fn clients_receive_an_update_every_second() {
    let timer = support::Binary::start_local(env!("CARGO_BIN_EXE_timer"), &[]).await;
    support::node_test(
        "timer.test.mjs",
        &[("APP_URL", timer.url.clone())],
        Duration::from_secs(60),
    )
    .await;
}
