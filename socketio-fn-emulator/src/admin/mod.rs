//! The server side of the Socket.IO Admin UI (`@socket.io/admin-ui` 0.5's protocol) on namespace
//! `/admin` of each hub's Socket.IO endpoint: the UI sees the hub's sockets, rooms and events live,
//! and emits, joins, leaves and disconnects as the REST API would. A development tool, off unless
//! [`AdminConfig`] is given; without credentials only on a loopback address.
//!
//! `namespace.rs` admits the UI's sockets and runs its actions, `report.rs` tells them what happens
//! (each admin socket's packets go through its own bounded Engine.IO buffer: a UI that does not read
//! loses reports, the clients never wait), `stats.rs` sends `server_stats` every two seconds.

mod namespace;
mod report;
mod stats;

pub(crate) use namespace::register;
pub(crate) use report::{
    event_received, event_sent, rooms_changed, socket_connected, socket_disconnected, unix_millis,
};
pub(crate) use stats::run as run_stats;

use socketio_fn_protocol::setting_names::MIN_ADMIN_PASSWORD_CHARS;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

/// The namespace the Admin UI connects to (on each hub's path).
pub use socketio_fn_protocol::paths::ADMIN_UI_NAMESPACE as ADMIN_NAMESPACE;

/// How many UI sessions are remembered (the oldest is forgotten first).
const MAX_SESSIONS: usize = 256;

/// The Admin UI's settings.
#[derive(Clone, Default)]
pub struct AdminConfig {
    /// The user name and password the UI must present; `None`: none, which only a loopback listen
    /// address allows.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for AdminConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminConfig")
            .field(
                "credentials",
                &self
                    .credentials
                    .as_ref()
                    .map(|(user, _)| (user, "<redacted>")),
            )
            .finish()
    }
}

impl AdminConfig {
    /// Why the emulator must not start with this configuration on `address`, if it must not.
    pub fn refusal(&self, address: SocketAddr) -> Option<String> {
        match &self.credentials {
            None if !address.ip().is_loopback() => Some(format!(
                "the Admin UI without credentials is only served on a loopback address, and the \
                 emulator listens on {address}: set a user name and password (at least \
                 {MIN_ADMIN_PASSWORD_CHARS} characters), or listen on 127.0.0.1"
            )),
            Some((user, _)) if user.trim().is_empty() => {
                Some("the Admin UI's user name is empty".to_owned())
            }
            Some((_, password)) if password.chars().count() < MIN_ADMIN_PASSWORD_CHARS => {
                Some(format!(
                    "the Admin UI's password is shorter than {MIN_ADMIN_PASSWORD_CHARS} characters"
                ))
            }
            _ => None,
        }
    }
}

/// The Admin UI's state: its credentials, the sessions it handed out, what it counts.
pub(crate) struct Admin {
    credentials: Option<(String, String)>,
    sessions: Mutex<VecDeque<String>>,
    started: Instant,
    /// Per hub, the events of the current two-second window: (second, type, sub-type) -> count.
    counts: Mutex<HashMap<String, Window>>,
}

/// Events counted in one reporting window: (second, type, sub-type) -> count.
type Window = HashMap<(u64, &'static str, Option<&'static str>), u64>;

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("credentials", &self.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl Admin {
    pub(crate) fn new(config: AdminConfig) -> Self {
        Self {
            credentials: config.credentials,
            sessions: Mutex::default(),
            started: Instant::now(),
            counts: Mutex::default(),
        }
    }

    /// Counts one more `kind` event (and `sub_kind`, e.g. a disconnect's reason) of `hub` for the
    /// UI's charts; `amount` for byte counts.
    pub(crate) fn count(
        &self,
        hub: &str,
        kind: &'static str,
        sub_kind: Option<&'static str>,
        amount: u64,
    ) {
        let second = report::unix_millis() / 1000 * 1000;
        let mut counts = lock(&self.counts);
        // Hubs with sockets are bounded (`MAX_HUBS`), and a window has a few keys per second.
        let hub = counts.entry(hub.to_owned()).or_default();
        *hub.entry((second, kind, sub_kind)).or_default() += amount;
    }

    /// The events counted for `hub` since the last call.
    fn take_counts(&self, hub: &str) -> Vec<serde_json::Value> {
        lock(&self.counts)
            .remove(hub)
            .unwrap_or_default()
            .into_iter()
            .map(|((timestamp, kind, sub_kind), count)| {
                serde_json::json!({
                    "timestamp": timestamp,
                    "type": kind,
                    "subType": sub_kind,
                    "count": count,
                })
            })
            .collect()
    }

    /// Whether a UI presenting `auth` may connect; a new session id when it presented credentials.
    fn admit(&self, auth: &serde_json::Value) -> Result<Option<String>, ()> {
        let Some((user, password)) = &self.credentials else {
            return Ok(None);
        };
        if let Some(session) = auth.get("sessionId").and_then(serde_json::Value::as_str) {
            let known = lock(&self.sessions).iter().any(|s| {
                socketio_fn_protocol::signature::same_secret(s.as_bytes(), session.as_bytes())
            });
            if known {
                return Ok(None);
            }
        }
        let text = |key: &str| auth.get(key).and_then(serde_json::Value::as_str);
        let (Some(given_user), Some(given_password)) = (text("username"), text("password")) else {
            return Err(());
        };
        // Both compared, whatever the first gives: the time does not tell which one was wrong.
        let same_user =
            socketio_fn_protocol::signature::same_secret(given_user.as_bytes(), user.as_bytes());
        let same_password = socketio_fn_protocol::signature::same_secret(
            given_password.as_bytes(),
            password.as_bytes(),
        );
        if !(same_user & same_password) {
            return Err(());
        }
        let session = session_id().map_err(|_| ())?;
        let mut sessions = lock(&self.sessions);
        if sessions.len() >= MAX_SESSIONS {
            sessions.pop_front();
        }
        sessions.push_back(session.clone());
        Ok(Some(session))
    }
}

/// A random session id: 32 alphanumeric characters from the system's random source.
fn session_id() -> std::io::Result<String> {
    let key = socketio_fn_protocol::AccessKey::random().map_err(std::io::Error::other)?;
    Ok(key.expose().to_owned())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_configurations_are_refused() {
        let loopback: SocketAddr = "127.0.0.1:7072".parse().unwrap_or_else(|_| unreachable!());
        let anywhere: SocketAddr = "0.0.0.0:7072".parse().unwrap_or_else(|_| unreachable!());
        let open = AdminConfig::default();
        assert!(open.refusal(loopback).is_none());
        assert!(
            open.refusal(anywhere)
                .is_some_and(|r| r.contains("loopback"))
        );
        let weak = AdminConfig {
            credentials: Some(("admin".into(), "short".into())),
        };
        assert!(
            weak.refusal(anywhere)
                .is_some_and(|r| r.contains("shorter"))
        );
        let good = AdminConfig {
            credentials: Some(("admin".into(), "a long enough password".into())),
        };
        assert!(good.refusal(anywhere).is_none());
        assert!(!format!("{good:?}").contains("long enough"));
    }

    #[test]
    fn credentials_give_a_session_that_admits_alone() {
        let admin = Admin::new(AdminConfig {
            credentials: Some(("admin".into(), "a long enough password".into())),
        });
        use serde_json::json;
        assert!(admin.admit(&json!({})).is_err());
        assert!(
            admin
                .admit(&json!({"username": "admin", "password": "wrong"}))
                .is_err()
        );
        assert!(admin.admit(&json!({"sessionId": "made-up"})).is_err());
        let session = admin
            .admit(&json!({"username": "admin", "password": "a long enough password"}))
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(session.len(), 32);
        assert_eq!(admin.admit(&json!({ "sessionId": session })), Ok(None));
    }
}
