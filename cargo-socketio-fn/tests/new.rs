//! `cargo socketio-fn new`: the app it writes builds and passes its own `cargo test` (the app with its
//! embedded emulator and a real Socket.IO client), and bad input is refused before anything is
//! written.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use support::{cargo, fresh_dir, new_app, shown, tool, workspace};

#[test]
fn the_new_app_passes_its_own_tests() {
    let dir = new_app("new-app", "my-lobby", &[]);
    for file in [
        "Cargo.toml",
        "src/main.rs",
        "src/lib.rs",
        "tests/app.rs",
        "local.settings.json",
        "Dockerfile",
        ".dockerignore",
        ".gitignore",
        "README.md",
        "client/events.ts",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-lobby\""), "{manifest}");
    let checkout = workspace().canonicalize().unwrap();
    let path_dependency = format!(
        "socketio-fn = {{ path = \"{}/socketio-fn\" }}",
        checkout.display()
    );
    assert!(manifest.contains(&path_dependency), "{manifest}");
    let dockerfile = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains(&format!("COPY --from=socketio-fn . {}", checkout.display())),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("ENTRYPOINT [\"/usr/local/bin/my-lobby\"]"));

    let test = cargo()
        .args(["test", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(test.status.success(), "{}", shown(&test));
    let stdout = String::from_utf8_lossy(&test.stdout);
    for passed in [
        "test a_message_is_acked_and_broadcast ... ok",
        "test the_client_types_are_fresh ... ok",
    ] {
        assert!(stdout.contains(passed), "{}", shown(&test));
    }
    // `cargo socketio-fn types` writes what the template ships.
    let manifest = dir.join("Cargo.toml");
    let types = tool(&["types", "--manifest-path", manifest.to_str().unwrap()]);
    assert!(types.status.success(), "{}", shown(&types));
    let shipped = std::fs::read_to_string(dir.join("client/events.ts")).unwrap();
    assert_eq!(String::from_utf8_lossy(&types.stdout), shipped);
    assert!(
        shipped.contains("\"message\": (text: string, callback?: (arg0: string) => void) => void;")
    );
}

#[test]
fn a_registry_version_is_written_when_asked() {
    let dir = fresh_dir("new-app-registry").join("chat_app");
    let out = tool(&[
        "new",
        dir.to_str().unwrap(),
        "--framework-version",
        "0.1.0",
        "--hub",
        "lobby",
    ]);
    assert!(out.status.success(), "{}", shown(&out));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("socketio-fn = \"0.1.0\""), "{manifest}");
    assert!(!manifest.contains("path ="), "{manifest}");
    let functions = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert!(functions.contains(r#"#[socketio_trigger(hub = "lobby", event = "message")]"#));
    assert!(
        manifest.contains(r#"socketio-fn = { version = "0.1.0", features = ["testing"] }"#),
        "{manifest}"
    );
    let dockerfile = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(!dockerfile.contains("--from=socketio-fn"), "{dockerfile}");
}

#[test]
fn bad_input_is_refused_and_nothing_is_overwritten() {
    let base = fresh_dir("new-app-refused");
    let taken = base.join("taken");
    std::fs::create_dir_all(&taken).unwrap();
    std::fs::write(taken.join("keep.txt"), "mine").unwrap();
    let out = tool(&["new", taken.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("exists and is not empty"),
        "{}",
        shown(&out)
    );
    assert_eq!(
        std::fs::read_to_string(taken.join("keep.txt")).unwrap(),
        "mine"
    );
    assert!(!taken.join("Cargo.toml").exists());

    let out = tool(&["new", base.join("2fast").to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`2fast` is not a valid package name"),
        "{}",
        shown(&out)
    );
    let out = tool(&["new", base.join("ok").to_str().unwrap(), "--hub", "a-b"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`a-b` is not a valid hub name"),
        "{}",
        shown(&out)
    );
    assert!(!base.join("2fast").exists() && !base.join("ok").exists());
}
