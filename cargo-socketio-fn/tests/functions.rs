//! `cargo socketio-fn functions`: the folder's `host.json` and `function.json` field by field against
//! the Functions host's documented schema (custom handlers, HTTP trigger), the zip, and the packaged
//! executable started as the host starts it — in the folder, with `FUNCTIONS_CUSTOMHANDLER_PORT` and
//! the app settings as environment — answering a signed connect at `/api/socketio` and a
//! negotiation at `/api/negotiate`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../tests/tests/support/process.rs"]
mod process;
mod support;

use process::Running;
use serde_json::{Value, json};
use socketio_fn_core::protocol::AccessKey;
use socketio_fn_core::protocol::cloud_events::UpstreamRequest;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use support::{as_the_host, fresh_dir, new_app, shown, tool};

const KEY: &str = "functions-test-access-key";

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// host.json (Functions 2.0+ schema): `version` "2.0"; `customHandler.description.
/// defaultExecutablePath` the executable, relative to the folder; `enableForwardingHttpRequest` so
/// HTTP-only functions get the request itself; no `extensionBundle` (only the built-in HTTP trigger).
fn check_host_json(host: &Value) {
    assert_eq!(host["version"], "2.0");
    let handler = &host["customHandler"];
    assert_eq!(
        handler["description"]["defaultExecutablePath"],
        "packaged-app"
    );
    assert_eq!(handler["description"]["workingDirectory"], "");
    assert_eq!(handler["description"]["arguments"], json!([]));
    assert_eq!(handler["enableForwardingHttpRequest"], true);
    assert!(host.get("extensionBundle").is_none(), "{host}");
    assert_eq!(host["extensions"]["http"]["routePrefix"], "");
    let keys: Vec<&String> = host.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["version", "customHandler", "extensions"], "{host}");
}

/// function.json: one `httpTrigger` in (name, anonymous, every method the app answers, the catch-all
/// route) and its `http` out binding.
fn check_function_json(function: &Value) {
    let bindings = function["bindings"].as_array().unwrap();
    assert_eq!(bindings.len(), 2, "{function}");
    let trigger = &bindings[0];
    assert_eq!(trigger["type"], "httpTrigger");
    assert_eq!(trigger["direction"], "in");
    assert_eq!(trigger["name"], "req");
    assert_eq!(trigger["authLevel"], "anonymous");
    assert_eq!(trigger["route"], "{*path}");
    let methods: Vec<&str> = trigger["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let schema_methods = [
        "get", "post", "delete", "head", "patch", "put", "options", "trace",
    ];
    for method in ["get", "post", "options"] {
        assert!(methods.contains(&method), "{method} missing: {methods:?}");
    }
    assert!(
        methods.iter().all(|m| schema_methods.contains(m)),
        "{methods:?}"
    );
    assert_eq!(
        bindings[1],
        json!({"type": "http", "direction": "out", "name": "res"})
    );
}

fn check_zip(path: &Path, folder: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["app/function.json", "host.json", "packaged-app"]);
    let mut exe = archive.by_name("packaged-app").unwrap();
    assert_eq!(exe.unix_mode().unwrap() & 0o777, 0o755);
    let mut bytes = Vec::new();
    exe.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, std::fs::read(folder.join("packaged-app")).unwrap());
}

/// The executable as the host runs it: in the folder, with only the host's variables and the app
/// settings in its environment.
fn start_as_the_host(folder: &Path, port: u16) -> Running {
    let connection = format!("Endpoint=http://localhost;AccessKey={KEY};Version=1.0;");
    let settings = [
        ("FUNCTIONS_WORKER_RUNTIME", "custom"),
        ("SOCKETIO_FN_LOG_FORMAT", "json"),
        ("WebPubSubForSocketIOConnectionString", connection.as_str()),
    ];
    let mut command = as_the_host(folder, "packaged-app", &[], port, &settings);
    Running(command.stderr(Stdio::null()).spawn().unwrap())
}

#[tokio::test]
async fn the_package_runs_under_the_host_contract() {
    let folder = fresh_dir("functions-package").join("functions-app");
    // The app `cargo socketio-fn new` writes (negotiation and connect on hub `hub`), as a user packages
    // it; built in the workspace's target directory, like the `new` test's app.
    let app = new_app("functions-app", "packaged-app", &[]);
    let manifest = app.join("Cargo.toml");
    let out = tool(&[
        "functions",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--profile",
        "dev",
        "--out",
        folder.to_str().unwrap(),
        "--zip",
    ]);
    assert!(out.status.success(), "{}", shown(&out));
    check_host_json(&read_json(&folder.join("host.json")));
    check_function_json(&read_json(&folder.join("app/function.json")));
    check_zip(&folder.with_extension("zip"), &folder);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _app = start_as_the_host(&folder, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if http.get(format!("{base}/")).send().await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        ready,
        "the handler did not answer on {base} (the host's readiness check)"
    );

    let negotiated = http
        .get(format!("{base}/api/negotiate?userId=alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(negotiated.status(), 200);
    let body: Value = serde_json::from_str(&negotiated.text().await.unwrap()).unwrap();
    assert_eq!(body["endpoint"], "http://localhost");
    assert!(
        body["token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3),
        "{body}"
    );

    let connect = |path: &'static str| {
        let upstream = UpstreamRequest::event(
            "hub",
            "connect",
            r#"{"claims":{},"query":{},"headers":{},"clientCertificates":[]}"#,
        )
        .connection("conn-1", "sock-1")
        .signed(&AccessKey::new(KEY));
        let mut request = http.post(format!("{base}{path}"));
        for (name, value) in &upstream.headers().unwrap() {
            request = request.header(name, value);
        }
        request.body(upstream.body().to_owned()).send()
    };
    let accepted = connect("/api/socketio").await.unwrap();
    assert_eq!(accepted.status(), 200, "{}", accepted.text().await.unwrap());
    // The host keeps `/runtime/...`: the app does not serve its webhook there.
    assert_eq!(
        connect("/runtime/webhooks/socketio")
            .await
            .unwrap()
            .status(),
        404
    );
}
