//! The contract of an app whose payloads are user types (a struct renamed field by field, an
//! internally tagged enum, a unit enum, options, a field skipped when empty, a type that cannot be
//! described): collected in process from its registered functions and events, as TypeScript and
//! AsyncAPI; `tests/e2e/contract.test.mjs` judges the TypeScript with `tsc --strict` and
//! socket.io-client's typed `Socket`. Hubs are chosen as documented: several without one is an error
//! listing them.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use socketio_fn::prelude::*;
use socketio_fn::{App, Settings};
use std::time::Duration;

/// A profile, as acked and sent.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Profile {
    display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    nickname: Option<String>,
    #[serde(rename = "age-years")]
    age: u8,
}

/// A shape, tagged by `kind`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind")]
enum Shape {
    Circle { radius: f64 },
    Square { side: f64 },
}

/// How loud.
#[derive(Deserialize, JsonSchema)]
enum Level {
    Low,
    High,
}

/// A type without a JSON Schema: `unknown`, with a warning.
#[derive(Serialize)]
struct Opaque;

#[socketio_event(name = "drawn", answer = bool)]
#[allow(dead_code)] // Declared for the contract only.
struct Drawn(Shape, Profile);

#[socketio_event(name = "opaque")]
#[allow(dead_code)] // Declared for the contract only.
struct OpaqueEvent(Opaque);

#[socketio_trigger(hub = "shapes", event = "draw")]
async fn draw(
    #[socketio_parameter] shape: Shape,
    #[socketio_parameter] level: Option<Level>,
) -> Ack<(Profile,)> {
    let _ = (shape, level.map(|l| matches!(l, Level::High)));
    Ack((Profile {
        display_name: "Ada".into(),
        nickname: None,
        age: 36,
    },))
}

#[socketio_trigger(hub = "shapes", event = "clear")]
async fn clear() {}

#[socketio_trigger(hub = "shapes", event = "connect")]
async fn connect() -> SocketIoConnectResponse {
    SocketIoConnectResponse::accept()
}

#[socketio_trigger(hub = "shapes", namespace = "/admin", event = "reset")]
async fn reset(#[socketio_parameter] all: bool) -> Ack<(bool,)> {
    Ack((all,))
}

#[socketio_trigger(hub = "other", event = "ping")]
async fn ping() {}

fn app() -> App {
    let mut settings = Settings::default();
    settings.set(
        "WebPubSubForSocketIOConnectionString",
        "Endpoint=http://localhost;AccessKey=contract-test-access-key-0123456789;Version=1.0;",
    );
    App::builder()
        .settings(settings)
        .registered_functions()
        .build()
        .unwrap()
}

#[test]
fn several_hubs_need_one_chosen() {
    let app = app();
    let error = app.contract(None, None).unwrap_err().to_string();
    assert!(error.contains("several hubs (other, shapes)"), "{error}");
    let error = app.contract(Some("nope"), None).unwrap_err().to_string();
    assert!(error.contains("no function is on hub `nope`"), "{error}");
}

#[test]
fn the_contract_has_the_hubs_namespace_events_and_types() {
    let contract = app().contract(Some("shapes"), None).unwrap();
    let names: Vec<&str> = contract
        .client_events
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    // No system event, no other namespace, no other hub.
    assert_eq!(names, ["clear", "draw"]);
    let ts = contract.typescript();
    for line in [
        "\"draw\": (shape: Shape, level: Level | null, callback?: (arg0: Profile) => void) => void;",
        "\"clear\": () => void;",
        "\"drawn\": (arg0: Shape, arg1: Profile, callback: (answer: boolean) => void) => void;",
        "\"opaque\": (arg0: unknown) => void;",
        "export type Level = \"Low\" | \"High\";",
    ] {
        assert!(ts.contains(line), "missing {line}\n{ts}");
    }
    assert!(
        contract
            .unknown
            .iter()
            .any(|t| t.ends_with("contract::Opaque")),
        "{:?}",
        contract.unknown
    );
    assert!(
        ts.contains("contract::Opaque` could not be described"),
        "{ts}"
    );
    let admin = app().contract(Some("shapes"), Some("/admin")).unwrap();
    assert_eq!(admin.client_events.len(), 1);
    assert_eq!(admin.client_events[0].name, "reset");
}

#[test]
fn the_asyncapi_document_refers_to_its_schemas() {
    let document = app()
        .contract(Some("shapes"), None)
        .unwrap()
        .asyncapi("shapes-app");
    assert_eq!(document["asyncapi"], "3.0.0");
    assert_eq!(document["channels"]["shapes"]["address"], "/");
    let draw = &document["channels"]["shapes"]["messages"]["receive_draw"];
    assert_eq!(draw["name"], "draw");
    assert_eq!(
        draw["payload"]["items"][0]["$ref"],
        "#/components/schemas/Shape"
    );
    assert!(document["components"]["schemas"]["Profile"].is_object());
    assert_eq!(
        document["operations"]["send_drawn"]["reply"]["messages"][0]["$ref"],
        "#/channels/shapes/messages/send_drawn_reply"
    );
    assert_eq!(
        document["servers"]["service"]["pathname"],
        "/clients/socketio/hubs/shapes"
    );
}

fn client(body: &str) -> String {
    format!(
        "import {{ io, type Socket }} from \"socket.io-client\";\n\
         import type {{ ClientToServerEvents, ServerToClientEvents }} from \"./contract\";\n\
         const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(\"http://localhost\");\n\
         {body}\n"
    )
}

const RIGHT: &str = r#"
socket.emit("draw", { kind: "Circle", radius: 2 }, "Low", (p) => p.displayName + (p.nickname ?? "") + p["age-years"]);
socket.emit("draw", { kind: "Square", side: 1 }, null);
socket.emit("clear");
socket.on("drawn", (shape, profile, answer) => answer(shape.kind === "Circle" && profile["age-years"] > 0));
socket.on("opaque", (value: unknown) => value);
"#;

const WRONG: [(&str, &str, &[&str]); 5] = [
    (
        "unknown_variant",
        r#"socket.emit("draw", { kind: "Triangle", side: 1 }, null); // <-"#,
        &["TS2322", "TS2345", "TS2769"],
    ),
    (
        "unknown_unit_variant",
        r#"socket.emit("draw", { kind: "Circle", radius: 2 }, "Medium"); // <-"#,
        &["TS2345", "TS2769"],
    ),
    (
        "renamed_field_by_its_rust_name",
        r#"socket.emit("draw", { kind: "Circle", radius: 1 }, null, (p) => p.display_name); // <-"#,
        &["TS2339", "TS2551"],
    ),
    (
        "answer_of_the_wrong_type",
        r#"socket.on("drawn", (shape, profile, answer) => answer("yes")); // <-"#,
        &["TS2345"],
    ),
    (
        "event_of_another_hub",
        r#"socket.emit("ping"); // <-"#,
        &["TS2345", "TS2769"],
    ),
];

#[tokio::test]
async fn tsc_accepts_the_shapes_as_serde_writes_them() {
    let dir = std::env::temp_dir().join(format!("contract-shapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ts = dir.join("contract.ts");
    std::fs::write(
        &ts,
        app().contract(Some("shapes"), None).unwrap().typescript(),
    )
    .unwrap();
    let mut cases = vec![serde_json::json!({ "name": "right", "code": client(RIGHT) })];
    for (name, body, errors) in WRONG {
        cases.push(serde_json::json!({ "name": name, "code": client(body), "error": errors }));
    }
    let cases_file = dir.join("cases.json");
    std::fs::write(&cases_file, serde_json::to_string(&cases).unwrap()).unwrap();
    let env = [
        ("CONTRACT_TS", ts.display().to_string()),
        ("CONTRACT_CASES", cases_file.display().to_string()),
    ];
    support::node_test("contract.test.mjs", &env, Duration::from_secs(120)).await;
    std::fs::remove_dir_all(dir).unwrap();
}
