//! The chat's contract: the committed `static/events.ts` and `asyncapi.json` are what the app prints
//! now (a stale file fails, naming the command that writes it again), and the judges written by
//! others accept them (`tests/e2e/contract.test.mjs`): `tsc --strict` with socket.io-client's typed
//! `Socket` (a client using every event compiles, so does the README's client, the page's script
//! type-checks, and each wrong use is an error on its line), and `@asyncapi/parser` (no error, every
//! event named both ways).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../../tests/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn chat_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the app prints as its contract in `format`, as `cargo socketio-fn types|asyncapi` runs it.
fn printed(format: &str, dir: &Path) -> String {
    let out = dir.join(format!("contract.{format}"));
    let output = Command::new(env!("CARGO_BIN_EXE_chat"))
        .env("SOCKETIO_FN_CONTRACT", format)
        .env("SOCKETIO_FN_CONTRACT_OUT", &out)
        .env_remove("WebPubSubForSocketIOConnectionString")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    // Every type of the chat is described: no warning.
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("warning"),
        "{output:?}"
    );
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_committed_contract_is_what_the_app_prints() {
    let dir = tempdir("fresh");
    for (format, committed, command) in [
        ("typescript", "static/events.ts", "types"),
        ("asyncapi", "asyncapi.json", "asyncapi"),
    ] {
        let now = printed(format, &dir);
        let file = std::fs::read_to_string(chat_dir().join(committed)).unwrap();
        assert!(
            now == file,
            "examples/chat/{committed} is stale: write it again with \
             `cargo socketio-fn {command} --manifest-path examples/chat/Cargo.toml --out \
             examples/chat/{committed}`\n--- now:\n{now}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A folder of this test's own.
fn tempdir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chat-contract-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A client module of the cases: the typed socket, then `body`.
fn client(body: &str) -> String {
    format!(
        "import {{ io, type Socket }} from \"socket.io-client\";\n\
         import type {{ ClientToServerEvents, ServerToClientEvents }} from \"./contract\";\n\
         const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(\"http://localhost\");\n\
         {body}\n"
    )
}

/// A client that emits and listens to every chat event as the app declares them.
const RIGHT: &str = r#"
socket.emit("new message", "hi", (ack: string) => ack.toUpperCase());
socket.emit("new message", "no ack asked for");
socket.emit("join", "room", (joined: boolean) => joined);
socket.emit("who", "room", (users: string[]) => users.map((u) => u.length));
socket.emit("dm", "bob", "hi", (ack) => ack.length);
socket.emit("ask", "room", "why?", (answers) => answers.join());
socket.on("new message", (from: string, text: string) => from + text);
socket.on("dm", (from, text) => from.toUpperCase() + text.toUpperCase());
socket.on("question", (question, answer) => answer(question + "!"));
export async function members(): Promise<string[]> {
  return await socket.emitWithAck("who", "room");
}
"#;

/// Each wrong use, the line marked `// <-`, and the tsc errors it may be.
const WRONG: [(&str, &str, &[&str]); 6] = [
    (
        "unknown_event",
        r#"socket.emit("nope", "x"); // <-"#,
        &["TS2345", "TS2769"],
    ),
    (
        "wrong_argument_type",
        r#"socket.emit("join", 42); // <-"#,
        &["TS2345", "TS2769"],
    ),
    (
        "missing_argument",
        r#"socket.emit("dm", "bob"); // <-"#,
        &["TS2554", "TS2345", "TS2769"],
    ),
    (
        "ack_with_wrong_parameter",
        r#"socket.emit("join", "room", (joined: string) => joined); // <-"#,
        &["TS2345", "TS2769"],
    ),
    (
        "listener_with_wrong_arguments",
        r#"socket.on("new message", (from: number, text: string) => from + text); // <-"#,
        &["TS2345", "TS2769"],
    ),
    (
        "listener_for_unknown_event",
        r#"socket.on("nope", () => {}); // <-"#,
        &["TS2345", "TS2769"],
    ),
];

#[tokio::test]
async fn tsc_and_the_asyncapi_parser_accept_the_contract() {
    let dir = tempdir("judge");
    let mut cases = vec![serde_json::json!({ "name": "every_event", "code": client(RIGHT) })];
    // The README's TypeScript client, as written (its first function is the chat's `new message`).
    let readme = std::fs::read_to_string(chat_dir().join("../../README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```ts\n").skip(1).collect();
    assert_eq!(blocks.len(), 1, "the README has one TypeScript block");
    let block = blocks[0].split("```").next().unwrap();
    cases.push(serde_json::json!({ "name": "readme", "code": block }));
    for (name, body, errors) in WRONG {
        cases.push(serde_json::json!({ "name": name, "code": client(body), "error": errors }));
    }
    let cases_file = dir.join("cases.json");
    std::fs::write(&cases_file, serde_json::to_string(&cases).unwrap()).unwrap();
    let events = serde_json::json!({
        "receive": ["ask", "dm", "join", "new message", "who"],
        "send": ["clock", "dm", "new message", "question"],
    });
    let path = |p: &str| chat_dir().join(p).display().to_string();
    let env = [
        ("CONTRACT_TS", path("static/events.ts")),
        ("CONTRACT_CASES", cases_file.display().to_string()),
        ("CONTRACT_CHECK_JS", path("static/chat.js")),
        ("CONTRACT_ASYNCAPI", path("asyncapi.json")),
        ("CONTRACT_EVENTS", events.to_string()),
    ];
    support::node_test("contract.test.mjs", &env, Duration::from_secs(120)).await;
    std::fs::remove_dir_all(dir).unwrap();
}
