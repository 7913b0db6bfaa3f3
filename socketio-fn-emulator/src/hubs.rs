//! The emulator's state: hubs, their Engine.IO connections, which namespace sockets each holds, and
//! their groups. A hub exists while it has a connection; a connection while it has a socket.

use socketio_fn_protocol::filter::{Filter, Subject};
use socketio_fn_protocol::groups::{namespace_group, room_group};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// The most hubs that can have connections at once.
pub const MAX_HUBS: usize = 1024;

/// One Engine.IO connection of a client (all its namespace sockets).
#[derive(Debug, Default)]
pub(crate) struct Connection {
    pub(crate) user_id: Option<String>,
    pub(crate) groups: HashSet<String>,
    /// namespace -> socket id
    pub(crate) sockets: HashMap<String, String>,
}

/// A connection id with its state, for filter evaluation.
pub(crate) struct Candidate<'a> {
    pub(crate) id: &'a str,
    pub(crate) connection: &'a Connection,
}

impl Subject for Candidate<'_> {
    fn in_group(&self, group: &str) -> bool {
        self.connection.groups.contains(group)
    }
    fn user_id(&self) -> Option<&str> {
        self.connection.user_id.as_deref()
    }
    fn connection_id(&self) -> &str {
        self.id
    }
}

/// One hub: its connections by id.
#[derive(Debug)]
pub(crate) struct Hub {
    pub(crate) name: String,
    connections: Mutex<HashMap<String, Connection>>,
}

impl Hub {
    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<String, Connection>> {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connections in `scope` that match `filter`: (connection id, [(namespace, socket id)]).
    pub(crate) fn select(
        &self,
        scope: impl Fn(&str, &Connection) -> bool,
        filter: &Filter,
    ) -> Vec<(String, Vec<(String, String)>)> {
        let mut stack = Vec::new();
        self.lock()
            .iter()
            .filter(|(id, c)| scope(id, c))
            .filter(|(id, connection)| {
                filter.matches_with(&Candidate { id, connection }, &mut stack)
            })
            .map(|(id, c)| {
                let sockets = c
                    .sockets
                    .iter()
                    .map(|(ns, sid)| (ns.clone(), sid.clone()))
                    .collect();
                (id.clone(), sockets)
            })
            .collect()
    }
}

/// Every hub with connections.
#[derive(Debug, Default)]
pub(crate) struct Hubs {
    map: Mutex<HashMap<String, Arc<Hub>>>,
}

/// Why a socket could not join.
#[derive(Debug, thiserror::Error)]
#[error("the emulator serves at most {MAX_HUBS} hubs at once")]
pub(crate) struct TooManyHubs;

impl Hubs {
    fn map(&self) -> MutexGuard<'_, HashMap<String, Arc<Hub>>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The hub named `name`, if it has connections.
    pub(crate) fn get(&self, name: &str) -> Option<Arc<Hub>> {
        self.map().get(name).cloned()
    }

    /// How many hubs have connections.
    pub(crate) fn len(&self) -> usize {
        self.map().len()
    }

    /// Adds socket `socket_id` of connection `connection_id` in `namespace`: the connection joins the
    /// namespace's group, the socket's own room and the groups its token names (`webpubsub.group`).
    pub(crate) fn join(
        &self,
        hub: &str,
        connection_id: &str,
        namespace: &str,
        socket_id: &str,
        user_id: Option<&str>,
        token_groups: &[String],
    ) -> Result<Arc<Hub>, TooManyHubs> {
        let mut map = self.map();
        let hub = match map.get(hub) {
            Some(h) => h.clone(),
            None => {
                if map.len() >= MAX_HUBS {
                    return Err(TooManyHubs);
                }
                let h = Arc::new(Hub {
                    name: hub.to_owned(),
                    connections: Mutex::default(),
                });
                map.insert(hub.to_owned(), h.clone());
                h
            }
        };
        let mut connections = hub.lock();
        let connection = connections.entry(connection_id.to_owned()).or_default();
        connection.user_id = user_id.map(str::to_owned);
        connection
            .sockets
            .insert(namespace.to_owned(), socket_id.to_owned());
        connection.groups.insert(namespace_group(namespace));
        connection.groups.insert(room_group(namespace, socket_id));
        connection.groups.extend(token_groups.iter().cloned());
        drop(connections);
        Ok(hub)
    }

    /// Removes the socket of `connection_id` in `namespace` (and its rooms); drops the connection and
    /// the hub when they become empty.
    pub(crate) fn leave(&self, hub: &Arc<Hub>, connection_id: &str, namespace: &str) {
        let mut map = self.map();
        let mut connections = hub.lock();
        if let Some(c) = connections.get_mut(connection_id) {
            let prefix = namespace_group(namespace);
            c.groups.retain(|g| !g.starts_with(&prefix));
            c.sockets.remove(namespace);
            if c.sockets.is_empty() {
                connections.remove(connection_id);
            }
        }
        if connections.is_empty() && map.get(&hub.name).is_some_and(|h| Arc::ptr_eq(h, hub)) {
            map.remove(&hub.name);
        }
    }
}
