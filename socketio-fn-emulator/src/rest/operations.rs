//! The operations of the REST API, over the emulator's hubs and sockets.

use super::call::Query;
use super::route::Scope;
use super::{BLOCKING_THRESHOLD, MAX_TOKEN_MINUTES, bad_request, error, invalid_filter};
use crate::hubs::Hub;
use crate::sockets::{Shared, Spread};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use socketio_fn_protocol::filter::Filter;
use socketio_fn_protocol::log::Escaped;
use socketio_fn_protocol::packet::{EventData, Packet, PacketType};
use socketio_fn_protocol::paths::{client_audience, generate_token};
use socketio_fn_protocol::token::{self, TokenClaims};
use socketioxide::socket::Sid;
use std::str::FromStr;
use std::sync::Arc;

/// The connections a scope and filter select: (connection id, [(namespace, socket id)]). Large
/// evaluations run on a blocking thread, so the async runtime keeps serving.
pub(super) async fn select(
    hub: Arc<Hub>,
    scope: Scope,
    filter: Filter,
) -> Vec<(String, Vec<(String, String)>)> {
    let work = hub.lock().len().saturating_mul(filter.terms().max(1));
    let run = move |hub: &Hub| hub.select(|id, c| scope.contains(id, c), &filter);
    if work > BLOCKING_THRESHOLD {
        let h = hub.clone();
        tokio::task::spawn_blocking(move || run(&h))
            .await
            .unwrap_or_default()
    } else {
        run(&hub)
    }
}

fn disconnect(shared: &Shared, connection_id: &str, namespace: &str) {
    if let Some(socket) = shared.socket(connection_id, namespace) {
        let _ = socket.disconnect();
    }
}

pub(super) async fn send(
    shared: &Shared,
    hub: Option<Arc<Hub>>,
    scope: Scope,
    filter: Filter,
    body: &Bytes,
) -> Response {
    let Ok(text) = std::str::from_utf8(body) else {
        return bad_request("InvalidBody", "the body must be UTF-8 text");
    };
    let packet = match Packet::decode(text) {
        Ok(p) => p,
        Err(e) => return bad_request("InvalidBody", format!("invalid packet: {e}")),
    };
    let event = match packet.kind {
        PacketType::Event => match EventData::parse(packet.data) {
            Ok(d) => Some(d),
            Err(e) => return bad_request("InvalidBody", format!("invalid packet: {e}")),
        },
        PacketType::Disconnect => None,
        other => {
            return bad_request(
                "InvalidBody",
                format!("only EVENT and DISCONNECT packets can be sent, got {other:?}"),
            );
        }
    };
    let close = packet.kind == PacketType::Disconnect
        && serde_json::from_str::<Value>(packet.data).is_ok_and(|d| d["close"] == true);
    let (Some(io), Some(hub)) = (shared.io(), hub) else {
        return StatusCode::ACCEPTED.into_response();
    };
    // An `Arc`, not the name: a send without an Admin UI allocates nothing for it.
    let hub_of_sends = hub.clone();
    for (id, sockets) in select(hub, scope, filter).await {
        let Ok(sid) = Sid::from_str(&id) else {
            continue;
        };
        let socket = |ns: &str| io.of(ns).and_then(|op| op.get_socket(sid));
        match &event {
            Some(event) => {
                if let Some(s) = socket(packet.namespace) {
                    match s.emit(event.event_name.as_str(), &Spread(&event.parameters)) {
                        Ok(()) => crate::admin::event_sent(
                            shared,
                            &hub_of_sends.name,
                            packet.namespace,
                            &id,
                            &event.event_name,
                            &event.parameters,
                        ),
                        Err(e) => tracing::warn!(connection = %id, error = %e, "emit failed"),
                    }
                }
            }
            // `{"close":true}`: every namespace socket of the connection, which then closes its
            // Engine.IO connection (socket.io clients close it when no socket is left).
            None if close => {
                for (ns, _) in sockets {
                    disconnect(shared, &id, &ns);
                }
            }
            None => disconnect(shared, &id, packet.namespace),
        }
    }
    StatusCode::ACCEPTED.into_response()
}

pub(super) async fn change_groups(
    shared: &Shared,
    hub: Option<Arc<Hub>>,
    body: &Bytes,
    add: bool,
) -> Response {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return bad_request("InvalidBody", format!("invalid JSON: {e}")),
    };
    // A missing or non-text filter would otherwise select every connection.
    let Some(filter) = parsed["filter"].as_str() else {
        return bad_request("InvalidBody", "`filter` must be a string");
    };
    let filter = match Filter::parse(filter) {
        Ok(f) => f,
        Err(e) => return invalid_filter(e),
    };
    let Some(groups_named) = parsed["groups"].as_array().and_then(|g| {
        g.iter()
            .map(|g| g.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()
    }) else {
        return bad_request("InvalidBody", "`groups` must be an array of strings");
    };
    if let Some(hub) = hub {
        let ids: Vec<String> = select(hub.clone(), Scope::Hub, filter)
            .await
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut connections = hub.lock();
        for id in ids {
            if let Some(connection) = connections.get_mut(&id) {
                edit_groups(shared, &hub.name, connection, |groups| {
                    for g in &groups_named {
                        if add {
                            groups.insert(g.clone());
                        } else {
                            groups.remove(g);
                        }
                    }
                });
            }
        }
    }
    StatusCode::OK.into_response()
}

/// Closes the selected connections' sockets (`excluded` connection ids are kept).
pub(super) async fn close(
    shared: &Shared,
    hub: Option<Arc<Hub>>,
    scope: Scope,
    filter: Filter,
    query: &Query,
) -> Response {
    if let Some(hub) = hub {
        let excluded = query.values("excluded");
        let reason = query.value("reason").unwrap_or_default();
        for (id, sockets) in select(hub, scope, filter).await {
            if excluded.contains(&id) {
                continue;
            }
            // The reason is logged escaped: a caller's text cannot start a log line.
            tracing::info!(connection = %id, reason = %Escaped(reason), "closing the connection");
            for (ns, _) in sockets {
                disconnect(shared, &id, &ns);
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `HEAD`: 200 when the group, connection or user has a connection, else 404.
pub(super) async fn exists(hub: Option<Arc<Hub>>, scope: Scope) -> Response {
    let found = match (&scope, hub) {
        (_, None) => false,
        (Scope::Group(g), Some(hub)) => hub.lock().values().any(|c| c.groups.contains(g)),
        (_, Some(hub)) => !select(hub, scope, Filter::default()).await.is_empty(),
    };
    if found {
        StatusCode::OK.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// The ids of the connections a scope selects.
async fn connection_ids(hub: &Arc<Hub>, scope: Scope) -> Vec<String> {
    select(hub.clone(), scope, Filter::default())
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// Adds (`PUT`) or removes (`DELETE`) a connection or every connection of a user to or from a group.
pub(super) async fn membership(
    shared: &Shared,
    hub: Option<Arc<Hub>>,
    scope: Scope,
    group: &str,
    add: bool,
) -> Response {
    if let Some(hub) = hub {
        let ids = connection_ids(&hub, scope).await;
        let mut connections = hub.lock();
        for id in ids {
            if let Some(c) = connections.get_mut(&id) {
                edit_groups(shared, &hub.name, c, |groups| {
                    if add {
                        groups.insert(group.to_owned());
                    } else {
                        groups.remove(group);
                    }
                });
            }
        }
    }
    if add {
        StatusCode::OK
    } else {
        StatusCode::NO_CONTENT
    }
    .into_response()
}

/// Removes a connection (or a user's connections) from every group but the emulator's own: the
/// namespace and socket groups stay.
pub(super) async fn leave_all_groups(
    shared: &Shared,
    hub: Option<Arc<Hub>>,
    scope: Scope,
) -> Response {
    if let Some(hub) = hub {
        let ids = connection_ids(&hub, scope).await;
        let mut connections = hub.lock();
        for id in ids {
            if let Some(c) = connections.get_mut(&id) {
                let own: Vec<String> = c
                    .sockets
                    .iter()
                    .flat_map(|(ns, sid)| {
                        [
                            socketio_fn_protocol::groups::namespace_group(ns),
                            socketio_fn_protocol::groups::room_group(ns, sid),
                        ]
                    })
                    .collect();
                edit_groups(shared, &hub.name, c, |groups| {
                    groups.retain(|g| own.contains(g));
                });
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Changes a connection's groups; an Admin UI is told which rooms its sockets joined or left.
fn edit_groups(
    shared: &Shared,
    hub: &str,
    connection: &mut crate::hubs::Connection,
    edit: impl FnOnce(&mut std::collections::HashSet<String>),
) {
    if shared.admin.is_none() {
        edit(&mut connection.groups);
        return;
    }
    let before = connection.groups.clone();
    edit(&mut connection.groups);
    crate::admin::rooms_changed(shared, hub, connection, &before);
}

/// `:generateToken`: a client token for `hub` (`userId`, `minutesToExpire`, `role`, `group`).
pub(super) fn generate_token(shared: &Shared, hub: &str, query: &Query) -> Response {
    let user = query.value(generate_token::USER_ID);
    let minutes: u64 = match query
        .value(generate_token::MINUTES_TO_EXPIRE)
        .map(str::parse::<u64>)
    {
        None => 60,
        Some(Ok(m)) if (1..=MAX_TOKEN_MINUTES).contains(&m) => m,
        Some(_) => {
            return bad_request(
                "InvalidQuery",
                format!("`minutesToExpire` must be a whole number from 1 to {MAX_TOKEN_MINUTES}"),
            );
        }
    };
    let aud = client_audience(&shared.endpoint, hub);
    let mut claims = TokenClaims::new(
        aud,
        token::unix_now(),
        minutes.saturating_mul(60),
        user.filter(|u| !u.is_empty()).map(str::to_owned),
    );
    claims.role = query.values(generate_token::ROLE).to_vec();
    claims.groups = query.values(generate_token::GROUP).to_vec();
    match token::sign(&claims, &shared.key) {
        Ok(token) => (StatusCode::OK, axum::Json(json!({ "token": token }))).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            e.to_string(),
        ),
    }
}
