//! Running the tool, and cargo builds it starts, for the tool's tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace's root (the tool is built from this checkout).
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A fresh, empty directory under cargo's temporary directory for tests.
pub(crate) fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// The target directory of the builds the tests start: the workspace's own. Cargo releases its
/// build lock before it runs tests, and an app built with the workspace's `Cargo.lock`
/// ([`new_app`]) reuses every dependency the workspace already built with the same features, so a
/// test compiles only what differs (the app, socketio-fn's crates as non-members, the template's
/// dev-dependencies): about a minute instead of a whole dependency tree.
pub(crate) fn nested_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Writes a fresh app with `cargo socketio-fn new` (extra `args`) at `<temporary dir>/<dir>/<name>`,
/// with the workspace's `Cargo.lock`, so that it builds with the dependency versions the workspace
/// tests (and reuses their builds, [`nested_target`]); its own dependencies not in that lockfile are
/// resolved as a user's would be.
pub(crate) fn new_app(dir: &str, name: &str, args: &[&str]) -> PathBuf {
    let app = fresh_dir(dir).join(name);
    let out = tool(&[&["new", app.to_str().unwrap_or_default()], args].concat());
    assert!(out.status.success(), "{}", shown(&out));
    std::fs::copy(workspace().join("Cargo.lock"), app.join("Cargo.lock"))
        .expect("the workspace's Cargo.lock copied into the app");
    app
}

/// `cargo socketio-fn <args>` as cargo runs it.
pub(crate) fn tool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-socketio-fn"))
        .arg("socketio-fn")
        .args(args)
        .env("CARGO_TARGET_DIR", nested_target())
        .output()
        .expect("the tool runs")
}

/// The output of a run, for assertion messages.
pub(crate) fn shown(output: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Cargo, as the outer `cargo test` runs (`CARGO`).
pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.env("CARGO_TARGET_DIR", nested_target());
    command
}

/// A packaged executable as the Functions host starts it: in the package's folder, with the arguments
/// of `host.json`, and only the host's variables (`FUNCTIONS_CUSTOMHANDLER_PORT`, and PATH, HOME and
/// the loader's path) and the app settings in its environment. Its standard output is dropped.
pub(crate) fn as_the_host(
    folder: &Path,
    executable: &str,
    arguments: &[&str],
    port: u16,
    settings: &[(&str, &str)],
) -> Command {
    let mut command = Command::new(folder.join(executable));
    command.current_dir(folder).env_clear().args(arguments);
    for name in ["PATH", "HOME", "LD_LIBRARY_PATH"] {
        if let Ok(v) = std::env::var(name) {
            command.env(name, v);
        }
    }
    command
        .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
        .envs(settings.iter().copied())
        .stdout(std::process::Stdio::null());
    command
}
