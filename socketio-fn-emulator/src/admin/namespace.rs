//! The Admin UI's namespace: who may connect (no client token; the credentials, or a session they
//! opened, when configured), what a UI gets on connecting (`session`, `config`, `all_sockets`,
//! `server_stats`), and its actions on the hub's sockets: `emit`, `join`, `leave`, `_disconnect`, on
//! the sockets of a namespace in a room (a socket id is a room), as the REST API would act.

use super::report::{self, AdminOf};
use super::{ADMIN_NAMESPACE, stats};
use crate::sockets::{Gather, Shared, Spread, facts_of};
use serde_json::{Value, json};
use socketio_fn_protocol::groups::{MAX_GROUP_NAME_CHARS, room_group};
use socketioxide::SocketIo;
use socketioxide::extract::{Data, SocketRef, State, TryData};
use socketioxide::handler::ConnectHandler;
use std::collections::HashSet;
use std::sync::Arc;

/// What the UI may do (`@socket.io/admin-ui`'s `Feature`s).
const FEATURES: [&str; 9] = [
    "EMIT",
    "JOIN",
    "LEAVE",
    "DISCONNECT",
    "MJOIN",
    "MLEAVE",
    "MDISCONNECT",
    "AGGREGATED_EVENTS",
    "ALL_EVENTS",
];

/// Why a UI was refused; the message reaches its `connect_error` (the UI's own words).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Denied(&'static str);

/// A session id to hand the UI once it is connected.
#[derive(Debug, Clone)]
struct NewSession(String);

/// Serves the Admin UI's namespace (before the dynamic namespaces, which would take it).
pub(crate) fn register(io: &SocketIo) {
    io.ns(ADMIN_NAMESPACE, on_connect.with(admit));
}

async fn admit(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    TryData(auth): TryData<Value>,
) -> Result<(), Denied> {
    let Some(admin) = &shared.admin else {
        return Err(Denied("Invalid namespace"));
    };
    let hub = crate::sockets::hub_of(s.req_parts().uri.path())
        .ok_or(Denied("Bad request: invalid hub name in the path"))?
        .to_owned();
    let session = admin
        .admit(&auth.unwrap_or(Value::Null))
        .map_err(|()| Denied("invalid credentials"))?;
    tracing::info!(hub = %socketio_fn_protocol::log::Escaped(&hub), "an Admin UI connected");
    s.extensions.insert(AdminOf(hub));
    if let Some(session) = session {
        s.extensions.insert(NewSession(session));
    }
    Ok(())
}

async fn on_connect(s: SocketRef, State(shared): State<Arc<Shared>>) {
    let Some(hub) = s.extensions.get::<AdminOf>().map(|a| a.0) else {
        return;
    };
    if let Some(NewSession(session)) = s.extensions.get::<NewSession>() {
        let _ = s.emit("session", &session);
    }
    let _ = s.emit("config", &json!({ "supportedFeatures": FEATURES }));
    let _ = s.emit("all_sockets", &all_sockets(&shared, &hub));
    let _ = s.emit("server_stats", &stats::of_hub(&shared, &hub));
    s.on("emit", on_emit);
    s.on("join", on_join);
    s.on("leave", on_leave);
    s.on("_disconnect", on_disconnect);
}

/// Every client socket of `hub`, as the UI shows them.
fn all_sockets(shared: &Shared, hub: &str) -> Vec<Value> {
    let Some(hub) = shared.hubs.get(hub) else {
        return Vec::new();
    };
    let sockets: Vec<(String, String, Vec<String>)> = hub
        .lock()
        .values()
        .flat_map(|c| {
            c.sockets
                .iter()
                .map(|(ns, sid)| (ns.clone(), sid.clone(), report::rooms(c, ns)))
                .collect::<Vec<_>>()
        })
        .collect();
    sockets
        .into_iter()
        .filter_map(|(ns, sid, rooms)| {
            let socket = shared.socket(&sid, &ns)?;
            let facts = facts_of(&socket)?;
            Some(report::serialize(&socket, &facts, rooms))
        })
        .collect()
}

/// The hub of an admin socket, and the namespace and filter its action names (`None`: not an
/// action on client sockets).
fn target<'a>(
    s: &SocketRef,
    args: &'a [Value],
    filter_at: usize,
) -> Option<(String, &'a str, Option<&'a str>)> {
    let hub = s.extensions.get::<AdminOf>()?.0;
    let namespace = args.first()?.as_str()?;
    if namespace == ADMIN_NAMESPACE {
        return None;
    }
    let filter = args
        .get(filter_at)
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty());
    Some((hub, namespace, filter))
}

/// The connections of `hub` with a socket in `namespace`, in room `filter` when given: (connection
/// id, socket id).
fn selected(
    shared: &Shared,
    hub: &str,
    namespace: &str,
    filter: Option<&str>,
) -> Vec<(String, String)> {
    let Some(hub) = shared.hubs.get(hub) else {
        return Vec::new();
    };
    let room = filter.map(|f| room_group(namespace, f));
    hub.lock()
        .iter()
        .filter(|(_, c)| room.as_ref().is_none_or(|r| c.groups.contains(r)))
        .filter_map(|(id, c)| Some((id.clone(), c.sockets.get(namespace)?.clone())))
        .collect()
}

/// `emit(nsp, filter, event, ...args)`: the event to the selected sockets.
async fn on_emit(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    Data(Gather(args)): Data<Gather>,
) {
    let Some((hub, namespace, filter)) = target(&s, &args, 1) else {
        return;
    };
    let Some(event) = args.get(2).and_then(Value::as_str) else {
        return;
    };
    let arguments = args.get(3..).unwrap_or_default();
    for (_, socket_id) in selected(&shared, &hub, namespace, filter) {
        if let Some(socket) = shared.socket(&socket_id, namespace)
            && socket.emit(event, &Spread(arguments)).is_ok()
        {
            report::event_sent(&shared, &hub, namespace, &socket_id, event, arguments);
        }
    }
}

/// `join(nsp, room, filter?)`: the selected sockets join `room`.
async fn on_join(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    Data(Gather(args)): Data<Gather>,
) {
    change_rooms(&s, &args, &shared, true);
}

/// `leave(nsp, room, filter?)`: the selected sockets leave `room`.
async fn on_leave(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    Data(Gather(args)): Data<Gather>,
) {
    change_rooms(&s, &args, &shared, false);
}

fn change_rooms(s: &SocketRef, args: &[Value], shared: &Shared, join: bool) {
    let Some((hub_name, namespace, filter)) = target(s, args, 2) else {
        return;
    };
    let Some(room) = args.get(1).and_then(Value::as_str) else {
        return;
    };
    let group = room_group(namespace, room);
    if group.chars().count() > MAX_GROUP_NAME_CHARS {
        tracing::warn!("Admin UI: a room name too long for a group was ignored");
        return;
    }
    let ids: HashSet<String> = selected(shared, &hub_name, namespace, filter)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let Some(hub) = shared.hubs.get(&hub_name) else {
        return;
    };
    let mut connections = hub.lock();
    for id in ids {
        let Some(connection) = connections.get_mut(&id) else {
            continue;
        };
        let before = connection.groups.clone();
        if join {
            connection.groups.insert(group.clone());
        } else {
            connection.groups.remove(&group);
        }
        report::rooms_changed(shared, &hub_name, connection, &before);
    }
}

/// `_disconnect(nsp, close, filter?)`: the selected sockets leave (with `close`, every socket of
/// their connections), as the service disconnects them: the app's `disconnected` runs.
async fn on_disconnect(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    Data(Gather(args)): Data<Gather>,
) {
    let Some((hub_name, namespace, filter)) = target(&s, &args, 2) else {
        return;
    };
    let close = args.get(1).and_then(Value::as_bool).unwrap_or(false);
    let selected = selected(&shared, &hub_name, namespace, filter);
    let hub = shared.hubs.get(&hub_name);
    for (id, socket_id) in selected {
        let namespaces: Vec<String> = match (&hub, close) {
            (Some(hub), true) => hub
                .lock()
                .get(&id)
                .map(|c| c.sockets.keys().cloned().collect())
                .unwrap_or_default(),
            _ => vec![namespace.to_owned()],
        };
        for ns in namespaces {
            if let Some(socket) = shared.socket(&socket_id, &ns) {
                let _ = socket.disconnect();
            }
        }
    }
}
