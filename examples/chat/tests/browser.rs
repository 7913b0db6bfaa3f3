//! `cargo run -p chat` as a user runs it (the embedded emulator, no connection string), with two headless
//! Chromium pages chatting through it.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let (app, emulator) = (free_port(), free_port());
    let workdir = std::env::temp_dir().join(format!("chat-browser-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let log = workdir.join("chat.log");
    let child = Command::new(env!("CARGO_BIN_EXE_chat"))
        .current_dir(&workdir)
        .env_remove("WebPubSubForSocketIOConnectionString")
        .env("SOCKETIO_FN_ADDR", format!("127.0.0.1:{app}"))
        .env("SOCKETIO_FN_EMULATOR_ADDR", format!("127.0.0.1:{emulator}"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::from(
            std::fs::File::create(workdir.join("chat.err")).unwrap(),
        ))
        .spawn()
        .unwrap();
    let _running = Running(child);
    let url = format!("http://127.0.0.1:{app}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest_get(&url).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the chat app did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    let logged = logged + &std::fs::read_to_string(workdir.join("chat.err")).unwrap_or_default();
    assert!(
        logged.contains(&format!("emulator at http://127.0.0.1:{emulator}")),
        "{logged}"
    );
    let mut env = vec![("CHAT_URL", url), ("CHROMIUM", chromium)];
    if let Ok(path) = std::env::var("CHAT_SCREENSHOT") {
        env.push(("CHAT_SCREENSHOT", path));
    }
    support::node_test("chat.browser.mjs", &env, Duration::from_secs(90)).await;
}

async fn reqwest_get(url: &str) -> Result<(), ()> {
    let stream = tokio::net::TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .map_err(drop)?;
    drop(stream);
    Ok(())
}
