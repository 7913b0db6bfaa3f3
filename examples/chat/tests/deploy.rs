//! The real `chat` binary as it would be deployed: what starts where (the emulator only on a loopback
//! laptop), logs a container platform can read, health checks, and SIGTERM during an in-flight
//! invocation whose output action still reaches the service.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

#[path = "../../../socketio-fn-core/tests/common/fake_service.rs"]
mod fake_service;
#[path = "../../../tests/tests/support/process.rs"]
mod process;

use fake_service::{FakeService, Reply};
use process::{Running, free_port};
use socketio_fn::protocol::AccessKey;
use socketio_fn::protocol::cloud_events::UpstreamRequest;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "deploy-test-key";

/// The chat binary in a fresh directory with only the given environment (plus PATH/HOME, and the
/// loader's search path that `cargo test` sets for a binary built with `socketio-fn/dynamic-linking`).
fn chat(env: &[(&str, String)]) -> Command {
    let dir = std::env::temp_dir().join(format!(
        "chat-deploy-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat"));
    command.current_dir(dir).env_clear();
    for name in [
        "PATH",
        "HOME",
        "LD_LIBRARY_PATH",
        "DYLD_FALLBACK_LIBRARY_PATH",
    ] {
        if let Ok(v) = std::env::var(name) {
            command.env(name, v);
        }
    }
    command.env("RUST_LOG", "info");
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

/// Runs to completion (bounded) and returns (exit code, stdout + stderr).
fn run_to_end(mut command: Command) -> (Option<i32>, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr);
            return (status.code(), text);
        }
        assert!(
            Instant::now() < deadline,
            "the chat binary did not stop by itself"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn no_emulator_by_accident() {
    let port = free_port();
    // On a hosting platform (the variable is set), without a connection: an error naming the setting.
    let (code, out) = run_to_end(chat(&[
        ("CONTAINER_APP_NAME", "chat".into()),
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
    ]));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("no `WebPubSubForSocketIOConnectionString` is set and `CONTAINER_APP_NAME` says the app runs on a hosting platform"),
        "{out}"
    );
    assert!(!out.contains("started the local Web PubSub"), "{out}");
    // Listening on every interface (a container's `PORT`), without a connection: the same.
    let (code, out) = run_to_end(chat(&[("PORT", port.to_string())]));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "listens on 0.0.0.0:{port}, which is not a loopback address"
        )),
        "{out}"
    );
    // `SOCKETIO_FN_EMULATOR=off` on a laptop: the same.
    let (code, out) = run_to_end(chat(&[
        ("SOCKETIO_FN_EMULATOR", "off".into()),
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
    ]));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("`SOCKETIO_FN_EMULATOR=off`"), "{out}");
}

/// Starts the binary, waits for its health endpoint, returns it with its log file.
async fn start(env: &[(&str, String)], port: u16) -> (Running, std::path::PathBuf) {
    let log = std::env::temp_dir().join(format!("chat-deploy-log-{}-{port}", std::process::id()));
    let file = std::fs::File::create(&log).unwrap();
    let child = chat(env)
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await {
            assert_eq!(r.status(), 200);
            assert_eq!(r.text().await.unwrap(), "ok");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "chat did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (running, log)
}

/// A signed `new message` from socket `s1`, with ack id 5.
fn new_message(port: u16) -> reqwest::RequestBuilder {
    let upstream = UpstreamRequest::event("hub", "new message", "425[\"new message\",\"hello\"]")
        .connection("c1", "s1")
        .origin(Some("127.0.0.1"))
        .signed(&AccessKey::new(KEY));
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/runtime/webhooks/socketio"))
        .headers(upstream.headers().unwrap())
        .body(upstream.body().to_owned())
}

#[tokio::test]
async fn json_logs_health_and_one_line_per_invocation() {
    let service = FakeService::start(vec![]).await;
    let port = free_port();
    let env = [
        (
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint={};AccessKey={KEY}", service.base),
        ),
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
        ("SOCKETIO_FN_LOG_FORMAT", "json".into()),
    ];
    let (running, log) = start(&env, port).await;
    let ready: serde_json::Value = serde_json::from_str(
        &reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ready["mode"], "key");
    assert_eq!(ready["auth"]["signature"], true);
    let reply = new_message(port).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.text().await.unwrap(), "435[\"ok\"]");
    drop(running);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let mode = lines
        .iter()
        .find(|l| l["fields"]["mode"].is_string())
        .unwrap_or_else(|| panic!("no mode line in {text}"));
    assert_eq!(mode["fields"]["mode"], "key");
    assert_eq!(mode["fields"]["auth"], "signature (access key)");
    let executed = lines
        .iter()
        .find(|l| l["fields"]["outcome"] == "Succeeded")
        .unwrap_or_else(|| panic!("no invocation line in {text}"));
    assert_eq!(executed["span"]["function"], "new_message");
    assert_eq!(executed["span"]["socket_id"], "s1");
    assert!(executed["fields"]["duration_ms"].as_f64().unwrap() >= 0.0);
    assert!(
        executed["fields"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Executed 'new_message' (Succeeded, Duration="),
        "{executed}"
    );
    assert!(!text.contains(KEY), "the key is never logged");
    assert!(
        !text.contains('\u{1b}'),
        "no terminal escapes in a log file"
    );
}

#[tokio::test]
async fn a_piped_text_log_has_no_colours() {
    let port = free_port();
    let env = [
        (
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint=http://127.0.0.1:1;AccessKey={KEY}"),
        ),
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
    ];
    let (running, log) = start(&env, port).await;
    drop(running);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("mode: key-based connection to http://127.0.0.1:1"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_invocation_and_its_action_finish() {
    // The service holds its reply to the output action for a while: the invocation is in flight when
    // SIGTERM arrives.
    let service = FakeService::start(vec![Reply::Slow(Duration::from_millis(1500))]).await;
    let port = free_port();
    let env = [
        (
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint={};AccessKey={KEY}", service.base),
        ),
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
        ("SOCKETIO_FN_SHUTDOWN_GRACE_SECS", "10".into()),
    ];
    let (mut running, log) = start(&env, port).await;
    let reply = tokio::spawn(new_message(port).send());
    let deadline = Instant::now() + Duration::from_secs(10);
    while service.requests().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the output action never reached the service"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let term = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &running.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // The in-flight invocation completes and answers its ack...
    let reply = reply.await.unwrap().unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.text().await.unwrap(), "435[\"ok\"]");
    // ...its action was delivered whole...
    let got = service.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, "42[\"new message\",\"s1\",\"hello\"]");
    // ...and the process exits 0 within the grace period.
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status.code();
        }
        assert!(
            Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(code, Some(0), "{}", std::fs::read_to_string(&log).unwrap());
    assert!(term.elapsed() < Duration::from_secs(10));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("SIGTERM: shutting down"), "{text}");
}

#[tokio::test]
async fn local_mode_with_a_chosen_emulator_key_never_logs_it() {
    use socketio_fn::protocol::token::{TokenClaims, sign, unix_now};
    let (port, emulator_port) = (free_port(), free_port());
    let chosen = "a-local-key-of-my-choice-32-characters-long";
    let env = [
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
        (
            "SOCKETIO_FN_EMULATOR_ADDR",
            format!("127.0.0.1:{emulator_port}"),
        ),
        ("SOCKETIO_FN_EMULATOR_KEY", chosen.to_owned()),
    ];
    let (running, log) = start(&env, port).await;
    // Another tool reaches the embedded emulator's REST API with the chosen key; a wrong one is 401.
    let url = format!(
        "http://127.0.0.1:{emulator_port}/api/hubs/chat/:generateToken?userId=u&api-version=2024-01-01"
    );
    let call = |key: &'static str| {
        let token = sign(
            &TokenClaims::new(url.clone(), unix_now(), 300, None),
            &AccessKey::new(key),
        )
        .unwrap();
        reqwest::Client::new().post(&url).bearer_auth(token).send()
    };
    assert_eq!(call(chosen).await.unwrap().status(), 200);
    assert_eq!(call("another-key").await.unwrap().status(), 401);
    drop(running);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("mode: local (embedded emulator at http://127.0.0.1:"),
        "{text}"
    );
    assert!(!text.contains(chosen), "the key is in the log: {text}");
}

/// Posts a signed event with `packet` as its body; returns the status.
async fn post_event(port: u16, packet: &str) -> u16 {
    let upstream = UpstreamRequest::event("hub", "new message", packet)
        .connection("c1", "s1")
        .origin(Some("127.0.0.1"))
        .signed(&AccessKey::new(KEY));
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/runtime/webhooks/socketio"))
        .headers(upstream.headers().unwrap())
        .body(upstream.body().to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn hostile_values_cannot_forge_log_lines() {
    for format in ["text", "json"] {
        let service = FakeService::start(vec![]).await;
        let port = free_port();
        let env = [
            (
                "WebPubSubForSocketIOConnectionString",
                format!("Endpoint={};AccessKey={KEY}", service.base),
            ),
            ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
            ("SOCKETIO_FN_LOG_FORMAT", format.into()),
            ("RUST_LOG", "debug".into()),
        ];
        let (running, log) = start(&env, port).await;
        // The chat function logs the text; the webhook's debug line quotes a refused packet's name.
        let forged = "hi\\nFORGED INFO chat: a line nobody wrote\\r\\u001b[2K";
        let packet = format!("425[\"new message\",\"{forged}\"]");
        assert_eq!(post_event(port, &packet).await, 200);
        let refused = "42[\"new\\nFORGED refused\",\"x\"]";
        assert_eq!(post_event(port, refused).await, 400);
        drop(running);
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(
            text.contains("a line nobody wrote"),
            "{format}: the message was logged: {text}"
        );
        for line in text.lines() {
            assert!(
                !line.starts_with("FORGED"),
                "{format}: a forged line: {text}"
            );
            assert!(
                !line.contains('\u{1b}'),
                "{format}: a terminal escape: {line:?}"
            );
            if format == "json" && !line.starts_with("chat page:") {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("{e}: one JSON record per line: {line}"));
            }
        }
    }
}

#[test]
fn a_short_emulator_key_is_refused() {
    let (port, emulator_port) = (free_port(), free_port());
    let (code, out) = run_to_end(chat(&[
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
        (
            "SOCKETIO_FN_EMULATOR_ADDR",
            format!("127.0.0.1:{emulator_port}"),
        ),
        ("SOCKETIO_FN_EMULATOR_KEY", "short-key".into()),
    ]));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("setting `SOCKETIO_FN_EMULATOR_KEY` is shorter than 32 characters"),
        "{out}"
    );
    assert!(!out.contains("short-key"), "the key is not echoed: {out}");
}

#[tokio::test]
async fn the_first_log_line_is_the_mode() {
    let (port, emulator_port) = (free_port(), free_port());
    let env = [
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
        (
            "SOCKETIO_FN_EMULATOR_ADDR",
            format!("127.0.0.1:{emulator_port}"),
        ),
    ];
    let (running, log) = start(&env, port).await;
    drop(running);
    let text = std::fs::read_to_string(&log).unwrap();
    // The chat's own `println!` of its page comes first; the first tracing line is the mode.
    let first = text
        .lines()
        .find(|l| l.contains(" INFO ") || l.contains(" WARN "))
        .unwrap();
    assert!(
        first.contains(&format!(
            "mode: local (embedded emulator at http://127.0.0.1:{emulator_port}, as no \
             `WebPubSubForSocketIOConnectionString` is set"
        )),
        "{text}"
    );
}

#[test]
fn a_port_in_use_names_its_setting() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, out) = run_to_end(chat(&[
        (
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint=http://127.0.0.1:1;AccessKey={KEY}"),
        ),
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}")),
    ]));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "cannot listen on 127.0.0.1:{port} (from `SOCKETIO_FN_ADDR`)"
        )),
        "{out}"
    );
    // The embedded emulator's address: its own setting.
    let (code, out) = run_to_end(chat(&[
        ("SOCKETIO_FN_ADDR", format!("127.0.0.1:{}", free_port())),
        ("SOCKETIO_FN_EMULATOR_ADDR", format!("127.0.0.1:{port}")),
    ]));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "cannot listen on 127.0.0.1:{port} (from `SOCKETIO_FN_EMULATOR_ADDR`)"
        )),
        "{out}"
    );
    drop(taken);
}

#[test]
fn json_logs_report_a_startup_failure_as_json() {
    let (code, out) = run_to_end(chat(&[
        ("PORT", free_port().to_string()),
        ("SOCKETIO_FN_LOG_FORMAT", "json".into()),
    ]));
    assert_eq!(code, Some(1), "{out}");
    let record = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|r| r["fields"]["message"] == "start-up failed")
        .unwrap_or_else(|| panic!("no JSON start-up record: {out}"));
    assert_eq!(record["level"], "ERROR");
    assert!(
        record["fields"]["error"]
            .as_str()
            .unwrap()
            .contains("no `WebPubSubForSocketIOConnectionString` is set"),
        "{record}"
    );
}

#[test]
fn a_broken_local_settings_file_is_named_with_its_directory() {
    let dir = std::env::temp_dir().join(format!("chat-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("local.settings.json"), "{ not json").unwrap();
    let mut command = chat(&[("SOCKETIO_FN_ADDR", format!("127.0.0.1:{}", free_port()))]);
    command.current_dir(&dir);
    let (code, out) = run_to_end(command);
    assert_eq!(code, Some(1), "{out}");
    let path = dir.canonicalize().unwrap().join("local.settings.json");
    assert!(
        out.contains(&format!("cannot read `{}`", path.display())),
        "{out}"
    );
}
