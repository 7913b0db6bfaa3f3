//! `cargo run -p chat` as a user runs it (the embedded emulator, no connection string), with two headless
//! Chromium pages chatting through it.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::time::Duration;

fn chromium() -> Option<String> {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    std::path::Path::new(&path).exists().then_some(path)
}

#[tokio::test]
async fn two_pages_chat_through_the_embedded_emulator() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Debian's chromium (see .ci/run)"
        );
        println!("SKIPPED: no /usr/bin/chromium (apt-get install chromium, or run .ci/run)");
        return;
    };
    let chat = support::Binary::start_local(env!("CARGO_BIN_EXE_chat"), &[]).await;
    assert!(
        chat.output()
            .contains("mode: local (embedded emulator at http://127.0.0.1:"),
        "{}",
        chat.output()
    );
    let url = chat.url.clone();
    let mut env = vec![("CHAT_URL", url), ("CHROMIUM", chromium)];
    if let Ok(path) = std::env::var("CHAT_SCREENSHOT") {
        env.push(("CHAT_SCREENSHOT", path));
    }
    support::node_test("chat.browser.mjs", &env, Duration::from_secs(90)).await;
}
