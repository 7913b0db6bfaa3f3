//! `cargo socketio-fn dev` on the app `new` writes, with a real socket.io-client emitting an acked
//! event every 100 ms (`tests/e2e/dev.test.mjs`): three edits (a new ack text; a type error; the fix
//! with a third text), each new text served, the old one throughout the broken edit with the error
//! printed; the serving build killed, the events sent meanwhile answered once it is back; every event
//! acked exactly once, no disconnect; then Ctrl-C stops everything.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../tests/tests/support/process.rs"]
mod process;
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{fresh_dir, nested_target, new_app, workspace};

#[test]
fn edits_are_served_while_the_client_stays_connected() {
    let dir = new_app("dev-app", "my-lobby", &[]);
    let (app_port, emulator_port) = (process::free_port(), process::free_port());
    let log = fresh_dir("dev-log").join("dev.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut dev = process::Running(
        Command::new(env!("CARGO_BIN_EXE_cargo-socketio-fn"))
            .args(["socketio-fn", "dev", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", nested_target())
            .env("SOCKETIO_FN_ADDR", format!("127.0.0.1:{app_port}"))
            .env(
                "SOCKETIO_FN_EMULATOR_ADDR",
                format!("127.0.0.1:{emulator_port}"),
            )
            .env_remove("WebPubSubForSocketIOConnectionString")
            .stdout(Stdio::from(file.try_clone().unwrap()))
            .stderr(Stdio::from(file))
            .spawn()
            .unwrap(),
    );
    let shown = || std::fs::read_to_string(&log).unwrap_or_default();
    // The first build: the app's dependencies may not be built yet.
    let deadline = Instant::now() + Duration::from_secs(600);
    while !shown().contains("[dev] serving (pid") {
        assert!(
            Instant::now() < deadline,
            "the first build did not serve:\n{}",
            shown()
        );
        assert!(
            dev.0.try_wait().unwrap().is_none(),
            "dev exited:\n{}",
            shown()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let node = Command::new("node")
        .args(["--test", "--test-reporter=spec", "dev.test.mjs"])
        .current_dir(workspace().join("tests/e2e"))
        .env("APP_URL", format!("http://127.0.0.1:{app_port}"))
        .env("APP_MAIN", dir.join("src/lib.rs"))
        .env("DEV_LOG", &log)
        .output()
        .expect("node is needed for the end-to-end tests");
    assert!(
        node.status.success(),
        "{}\n{}\n--- dev:\n{}",
        String::from_utf8_lossy(&node.stdout),
        String::from_utf8_lossy(&node.stderr),
        shown()
    );
    // Ctrl-C: the tool stops the app and the emulator, and exits.
    let _ = Command::new("kill")
        .args(["-INT", &dev.0.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    while dev.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "dev did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(100));
    }
    for port in [app_port, emulator_port] {
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "something still listens on {port}:\n{}",
            shown()
        );
    }
    let output = shown();
    assert_eq!(output.matches("[dev] reloaded in ").count(), 2, "{output}");
    assert!(output.contains("error[E0308]"), "{output}");
}
