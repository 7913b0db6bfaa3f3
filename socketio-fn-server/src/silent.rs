//! Connections that have not yet sent a complete request head ("silent"): each must do so within the
//! header timeout from accept, and when the connection cap is reached the oldest of them is closed to
//! make room, so a silent crowd cannot keep real requests out. The same per-connection state counts
//! the requests in flight and when the connection was last used, for the drain at shutdown
//! (`connection.rs`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// One connection's state, shared by its task, its service and the registry.
#[derive(Debug)]
pub(crate) struct Connection {
    id: u64,
    accepted: Instant,
    /// A request head arrived: the connection is no longer silent.
    active: AtomicBool,
    /// Asks the connection's task to close it.
    shed: Notify,
    /// Requests whose response is not ready yet.
    pub(crate) in_flight: AtomicUsize,
    /// When a request last ended, in microseconds since `accepted`.
    last_used_us: AtomicU64,
    /// The server's shutdown started (shared by its connections).
    pub(crate) stopping: Arc<AtomicBool>,
}

/// The silent connections, oldest first; and whether the server is shutting down.
#[derive(Debug, Default)]
pub(crate) struct Silent {
    next_id: AtomicU64,
    connections: Mutex<BTreeMap<u64, Arc<Connection>>>,
    /// Shutdown started: HTTP/1 responses ask the client to close the connection.
    pub(crate) stopping: Arc<AtomicBool>,
}

impl Silent {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Connection>>> {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a just-accepted connection.
    pub(crate) fn accepted(&self) -> Arc<Connection> {
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            accepted: Instant::now(),
            active: AtomicBool::new(false),
            shed: Notify::new(),
            in_flight: AtomicUsize::new(0),
            last_used_us: AtomicU64::new(0),
            stopping: self.stopping.clone(),
        });
        self.lock().insert(connection.id, connection.clone());
        connection
    }

    /// The connection sent a request head (or ended): it is not silent any more.
    pub(crate) fn forget(&self, connection: &Connection) {
        self.lock().remove(&connection.id);
    }

    /// Asks the oldest silent connection to close; `false` when there is none.
    pub(crate) fn shed_oldest(&self) -> bool {
        let oldest = self.lock().pop_first();
        match oldest {
            Some((_, connection)) => {
                connection.shed.notify_one();
                true
            }
            None => false,
        }
    }
}

impl Connection {
    /// Marks the connection active at its first request (later requests cost one atomic load).
    pub(crate) fn request_arrived(&self, silent: &Silent) {
        if !self.active.load(Ordering::Relaxed) && !self.active.swap(true, Ordering::Relaxed) {
            silent.forget(self);
        }
    }

    /// Records a use now (a request ended).
    pub(crate) fn used(&self) {
        let us = u64::try_from(self.accepted.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.last_used_us.store(us, Ordering::Relaxed);
    }

    /// Completes when the connection should be closed for being silent: no request head within
    /// `timeout` of accept, or shed to make room. Never completes once a request arrived.
    pub(crate) async fn silent_too_long(&self, timeout: Duration) {
        tokio::select! {
            () = tokio::time::sleep(timeout) => {}
            () = self.shed.notified() => {}
        }
        if self.active.load(Ordering::Relaxed) {
            std::future::pending::<()>().await;
        }
    }

    /// Completes once the connection can be closed without cutting off a request its client may be
    /// sending: at once when it never sent a request; otherwise when no request is in flight and it
    /// has not been used for `window` (a client that reuses keep-alive connections for less than
    /// that never picks this one again).
    pub(crate) async fn unused_for(&self, window: Duration) {
        if !self.active.load(Ordering::Relaxed) {
            return;
        }
        loop {
            if self.in_flight.load(Ordering::Acquire) > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            let last = Duration::from_micros(self.last_used_us.load(Ordering::Relaxed));
            let idle = self.accepted.elapsed().saturating_sub(last);
            match window.checked_sub(idle) {
                Some(left) if !left.is_zero() => tokio::time::sleep(left).await,
                _ => return,
            }
        }
    }
}
