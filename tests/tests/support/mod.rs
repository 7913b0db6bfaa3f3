//! Shared harness of the end-to-end tests: an app with this binary's functions and the emulator on
//! loopback, and the Node test runner.
#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::print_stdout
)]

mod process;

pub use process::{Running, free_port};

use socketio_fn::{App, Settings};
use socketio_fn_emulator::{Emulator, EmulatorConfig};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// An app serving this test binary's functions, wired to an emulator.
pub struct Stack {
    pub app_url: String,
    pub emulator: Emulator,
    app: tokio::task::JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Stack {
    pub async fn start(upstream_timeout: Duration) -> Self {
        Self::start_with(EmulatorConfig {
            upstream_timeout,
            ..EmulatorConfig::default()
        })
        .await
    }

    /// Like [`Stack::start`], with the emulator's settings (its `upstream` is set to the app).
    pub async fn start_with(config: EmulatorConfig) -> Self {
        Self::start_customised(config, |app| app).await
    }

    /// Like [`Stack::start_with`], with the app builder customised (layers, hooks).
    pub async fn start_customised(
        config: EmulatorConfig,
        customise: impl FnOnce(socketio_fn::AppBuilder) -> socketio_fn::AppBuilder,
    ) -> Self {
        Self::start_wired(config, customise, false).await
    }

    /// Like [`Stack::start`], with the emulator handing webhook calls to the app's router in this
    /// process (as `socketio_fn::run()` wires its embedded emulator). Its upstream URL points at a port
    /// nothing listens on, so a call that went over HTTP would fail.
    pub async fn start_in_process(upstream_timeout: Duration) -> Self {
        let config = EmulatorConfig {
            upstream_timeout,
            ..EmulatorConfig::default()
        };
        Self::start_wired(config, |app| app, true).await
    }

    async fn start_wired(
        config: EmulatorConfig,
        customise: impl FnOnce(socketio_fn::AppBuilder) -> socketio_fn::AppBuilder,
        in_process: bool,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let app_url = format!("http://{}", listener.local_addr().unwrap());
        let upstream_base = if in_process {
            format!("http://127.0.0.1:{}", free_port())
        } else {
            app_url.clone()
        };
        let emulator = Emulator::start(EmulatorConfig {
            upstream: Some(format!("{upstream_base}/runtime/webhooks/socketio")),
            ..config
        })
        .await
        .unwrap();
        let app = customise(
            App::builder()
                .settings(Settings::from_pairs([(
                    "WebPubSubForSocketIOConnectionString",
                    emulator.connection_string(),
                )]))
                .registered_functions(),
        )
        .build()
        .unwrap();
        if in_process {
            emulator.call_in_process(app.router()).unwrap();
            assert!(emulator.calls_in_process());
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = tokio::spawn(async move {
            app.serve_with_shutdown(listener, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            app_url,
            emulator,
            app,
            stop: Some(stop),
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.app.abort();
        self.emulator.stop().await;
    }
}

/// `tests/e2e`, with its npm packages installed from the committed lockfile.
pub fn e2e_dir() -> PathBuf {
    // The workspace's `tests/e2e`, found from whichever package includes this harness.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("tests/e2e"))
        .find(|d| d.join("package.json").exists())
        .expect("tests/e2e/package.json in the workspace");
    if !dir.join("node_modules/socket.io-client").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed for the end-to-end tests (Node.js >= 18)");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    dir
}

/// Runs a Node test file with `env`, failing with its output when any Node test fails or it overruns
/// `limit` (the output so far is shown then too).
pub async fn node_test(file: &str, env: &[(&str, String)], limit: Duration) {
    use tokio::io::AsyncReadExt;
    let dir = e2e_dir();
    let mut command = tokio::process::Command::new("node");
    command
        .arg("--test")
        .arg("--test-reporter=spec")
        .arg(file)
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    let started = std::time::Instant::now();
    let mut child = command
        .spawn()
        .expect("node is needed for the end-to-end tests");
    let read = |mut pipe: Box<dyn tokio::io::AsyncRead + Unpin + Send>| {
        tokio::spawn(async move {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text).await;
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let status = tokio::time::timeout(limit, child.wait()).await;
    if status.is_err() {
        let _ = child.kill().await;
    }
    let (stdout, stderr) = (stdout.await.unwrap(), stderr.await.unwrap());
    println!("{stdout}\n{stderr}\n{file} ran for {:?}", started.elapsed());
    match status {
        Err(_) => panic!("{file} did not finish within {limit:?}:\n{stdout}\n{stderr}"),
        Ok(status) => assert!(
            status.unwrap().success(),
            "{file} failed:\n{stdout}\n{stderr}"
        ),
    }
}

/// Resident memory of this process, in kB (Linux).
pub fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// A running example binary, killed when dropped; its stdout and stderr go to `log`.
pub struct Binary {
    child: Running,
    pub log: PathBuf,
    pub url: String,
}

impl Binary {
    /// Starts `program` in local mode (no connection string; app and emulator on free loopback ports)
    /// with extra `env`, and waits until its `/healthz` answers.
    pub async fn start_local(program: &str, env: &[(&str, String)]) -> Self {
        let emulator = free_port();
        let mut env = env.to_vec();
        env.push(("SOCKETIO_FN_EMULATOR_ADDR", format!("127.0.0.1:{emulator}")));
        Self::start(program, free_port(), &env).await
    }

    /// Starts `program` listening on `127.0.0.1:port` with `env` (and no connection string unless
    /// `env` has one), and waits until its `/healthz` answers.
    pub async fn start(program: &str, port: u16, env: &[(&str, String)]) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "sfn-bin-{}-{port}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("out.log");
        let file = std::fs::File::create(&log).unwrap();
        let mut command = Command::new(program);
        command
            .current_dir(&dir)
            .env_remove("WebPubSubForSocketIOConnectionString")
            .env("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::from(file.try_clone().unwrap()))
            .stderr(std::process::Stdio::from(file));
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let binary = Self {
            child: Running(child),
            log,
            url,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !binary.healthy().await {
            assert!(
                std::time::Instant::now() < deadline,
                "{program} did not start: {}",
                binary.output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        binary
    }

    /// Sends SIGTERM (as a platform does to stop an instance) and waits, at most `limit`, for the
    /// process to exit; its exit status.
    pub async fn terminate(&mut self, limit: Duration) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.0.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "did not exit within {limit:?} of SIGTERM: {}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn healthy(&self) -> bool {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let Ok(mut stream) =
            tokio::net::TcpStream::connect(self.url.trim_start_matches("http://")).await
        else {
            return false;
        };
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        if stream.write_all(request.as_bytes()).await.is_err() {
            return false;
        }
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply).await;
        reply.starts_with("HTTP/1.1 200")
    }

    /// What the binary printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
