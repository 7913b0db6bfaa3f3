//! What `dev` watches: the crate's sources (`src/`, `build.rs`), `Cargo.toml` and
//! `local.settings.json`, with notify; a burst of changes (an editor's save) is one change.

use notify::{RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the files must stay still after a change before a rebuild starts.
const SETTLE: Duration = Duration::from_millis(200);

/// The watcher, and the changes it saw.
pub(super) struct Watcher {
    _watcher: notify::RecommendedWatcher,
    changes: mpsc::UnboundedReceiver<PathBuf>,
}

impl Watcher {
    /// Watches the package at `root`.
    pub(super) fn start(root: &Path) -> Result<Self, String> {
        let (sender, changes) = mpsc::unbounded_channel();
        let root_owned = root.to_path_buf();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if event.kind.is_access() {
                    return;
                }
                for path in event.paths {
                    if watched(&root_owned, &path) {
                        let _ = sender.send(path);
                    }
                }
            })
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let src = root.join("src");
        if src.is_dir() {
            watcher
                .watch(&src, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", src.display()))?;
        }
        Ok(Self {
            _watcher: watcher,
            changes,
        })
    }

    /// Waits for the next change and for the files to settle; `false` when watching stopped.
    pub(super) async fn next(&mut self) -> bool {
        if self.changes.recv().await.is_none() {
            return false;
        }
        loop {
            match tokio::time::timeout(SETTLE, self.changes.recv()).await {
                Ok(Some(_)) => continue,
                Ok(None) => return false,
                Err(_) => return true,
            }
        }
    }
}

/// Whether a change to `path` matters: a source under `src/`, `build.rs`, `Cargo.toml`,
/// `local.settings.json`.
fn watched(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let name = relative.to_string_lossy();
    relative.starts_with("src")
        || ["Cargo.toml", "build.rs", "local.settings.json"].contains(&name.as_ref())
}

#[cfg(test)]
mod tests {
    use super::watched;
    use std::path::Path;

    #[test]
    fn sources_manifest_and_settings_are_watched_and_nothing_else() {
        let root = Path::new("/app");
        for path in [
            "/app/src/main.rs",
            "/app/src/a/b.rs",
            "/app/Cargo.toml",
            "/app/local.settings.json",
            "/app/build.rs",
        ] {
            assert!(watched(root, Path::new(path)), "{path}");
        }
        for path in [
            "/app/target/debug/app",
            "/app/README.md",
            "/app/Cargo.lock",
            "/elsewhere/src/x.rs",
        ] {
            assert!(!watched(root, Path::new(path)), "{path}");
        }
    }
}
