//! `cargo socketio-fn functions --bindings` on the chat example: the package field by field
//! (host.json, each function.json), then the package run as the Azure Functions host would run it —
//! a model of the host and its Socket.IO extension written from their sources
//! (`tests/tests/support/functions_host.rs`, sources cited there) — against the emulator, with real
//! socket.io-client sockets (`tests/e2e/bindings.test.mjs`), and raw invocations: the trigger's data
//! as a JSON string and as an object, a chunked body, a handler error that still answers the host.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../tests/tests/support/functions_host.rs"]
mod functions_host;
#[path = "../../tests/tests/support/process.rs"]
mod process;
mod support;

use functions_host::{Host, Package, post_chunked, timer_info};
use process::{Running, free_port};
use serde_json::{Value, json};
use socketio_fn_emulator::{Emulator, EmulatorConfig};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{as_the_host, fresh_dir, shown, tool, workspace};

/// host.json: the preview bundle (the only one with the Socket.IO extension), the app started with
/// the bindings argument, no forwarding, routes without a prefix.
fn check_host_json(host: &Value) {
    assert_eq!(host["version"], "2.0");
    assert_eq!(
        host["extensionBundle"],
        json!({"id": "Microsoft.Azure.Functions.ExtensionBundle.Preview", "version": "[4.*, 5.0.0)"})
    );
    let handler = &host["customHandler"];
    assert_eq!(handler["description"]["defaultExecutablePath"], "chat");
    assert_eq!(
        handler["description"]["arguments"],
        json!(["--socketio-fn-bindings"])
    );
    assert_eq!(handler["enableForwardingHttpRequest"], false);
    assert_eq!(host["extensions"]["http"]["routePrefix"], "");
}

/// Each function.json, field by field, as the extension's attributes read them.
fn check_functions(package: &Package) {
    let names: Vec<&String> = package.functions.keys().collect();
    assert_eq!(
        names,
        [
            "app",
            "ask",
            "clock",
            "connect",
            "connected",
            "direct_message",
            "disconnected",
            "join",
            "negotiate",
            "new_message",
            "who"
        ]
    );
    let trigger = |event: &str, parameters: Option<Value>| {
        let mut t = json!({"type": "socketiotrigger", "direction": "in", "name": "socketio", "hub": "hub", "namespace": "/", "eventName": event});
        if let Some(p) = parameters {
            t["parameterNames"] = p;
        }
        t
    };
    let out = json!({"type": "socketio", "direction": "out", "name": "out", "hub": "hub", "connection": "WebPubSubForSocketIOConnectionString"});
    // No `$return` binding anywhere: the return value goes to the trigger itself.
    assert_eq!(package.bindings("connect"), &vec![trigger("connect", None)]);
    assert_eq!(
        package.bindings("disconnected"),
        &vec![trigger("disconnected", None)]
    );
    assert_eq!(
        package.bindings("new_message"),
        &vec![
            trigger("new message", Some(json!(["message"]))),
            out.clone()
        ]
    );
    assert_eq!(
        package.bindings("direct_message"),
        &vec![trigger("dm", Some(json!(["to", "text"]))), out.clone()]
    );
    assert_eq!(
        package.bindings("who"),
        &vec![trigger("who", Some(json!(["room"])))]
    );
    assert_eq!(
        package.bindings("negotiate"),
        &vec![
            json!({"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["get", "post"], "route": "api/negotiate"}),
            json!({"type": "socketionegotiation", "direction": "in", "name": "negotiate", "hub": "hub", "connection": "WebPubSubForSocketIOConnectionString", "userId": "{query.userId}"}),
            json!({"type": "http", "direction": "out", "name": "res"}),
        ]
    );
    assert_eq!(
        package.bindings("clock"),
        &vec![
            json!({"type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 */10 * * * *"}),
            out
        ]
    );
    assert_eq!(package.bindings("app")[0]["route"], "{*path}");
    assert_eq!(
        package.bindings("app")[1],
        json!({"type": "http", "direction": "out", "name": "res"})
    );
}

/// The packaged executable as the host starts it: in the folder, its arguments from host.json, the
/// port and the app settings in its environment.
fn start_handler(package: &Package, port: u16, settings: &BTreeMap<String, String>) -> Running {
    let description = &package.host["customHandler"]["description"];
    let executable = description["defaultExecutablePath"].as_str().unwrap();
    let arguments: Vec<&str> = description["arguments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let settings: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut command = as_the_host(&package.dir, executable, &arguments, port, &settings);
    Running(command.stderr(Stdio::inherit()).spawn().unwrap())
}

/// Waits for the handler to answer (the host's readiness probe: any response counts).
async fn ready(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the handler did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn package_chat(folder: &Path) {
    let manifest = workspace().join("examples/chat/Cargo.toml");
    let out = tool(&[
        "functions",
        "--bindings",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--profile",
        "dev",
        "--out",
        folder.to_str().unwrap(),
        "--zip",
    ]);
    assert!(out.status.success(), "{}", shown(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("/runtime/webhooks/socketio?code=<the socketio_extension system key>"),
        "{stdout}"
    );
}

/// A connect invocation's `Data.socketio`, as a JSON string (the custom handler's form) or an object.
fn connect_data(as_string: bool) -> Value {
    let request = json!({"namespace": "/", "socketId": "s1", "claims": {"sub": ["x".repeat(65)]}, "query": {}, "headers": {}, "clientCertificates": []});
    let request = if as_string {
        Value::String(serde_json::to_string_pretty(&request).unwrap())
    } else {
        request
    };
    json!({"Data": {"socketio": request}, "Metadata": {"ConnectionContext": {"Hub": "hub", "UserId": "x".repeat(65), "ConnectionId": "c1"}}})
}

async fn raw(port: u16, function: &str, body: &str) -> Value {
    let (status, headers, answer) =
        post_chunked(&format!("127.0.0.1:{port}"), function, body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(headers["content-type"], "application/json");
    serde_json::from_str(&answer).unwrap()
}

/// Invocations straight to the handler: both forms of the trigger's data, a handler error, a bad
/// body, a timer's TimerInfo; each answered 200 with JSON, so the host never fails an invocation.
async fn raw_invocations(port: u16) {
    for as_string in [true, false] {
        let answer = raw(port, "connect", &connect_data(as_string).to_string()).await;
        assert_eq!(
            answer["ReturnValue"],
            json!({"statusCode": 400}),
            "a 65-character user is refused: {answer}"
        );
        // The extension sends a refusal without a body: its reason is in the host's log.
        let log = answer["Logs"][0].as_str().unwrap();
        assert!(log.contains("at most 64 characters"), "{answer}");
    }
    let accepted = connect_data(true)
        .to_string()
        .replace(&"x".repeat(65), "ann");
    assert_eq!(
        raw(port, "connect", &accepted).await["ReturnValue"],
        json!({"statusCode": 200})
    );
    // An acked event: the ack values and the output in `Outputs`.
    let message = |payload: &str| {
        let request = json!({"namespace": "/", "socketId": "s1", "payload": payload});
        let data = serde_json::to_string(&request).unwrap();
        json!({"Data": {"socketio": data}, "Metadata": {"ConnectionContext": {"Hub": "hub", "UserId": "ann"}}})
    };
    let body = message(r#"427["new message","hi"]"#);
    let answer = raw(port, "new_message", &body.to_string()).await;
    assert_eq!(
        answer["ReturnValue"],
        json!({"statusCode": 200, "ack": ["ok"]})
    );
    assert_eq!(
        answer["Outputs"]["out"],
        json!([{"actionName": "sendToNamespace", "namespace": "/", "eventName": "new message", "parameters": ["ann", "hi"], "exceptRooms": []}])
    );
    // A handler error (an argument of the wrong type): still 200 with the status for the trigger.
    let bad = message(r#"427["new message",5]"#).to_string();
    let answer = raw(port, "new_message", &bad).await;
    assert_eq!(answer["ReturnValue"]["statusCode"], 400, "{answer}");
    assert!(
        answer["Logs"][0].as_str().unwrap().contains("message"),
        "{answer}"
    );
    assert_eq!(
        answer["Outputs"],
        json!({}),
        "no output of a failed function"
    );
    // A body that is not an invocation.
    let answer = raw(port, "join", "not json").await;
    assert_eq!(answer["ReturnValue"], json!({"statusCode": 400}));
    assert!(
        answer["Logs"][0]
            .as_str()
            .unwrap()
            .contains("not a JSON object"),
        "{answer}"
    );
    // A function this build does not have (a package older than the binary): still an answer.
    let answer = raw(port, "no_such_function", "{}").await;
    assert_eq!(answer["ReturnValue"], json!({"statusCode": 404}));
    assert!(
        answer["Logs"][0]
            .as_str()
            .unwrap()
            .contains("no function `no_such_function`"),
        "{answer}"
    );
    // A timer with the host's TimerInfo.
    let info = timer_info("2026-12-07T20:00:00Z", "2026-12-07T20:10:00Z", true);
    let answer = raw(
        port,
        "clock",
        &json!({"Data": {"timer": info}, "Metadata": {}}).to_string(),
    )
    .await;
    assert_eq!(
        answer["Outputs"]["out"][0]["parameters"],
        json!(["2026-12-07T20:10:00Z"])
    );
    assert_eq!(answer["ReturnValue"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_runs_under_the_functions_host_in_bindings_mode() {
    let folder = fresh_dir("functions-bindings").join("functions-app");
    package_chat(&folder);
    let package = Package::read(&folder);
    check_host_json(&package.host);
    check_functions(&package);
    let zip = std::fs::read(folder.with_extension("zip")).unwrap();
    let zip_text = String::from_utf8_lossy(&zip);
    for name in package.functions.keys() {
        assert!(
            zip_text.contains(&format!("{name}/function.json")),
            "{name} is in the zip"
        );
    }

    let host_port = free_port();
    let emulator = Emulator::start(EmulatorConfig {
        upstream: Some(format!(
            "http://127.0.0.1:{host_port}/runtime/webhooks/socketio"
        )),
        ..Default::default()
    })
    .await
    .unwrap();
    let settings: BTreeMap<String, String> = [
        ("FUNCTIONS_WORKER_RUNTIME", "custom".to_owned()),
        (
            "WebPubSubForSocketIOConnectionString",
            emulator.connection_string(),
        ),
        ("RUST_LOG", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let handler_port = free_port();
    let _handler = start_handler(&package, handler_port, &settings);
    ready(handler_port).await;
    let host = Host::new(package, handler_port, settings);
    let seen = host.seen.clone();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", host_port))
        .await
        .unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, host.router()).await });

    raw_invocations(handler_port).await;

    let node = Command::new("node")
        .args(["--test", "--test-reporter=spec", "bindings.test.mjs"])
        .current_dir(workspace().join("tests/e2e"))
        .env("HOST_URL", format!("http://127.0.0.1:{host_port}"))
        .output()
        .expect("node is needed for the end-to-end tests");
    assert!(
        node.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&node.stdout),
        String::from_utf8_lossy(&node.stderr)
    );
    // What went through the host: the broadcast as the `socketio` output, the dm (sendToUser, which
    // the binding cannot express) through the app's REST client, so no output.
    let seen = seen.lock().unwrap().clone();
    let of = |f: &str| {
        seen.iter()
            .filter(|s| s.function == f)
            .map(|s| s.body.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of("new_message").last().unwrap()["Outputs"]["out"][0]["actionName"],
        "sendToNamespace"
    );
    assert_eq!(of("direct_message").last().unwrap()["Outputs"], json!({}));
    assert_eq!(
        of("connect")
            .iter()
            .filter(|a| a["ReturnValue"]["statusCode"] == 400)
            .count(),
        1
    );
    server.abort();
    emulator.stop().await;
}
