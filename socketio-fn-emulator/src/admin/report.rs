//! What the UI is told as it happens, each report sent to the admin sockets of the hub it concerns:
//! `socket_connected`, `socket_disconnected`, `room_joined`, `room_left`, `event_received`,
//! `event_sent`, with JavaScript's `Date` as its JSON (ISO 8601, UTC). A report is sent through each
//! admin socket's bounded buffer and dropped for a UI that does not read it: clients never wait.

use super::ADMIN_NAMESPACE;
use crate::hubs::Connection;
use crate::sockets::{Shared, SocketFacts};
use serde::Serialize;
use serde_json::{Value, json};
use socketio_fn_protocol::cloud_events::query_multimap;
use socketio_fn_protocol::groups::room_of_group;
use socketioxide::extract::SocketRef;
use std::collections::HashSet;

/// Marks an admin socket with the hub whose path it connected on.
#[derive(Debug, Clone)]
pub(super) struct AdminOf(pub(super) String);

/// Headers of a client's handshake the UI is not shown.
const HIDDEN_HEADERS: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];

/// Milliseconds since the Unix epoch.
pub(crate) fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `millis` as JavaScript's `Date.prototype.toJSON` writes it.
pub(super) fn iso_time(millis: u64) -> String {
    crate::clock::iso8601_millis(millis)
}

fn now() -> String {
    iso_time(unix_millis())
}

/// The admin sockets of `hub`.
pub(super) fn admin_sockets(shared: &Shared, hub: &str) -> Vec<SocketRef> {
    let Some(namespace) = shared.io().and_then(|io| io.of(ADMIN_NAMESPACE)) else {
        return Vec::new();
    };
    namespace
        .sockets()
        .into_iter()
        .filter(|s| s.extensions.get::<AdminOf>().is_some_and(|a| a.0 == hub))
        .collect()
}

/// Sends `event` with `args` (a tuple: one argument each) to every admin socket of `hub`.
pub(super) fn tell(shared: &Shared, hub: &str, event: &'static str, args: &impl Serialize) {
    for socket in admin_sockets(shared, hub) {
        // A full buffer (a UI that does not read) drops this report for that UI alone.
        let _ = socket.emit(event, args);
    }
}

/// The rooms of `connection`'s socket in `namespace`, its own (named after its id) included.
pub(super) fn rooms(connection: &Connection, namespace: &str) -> Vec<String> {
    let mut rooms: Vec<String> = connection
        .groups
        .iter()
        .filter_map(|g| room_of_group(g))
        .filter(|(ns, _)| ns == namespace)
        .map(|(_, room)| room)
        .collect();
    rooms.sort();
    rooms
}

/// A socket as the UI shows it (`SerializedSocket`): its ids, transport, namespace, user id (in
/// `data`), handshake (the token and credentials left out) and rooms.
pub(super) fn serialize(socket: &SocketRef, facts: &SocketFacts, rooms: Vec<String>) -> Value {
    let parts = socket.req_parts();
    let mut query = query_multimap(parts.uri.query().unwrap_or_default());
    query.remove("access_token");
    let query: serde_json::Map<String, Value> = query
        .into_iter()
        .map(|(k, mut v)| (k, Value::String(v.pop().unwrap_or_default())))
        .collect();
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .filter(|(name, _)| !HIDDEN_HEADERS.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.to_string(), json!(value.to_str().ok()?))))
        .collect();
    let address = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let transport = match socket.transport_type() {
        socketioxide::TransportType::Polling => "polling",
        socketioxide::TransportType::Websocket => "websocket",
    };
    json!({
        "id": facts.socket_id,
        "clientId": facts.connection_id.chars().take(12).collect::<String>(),
        "transport": transport,
        "nsp": facts.namespace,
        "data": { "userId": facts.user_id },
        "handshake": {
            "address": address,
            "headers": headers,
            "query": query,
            "issued": facts.issued,
            "secure": false,
            "time": iso_time(facts.issued),
            "url": parts.uri.to_string().split("access_token=").next().unwrap_or_default(),
            "xdomain": parts.headers.contains_key("origin"),
        },
        "rooms": rooms,
    })
}

/// A socket connected (its rooms are its own and its token's).
pub(crate) fn socket_connected(shared: &Shared, socket: &SocketRef, facts: &SocketFacts) {
    let Some(admin) = &shared.admin else { return };
    admin.count(&facts.hub, "rawConnection", None, 1);
    let rooms = shared
        .hubs
        .get(&facts.hub)
        .and_then(|hub| {
            hub.lock()
                .get(&facts.connection_id)
                .map(|c| rooms(c, &facts.namespace))
        })
        .unwrap_or_default();
    let serialized = serialize(socket, facts, rooms);
    tell(shared, &facts.hub, "socket_connected", &(serialized, now()));
}

/// A socket left, for `reason` (the JavaScript server's words).
pub(crate) fn socket_disconnected(shared: &Shared, facts: &SocketFacts, reason: &'static str) {
    let Some(admin) = &shared.admin else { return };
    admin.count(&facts.hub, "rawDisconnection", Some(reason), 1);
    tell(
        shared,
        &facts.hub,
        "socket_disconnected",
        &(&facts.namespace, &facts.socket_id, reason, now()),
    );
}

/// A client emitted an event: `packet` is its JSON array (the name first, then the arguments).
pub(crate) fn event_received(shared: &Shared, facts: &SocketFacts, packet: &str) {
    let Some(admin) = &shared.admin else { return };
    admin.count(&facts.hub, "packetsIn", None, 1);
    admin.count(&facts.hub, "bytesIn", None, packet.len() as u64);
    let args: Value = serde_json::from_str(packet).unwrap_or(Value::Null);
    tell(
        shared,
        &facts.hub,
        "event_received",
        &(&facts.namespace, &facts.socket_id, args, now()),
    );
}

/// The service sent `event` with `arguments` to socket `socket_id` of `namespace` in `hub`.
pub(crate) fn event_sent(
    shared: &Shared,
    hub: &str,
    namespace: &str,
    socket_id: &str,
    event: &str,
    arguments: &[Value],
) {
    let Some(admin) = &shared.admin else { return };
    let mut args = Vec::with_capacity(arguments.len() + 1);
    args.push(Value::String(event.to_owned()));
    args.extend(arguments.iter().cloned());
    let args = Value::Array(args);
    admin.count(hub, "packetsOut", None, 1);
    admin.count(hub, "bytesOut", None, args.to_string().len() as u64);
    tell(
        shared,
        hub,
        "event_sent",
        &(namespace, socket_id, args, now()),
    );
}

/// `connection`'s groups changed from `before`: a `room_joined` or `room_left` for each room of one
/// of its sockets.
pub(crate) fn rooms_changed(
    shared: &Shared,
    hub: &str,
    connection: &Connection,
    before: &HashSet<String>,
) {
    if shared.admin.is_none() {
        return;
    }
    let changes = connection
        .groups
        .difference(before)
        .map(|g| ("room_joined", g))
        .chain(
            before
                .difference(&connection.groups)
                .map(|g| ("room_left", g)),
        );
    for (event, group) in changes {
        let Some((namespace, room)) = room_of_group(group) else {
            continue;
        };
        if let Some(socket_id) = connection.sockets.get(&namespace) {
            tell(shared, hub, event, &(&namespace, &room, socket_id, now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::iso_time;

    #[test]
    fn times_are_written_as_javascript_does() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        // new Date(1796661826123).toJSON()
        assert_eq!(iso_time(1_796_661_826_123), "2026-12-07T16:43:46.123Z");
        // A leap day.
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
