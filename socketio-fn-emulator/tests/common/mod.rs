//! What the emulator's program tests share: a free port, a Socket.IO CONNECT over Engine.IO
//! long-polling.
#![allow(dead_code, unreachable_pub)]

#[path = "../../../tests/tests/support/process.rs"]
mod process;

pub use process::free_port;

use socketio_fn_core::protocol::AccessKey;
use socketio_fn_core::protocol::token::{TokenClaims, sign, unix_now};

/// Connects a Socket.IO client over Engine.IO long-polling as user `u` and returns what the server
/// answers to its CONNECT packet (`40{...}` accepted, `44{...}` a `connect_error`).
pub async fn connect_over_polling(endpoint: &str, key: &str) -> String {
    let aud = format!("{endpoint}/clients/socketio/hubs/hub");
    let token = sign(
        &TokenClaims::new(aud, unix_now(), 600, Some("u".into())),
        &AccessKey::new(key),
    )
    .unwrap();
    let base = format!(
        "{endpoint}/clients/socketio/hubs/hub/?EIO=4&transport=polling&access_token={token}"
    );
    let http = reqwest::Client::new();
    let open = http.get(&base).send().await.unwrap().text().await.unwrap();
    let sid = open
        .split("\"sid\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let url = format!("{base}&sid={sid}");
    http.post(&url).body("40").send().await.unwrap();
    let mut answer = String::new();
    for _ in 0..20 {
        answer = http.get(&url).send().await.unwrap().text().await.unwrap();
        if answer.contains("44") || answer.contains("40{") {
            break;
        }
    }
    answer
}
