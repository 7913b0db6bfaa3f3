//! `cargo socketio-fn dev`: edit, save, and the open clients stay connected. The emulator runs in this
//! process and holds the clients; the app is built and run as its upstream; on a change to the
//! crate's sources, `Cargo.toml` or `local.settings.json` the app is rebuilt while the running build
//! keeps serving, and once the new build answers `/readyz` it becomes the emulator's upstream (and
//! gets the app's address, `proxy.rs`) and the old one is stopped gracefully, as in a rolling
//! restart. A failed build leaves the old one serving.

mod instance;
mod proxy;
mod watch;

use crate::package::{Package, cargo};
use instance::Instance;
use socketio_fn_emulator::{Emulator, EmulatorConfig};
use socketio_fn_protocol::setting_names::{
    ADDRESS, CONNECTION, DEFAULT_ADDRESS, DEFAULT_EMULATOR_ADDRESS, EMULATOR_ADDRESS, WEBHOOK_PATH,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which app to run.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The app's Cargo.toml (default: ./Cargo.toml).
    #[arg(long, value_name = "P")]
    manifest_path: Option<PathBuf>,
    /// The app's binary (default: the package's only binary).
    #[arg(long, value_name = "B")]
    bin: Option<String>,
}

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let (manifest, package) = Package::locate(args.manifest_path.as_deref(), args.bin.as_deref())?;
    let app = address(&package.root, ADDRESS, DEFAULT_ADDRESS)?;
    let emulator = address(&package.root, EMULATOR_ADDRESS, DEFAULT_EMULATOR_ADDRESS)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start tokio: {e}"))?;
    runtime.block_on(dev(&manifest, &package, app, emulator))
}

/// A setting as the app reads it: the environment, else `local.settings.json`'s `Values` next to the
/// manifest.
fn setting(root: &Path, name: &str) -> Option<String> {
    let from_file = || {
        let text = std::fs::read_to_string(root.join("local.settings.json")).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json["Values"][name].as_str().map(str::to_owned)
    };
    std::env::var(name).ok().or_else(from_file)
}

/// An address setting, else `default`.
fn address(root: &Path, name: &str, default: &str) -> Result<SocketAddr, String> {
    let value = setting(root, name).unwrap_or_else(|| default.to_owned());
    value
        .trim()
        .parse()
        .map_err(|e| format!("{name}={value}: {e}"))
}

/// How long the emulator holds an event while no build takes it (a reload, a crash and its restart).
const HOLD: std::time::Duration = std::time::Duration::from_secs(60);

async fn dev(
    manifest: &Path,
    package: &Package,
    app: SocketAddr,
    emulator_address: SocketAddr,
) -> Result<(), String> {
    // Registered first: a Ctrl-C while a build runs or a new one starts is not lost.
    let mut stop = Stop::register()?;
    let mut changes = watch::Watcher::start(&package.root)?;
    let webhook = setting(&package.root, WEBHOOK_PATH)
        .unwrap_or_else(|| socketio_fn_protocol::cloud_events::WEBHOOK_PATH.to_owned());
    let emulator = Emulator::start(EmulatorConfig {
        address: emulator_address,
        upstream: Some(instance::webhook_url(instance::free_port()?, &webhook)),
        hold: Some(HOLD),
        ..EmulatorConfig::default()
    })
    .await
    .map_err(|e| format!("cannot start the emulator on {emulator_address}: {e}"))?;
    let proxy = proxy::Proxy::start(app).await?;
    say(&format!(
        "the app: http://{app} (each request goes to the build that serves now); the emulator: {} \
         (it holds the clients across reloads)",
        emulator.endpoint()
    ));
    let mut session = Session {
        manifest,
        package,
        connection: (CONNECTION, emulator.connection_string()),
        emulator: &emulator,
        proxy: &proxy,
        webhook,
        current: None,
        executable: None,
    };
    session.reload(None).await;
    loop {
        tokio::select! {
            changed = changes.next() => {
                if !changed {
                    break;
                }
                session.reload(Some(Instant::now())).await;
            }
            status = exited(&mut session.current) => {
                say(&format!("the app exited ({status}); starting it again (events wait for it)"));
                session.current = None;
                session.restart().await;
            }
            () = stop.requested() => break,
        }
    }
    if let Some(old) = session.current.take() {
        old.stop().await;
    }
    emulator.stop().await;
    Ok(())
}

/// Completes when the serving build exits by itself; never while none serves.
async fn exited(current: &mut Option<Instance>) -> String {
    match current {
        Some(instance) => instance.exited().await,
        None => std::future::pending().await,
    }
}

/// What a `dev` session runs: the emulator, the address, the build that serves.
struct Session<'a> {
    manifest: &'a Path,
    package: &'a Package,
    emulator: &'a Emulator,
    proxy: &'a proxy::Proxy,
    webhook: String,
    connection: (&'static str, String),
    current: Option<Instance>,
    /// The last executable built.
    executable: Option<PathBuf>,
}

impl Session<'_> {
    /// Builds, and swaps the new build in; a failed build leaves the serving one.
    async fn reload(&mut self, since: Option<Instant>) {
        match build(self.manifest, self.package) {
            Some(executable) => {
                self.executable = Some(executable.clone());
                match self.swap_in(&executable).await {
                    Ok(()) => match since {
                        Some(since) => say(&format!(
                            "reloaded in {:.1} s (change seen -> new build serving, pid {})",
                            since.elapsed().as_secs_f64(),
                            self.current.as_ref().map_or(0, Instance::pid)
                        )),
                        None => say(&format!(
                            "serving (pid {})",
                            self.current.as_ref().map_or(0, Instance::pid)
                        )),
                    },
                    Err(e) => say(&format!("{e}; the running build keeps serving")),
                }
            }
            None if self.current.is_some() => {
                say("the build failed (above); the running build keeps serving");
            }
            None => say("the build failed (above); fix it and save"),
        }
    }

    /// Starts the last build again (after it exited).
    async fn restart(&mut self) {
        let Some(executable) = self.executable.clone() else {
            return;
        };
        match self.swap_in(&executable).await {
            Ok(()) => say(&format!(
                "serving again (pid {})",
                self.current.as_ref().map_or(0, Instance::pid)
            )),
            Err(e) => say(&format!("{e}; waiting for a change")),
        }
    }

    /// Starts `executable` on a port of its own; once ready it gets the calls and the address, and
    /// the build that served before is stopped (it finishes what it is doing, in the background).
    async fn swap_in(&mut self, executable: &Path) -> Result<(), String> {
        let port = instance::free_port()?;
        let next = Instance::start(executable, &self.package.root, port, &self.connection).await?;
        self.emulator
            .set_upstreams(vec![instance::webhook_url(port, &self.webhook)])
            .map_err(|e| e.to_string())?;
        self.proxy.forward_to(port);
        if let Some(old) = self.current.replace(next) {
            // It finishes what it is doing while the new build serves.
            tokio::spawn(old.stop());
        }
        Ok(())
    }
}

/// `cargo build` of the app; its executable, or `None` when the build failed (cargo's diagnostics,
/// colours included, went to this terminal).
fn build(manifest: &Path, package: &Package) -> Option<PathBuf> {
    let output = cargo()
        .args([
            "build",
            "--message-format",
            "json-diagnostic-rendered-ansi",
            "--bin",
            &package.bin,
            "--manifest-path",
        ])
        .arg(manifest)
        .stderr(std::process::Stdio::inherit())
        .output()
        .ok()?;
    let mut executable = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] == "compiler-message"
            && let Some(rendered) = message["message"]["rendered"].as_str()
        {
            eprint!("{rendered}");
        }
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == package.bin.as_str()
            && let Some(path) = message["executable"].as_str()
        {
            executable = Some(PathBuf::from(path));
        }
    }
    output.status.success().then_some(executable).flatten()
}

/// Ctrl-C (SIGINT) or SIGTERM, listened to from start-up on.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    fn register() -> Result<Self, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind| signal(kind).map_err(|e| format!("cannot listen for signals: {e}"));
            Ok(Self {
                interrupt: listen(SignalKind::interrupt())?,
                terminate: listen(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Completes when a stop was asked for (since [`Stop::register`]).
    async fn requested(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One line of the tool's own, told apart from the app's.
fn say(line: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("[dev] {line}");
    }
}
