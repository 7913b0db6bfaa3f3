//! One build of the app, running: started with the emulator's connection string on a loopback port
//! of its own, ready once `/readyz` answers, stopped with SIGTERM (it finishes what is in flight).

use socketio_fn_protocol::setting_names::ADDRESS;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// How long a new build may take to answer `/readyz`.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// How long a stopped build may take to finish what is in flight before it is killed.
const STOP_WITHIN: Duration = Duration::from_secs(30);

/// A running build; killed if dropped while running.
pub(super) struct Instance {
    child: Child,
}

/// A free loopback port (released at once: the build binds it).
pub(super) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// The webhook of the build on `port`, at `path`.
pub(super) fn webhook_url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

impl Instance {
    /// Starts `executable` in `root` on `port` with `connection` set, and waits until it is ready.
    pub(super) async fn start(
        executable: &Path,
        root: &Path,
        port: u16,
        connection: &(&str, String),
    ) -> Result<Self, String> {
        let child = Command::new(executable)
            .current_dir(root)
            .env(ADDRESS, format!("127.0.0.1:{port}"))
            .env(connection.0, &connection.1)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", executable.display()))?;
        let mut instance = Self { child };
        let url = format!("http://127.0.0.1:{port}/readyz");
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = instance.child.try_wait() {
                return Err(format!("the new build exited ({status})"));
            }
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(instance);
            }
            if started.elapsed() > READY_WITHIN {
                return Err(format!(
                    "the new build did not answer /readyz within {}s",
                    READY_WITHIN.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Its process id (shown, so that it can be told apart from earlier builds).
    pub(super) fn pid(&self) -> u32 {
        self.child.id().unwrap_or_default()
    }

    /// Completes when the build exits by itself (a crash, a panic in `main`); its status.
    pub(super) async fn exited(&mut self) -> String {
        match self.child.wait().await {
            Ok(status) => status.to_string(),
            Err(e) => e.to_string(),
        }
    }

    /// SIGTERM, then at most [`STOP_WITHIN`] for in-flight invocations, then a kill.
    pub(super) async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        let _ = tokio::time::timeout(STOP_WITHIN, self.child.wait()).await;
        // Dropped: killed if it is still running.
    }
}
