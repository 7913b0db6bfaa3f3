//! The service's REST API as the runtime and Microsoft's `@azure/web-pubsub` SDK call it (spec Appendix
//! A.5): sends to the hub, a group, a connection or a user; group membership; closing connections;
//! existence checks; client tokens. Every call is authenticated with a JWT whose audience is the request
//! URL. Operations the emulator does not offer get a 404 naming the operation.
//!
//! Paths are read from the raw request URI and each segment is percent-decoded exactly once.

use crate::hubs::{Connection, Hub};
use crate::sockets::{Shared, Spread};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use socketio_fn_protocol::filter::Filter;
use socketio_fn_protocol::packet::{EventData, Packet, PacketType};
use socketio_fn_protocol::paths::{
    REST_HUB_PREFIX, client_audience, decode_component, is_valid_hub,
};
use socketio_fn_protocol::token::{self, DEFAULT_LEEWAY_SECS, TokenClaims};
use socketioxide::socket::Sid;
use std::str::FromStr;
use std::sync::Arc;

/// API versions the emulator accepts.
pub const API_VERSIONS: [&str; 4] = ["2021-10-01", "2023-07-01", "2024-01-01", "2024-12-01"];
/// The largest REST body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The longest client token lifetime `:generateToken` issues (one year).
pub const MAX_TOKEN_MINUTES: u64 = 365 * 24 * 60;
/// Filter work (conditions x connections) above which evaluation moves off the async runtime.
const BLOCKING_THRESHOLD: usize = 16 * 1024;

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({ "code": code, "message": message.into() });
    (status, [("x-ms-error-code", code)], axum::Json(body)).into_response()
}

fn bad_request(code: &str, message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, code, message)
}

/// Which connections a call addresses.
#[derive(Debug, Clone)]
enum Scope {
    Hub,
    Group(String),
    Connection(String),
    User(String),
}

enum Operation {
    Send(Scope),
    Close(Scope),
    Exists(Scope),
    ChangeGroups {
        add: bool,
    },
    Membership {
        add: bool,
        group: String,
        scope: Scope,
    },
    LeaveAllGroups(Scope),
    GenerateToken,
}

/// Routes a path (after `/api/hubs/<hub>/`) and method to an operation; the error is the reply itself.
#[allow(clippy::result_large_err)]
fn operation(method: &Method, segments: &[String]) -> Result<Operation, Response> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let scoped = |kind: &str, id: &str| match kind {
        "groups" => Scope::Group(id.to_owned()),
        "connections" => Scope::Connection(id.to_owned()),
        _ => Scope::User(id.to_owned()),
    };
    let expect = |allowed: Method, op: Operation| {
        if *method == allowed {
            Ok(op)
        } else {
            Err(error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                format!("use {allowed} for `{}`", segments.join("/")),
            ))
        }
    };
    match s.as_slice() {
        [":send"] => expect(Method::POST, Operation::Send(Scope::Hub)),
        [kind @ ("groups" | "connections" | "users"), id, ":send"] => {
            expect(Method::POST, Operation::Send(scoped(kind, id)))
        }
        [":closeConnections"] => expect(Method::POST, Operation::Close(Scope::Hub)),
        [kind @ ("groups" | "users"), id, ":closeConnections"] => {
            expect(Method::POST, Operation::Close(scoped(kind, id)))
        }
        ["connections", id] if method == Method::DELETE => {
            Ok(Operation::Close(Scope::Connection((*id).to_owned())))
        }
        [kind @ ("groups" | "connections" | "users"), id] => {
            expect(Method::HEAD, Operation::Exists(scoped(kind, id)))
        }
        [":addToGroups"] => expect(Method::POST, Operation::ChangeGroups { add: true }),
        [":removeFromGroups"] => expect(Method::POST, Operation::ChangeGroups { add: false }),
        ["groups", group, kind @ ("connections" | "users"), id]
        | [kind @ "users", id, "groups", group] => {
            let add = match *method {
                Method::PUT => true,
                Method::DELETE => false,
                _ => {
                    return Err(error(
                        StatusCode::METHOD_NOT_ALLOWED,
                        "MethodNotAllowed",
                        "use PUT to add or DELETE to remove",
                    ));
                }
            };
            Ok(Operation::Membership {
                add,
                group: (*group).to_owned(),
                scope: scoped(kind, id),
            })
        }
        [kind @ ("connections" | "users"), id, "groups"] => {
            expect(Method::DELETE, Operation::LeaveAllGroups(scoped(kind, id)))
        }
        [":generateToken"] => expect(Method::POST, Operation::GenerateToken),
        _ => Err(error(
            StatusCode::NOT_FOUND,
            "NotSupported",
            format!(
                "the emulator does not offer `{} {}` (see its fidelity page)",
                method,
                segments.join("/")
            ),
        )),
    }
}

/// Serves one REST call.
pub(crate) async fn handle(shared: Arc<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // Raw segments after the prefix, each decoded once.
    let raw = parts
        .uri
        .path()
        .strip_prefix(REST_HUB_PREFIX)
        .unwrap_or_default();
    let Some(segments) = raw
        .split('/')
        .map(decode_component)
        .collect::<Option<Vec<String>>>()
    else {
        return bad_request("InvalidPath", "a path segment is not UTF-8");
    };
    let Some((hub, rest)) = segments.split_first() else {
        return bad_request("InvalidPath", "no hub in the path");
    };
    if !is_valid_hub(hub) {
        return bad_request(
            "InvalidHub",
            "the hub name must match ^[A-Za-z][A-Za-z0-9_`,.[\\]]{0,127}$",
        );
    }
    let operation = match operation(&parts.method, rest) {
        Ok(op) => op,
        Err(response) => return response,
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    let audience = format!("{}{path_and_query}", shared.endpoint);
    let Some(bearer) = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing bearer token",
        );
    };
    if let Err(e) = token::verify(bearer, &shared.key, &audience, DEFAULT_LEEWAY_SECS) {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized", e.to_string());
    }
    let query: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let values = |name: &str| -> Vec<String> {
        query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    match value("api-version") {
        Some(v) if API_VERSIONS.contains(&v) => {}
        other => {
            return bad_request(
                "InvalidApiVersion",
                format!("unsupported api-version {other:?}; expected one of {API_VERSIONS:?}"),
            );
        }
    }
    let body = match read(body).await {
        Ok(b) => b,
        Err(response) => return response,
    };
    let filter = match Filter::parse(value("filter").unwrap_or_default()) {
        Ok(f) => f,
        Err(e) => return invalid_filter(e),
    };
    let hub_state = shared.hubs.get(hub);
    match operation {
        Operation::GenerateToken => generate_token(
            &shared,
            hub,
            value("userId"),
            value("minutesToExpire"),
            values("role"),
            values("group"),
        ),
        Operation::Send(scope) => send(&shared, hub_state, scope, filter, &body).await,
        Operation::Close(scope) => {
            if let Some(hub) = hub_state {
                let excluded = values("excluded");
                let targets = select(hub, scope, filter).await;
                for (id, sockets) in targets {
                    if excluded.contains(&id) {
                        continue;
                    }
                    for (ns, _) in sockets {
                        disconnect(&shared, &id, &ns);
                    }
                }
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Operation::Exists(scope) => {
            let found = match (&scope, hub_state) {
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
        Operation::ChangeGroups { add } => change_groups(hub_state, &body, add).await,
        Operation::Membership { add, group, scope } => {
            if let Some(hub) = hub_state {
                let ids: Vec<String> = select(hub.clone(), scope, Filter::default())
                    .await
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
                let mut connections = hub.lock();
                for id in ids {
                    if let Some(c) = connections.get_mut(&id) {
                        if add {
                            c.groups.insert(group.clone());
                        } else {
                            c.groups.remove(&group);
                        }
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
        Operation::LeaveAllGroups(scope) => {
            if let Some(hub) = hub_state {
                let ids: Vec<String> = select(hub.clone(), scope, Filter::default())
                    .await
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
                let mut connections = hub.lock();
                for id in ids {
                    if let Some(c) = connections.get_mut(&id) {
                        // The namespace and socket groups are the emulator's, not the caller's.
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
                        c.groups.retain(|g| own.contains(g));
                    }
                }
            }
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

#[allow(clippy::result_large_err)]
async fn read(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestTooLarge",
                format!("the body must be at most {MAX_BODY_BYTES} bytes: {e}"),
            )
        })
}

/// The 400 reply for a filter that does not parse.
fn invalid_filter(reason: impl std::fmt::Display) -> Response {
    bad_request("InvalidFilter", format!("invalid filter: {reason}"))
}

impl Scope {
    fn contains(&self, id: &str, connection: &Connection) -> bool {
        match self {
            Self::Hub => true,
            Self::Group(g) => connection.groups.contains(g),
            Self::Connection(c) => id == c,
            Self::User(u) => connection.user_id.as_deref() == Some(u.as_str()),
        }
    }
}

/// The connections a scope and filter select: (connection id, [(namespace, socket id)]). Large
/// evaluations run on a blocking thread, so the async runtime keeps serving.
async fn select(
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
    let (Some(io), Ok(sid)) = (shared.io(), Sid::from_str(connection_id)) else {
        return;
    };
    if let Some(socket) = io.of(namespace).and_then(|op| op.get_socket(sid)) {
        let _ = socket.disconnect();
    }
}

async fn send(
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
    for (id, sockets) in select(hub, scope, filter).await {
        let Ok(sid) = Sid::from_str(&id) else {
            continue;
        };
        let socket = |ns: &str| io.of(ns).and_then(|op| op.get_socket(sid));
        match &event {
            Some(event) => {
                if let Some(s) = socket(packet.namespace)
                    && let Err(e) = s.emit(event.event_name.as_str(), &Spread(&event.parameters))
                {
                    tracing::warn!(connection = %id, error = %e, "emit failed");
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

async fn change_groups(hub: Option<Arc<Hub>>, body: &Bytes, add: bool) -> Response {
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
    let Some(groups) = parsed["groups"].as_array().and_then(|g| {
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
                for g in &groups {
                    if add {
                        connection.groups.insert(g.clone());
                    } else {
                        connection.groups.remove(g);
                    }
                }
            }
        }
    }
    StatusCode::OK.into_response()
}

fn generate_token(
    shared: &Shared,
    hub: &str,
    user: Option<&str>,
    minutes: Option<&str>,
    roles: Vec<String>,
    groups: Vec<String>,
) -> Response {
    let minutes: u64 = match minutes.map(str::parse::<u64>) {
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
    claims.role = roles;
    claims.groups = groups;
    match token::sign(&claims, &shared.key) {
        Ok(token) => (StatusCode::OK, axum::Json(json!({ "token": token }))).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            e.to_string(),
        ),
    }
}
