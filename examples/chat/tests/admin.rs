//! The Socket.IO Admin UI on the chat's embedded emulator (`SOCKETIO_FN_EMULATOR_ADMIN=on`): the real
//! UI (npm `@socket.io/admin-ui`'s `ui/dist`) in headless Chromium with two chat pages
//! (`tests/e2e/admin-ui.browser.mjs`); its protocol checked with real socket.io-clients
//! (`tests/e2e/admin.test.mjs`): without credentials on loopback, and with a user name and password
//! (wrong or missing ones refused, a session opened). Unsafe settings stop the start.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::time::Duration;

async fn admin_pass(env: &[(&str, String)], node_env: &[(&str, String)]) {
    let mut env = env.to_vec();
    env.push(("SOCKETIO_FN_EMULATOR_ADMIN", "on".to_owned()));
    let chat = support::Binary::start_local(env!("CARGO_BIN_EXE_chat"), &env).await;
    let output = chat.output();
    assert!(
        output.contains("Socket.IO Admin UI (development only)")
            && output.contains("path=/clients/socketio/hubs/hub")
            && output.contains("namespace=/admin"),
        "{output}"
    );
    let mut node_env = node_env.to_vec();
    node_env.push(("APP_URL", chat.url.clone()));
    node_env.push(("APP_LOG", chat.log.display().to_string()));
    support::node_test("admin.test.mjs", &node_env, Duration::from_secs(90)).await;
}

/// The real UI, driven as its users drive it. `ADMIN_SCREENSHOT=<png>` keeps a picture of it
/// (docs/images/admin-ui.png).
#[tokio::test]
async fn the_real_admin_ui_in_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&chromium).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Debian's chromium (see .ci/run)"
        );
        return;
    }
    let env = [("SOCKETIO_FN_EMULATOR_ADMIN", "on".to_owned())];
    let chat = support::Binary::start_local(env!("CARGO_BIN_EXE_chat"), &env).await;
    let mut node_env = vec![
        ("CHAT_URL", chat.url.clone()),
        ("CHAT_LOG", chat.log.display().to_string()),
        ("CHROMIUM", chromium),
    ];
    if let Ok(path) = std::env::var("ADMIN_SCREENSHOT") {
        node_env.push(("ADMIN_SCREENSHOT", path));
    }
    support::node_test("admin-ui.browser.mjs", &node_env, Duration::from_secs(120)).await;
}

#[tokio::test]
async fn the_admin_ui_sees_and_acts_on_loopback_without_credentials() {
    admin_pass(&[], &[]).await;
}

#[tokio::test]
async fn the_admin_ui_with_credentials_refuses_others_and_keeps_a_session() {
    let credentials = [
        ("SOCKETIO_FN_EMULATOR_ADMIN_USER", "ada".to_owned()),
        (
            "SOCKETIO_FN_EMULATOR_ADMIN_PASSWORD",
            "correct horse battery".to_owned(),
        ),
    ];
    let node = [
        ("ADMIN_USER", "ada".to_owned()),
        ("ADMIN_PASSWORD", "correct horse battery".to_owned()),
    ];
    admin_pass(&credentials, &node).await;
}

/// What stops the start, and says why (the password itself never printed).
#[test]
fn unsafe_admin_settings_stop_the_start() {
    for (env, expected) in [
        (
            vec![("SOCKETIO_FN_EMULATOR_ADMIN", "yes please")],
            "expected `on` or `off`",
        ),
        (
            vec![
                ("SOCKETIO_FN_EMULATOR_ADMIN", "on"),
                ("SOCKETIO_FN_EMULATOR_ADMIN_USER", "ada"),
            ],
            "set both",
        ),
        (
            vec![
                ("SOCKETIO_FN_EMULATOR_ADMIN", "on"),
                ("SOCKETIO_FN_EMULATOR_ADMIN_USER", "ada"),
                ("SOCKETIO_FN_EMULATOR_ADMIN_PASSWORD", "hunter2"),
            ],
            "SOCKETIO_FN_EMULATOR_ADMIN_PASSWORD",
        ),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_chat"))
            .env_remove("WebPubSubForSocketIOConnectionString")
            .env("SOCKETIO_FN_ADDR", "127.0.0.1:0")
            .env("SOCKETIO_FN_EMULATOR_ADDR", "127.0.0.1:0")
            .envs(env)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        assert!(!output.status.success(), "{text}");
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
