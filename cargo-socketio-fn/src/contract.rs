//! `cargo socketio-fn types` and `asyncapi`: build the app, run it with `SOCKETIO_FN_CONTRACT` set (it
//! writes its contract and exits instead of serving: the functions registered in the binary are the
//! contract, so it cannot drift from what runs) and write what it printed.

use crate::package::{Package, cargo};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How long the app may take to print its contract.
const LIMIT: Duration = Duration::from_secs(60);

/// Which contract, and where to write it.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The app's Cargo.toml (default: ./Cargo.toml).
    #[arg(long, value_name = "P")]
    manifest_path: Option<PathBuf>,
    /// The app's binary (default: the package's only binary).
    #[arg(long, value_name = "B")]
    bin: Option<String>,
    /// The hub (default: the app's only hub; an app with several must choose).
    #[arg(long, value_name = "H")]
    hub: Option<String>,
    /// The namespace.
    #[arg(long, value_name = "N", default_value = "/")]
    namespace: String,
    /// The file to write (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// What to write: `typescript` (`types`) or `asyncapi`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    /// socket.io-client's `ServerToClientEvents` and `ClientToServerEvents`.
    TypeScript,
    /// An AsyncAPI 3.0 document.
    AsyncApi,
}

impl Format {
    fn setting(self) -> &'static str {
        match self {
            Self::TypeScript => "typescript",
            Self::AsyncApi => "asyncapi",
        }
    }
}

pub(crate) fn run(args: &Args, format: Format) -> Result<(), String> {
    let (manifest, package) = Package::locate(args.manifest_path.as_deref(), args.bin.as_deref())?;
    let executable = build(&manifest, &package)?;
    let scratch = package.target_directory.join("socketio-fn-contract");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let printed = scratch.join(format!("{}.{}", package.bin, format.setting()));
    let _ = std::fs::remove_file(&printed);
    let mut command = std::process::Command::new(&executable);
    command
        .current_dir(&package.root)
        .env(
            socketio_fn_protocol::setting_names::CONTRACT,
            format.setting(),
        )
        .env(
            socketio_fn_protocol::setting_names::CONTRACT_NAMESPACE,
            &args.namespace,
        )
        .env(socketio_fn_protocol::setting_names::CONTRACT_OUT, &printed)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if let Some(hub) = &args.hub {
        command.env(socketio_fn_protocol::setting_names::CONTRACT_HUB, hub);
    }
    wait(command, &executable)?;
    let text = std::fs::read_to_string(&printed).map_err(|_| {
        format!(
            "{} exited without writing its contract: it prints it from `socketio_fn::run` or \
             `run_with`, which its `main` must call",
            executable.display()
        )
    })?;
    let _ = std::fs::remove_file(&printed);
    match &args.out {
        Some(out) => std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display())),
        None => {
            #[allow(clippy::print_stdout)]
            {
                print!("{text}");
            }
            Ok(())
        }
    }
}

/// Runs the app until it exits (its errors go to standard error as they come), at most [`LIMIT`].
fn wait(mut command: std::process::Command, executable: &Path) -> Result<(), String> {
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", executable.display()))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(format!(
                    "{} failed ({status}): see its error above",
                    executable.display()
                ));
            }
            Ok(None) if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not print its contract within {}s: does its `main` call \
                     `socketio_fn::run` or `run_with`?",
                    executable.display(),
                    LIMIT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{}: {e}", executable.display())),
        }
    }
}

/// `cargo build` of the app's binary (the dev profile, as `cargo run`); the executable cargo made.
fn build(manifest: &Path, package: &Package) -> Result<PathBuf, String> {
    let mut child = cargo()
        .args([
            "build",
            "--message-format",
            "json-render-diagnostics",
            "--bin",
            &package.bin,
            "--manifest-path",
        ])
        .arg(manifest)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut executable = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if message["reason"] == "compiler-artifact"
                && message["target"]["name"] == package.bin.as_str()
                && let Some(path) = message["executable"].as_str()
            {
                executable = Some(PathBuf::from(path));
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    executable.ok_or_else(|| format!("cargo built no executable `{}`", package.bin))
}
