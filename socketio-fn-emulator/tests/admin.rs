//! The standalone emulator's `--admin`: refused without credentials on an address that is not
//! loopback; on loopback it says how to connect the Socket.IO Admin UI and serves namespace `/admin`
//! without a client token (other namespaces still require one).
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::free_port;
use std::process::{Command, Stdio};
use std::time::Duration;

const KEY: &str = "an-emulator-key-for-the-admin-test-0123456789";

#[test]
fn an_open_admin_ui_beyond_loopback_stops_the_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_socketio-fn-emulator"))
        .args(["--admin", "--address", "0.0.0.0:0", "--access-key", KEY])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("only served on a loopback address"), "{text}");
}

/// One Engine.IO session over polling that sends `packet` and returns what comes back until `until`
/// is among it (a few polls at most).
async fn over_polling(endpoint: &str, packet: &str, until: &str) -> String {
    let base = format!("{endpoint}/clients/socketio/hubs/hub/?EIO=4&transport=polling");
    let http = reqwest::Client::new();
    let open = http.get(&base).send().await.unwrap().text().await.unwrap();
    let sid = open
        .split("\"sid\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let url = format!("{base}&sid={sid}");
    http.post(&url)
        .body(packet.to_owned())
        .send()
        .await
        .unwrap();
    let mut seen = String::new();
    for _ in 0..10 {
        seen.push_str(&http.get(&url).send().await.unwrap().text().await.unwrap());
        if seen.contains(until) {
            break;
        }
    }
    seen
}

#[tokio::test]
async fn the_standalone_emulator_serves_the_admin_ui_on_loopback() {
    let address = free_port();
    let dir = std::env::temp_dir().join(format!("emulator-admin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("out.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socketio-fn-emulator"))
        .args([
            "--admin",
            "--address",
            &format!("127.0.0.1:{address}"),
            "--access-key",
            KEY,
        ])
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    let endpoint = format!("http://127.0.0.1:{address}");
    for _ in 0..100 {
        if reqwest::get(format!("{endpoint}/healthz")).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let admin = over_polling(&endpoint, "40/admin,", "[\"config\"").await;
    let client = over_polling(&endpoint, "40", "44{").await;
    let _ = child.kill();
    let _ = child.wait();
    let output = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        output.contains("Socket.IO Admin UI (development only)")
            && output.contains(&format!("Server URL {endpoint}"))
            && output.contains("Namespace /admin"),
        "{output}"
    );
    // The UI's namespace answers CONNECT, then `config`, without a token.
    assert!(admin.contains("40/admin,{\"sid\""), "{admin}");
    assert!(admin.contains("42/admin,[\"config\""), "{admin}");
    // A client namespace still needs one.
    assert!(
        client.contains("44{") && client.contains("Unauthorized"),
        "{client}"
    );
}
