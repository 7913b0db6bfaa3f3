//! Connections that have not yet sent a complete request head ("silent"): each must do so within the
//! header timeout from accept, and when the connection cap is reached the oldest of them is closed to
//! make room, so a silent crowd cannot keep real requests out.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// One connection's state, shared by its task, its service and the registry.
#[derive(Debug, Default)]
pub(crate) struct Connection {
    id: u64,
    /// A request head arrived: the connection is no longer silent.
    active: AtomicBool,
    /// Asks the connection's task to close it.
    shed: Notify,
}

/// The silent connections, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Silent {
    next_id: AtomicU64,
    connections: Mutex<BTreeMap<u64, Arc<Connection>>>,
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
            ..Connection::default()
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
}

/// The server's service for one connection: marks the connection active at its first request.
#[derive(Clone)]
pub(crate) struct FirstRequest<S> {
    pub(crate) inner: S,
    pub(crate) connection: Arc<Connection>,
    pub(crate) silent: Arc<Silent>,
}

impl<S, R> hyper::service::Service<R> for FirstRequest<S>
where
    S: hyper::service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn call(&self, request: R) -> Self::Future {
        self.connection.request_arrived(&self.silent);
        self.inner.call(request)
    }
}
